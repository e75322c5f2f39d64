"""The data DAG's tasks: ``ingest -> validate -> transform -> publish``, one partition per logical date.

Each task reads what the one before wrote for the same day and overwrites its own single object, so a rerun
of a day replaces that day's objects and never adds to them.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Final

import numpy as np
import pandas as pd
from sklearn.datasets import load_wine

from data_validation import layout
from data_validation.s3 import S3Client, read_object, write_object
from data_validation.schema import COLUMNS, DATE_COLUMN, FEATURE_COLUMNS, ID_COLUMN, TARGET_COLUMN
from data_validation.validate import ValidationResult, read_batch, read_report, validate_partition
from mlops_pipelines.settings import PipelineSettings

#: The wine data set (178 samples, shipped inside scikit-learn's wheel) cut into this many daily batches.
BATCHES: Final = 7
#: Day 0 of the batch cycle: the batch of a day is ``(day - EPOCH).days % BATCHES``.
EPOCH: Final = dt.date(2026, 1, 1)
_SEED: Final = 20260101
_SKLEARN_RENAMES: Final = {"od280/od315_of_diluted_wines": "od280_od315_of_diluted_wines", "target": TARGET_COLUMN}


class ValidationFailed(RuntimeError):
    """The batch of a day failed its schema; the message names every failed check."""

    def __init__(self, result: ValidationResult) -> None:
        self.result = result
        checks = "; ".join(c.describe() for c in result.failed_checks)
        super().__init__(f"{result.source} failed validation: {checks}")


def source_frame() -> pd.DataFrame:
    """The whole data set with a stable ``record_id`` per sample, shuffled once (seeded) so every batch mixes cultivars."""
    frame: pd.DataFrame = load_wine(as_frame=True).frame.rename(columns=_SKLEARN_RENAMES)
    frame.insert(0, ID_COLUMN, np.arange(len(frame), dtype="int64"))
    order = np.random.default_rng(_SEED).permutation(len(frame))
    shuffled: pd.DataFrame = frame.iloc[order].reset_index(drop=True)
    return shuffled


def batch_for(day: dt.date) -> pd.DataFrame:
    """The rows that arrive on ``day``: the same rows for the same day, on every run."""
    index = (day - EPOCH).days % BATCHES
    frame = source_frame()
    batch = frame.iloc[index::BATCHES].copy()
    batch.insert(1, DATE_COLUMN, day.isoformat())
    return batch[list(COLUMNS)].reset_index(drop=True)


def ingest(s3: S3Client, settings: PipelineSettings, day: dt.date) -> int:
    """Land the day's batch in the raw bucket as the producer's CSV; returns the row count."""
    batch = batch_for(day)
    write_object(s3, settings.raw_bucket, layout.raw_key(day), batch.to_csv(index=False).encode())
    return len(batch)


def validate(s3: S3Client, settings: PipelineSettings, day: dt.date) -> dict[str, object]:
    """Check the raw batch (the data-validation library, as the CronJob runs it); raise naming each failed check."""
    result = validate_partition(s3, settings.raw_bucket, settings.processed_bucket, day)
    if not result.valid:
        raise ValidationFailed(result)
    return {"rows": result.rows, "report": f"s3://{settings.processed_bucket}/{layout.report_key(day)}"}


def _require_valid(s3: S3Client, settings: PipelineSettings, day: dt.date) -> None:
    report = read_report(s3, settings.processed_bucket, day)
    if report.get("valid") is not True:
        raise RuntimeError(f"partition {day.isoformat()} has no passing validation report; refusing to use it")


def features(batch: pd.DataFrame) -> pd.DataFrame:
    """Model inputs: the measurements plus two ratios chemists use to tell the cultivars apart."""
    out = batch[[ID_COLUMN, *FEATURE_COLUMNS, TARGET_COLUMN]].copy()
    out["flavanoid_ratio"] = out["flavanoids"] / out["total_phenols"]
    out["log_proline"] = np.log(out["proline"])
    return out


def transform(s3: S3Client, settings: PipelineSettings, day: dt.date) -> int:
    """Stage the features of a validated batch; returns the row count."""
    _require_valid(s3, settings, day)
    staged = features(read_batch(read_object(s3, settings.raw_bucket, layout.raw_key(day))))
    write_object(s3, settings.processed_bucket, layout.features_key(day), staged.to_csv(index=False).encode())
    return len(staged)


def publish(s3: S3Client, settings: PipelineSettings, day: dt.date) -> int:
    """Move the staged features to the published prefix the model DAG reads; returns the row count."""
    _require_valid(s3, settings, day)
    body = read_object(s3, settings.processed_bucket, layout.features_key(day))
    write_object(s3, settings.processed_bucket, layout.published_key(day), body)
    return len(pd.read_csv(io.BytesIO(body)))
