"""The real `mlflow server` of this image's environment: flags the chart passes, health, metrics, Host checks."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from platform_contract import METRICS, PATHS
from prometheus_client.parser import text_string_to_metric_families

from mlflow_server.hosts import allowed_hosts
from mlflow_server.local import LocalMlflowServer, free_port

SERVICE_HOST = "mlflow.mlflow.svc.cluster.local"


def get(url: str, host: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMlflowServer]:
    port = free_port()
    hosts = ",".join(allowed_hosts("mlflow", "mlflow", port))
    workdir = tmp_path_factory.mktemp("mlflow")
    with LocalMlflowServer(workdir, extra_args=("--allowed-hosts", hosts), workers=2, port=port) as running:
        yield running


def test_every_flag_the_chart_passes_exists_in_this_mlflow() -> None:
    # k8s/charts/mlflow.ts passes these; `mlflow server --help` of the pinned version must know each.
    help_text = subprocess.run(
        [str(Path(sys.executable).with_name("mlflow")), "server", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for flag in ("--host", "--port", "--backend-store-uri", "--artifacts-destination", "--serve-artifacts",
                 "--expose-prometheus", "--allowed-hosts", "--workers"):  # fmt: skip
        assert re.search(rf"(^|\s){re.escape(flag)}[\s/,]", help_text), f"{flag} is not an option of mlflow server"


def test_health_answers(server: LocalMlflowServer) -> None:
    assert get(server.url + PATHS["mlflowHealth"]) == (200, "OK")


def test_metrics_are_the_names_the_alert_rules_query(server: LocalMlflowServer) -> None:
    api = f"{server.url}/api/2.0/mlflow/experiments/search?max_results=5"
    assert get(api)[0] == 200
    assert get(f"{server.url}/api/2.0/mlflow/experiments/get?experiment_id=999999")[0] == 404
    status, text = get(server.url + PATHS["metrics"])
    assert status == 200
    samples = {(s.name, tuple(sorted(s.labels))) for f in text_string_to_metric_families(text) for s in f.samples}
    names = {name for name, _ in samples}
    for spec in METRICS["mlflow"].values():
        sample_name = spec["name"] + ("_bucket" if spec["type"] == "histogram" else "")
        if spec["name"].endswith("_exceptions_total"):
            continue  # only once a handler raises; its name is checked in MLflow's exporter source instead
        assert sample_name in names, f"{sample_name} missing from MLflow's /metrics"
        expected = tuple(sorted(set(spec["labels"]) | ({"le"} if spec["type"] == "histogram" else set())))
        assert (sample_name, expected) in samples, (sample_name, [s for s in samples if s[0] == sample_name])
    # The status label holds the code, which `status=~"5.."` in the error-rate alert matches.
    assert re.search(r'mlflow_http_request_total\{method="GET",status="404"\} [1-9]', text), text[:2000]


def test_the_service_host_name_is_admitted_and_a_foreign_one_refused(server: LocalMlflowServer) -> None:
    api = f"{server.url}/api/2.0/mlflow/experiments/search?max_results=1"
    assert get(api, host=f"{SERVICE_HOST}:{server.port}")[0] == 200
    assert get(api, host=f"mlflow:{server.port}")[0] == 200
    assert get(api, host=f"10.1.2.3:{server.port}")[0] == 200  # Prometheus scrapes the pod IP
    assert get(api, host="evil.example.com")[0] == 403
    assert get(server.url + PATHS["mlflowHealth"], host="evil.example.com")[0] == 200  # probes are exempt


def test_without_allowed_hosts_mlflow_refuses_the_service_name(tmp_path: Path) -> None:
    # Why the chart passes --allowed-hosts: MLflow 3's default admits only localhost and private IPs.
    with LocalMlflowServer(tmp_path) as default:
        api = f"{default.url}/api/2.0/mlflow/experiments/search?max_results=1"
        assert get(api, host=f"{SERVICE_HOST}:{default.port}")[0] == 403
