"""The metrics a run pushes are the contract's names and labels, as a Pushgateway receives them."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from conftest import Gateway
from data_validation.metrics import RunOutcome, build_registry, push
from platform_contract import METRICS

SPECS = METRICS["pipeline"]


def parse(body: str) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    return {f.name: {tuple(sorted(s.labels.items())): s.value for s in f.samples} for f in text_string_to_metric_families(body)}


def test_a_successful_run_pushes_the_contract_gauges_without_a_failure_timestamp(gateway: Gateway) -> None:
    push(gateway.url, RunOutcome("data-validation", True, 25, 0, 1.5, finished_at=1_800_000_000.0))
    ((method, path, body),) = gateway.pushes
    # POST (pushadd): the gateway keeps the group's other metrics, so the last failure timestamp survives a success.
    assert (method, path) == ("POST", "/metrics/job/data-validation")
    metrics = parse(body)
    expected = {SPECS[k]["name"] for k in SPECS if k != "lastFailureTimestamp"}
    assert set(metrics) == expected
    label = (("pipeline", "data-validation"),)
    assert metrics[SPECS["lastSuccessTimestamp"]["name"]] == {label: 1_800_000_000.0}
    assert metrics[SPECS["lastRunRecords"]["name"]] == {label: 25.0}
    assert metrics[SPECS["lastRunDurationSeconds"]["name"]] == {label: 1.5}


def test_a_failed_run_pushes_the_failure_timestamp_and_the_failed_checks(gateway: Gateway) -> None:
    push(gateway.url, RunOutcome("data-validation", False, 25, 3, 2.0, finished_at=1_800_000_100.0))
    metrics = parse(gateway.pushes[0][2])
    assert SPECS["lastSuccessTimestamp"]["name"] not in metrics
    assert metrics[SPECS["lastFailureTimestamp"]["name"]] == {(("pipeline", "data-validation"),): 1_800_000_100.0}
    assert metrics[SPECS["lastRunFailedChecks"]["name"]] == {(("pipeline", "data-validation"),): 3.0}


def test_every_pushed_gauge_has_the_contracts_type_and_labels() -> None:
    families = {f.name: f for f in build_registry(RunOutcome("p", True, 1, 0, 0.1)).collect()}
    families.update({f.name: f for f in build_registry(RunOutcome("p", False, 1, 0, 0.1)).collect()})
    assert set(families) == {spec["name"] for spec in SPECS.values()}
    for spec in SPECS.values():
        family = families[spec["name"]]
        assert family.type == spec["type"]
        assert [sorted(s.labels) for s in family.samples] == [sorted(spec["labels"])]


def test_a_run_that_cannot_count_its_records_leaves_the_last_count_alone() -> None:
    names = {f.name for f in build_registry(RunOutcome("p", False, None, 0, 0.1)).collect()}
    assert SPECS["lastRunRecords"]["name"] not in names
    assert SPECS["lastFailureTimestamp"]["name"] in names
