from __future__ import annotations

from mlflow_server.hosts import allowed_hosts


def test_expands_the_service_names_with_the_port() -> None:
    hosts = allowed_hosts("mlflow", "ml", 5000)
    assert hosts[:4] == ["mlflow:5000", "mlflow.ml:5000", "mlflow.ml.svc:5000", "mlflow.ml.svc.cluster.local:5000"]
    assert "10.*:5000" in hosts and not any("{" in h for h in hosts)
