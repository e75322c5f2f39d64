"""Configuration of the validation job, from the environment the chart sets (names from the contract).

Read once at start-up and validated as a whole: every bad variable is named in one error, before any
object is read or written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from platform_contract import ENV

_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PIPELINE = re.compile(r"^[a-z0-9]([a-z0-9_-]{0,61}[a-z0-9])?$")


class ConfigError(ValueError):
    """The environment does not describe a runnable job; the message names each bad variable."""


@dataclass(frozen=True)
class Settings:
    raw_bucket: str
    processed_bucket: str
    pipeline: str
    pushgateway_url: str
    #: Partitions to validate; empty means every raw partition that has no report yet.
    dates: tuple[dt.date, ...] = ()

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        problems: list[str] = []

        def required(key: str) -> str:
            name = ENV[key]
            value = environ.get(name, "").strip()
            if not value:
                problems.append(f"{name} is not set")
            return value

        raw = required("rawBucket")
        processed = required("processedBucket")
        pipeline = required("pipelineName")
        gateway = required("pushgatewayUrl")
        for key, value in (("rawBucket", raw), ("processedBucket", processed)):
            if value and not _BUCKET.match(value):
                problems.append(f"{ENV[key]} ({value!r}) is not an S3 bucket name")
        if raw and raw == processed:
            problems.append(f"{ENV['processedBucket']} ({processed!r}) must differ from {ENV['rawBucket']}")
        if pipeline and not _PIPELINE.match(pipeline):
            problems.append(f"{ENV['pipelineName']} ({pipeline!r}) must be lowercase letters, digits, '-' or '_'")
        if gateway:
            parsed = urlparse(gateway)
            if parsed.scheme not in ("http", "https") or not parsed.hostname:
                problems.append(f"{ENV['pushgatewayUrl']} ({gateway!r}) must be an http(s) URL with a host")
        dates: list[dt.date] = []
        for text in filter(None, (d.strip() for d in environ.get(ENV["validationDates"], "").split(","))):
            try:
                dates.append(dt.date.fromisoformat(text))
            except ValueError:
                problems.append(f"{ENV['validationDates']} has {text!r}, not a YYYY-MM-DD date")
        if problems:
            raise ConfigError("invalid configuration: " + "; ".join(problems))
        return cls(raw, processed, pipeline, gateway, tuple(dates))
