"""The contract the platform's charts and alert rules share with the workloads.

The values live in ``contract.json`` beside this module, the same file the TypeScript side
(``k8s/contract.ts``) imports, so an env var, port, path or metric name exists exactly once.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

CONTRACT: dict[str, Any] = json.loads(resources.files(__package__).joinpath("contract.json").read_text("utf-8"))

ENV: dict[str, str] = CONTRACT["env"]
PORTS: dict[str, int] = CONTRACT["ports"]
PATHS: dict[str, str] = CONTRACT["paths"]
METRICS: dict[str, dict[str, dict[str, Any]]] = CONTRACT["metrics"]
RUN_AS_USER: int = CONTRACT["runAsUser"]
MLFLOW_SERVER: dict[str, Any] = CONTRACT["mlflowServer"]

__all__ = ["CONTRACT", "ENV", "METRICS", "MLFLOW_SERVER", "PATHS", "PORTS", "RUN_AS_USER"]
