"""Real local components for the tests: moto's S3 server, a Pushgateway receiver and an MLflow server, all on loopback."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest

from mlops_pipelines import local
from mlops_pipelines.settings import PipelineSettings
from platform_contract import ENV

RAW = "test-raw"
PROCESSED = "test-processed"


@pytest.fixture(scope="session", autouse=True)
def offline(tmp_path_factory: pytest.TempPathFactory) -> None:
    os.environ.update(local.OFFLINE_ENV)
    os.environ["AIRFLOW_HOME"] = str(tmp_path_factory.mktemp("airflow"))
    os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    with local.moto_s3([]) as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def gateway() -> Iterator[local.PushReceiver]:
    with local.PushReceiver() as receiver:
        yield receiver


@pytest.fixture(scope="session")
def mlflow_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with local.mlflow_server(Path(tmp_path_factory.mktemp("mlflow"))) as url:
        yield url


@pytest.fixture
def settings(moto_endpoint: str, gateway: local.PushReceiver, monkeypatch: pytest.MonkeyPatch) -> Iterator[PipelineSettings]:
    """Fresh buckets and the worker's environment, as the Airflow pods get it (names from the contract)."""
    for key, value in local.local_aws_env(moto_endpoint).items():
        monkeypatch.setenv(key, value)
    env = {
        ENV["rawBucket"]: RAW,
        ENV["processedBucket"]: PROCESSED,
        ENV["mlflowTrackingUri"]: os.environ.get(ENV["mlflowTrackingUri"], "http://127.0.0.1:1"),
        ENV["pushgatewayUrl"]: gateway.url,
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    s3 = boto3.client("s3")
    for bucket in (RAW, PROCESSED):
        s3.create_bucket(Bucket=bucket)
    yield PipelineSettings.from_env(os.environ)
    for bucket in (RAW, PROCESSED):
        for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
            s3.delete_object(Bucket=bucket, Key=obj["Key"])
        s3.delete_bucket(Bucket=bucket)


@pytest.fixture
def s3(settings: PipelineSettings) -> Any:
    return boto3.client("s3")


@pytest.fixture
def tracked(settings: PipelineSettings, mlflow_uri: str, monkeypatch: pytest.MonkeyPatch) -> PipelineSettings:
    monkeypatch.setenv(ENV["mlflowTrackingUri"], mlflow_uri)
    return PipelineSettings.from_env(os.environ)
