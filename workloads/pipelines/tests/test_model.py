"""train -> evaluate -> register -> promote against a real local MLflow server (SQLite backend)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import mlflow
import mlflow.sklearn
import pytest
from mlflow.tracking import MlflowClient
from sklearn.dummy import DummyClassifier

from mlops_pipelines import data, model
from mlops_pipelines.settings import PipelineSettings

DAYS = [data.EPOCH + dt.timedelta(days=i) for i in range(3)]


def publish_days(s3: Any, settings: PipelineSettings) -> None:
    for day in DAYS:
        data.ingest(s3, settings, day)
        data.validate(s3, settings, day)
        data.transform(s3, settings, day)
        data.publish(s3, settings, day)


def register_dummy(settings: PipelineSettings, s3: Any) -> str:
    """A version that always predicts the majority class: any real model beats it."""
    training, _ = model.split(model.published_frame(s3, settings))
    dummy = DummyClassifier(strategy="most_frequent").fit(model.inputs(training), training["cultivar"])
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(dummy, name="model", pip_requirements=["scikit-learn"])
    return str(mlflow.register_model(info.model_uri, model.MODEL_NAME).version)


def champion(settings: PipelineSettings) -> str:
    return str(MlflowClient(settings.mlflow_tracking_uri).get_model_version_by_alias(model.MODEL_NAME, model.CHAMPION).version)


def test_nothing_published_means_no_training(s3: Any, tracked: PipelineSettings) -> None:
    with pytest.raises(model.NoTrainingData, match="no published features under s3://test-processed/published/wine/"):
        model.train(s3, tracked)


@pytest.fixture
def empty_registry(tracked: PipelineSettings) -> PipelineSettings:
    """The session's MLflow server without the platform's model (the demo test registers it too)."""
    client = MlflowClient(tracked.mlflow_tracking_uri)
    if client.search_registered_models(filter_string=f"name = '{model.MODEL_NAME}'"):
        client.delete_registered_model(model.MODEL_NAME)
    return tracked


def test_the_champion_moves_only_to_a_better_version(s3: Any, empty_registry: PipelineSettings) -> None:
    tracked = empty_registry
    publish_days(s3, tracked)
    weak = register_dummy(tracked, s3)
    first = model.promote(s3, tracked, weak)
    assert first.promoted and champion(tracked) == weak

    trained = model.train(s3, tracked)
    scores = model.evaluate(s3, tracked, trained)
    run = MlflowClient(tracked.mlflow_tracking_uri).get_run(trained["run_id"])
    assert run.data.params["training_rows"] == str(len(model.split(model.published_frame(s3, tracked))[0]))
    assert run.data.metrics[model.HELD_OUT_METRIC] == pytest.approx(scores[model.HELD_OUT_METRIC])
    assert scores[model.HELD_OUT_METRIC] > 0.8
    strong = model.register(tracked, trained)
    better = model.promote(s3, tracked, strong)
    assert better.promoted and better.champion_version == weak and champion(tracked) == strong

    # The dummy again: worse than the champion, so the alias stays.
    worse = model.promote(s3, tracked, register_dummy(tracked, s3))
    assert not worse.promoted
    assert champion(tracked) == strong
    assert "kept out of @champion" in worse.describe()
