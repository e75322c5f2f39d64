"""Entry point of the data-validation image (the ``DataValidationChart`` CronJob).

Validates every new raw partition (those without a report yet, or the dates in ``VALIDATION_DATES``), writes
each report to the processed bucket, pushes the run's metrics whatever happened, and exits non-zero naming
every failed check.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import sys
import time
from collections.abc import Mapping, Sequence

from data_validation import layout, s3
from data_validation.config import ConfigError, Settings
from data_validation.metrics import RunOutcome, push
from data_validation.validate import ValidationResult, validate_partition

log = logging.getLogger("data_validation")


def new_partitions(client: s3.S3Client, settings: Settings) -> list[dt.date]:
    """Raw partitions that have no report yet: what arrived since the last run."""
    days = sorted(
        {d for k in s3.list_keys(client, settings.raw_bucket, layout.raw_prefix()) if (d := layout.day_of_key(k, layout.raw_prefix()))}
    )
    return [d for d in days if not s3.exists(client, settings.processed_bucket, layout.report_key(d))]


def run(settings: Settings, client: s3.S3Client) -> tuple[list[ValidationResult], list[str]]:
    """Validate the partitions; returns the results and the errors of partitions that could not be read."""
    days = list(settings.dates) or new_partitions(client, settings)
    results: list[ValidationResult] = []
    errors: list[str] = []
    for day in days:
        try:
            results.append(validate_partition(client, settings.raw_bucket, settings.processed_bucket, day))
        except s3.MissingObjectError as error:
            errors.append(f"{day.isoformat()}: {error}")
    return results, errors


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    started = time.monotonic()
    try:
        settings = Settings.from_env(os.environ if environ is None else environ)
    except ConfigError as config_error:
        print(f"data-validation: {config_error}", file=sys.stderr)
        return 2
    client = s3.client()
    results: list[ValidationResult] = []
    errors: list[str] = []
    try:
        results, errors = run(settings, client)
    except Exception as run_error:  # anything unexpected still gets its failure pushed below
        errors.append(f"run failed: {type(run_error).__name__}: {run_error}")
    failed = [r for r in results if not r.valid]
    for result in results:
        state = "passed" if result.valid else "FAILED"
        print(f"{result.day.isoformat()}: {state} ({result.rows} rows) {result.source}")
        for check in result.failed_checks:
            print(f"  failed check: {check.describe()}")
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if not results and not errors:
        print("no new raw partitions to validate")
    outcome = RunOutcome(
        pipeline=settings.pipeline,
        succeeded=not failed and not errors,
        records=sum(r.rows for r in results),
        failed_checks=sum(len(r.failed_checks) for r in results),
        duration_seconds=time.monotonic() - started,
    )
    try:
        push(settings.pushgateway_url, outcome)
    except OSError as push_error:
        # The run's verdict stands; a lost push shows up as a stale last-run timestamp.
        print(f"error: could not push metrics to {settings.pushgateway_url}: {push_error}", file=sys.stderr)
        return 1
    if failed or errors:
        names = sorted({c.describe() for r in failed for c in r.failed_checks})
        if names:
            print(f"data-validation: {len(failed)} partition(s) failed: " + "; ".join(names), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
