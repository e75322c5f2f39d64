"""The pipeline metrics every run pushes to the Pushgateway, named by the contract.

Pushed with ``pushadd_to_gateway`` (HTTP POST, prometheus_client 0.26.0 ``exposition.py``): the Pushgateway
replaces only the metric names in the push and keeps the group's others, so a failed run updates
``pipeline_last_failure_timestamp_seconds`` and leaves the last success in place, and the reverse. The alert
"failed" is then "last failure newer than last success", which clears as soon as a run succeeds.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from prometheus_client import CollectorRegistry, Gauge
from prometheus_client.exposition import default_handler, pushadd_to_gateway

from platform_contract import METRICS

log = logging.getLogger(__name__)
_SPECS = METRICS["pipeline"]


@dataclass(frozen=True)
class RunOutcome:
    pipeline: str
    succeeded: bool
    #: None when the run cannot tell (a failed Airflow task): the last known count is left in place.
    records: int | None
    failed_checks: int
    duration_seconds: float
    finished_at: float = 0.0


def build_registry(outcome: RunOutcome) -> CollectorRegistry:
    """A registry holding exactly what this run reports (and nothing of the process's own metrics)."""
    registry = CollectorRegistry()
    finished = outcome.finished_at or time.time()

    def gauge(key: str, value: float) -> None:
        spec = _SPECS[key]
        g = Gauge(spec["name"], f"{key} of the last run", labelnames=spec["labels"], registry=registry)
        g.labels(**{label: outcome.pipeline for label in spec["labels"]}).set(value)

    gauge("lastRunTimestamp", finished)
    gauge("lastSuccessTimestamp" if outcome.succeeded else "lastFailureTimestamp", finished)
    if outcome.records is not None:
        gauge("lastRunRecords", outcome.records)
    gauge("lastRunFailedChecks", outcome.failed_checks)
    gauge("lastRunDurationSeconds", outcome.duration_seconds)
    return registry


def push(gateway: str, outcome: RunOutcome, handler: Callable[..., Any] = default_handler) -> None:
    """Push the run's gauges, grouped under ``job=<pipeline>`` so each pipeline keeps its own last state."""
    pushadd_to_gateway(gateway, job=outcome.pipeline, registry=build_registry(outcome), timeout=10, handler=handler)
    log.info("pushed %s metrics to %s (succeeded=%s)", outcome.pipeline, gateway, outcome.succeeded)
