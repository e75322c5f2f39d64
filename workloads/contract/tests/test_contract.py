"""The contract file is well formed: the TypeScript side types it, so a malformed entry would fail there too."""

from __future__ import annotations

import re
from collections.abc import Mapping

from platform_contract import CONTRACT, ENV, METRICS, PATHS, PIPELINES, PORTS, REGISTRY, RUN_AS_USER

METRIC_NAME = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*$")
LABEL_NAME = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def test_env_names_are_unique_upper_case_variables() -> None:
    assert all(re.fullmatch(r"[A-Z][A-Z0-9_]*", name) for name in ENV.values())
    assert len(set(ENV.values())) == len(ENV)


def test_metrics_have_valid_unique_names_types_and_labels() -> None:
    names = [spec["name"] for group in METRICS.values() for spec in group.values()]
    assert len(names) == len(set(names))
    for group in METRICS.values():
        for spec in group.values():
            assert METRIC_NAME.match(spec["name"]), spec
            assert spec["type"] in {"counter", "gauge", "histogram", "summary"}, spec
            assert spec["type"] != "counter" or spec["name"].endswith("_total"), spec
            assert all(LABEL_NAME.match(label) for label in spec["labels"]), spec


def test_pipeline_gauges_are_labelled_by_pipeline_only() -> None:
    # The alert rules aggregate "by (pipeline)"; another label would split a pipeline's state in two.
    assert {tuple(spec["labels"]) for spec in METRICS["pipeline"].values()} == {("pipeline",)}
    assert {spec["type"] for spec in METRICS["pipeline"].values()} == {"gauge"}


def test_ports_paths_and_names() -> None:
    assert all(1 <= port <= 65535 for port in PORTS.values())
    assert all(path.startswith("/") for path in PATHS.values())
    assert all(re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?", name) for name in PIPELINES.values())
    assert REGISTRY["championAlias"] == "champion"
    assert RUN_AS_USER == CONTRACT["runAsUser"] and RUN_AS_USER >= 10000


def test_comments_are_not_values() -> None:
    sections: list[Mapping[str, object]] = [ENV, PORTS, PATHS, PIPELINES, REGISTRY, *METRICS.values()]
    for section in sections:
        assert not any(key.startswith("$") for key in section)
