from __future__ import annotations

import re

import pytest
from platform_contract import ENV, PORTS

from model_api.config import ConfigError, Settings

GOOD = {
    ENV["mlflowTrackingUri"]: "http://mlflow.mlflow.svc.cluster.local:5000",
    ENV["modelUri"]: "models:/churn@champion",
}


def test_reads_the_contract_variables_and_defaults_the_port() -> None:
    settings = Settings.from_env(GOOD)
    assert settings.tracking_uri == GOOD[ENV["mlflowTrackingUri"]]
    assert settings.model_uri == "models:/churn@champion"
    assert settings.port == PORTS["modelApi"]
    assert settings.model_name == "churn"


@pytest.mark.parametrize("uri", ["models:/churn/3", "runs:/0a1b2c/model"])
def test_accepts_version_and_run_uris(uri: str) -> None:
    assert Settings.from_env({**GOOD, ENV["modelUri"]: uri}).model_uri == uri


def test_fails_naming_every_missing_variable() -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({})
    assert f"{ENV['mlflowTrackingUri']}: is required" in str(raised.value)
    assert f"{ENV['modelUri']}: is required" in str(raised.value)


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        (ENV["modelUri"], "models:/churn/Production", "must be models:/<name>@<alias>"),
        (ENV["modelUri"], "s3://bucket/model", "must be models:/<name>@<alias>"),
        (ENV["mlflowTrackingUri"], "mlflow:5000", "must be an http(s), file or database URI"),
        (ENV["port"], "80a", "must be a TCP port number"),
        (ENV["port"], "70000", "must be a TCP port number"),
    ],
)
def test_fails_naming_the_invalid_variable(variable: str, value: str, reason: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(f"{variable}: ('{value}') {reason}")):
        Settings.from_env({**GOOD, variable: value})
