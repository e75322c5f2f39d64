from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from conftest import FAST, ROW, wait_ready
from fastapi.testclient import TestClient
from platform_contract import PATHS

from model_api.app import create_app
from model_api.config import Settings
from model_api.metrics import ApiMetrics
from model_api.model import ServedModel


def sample(metrics: ApiMetrics, name: str, **labels: str) -> float:
    value = metrics.registry.get_sample_value(name, labels)
    return 0.0 if value is None else value


def test_not_ready_until_the_model_is_loaded_but_alive(pyfunc_model: Any, metrics: ApiMetrics) -> None:
    release = threading.Event()

    def slow_loader(_: Settings) -> ServedModel:
        release.wait(10)
        return ServedModel(pyfunc_model, "iris", "7")

    with TestClient(create_app(FAST, loader=slow_loader, metrics=metrics)) as client:
        assert client.get(PATHS["health"]).status_code == 200
        ready = client.get(PATHS["ready"])
        assert ready.status_code == 503 and ready.json()["status"] == "loading"
        assert client.post(PATHS["predict"], json={"instances": [ROW]}).status_code == 503
        assert sample(metrics, "model_loaded", model="iris", version="") == 0
        release.set()
        wait_ready(client)
        assert client.get(PATHS["ready"]).json() == {"status": "ready", "model": "iris", "version": "7"}
        assert sample(metrics, "model_loaded", model="iris", version="7") == 1
        assert metrics.registry.get_sample_value("model_loaded", {"model": "iris", "version": ""}) is None


def test_load_failures_are_retried_and_counted(pyfunc_model: Any, metrics: ApiMetrics) -> None:
    calls = {"n": 0}

    def flaky(_: Settings) -> ServedModel:
        calls["n"] += 1
        if calls["n"] < 3:
            raise ConnectionError("mlflow unreachable")
        return ServedModel(pyfunc_model, "iris", "7")

    with TestClient(create_app(FAST, loader=flaky, metrics=metrics)) as client:
        wait_ready(client)
    assert calls["n"] == 3
    assert sample(metrics, "model_load_failures_total", model="iris") == 2


def test_a_failing_load_reports_its_error_on_readyz(metrics: ApiMetrics) -> None:
    def broken(_: Settings) -> ServedModel:
        raise RuntimeError("alias champion not found")

    with TestClient(create_app(FAST, loader=broken, metrics=metrics)) as client:
        deadline = time.monotonic() + 5
        while sample(metrics, "model_load_failures_total", model="iris") < 2:
            assert time.monotonic() < deadline
            time.sleep(0.01)
        body = client.get(PATHS["ready"]).json()
    assert body["status"] == "loading" and "alias champion not found" in body["last_error"]


def test_predicts_rows(ready_client: TestClient, metrics: ApiMetrics) -> None:
    response = ready_client.post(
        PATHS["predict"], json={"instances": [ROW, {**ROW, "petal_length": 5.0, "petal_width": 2.0}]}
    )
    assert response.status_code == 200
    assert response.json() == {"predictions": [0, 2], "model": "iris", "version": "7"}
    assert sample(metrics, "model_predictions_total", model="iris") == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"instances": [{**ROW, "petal_width": "wide"}]}, "instances.0.petal_width"),
        ({"instances": [{k: v for k, v in ROW.items() if k != "sepal_width"}]}, "instances.0.sepal_width"),
        ({"instances": [{**ROW, "colour": 1}]}, "instances.0.colour"),
        ({"instances": []}, "instances"),
        ({"data": [ROW]}, "instances"),
    ],
)
def test_bad_payloads_get_422_naming_the_field(
    ready_client: TestClient, metrics: ApiMetrics, body: Any, field: str
) -> None:
    response = ready_client.post(PATHS["predict"], json=body)
    assert response.status_code == 422
    assert response.json()["message"].startswith(field + ":")
    assert response.json()["detail"][0]["loc"] == ["body", *[int(p) if p.isdigit() else p for p in field.split(".")]]
    assert sample(metrics, "model_invalid_requests_total", model="iris") == 1
    assert sample(metrics, "http_requests_total", method="POST", handler=PATHS["predict"], status="422") == 1


def test_malformed_json_gets_422_not_500(ready_client: TestClient) -> None:
    response = ready_client.post(PATHS["predict"], content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["message"].startswith("body: Invalid JSON")


def test_a_failing_prediction_is_a_counted_500(pyfunc_model: Any, metrics: ApiMetrics) -> None:
    class Exploding(ServedModel):
        def predict(self, rows: list[dict[str, Any]]) -> list[Any]:
            raise ValueError("model bug")

    with TestClient(create_app(FAST, loader=lambda _: Exploding(pyfunc_model, "iris", "7"), metrics=metrics)) as client:
        wait_ready(client)
        response = client.post(PATHS["predict"], json={"instances": [ROW]})
    assert response.status_code == 500 and "model bug" in response.json()["detail"]
    assert sample(metrics, "model_prediction_errors_total", model="iris") == 1
    assert sample(metrics, "http_requests_total", method="POST", handler=PATHS["predict"], status="500") == 1
