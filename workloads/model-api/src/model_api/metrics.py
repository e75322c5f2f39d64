"""Prometheus metrics under the names and labels the platform's alert rules and dashboards query.

Every name and label set comes from the platform contract (``platform_contract.METRICS``), which
``k8s/platform-metrics.ts`` reads too; the tests compare what ``/metrics`` serves with the contract.
Checked against prometheus_client 0.26.0: a Counter named ``x_total`` is exposed as ``x_total`` (the
client strips and re-adds the suffix), a Histogram as ``x_bucket``/``x_sum``/``x_count``.
"""

from __future__ import annotations

from typing import Any

from platform_contract import METRICS
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_HTTP = METRICS["http"]
_MODEL = METRICS["modelApi"]

# Finer than the client's defaults below 100 ms, where a single-row prediction lands, and up to 10 s for batches.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


def _base_name(spec: dict[str, Any]) -> str:
    """prometheus_client appends `_total` to counters itself; give it the name without the suffix."""
    name: str = spec["name"]
    return name.removesuffix("_total") if spec["type"] == "counter" else name


class ApiMetrics:
    """The model API's metrics in a registry of their own, so tests and several apps in one process do not collide."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()

        def counter(spec: dict[str, Any], documentation: str) -> Counter:
            return Counter(_base_name(spec), documentation, spec["labels"], registry=self.registry)

        self.request_duration = Histogram(
            _base_name(_HTTP["requestDurationSeconds"]),
            "HTTP request duration in seconds, by method, route and status code.",
            _HTTP["requestDurationSeconds"]["labels"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.requests = counter(_HTTP["requests"], "HTTP requests answered, by method, route and status code.")
        self.predictions = counter(_MODEL["predictions"], "Rows predicted.")
        self.prediction_errors = counter(
            _MODEL["predictionErrors"], "Prediction calls that raised (answered with 500)."
        )
        self.invalid_requests = counter(
            _MODEL["invalidRequests"], "Prediction requests refused by input validation (answered with 422)."
        )
        self.load_failures = counter(
            _MODEL["loadFailures"], "Failed attempts to load the model from MLflow (each is retried with backoff)."
        )
        self.loaded = Gauge(
            _base_name(_MODEL["loaded"]),
            "1 once the model is loaded and the API is ready, by model name and registry version.",
            _MODEL["loaded"]["labels"],
            registry=self.registry,
        )
