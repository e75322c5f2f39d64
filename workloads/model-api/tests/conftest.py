"""Fixtures with the real components: a model trained on scikit-learn's bundled iris data and logged by
MLflow exactly as the training DAG logs it (``mlflow.sklearn.log_model`` with an inferred signature), and
a real MLflow tracking server (SQLite, local artifacts) on a free loopback port with it registered as
``models:/iris-classifier@champion``."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from mlflow_server.local import LocalMlflowServer, example_requirements, register_example_model, train_example_model
from platform_contract import ENV, PATHS

from model_api.app import create_app
from model_api.config import Settings
from model_api.metrics import ApiMetrics
from model_api.model import ServedModel

MODEL_NAME = "iris-classifier"


@pytest.fixture(scope="session")
def local_model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The model saved by MLflow to a directory (no server): what the registry's artifacts hold."""
    import mlflow.sklearn
    from mlflow.models import infer_signature

    model, features = train_example_model()
    path = tmp_path_factory.mktemp("saved") / "model"
    signature = infer_signature(features, model.predict(features))
    mlflow.sklearn.save_model(model, str(path), signature=signature, pip_requirements=example_requirements())
    return path


@pytest.fixture(scope="session")
def pyfunc_model(local_model_path: Path) -> Any:
    import mlflow.pyfunc

    return mlflow.pyfunc.load_model(str(local_model_path))


@dataclass(frozen=True)
class Registered:
    tracking_uri: str
    model_uri: str
    version: str


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalMlflowServer]:
    with LocalMlflowServer(tmp_path_factory.mktemp("mlflow")) as server:
        yield server


@pytest.fixture(scope="session")
def registered_model(mlflow_server: LocalMlflowServer) -> Registered:
    """Logged through the server (artifacts proxied), registered, and given the `champion` alias."""
    os.environ["MLFLOW_TRACKING_URI"] = mlflow_server.url
    model_uri, version = register_example_model(mlflow_server.url, MODEL_NAME, "champion")
    return Registered(tracking_uri=mlflow_server.url, model_uri=model_uri, version=version)


ROW = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}
SETTINGS = Settings.from_env({ENV["mlflowTrackingUri"]: "http://127.0.0.1:1", ENV["modelUri"]: "models:/iris@champion"})
FAST = Settings(**{**SETTINGS.__dict__, "load_retry_initial_seconds": 0.01, "load_retry_max_seconds": 0.02})


def wait_ready(client: TestClient, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while client.get(PATHS["ready"]).status_code != 200:
        assert time.monotonic() < deadline, "not ready in time"
        time.sleep(0.01)


@pytest.fixture
def metrics() -> ApiMetrics:
    return ApiMetrics()


@pytest.fixture
def ready_client(pyfunc_model: Any, metrics: ApiMetrics) -> Iterator[TestClient]:
    app = create_app(FAST, loader=lambda _: ServedModel(pyfunc_model, "iris", "7"), metrics=metrics)
    with TestClient(app) as client:
        wait_ready(client)
        yield client
