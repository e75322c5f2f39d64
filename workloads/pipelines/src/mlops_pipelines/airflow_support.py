"""What both DAGs share: task defaults (retries with exponential backoff, a maximum delay, a timeout), the
failure callback, the Asset between them, and the metrics push at the end of a run.

Checked against apache-airflow-task-sdk 1.3.2 (Airflow 3.3.2): ``airflow.sdk`` exports ``Asset``, ``dag`` and
``task``; ``BaseOperator`` takes ``retry_exponential_backoff`` as a float multiplier (0 = constant delay) and
``max_retry_delay`` as a timedelta; a task-level ``on_failure_callback`` receives the task's context.

Pipeline metrics are pushed from the task to the Pushgateway, the same way the validation CronJob pushes them,
not sent through Airflow's StatsD: one mechanism and one set of contract names for every pipeline, labelled
by pipeline rather than by Airflow's dag/task-derived StatsD names, and a failure is recorded even when the
worker pod is gone a second later.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Mapping
from typing import Any, Final

from airflow.sdk import Asset

from data_validation.metrics import RunOutcome, push
from data_validation.s3 import S3Client, client
from mlops_pipelines.settings import PipelineSettings
from platform_contract import PIPELINES

log = logging.getLogger(__name__)

DATA_PIPELINE: Final = PIPELINES["data"]
MODEL_PIPELINE: Final = PIPELINES["model"]

#: Published wine features: ``publish`` updates it, and each update schedules the model DAG.
WINE_FEATURES: Final = Asset(name="wine_features", uri="s3://processed/published/wine/")


def task_defaults(pipeline: str) -> dict[str, Any]:
    """``default_args`` of every task: transient S3/MLflow errors are retried, waiting 30 s, 60 s, 120 s (at most 10 min)."""
    return {
        "owner": "platform",
        "retries": 3,
        "retry_delay": dt.timedelta(seconds=30),
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": dt.timedelta(minutes=10),
        "execution_timeout": dt.timedelta(minutes=15),
        "on_failure_callback": failure_callback(pipeline),
    }


def settings() -> PipelineSettings:
    """The worker's configuration, read when a task runs (never at DAG parse time)."""
    return PipelineSettings.from_env(os.environ)


def s3() -> S3Client:
    return client()


def logical_day(ds: str | None) -> dt.date:
    if not ds:
        raise ValueError("the task needs the run's logical date (ds)")
    return dt.date.fromisoformat(ds)


def _run_seconds(context: Mapping[str, Any]) -> float:
    dag_run = context.get("dag_run")
    started = getattr(dag_run, "start_date", None)
    return max(0.0, time.time() - started.timestamp()) if started else 0.0


def push_outcome(pipeline: str, succeeded: bool, records: int | None, context: Mapping[str, Any], failed_checks: int = 0) -> None:
    """Push the run's last state (the contract's ``pipeline_last_*`` gauges) for ``pipeline``."""
    push(settings().pushgateway_url, RunOutcome(pipeline, succeeded, records, failed_checks, _run_seconds(context)))


def failure_callback(pipeline: str) -> Any:
    """A task failed for good (retries exhausted): record the failure where the alert reads it."""

    def on_failure(context: Mapping[str, Any]) -> None:
        ti = context.get("ti") or context.get("task_instance")
        log.error("%s: task %s failed: %s", pipeline, getattr(ti, "task_id", "?"), context.get("exception"))
        try:
            push_outcome(pipeline, False, None, context)
        except Exception:  # a callback must not hide the task's own error
            log.exception("%s: could not push the failure metrics", pipeline)

    return on_failure
