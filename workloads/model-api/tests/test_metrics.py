"""`/metrics` serves exactly the contract's names and label sets, the ones k8s/platform-metrics.ts queries."""

from __future__ import annotations

from conftest import ROW
from fastapi.testclient import TestClient
from platform_contract import METRICS, PATHS
from prometheus_client.parser import text_string_to_metric_families

from model_api.metrics import LATENCY_BUCKETS, ApiMetrics


def scrape(client: TestClient) -> dict[str, list[tuple[str, dict[str, str]]]]:
    text = client.get(PATHS["metrics"]).text
    families: dict[str, list[tuple[str, dict[str, str]]]] = {}
    for family in text_string_to_metric_families(text):
        families[family.name] = [(s.name, dict(s.labels)) for s in family.samples]
    return families


def test_metrics_names_and_labels_match_the_contract(ready_client: TestClient, metrics: ApiMetrics) -> None:
    ready_client.post(PATHS["predict"], json={"instances": [ROW]})
    ready_client.post(PATHS["predict"], json={"instances": [{}]})
    served = {name for samples in scrape(ready_client).values() for name, _ in samples}
    for group in ("http", "modelApi"):
        for spec in METRICS[group].values():
            name = spec["name"]
            sample_name = f"{name}_bucket" if spec["type"] == "histogram" else name
            assert sample_name in served, f"{name} ({group}) is not served"
            labels = [lbls for n, lbls in scrape(ready_client).get(name.removesuffix("_total"), []) if n == sample_name]
            assert labels, name
            expected = set(spec["labels"]) | ({"le"} if spec["type"] == "histogram" else set())
            assert all(set(lbls) == expected for lbls in labels), (name, labels)


def test_status_label_holds_the_code_the_error_rate_alert_matches(
    ready_client: TestClient, metrics: ApiMetrics
) -> None:
    ready_client.post(PATHS["predict"], json={"instances": [ROW]})
    ready_client.get("/nope")
    http = METRICS["http"]["requests"]["name"]
    assert metrics.registry.get_sample_value(http, {"method": "POST", "handler": "/predict", "status": "200"}) == 1
    # Unknown paths share one handler value, so a scanner cannot blow up the series count.
    assert metrics.registry.get_sample_value(http, {"method": "GET", "handler": "other", "status": "404"}) == 1


def test_probes_and_scrapes_are_not_measured(ready_client: TestClient, metrics: ApiMetrics) -> None:
    for path in (PATHS["health"], PATHS["ready"], PATHS["metrics"]):
        ready_client.get(path)
    handlers = {s.labels["handler"] for m in metrics.registry.collect() for s in m.samples if "handler" in s.labels}
    assert handlers.isdisjoint({PATHS["health"], PATHS["ready"], PATHS["metrics"]})


def test_latency_buckets_straddle_the_alert_threshold() -> None:
    # DEFAULT_ALERT_THRESHOLDS.apiLatencyP95Seconds is 0.5 s (k8s/monitoring.ts): a bucket edge must sit there.
    assert 0.5 in LATENCY_BUCKETS
