from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import DAY, PROCESSED, RAW, put_raw
from data_validation import layout
from data_validation.s3 import MissingObjectError
from data_validation.validate import REPORT_FORMAT, read_report, validate_partition


def test_a_good_batch_gets_a_passing_report_in_the_processed_bucket(s3: Any, good_csv: bytes) -> None:
    put_raw(s3, good_csv)
    result = validate_partition(s3, RAW, PROCESSED, DAY)
    assert result.valid
    report = json.loads(s3.get_object(Bucket=PROCESSED, Key=layout.report_key(DAY))["Body"].read())
    assert report["format"] == REPORT_FORMAT
    assert report["valid"] is True
    assert report["rows"] == len(good_csv.splitlines()) - 1
    assert report["source"] == f"s3://{RAW}/wine/ds=2026-01-01/batch.csv"
    assert report["failed_checks"] == []


def test_a_rerun_overwrites_the_days_report(s3: Any, good_csv: bytes) -> None:
    put_raw(s3, good_csv.replace(b",1\n", b",9\n", 1))
    assert not validate_partition(s3, RAW, PROCESSED, DAY).valid
    put_raw(s3, good_csv)
    assert validate_partition(s3, RAW, PROCESSED, DAY).valid
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=PROCESSED)["Contents"]] == [layout.report_key(DAY)]
    assert read_report(s3, PROCESSED, DAY)["valid"] is True


def test_a_failing_report_lists_each_failed_check(s3: Any, good_csv: bytes) -> None:
    lines = good_csv.decode().splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[6], "-3.0", 1)  # magnesium of the first row
    put_raw(s3, "\n".join(lines).encode())
    validate_partition(s3, RAW, PROCESSED, DAY)
    report = read_report(s3, PROCESSED, DAY)
    assert report["valid"] is False
    assert [(c["column"], c["check"], c["failures"]) for c in report["failed_checks"]] == [("magnesium", "in_range(0.0, 300.0)", 1)]


def test_a_missing_raw_object_is_an_error_naming_it(s3: Any) -> None:
    with pytest.raises(MissingObjectError, match=r"s3://test-raw/wine/ds=2026-01-01/batch.csv does not exist"):
        validate_partition(s3, RAW, PROCESSED, DAY)
