"""Configuration of the pipeline tasks, from the environment of the Airflow worker (names from the contract).

Read when a task runs, never when a DAG file is parsed, and validated as a whole with each bad variable named.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from platform_contract import ENV

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


class ConfigError(ValueError):
    """The worker's environment cannot run the pipeline; the message names every bad variable."""


def _http_url(problems: list[str], key: str, value: str) -> None:
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        problems.append(f"{ENV[key]} ({value!r}) must be an http(s) URL with a host")


@dataclass(frozen=True)
class PipelineSettings:
    raw_bucket: str
    processed_bucket: str
    mlflow_tracking_uri: str
    pushgateway_url: str

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> PipelineSettings:
        problems: list[str] = []
        values: dict[str, str] = {}
        for key in ("rawBucket", "processedBucket", "mlflowTrackingUri", "pushgatewayUrl"):
            values[key] = environ.get(ENV[key], "").strip()
            if not values[key]:
                problems.append(f"{ENV[key]} is not set")
        for key in ("rawBucket", "processedBucket"):
            if values[key] and not _BUCKET.match(values[key]):
                problems.append(f"{ENV[key]} ({values[key]!r}) is not an S3 bucket name")
        if values["rawBucket"] and values["rawBucket"] == values["processedBucket"]:
            problems.append(f"{ENV['processedBucket']} must differ from {ENV['rawBucket']}")
        for key in ("mlflowTrackingUri", "pushgatewayUrl"):
            if values[key]:
                _http_url(problems, key, values[key])
        if problems:
            raise ConfigError("invalid pipeline configuration: " + "; ".join(problems))
        return cls(values["rawBucket"], values["processedBucket"], values["mlflowTrackingUri"], values["pushgatewayUrl"])
