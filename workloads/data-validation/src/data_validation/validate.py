"""Validate one partition: read the raw batch, check it against :class:`WineBatch`, write the report.

The report is written whatever the outcome (it is how a failure is explained); only a passing report lets
the DAG's ``publish`` task publish the partition.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
import pandera.errors

from data_validation import layout
from data_validation.s3 import S3Client, read_object, write_object
from data_validation.schema import DATE_COLUMN, WineBatch

#: Version of the report's JSON layout; consumers check it before reading the rest.
REPORT_FORMAT = 1


@dataclass(frozen=True)
class FailedCheck:
    """One rule that failed, with how often and a few offending values."""

    column: str | None
    check: str
    failures: int
    examples: list[str] = field(default_factory=list)

    def describe(self) -> str:
        if self.column:
            return f"{self.column}: {self.check} ({self.failures} failing)"
        # Frame-level checks (unknown column, row count) name their subject in the failure case.
        return f"{self.check}: {', '.join(self.examples)}"


@dataclass(frozen=True)
class ValidationResult:
    day: dt.date
    rows: int
    failed_checks: list[FailedCheck]
    source: str
    duration_seconds: float

    @property
    def valid(self) -> bool:
        return not self.failed_checks

    def report(self) -> dict[str, Any]:
        return {
            "format": REPORT_FORMAT,
            "dataset": layout.DATASET,
            "schema": WineBatch.Config.name,
            "partition": self.day.isoformat(),
            "source": self.source,
            "rows": self.rows,
            "valid": self.valid,
            "failed_checks": [asdict(c) for c in self.failed_checks],
            "duration_seconds": round(self.duration_seconds, 3),
        }


def read_batch(data: bytes) -> pd.DataFrame:
    """Parse a raw CSV batch. Types are inferred, not forced: a wrong type must fail validation, not parsing."""
    return pd.read_csv(io.BytesIO(data), dtype={DATE_COLUMN: str})


def check_frame(frame: pd.DataFrame, day: dt.date) -> list[FailedCheck]:
    """Every failed check of ``frame`` (pandera's lazy mode collects them all), plus the partition-date rule."""
    failed: list[FailedCheck] = []
    try:
        WineBatch.validate(frame, lazy=True)
    except pandera.errors.SchemaErrors as errors:
        cases = errors.failure_cases
        for (column, check), group in cases.groupby(["column", "check"], dropna=False, sort=True):
            failed.append(
                FailedCheck(
                    column=None if pd.isna(column) or column == WineBatch.Config.name else str(column),
                    check=str(check),
                    failures=len(group),
                    examples=[str(v) for v in group["failure_case"].head(3)],
                )
            )
    if DATE_COLUMN in frame.columns:
        wrong_day = frame[frame[DATE_COLUMN].astype("string") != day.isoformat()]
        if len(wrong_day):
            failed.append(
                FailedCheck(
                    column=DATE_COLUMN,
                    check=f"equals_partition_date({day.isoformat()})",
                    failures=len(wrong_day),
                    examples=[str(v) for v in wrong_day[DATE_COLUMN].head(3)],
                )
            )
    return failed


def validate_partition(s3: S3Client, raw_bucket: str, processed_bucket: str, day: dt.date) -> ValidationResult:
    """Validate the raw batch of ``day`` and write its report to the processed bucket (overwriting a rerun's)."""
    started = time.monotonic()
    key = layout.raw_key(day)
    frame = read_batch(read_object(s3, raw_bucket, key))
    failed = check_frame(frame, day)
    result = ValidationResult(
        day=day,
        rows=len(frame),
        failed_checks=failed,
        source=f"s3://{raw_bucket}/{key}",
        duration_seconds=time.monotonic() - started,
    )
    write_object(
        s3,
        processed_bucket,
        layout.report_key(day),
        json.dumps(result.report(), indent=2).encode(),
        content_type="application/json",
    )
    return result


def read_report(s3: S3Client, processed_bucket: str, day: dt.date) -> dict[str, Any]:
    """The report of ``day``; a missing or foreign-format report is an error, never a pass."""
    report: dict[str, Any] = json.loads(read_object(s3, processed_bucket, layout.report_key(day)))
    if report.get("format") != REPORT_FORMAT:
        raise ValueError(f"report for {day.isoformat()} has format {report.get('format')!r}, expected {REPORT_FORMAT}")
    return report
