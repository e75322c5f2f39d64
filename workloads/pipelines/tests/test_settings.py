from __future__ import annotations

import pytest

from mlops_pipelines.settings import ConfigError, PipelineSettings
from platform_contract import ENV

GOOD = {
    ENV["rawBucket"]: "dev-raw-data",
    ENV["processedBucket"]: "dev-processed-data",
    ENV["mlflowTrackingUri"]: "http://mlflow.mlflow.svc:5000",
    ENV["pushgatewayUrl"]: "http://prometheus-pushgateway.monitoring.svc:9091",
}


def test_reads_the_contracts_variables() -> None:
    assert PipelineSettings.from_env(GOOD) == PipelineSettings(
        "dev-raw-data",
        "dev-processed-data",
        "http://mlflow.mlflow.svc:5000",
        "http://prometheus-pushgateway.monitoring.svc:9091",
    )


def test_names_every_missing_variable() -> None:
    with pytest.raises(ConfigError) as error:
        PipelineSettings.from_env({})
    assert str(error.value) == (
        "invalid pipeline configuration: RAW_BUCKET is not set; PROCESSED_BUCKET is not set; "
        "MLFLOW_TRACKING_URI is not set; PUSHGATEWAY_URL is not set"
    )


def test_names_bad_values() -> None:
    with pytest.raises(ConfigError) as error:
        PipelineSettings.from_env({**GOOD, ENV["processedBucket"]: "dev-raw-data", ENV["mlflowTrackingUri"]: "mlflow:5000"})
    assert "PROCESSED_BUCKET must differ from RAW_BUCKET" in str(error.value)
    assert "MLFLOW_TRACKING_URI ('mlflow:5000') must be an http(s) URL with a host" in str(error.value)
