"""The CronJob's entry point, end to end against moto and a recording Pushgateway."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import PROCESSED, RAW, Gateway, put_raw
from data_validation import layout
from data_validation.cli import main
from platform_contract import ENV, METRICS


def env(gateway: Gateway, **extra: str) -> dict[str, str]:
    return {
        ENV["rawBucket"]: RAW,
        ENV["processedBucket"]: PROCESSED,
        ENV["pipelineName"]: "data-validation",
        ENV["pushgatewayUrl"]: gateway.url,
        **extra,
    }


def pushed_names(gateway: Gateway) -> set[str]:
    return {f.name for f in text_string_to_metric_families(gateway.pushes[-1][2])}


def test_validates_only_new_partitions_and_exits_zero(
    s3: Any, good_csv: bytes, gateway: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    day1, day2 = dt.date(2026, 1, 1), dt.date(2026, 1, 2)
    put_raw(s3, good_csv, day1)
    assert main([], env(gateway)) == 0
    put_raw(s3, good_csv.replace(b"2026-01-01", b"2026-01-02"), day2)
    assert main([], env(gateway)) == 0
    out = capsys.readouterr().out
    assert out.count("2026-01-01: passed") == 1  # the second run saw only the new day
    assert f"2026-01-02: passed ({len(good_csv.splitlines()) - 1} rows)" in out
    assert s3.head_object(Bucket=PROCESSED, Key=layout.report_key(day2))
    assert METRICS["pipeline"]["lastSuccessTimestamp"]["name"] in pushed_names(gateway)


def test_a_bad_batch_exits_one_naming_every_failed_check_and_still_pushes(
    s3: Any, good_csv: bytes, gateway: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = good_csv.decode().splitlines()
    first = lines[1].split(",")
    first[2], first[15] = "", "7"  # alcohol missing, cultivar unknown
    put_raw(s3, "\n".join([lines[0], ",".join(first), *lines[2:]]).encode())
    assert main([], env(gateway, **{ENV["validationDates"]: "2026-01-01"})) == 1
    err = capsys.readouterr().err
    assert "alcohol: not_nullable (1 failing)" in err
    assert "cultivar: isin([0, 1, 2]) (1 failing)" in err
    names = pushed_names(gateway)
    assert METRICS["pipeline"]["lastFailureTimestamp"]["name"] in names
    assert METRICS["pipeline"]["lastSuccessTimestamp"]["name"] not in names


def test_a_partition_without_raw_data_fails_the_run(s3: Any, gateway: Gateway, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([], env(gateway, **{ENV["validationDates"]: "2026-01-05"})) == 1
    assert "wine/ds=2026-01-05/batch.csv does not exist" in capsys.readouterr().err
    assert METRICS["pipeline"]["lastFailureTimestamp"]["name"] in pushed_names(gateway)


def test_bad_configuration_exits_two_naming_the_variable_before_touching_anything(
    gateway: Gateway, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([], {ENV["rawBucket"]: RAW}) == 2
    err = capsys.readouterr().err
    assert "PROCESSED_BUCKET is not set" in err and "PUSHGATEWAY_URL is not set" in err
    assert gateway.pushes == []
