from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_validation.schema import COLUMNS, MIN_ROWS
from data_validation.validate import FailedCheck, check_frame, read_batch

DAY = dt.date(2026, 1, 1)


def names(failed: list[FailedCheck]) -> set[tuple[str | None, str]]:
    return {(c.column, c.check) for c in failed}


def test_the_producers_batch_passes(good_frame: pd.DataFrame) -> None:
    assert list(good_frame.columns) == list(COLUMNS)
    assert check_frame(good_frame, DAY) == []


def test_a_missing_value_fails_the_columns_null_check(good_frame: pd.DataFrame) -> None:
    good_frame.loc[0, "alcohol"] = None
    assert ("alcohol", "not_nullable") in names(check_frame(good_frame, DAY))


def test_an_out_of_range_value_fails_the_range_check(good_frame: pd.DataFrame) -> None:
    good_frame.loc[0, "magnesium"] = -5.0
    failed = [c for c in check_frame(good_frame, DAY) if c.column == "magnesium"]
    assert [c.check for c in failed] == ["in_range(0.0, 300.0)"]
    assert failed[0].examples == ["-5.0"]


def test_a_duplicated_id_fails_uniqueness(good_frame: pd.DataFrame) -> None:
    ids = good_frame["record_id"].tolist()
    good_frame["record_id"] = [ids[0], ids[0], *ids[2:]]
    failed = {c.check: c for c in check_frame(good_frame, DAY) if c.column == "record_id"}
    assert failed["field_uniqueness"].failures == 2


def test_an_unknown_class_fails_isin(good_frame: pd.DataFrame) -> None:
    good_frame.loc[0, "cultivar"] = 7
    assert ("cultivar", "isin([0, 1, 2])") in names(check_frame(good_frame, DAY))


def test_text_in_a_numeric_column_fails_its_type(good_csv: bytes) -> None:
    text = good_csv.decode().splitlines()
    fields = text[1].split(",")
    fields[2] = "unknown"  # alcohol
    frame = read_batch("\n".join([text[0], ",".join(fields), *text[2:]]).encode())
    assert any(c.column == "alcohol" and c.check.startswith("dtype(") for c in check_frame(frame, DAY))


def test_an_unknown_and_a_missing_column_are_both_named(good_frame: pd.DataFrame) -> None:
    frame = good_frame.drop(columns=["hue"]).assign(sensor_note="n/a")
    failed = check_frame(frame, DAY)
    described = [c.describe() for c in failed]
    assert "column_in_schema: sensor_note" in described
    assert "column_in_dataframe: hue" in described


def test_too_few_rows_fail_the_row_count(good_frame: pd.DataFrame) -> None:
    failed = check_frame(good_frame.head(MIN_ROWS - 1), DAY)
    assert [c.check for c in failed] == ["row_count_in_range"]


def test_rows_of_another_day_fail_the_partition_checks(good_frame: pd.DataFrame) -> None:
    good_frame.loc[0, "batch_date"] = "2026-01-02"
    assert names(check_frame(good_frame, DAY)) == {
        (None, "single_batch_date"),
        ("batch_date", "equals_partition_date(2026-01-01)"),
    }


@pytest.mark.parametrize("day", [dt.date(2026, 1, 2)])
def test_a_batch_under_the_wrong_partition_fails(good_frame: pd.DataFrame, day: dt.date) -> None:
    failed = check_frame(good_frame, day)
    assert failed == [FailedCheck("batch_date", "equals_partition_date(2026-01-02)", len(good_frame), ["2026-01-01"] * 3)]


def test_every_failure_is_collected_not_just_the_first(good_frame: pd.DataFrame) -> None:
    good_frame.loc[0, "alcohol"] = None
    good_frame.loc[1, "magnesium"] = 999.0
    good_frame.loc[2, "cultivar"] = 5
    assert {c.column for c in check_frame(good_frame, DAY)} >= {"alcohol", "magnesium", "cultivar"}
