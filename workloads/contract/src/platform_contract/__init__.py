"""The contract the platform's charts and alert rules share with the workloads.

The values live in ``contract.json`` beside this module, the same file the TypeScript side
(``k8s/contract.ts``) imports, so an env var, port, path or metric name exists exactly once.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

CONTRACT: dict[str, Any] = json.loads(resources.files(__package__).joinpath("contract.json").read_text("utf-8"))


def _values(section: dict[str, Any]) -> dict[str, Any]:
    # "$comment" keys document the JSON; they are not values.
    return {k: v for k, v in section.items() if not k.startswith("$")}


ENV: dict[str, str] = _values(CONTRACT["env"])
PORTS: dict[str, int] = _values(CONTRACT["ports"])
PATHS: dict[str, str] = _values(CONTRACT["paths"])
METRICS: dict[str, dict[str, dict[str, Any]]] = {group: _values(specs) for group, specs in _values(CONTRACT["metrics"]).items()}
PIPELINES: dict[str, str] = _values(CONTRACT["pipelines"])
REGISTRY: dict[str, str] = _values(CONTRACT["registry"])
RUN_AS_USER: int = CONTRACT["runAsUser"]
MLFLOW_SERVER: dict[str, Any] = CONTRACT["mlflowServer"]

__all__ = ["CONTRACT", "ENV", "METRICS", "MLFLOW_SERVER", "PATHS", "PIPELINES", "PORTS", "REGISTRY", "RUN_AS_USER"]
