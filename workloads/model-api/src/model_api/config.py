"""Settings from the environment the chart sets, read once and validated at start-up.

The variable names come from the platform contract (``platform_contract.ENV``), the same file the cdk8s
chart reads, so a renamed variable fails the contract test instead of a pod at run time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

from platform_contract import CONTRACT, ENV, PORTS

# `models:/<name>@<alias>` or `models:/<name>/<version>` (MLflow 3 registry URIs), `runs:/<id>/<path>`: the
# contract's pattern, which the chart and the environment schema check too.
_MODEL_URI = re.compile(CONTRACT["modelUriPattern"])


class ConfigError(ValueError):
    """A variable of the environment is missing or invalid; the message names it."""


@dataclass(frozen=True)
class Settings:
    tracking_uri: str
    model_uri: str
    port: int
    #: Seconds uvicorn waits for in-flight requests after SIGTERM before cancelling them; below the
    #: pod's terminationGracePeriodSeconds (30 s, the Kubernetes default the chart keeps).
    graceful_shutdown_seconds: int = 20
    #: Backoff of the background model load: first retry delay, and the cap it doubles up to.
    load_retry_initial_seconds: float = 1.0
    load_retry_max_seconds: float = 60.0

    @property
    def model_name(self) -> str:
        """The registered model's name (the `model` label of the metrics); `run` for a runs:/ URI."""
        if not self.model_uri.startswith("models:/"):
            return "run"
        return re.split(r"[@/]", self.model_uri.removeprefix("models:/"), maxsplit=1)[0]

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Reads and validates the settings; every problem is listed, each naming its variable."""
        problems: list[str] = []
        tracking_uri = environ.get(ENV["mlflowTrackingUri"], "").strip()
        if not tracking_uri:
            problems.append(f"{ENV['mlflowTrackingUri']}: is required (the MLflow server, e.g. http://mlflow:5000)")
        elif not re.match(r"^(https?|file|sqlite|postgresql)[:+]", tracking_uri):
            problems.append(f"{ENV['mlflowTrackingUri']}: ({tracking_uri!r}) must be an http(s), file or database URI")
        model_uri = environ.get(ENV["modelUri"], "").strip()
        if not model_uri:
            problems.append(f"{ENV['modelUri']}: is required, e.g. models:/churn-classifier@champion")
        elif not _MODEL_URI.match(model_uri):
            problems.append(
                f"{ENV['modelUri']}: ({model_uri!r}) must be models:/<name>@<alias>, models:/<name>/<version> "
                "or runs:/<run id>/<path>"
            )
        raw_port = environ.get(ENV["port"], str(PORTS["modelApi"])).strip()
        port = int(raw_port) if raw_port.isdigit() else -1
        if not 1 <= port <= 65535:
            problems.append(f"{ENV['port']}: ({raw_port!r}) must be a TCP port number, 1-65535")
        if problems:
            raise ConfigError("invalid model API configuration:\n  " + "\n  ".join(problems))
        return cls(tracking_uri=tracking_uri, model_uri=model_uri, port=port)
