"""The `--allowed-hosts` value of `mlflow server`, from the contract's templates (the chart expands the same)."""

from __future__ import annotations

from platform_contract import MLFLOW_SERVER


def allowed_hosts(service: str, namespace: str, port: int) -> list[str]:
    """Host header patterns for a Service `service` in `namespace` on `port`."""
    values = {"service": service, "namespace": namespace, "port": str(port)}
    return [template.format(**values) for template in MLFLOW_SERVER["allowedHosts"]]
