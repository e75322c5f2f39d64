from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from conftest import PROCESSED, RAW
from data_validation import layout
from mlops_pipelines import data
from mlops_pipelines.settings import PipelineSettings

DAY = dt.date(2026, 1, 1)
VALIDATION_FIXTURE = Path(__file__).parents[2] / "data-validation" / "tests" / "fixtures" / "wine-2026-01-01.csv"


def keys(s3: Any, bucket: str) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_a_cycle_of_daily_batches_covers_the_data_set_once() -> None:
    days = [data.EPOCH + dt.timedelta(days=i) for i in range(data.BATCHES)]
    ids = pd.concat([data.batch_for(d) for d in days])["record_id"]
    assert sorted(ids) == list(range(178))
    assert data.batch_for(days[0]).equals(
        data.batch_for(days[0] + dt.timedelta(days=data.BATCHES))["record_id"].pipe(lambda _: data.batch_for(days[0]))
    )


def test_the_validation_tests_fixture_is_what_ingest_writes() -> None:
    # data-validation's tests run on this file; it must stay byte-identical to the producer's output.
    assert VALIDATION_FIXTURE.read_text() == data.batch_for(DAY).to_csv(index=False)


def test_ingest_writes_one_object_per_day_and_a_rerun_overwrites_it(s3: Any, settings: PipelineSettings) -> None:
    rows = data.ingest(s3, settings, DAY)
    assert data.ingest(s3, settings, DAY) == rows
    assert keys(s3, RAW) == [layout.raw_key(DAY)]


def test_a_good_day_flows_to_published_features(s3: Any, settings: PipelineSettings) -> None:
    rows = data.ingest(s3, settings, DAY)
    assert data.validate(s3, settings, DAY)["rows"] == rows
    assert data.transform(s3, settings, DAY) == rows
    assert data.publish(s3, settings, DAY) == rows
    published = pd.read_csv(io.BytesIO(s3.get_object(Bucket=PROCESSED, Key=layout.published_key(DAY))["Body"].read()))
    assert {"flavanoid_ratio", "log_proline", "cultivar"} <= set(published.columns)
    assert "batch_date" not in published.columns
    assert published["log_proline"].between(5, 8).all()


def test_a_corrupted_batch_fails_validation_naming_the_checks_and_is_never_published(s3: Any, settings: PipelineSettings) -> None:
    batch = data.batch_for(DAY)
    batch.loc[0, "hue"] = None
    batch.loc[1, "proline"] = 99999.0
    s3.put_object(Bucket=RAW, Key=layout.raw_key(DAY), Body=batch.to_csv(index=False).encode())
    with pytest.raises(data.ValidationFailed) as failed:
        data.validate(s3, settings, DAY)
    assert "hue: not_nullable (1 failing)" in str(failed.value)
    assert "proline: in_range(0.0, 3000.0) (1 failing)" in str(failed.value)
    for stage in (data.transform, data.publish):
        with pytest.raises(RuntimeError, match="has no passing validation report; refusing to use it"):
            stage(s3, settings, DAY)
    assert keys(s3, PROCESSED) == [layout.report_key(DAY)]


def test_publish_refuses_a_day_that_was_never_validated(s3: Any, settings: PipelineSettings) -> None:
    data.ingest(s3, settings, DAY)
    with pytest.raises(FileNotFoundError, match=r"validation/wine/ds=2026-01-01/report\.json does not exist"):
        data.publish(s3, settings, DAY)
