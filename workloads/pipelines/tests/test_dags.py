"""DAG integrity: the files import cleanly as Airflow's DagBag loads them, and every task is safe to retry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

DAGS = Path(__file__).parents[1] / "dags"


@pytest.fixture(scope="module")
def bag() -> Any:
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS), safe_mode=False)


def test_every_dag_file_imports_without_errors(bag: Any) -> None:
    assert bag.import_errors == {}
    assert set(bag.dag_ids) == {"wine_data", "wine_model"}


def test_the_data_dag_is_ingest_validate_transform_publish(bag: Any) -> None:
    dag = bag.dags["wine_data"]
    assert [t.task_id for t in dag.topological_sort()] == ["ingest", "validate", "transform", "publish"]
    for upstream, downstream in [("ingest", "validate"), ("validate", "transform"), ("transform", "publish")]:
        assert dag.get_task(upstream).downstream_task_ids == {downstream}


def test_the_model_dag_is_scheduled_by_what_publish_updates(bag: Any) -> None:
    data, model = bag.dags["wine_data"], bag.dags["wine_model"]
    (outlet,) = data.get_task("publish").outlets
    assert outlet.name == "wine_features"
    condition = model.timetable.asset_condition  # schedule=[asset] is AssetAll(asset)
    assert [a.name for a in getattr(condition, "objects", [condition])] == [outlet.name]
    assert [t.task_id for t in model.topological_sort()] == ["train", "evaluate", "register", "promote"]


@pytest.mark.parametrize("dag_id", ["wine_data", "wine_model"])
def test_every_task_retries_with_backoff_and_has_a_timeout_and_a_failure_callback(bag: Any, dag_id: str) -> None:
    for task in bag.dags[dag_id].tasks:
        assert task.retries >= 1, task.task_id
        assert task.retry_exponential_backoff > 1, task.task_id
        assert task.max_retry_delay is not None and task.max_retry_delay <= dt.timedelta(hours=1), task.task_id
        assert task.execution_timeout is not None and task.execution_timeout <= dt.timedelta(hours=1), task.task_id
        assert task.on_failure_callback, task.task_id


def test_no_cycles(bag: Any) -> None:
    for dag in bag.dags.values():
        order = [t.task_id for t in dag.topological_sort()]
        assert len(order) == len(set(order)) == len(dag.tasks)


def test_parsing_does_no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """No S3, MLflow or configuration is touched when a DAG file is parsed: all three are made to fail."""
    import boto3
    import mlflow

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("work at DAG-file top level")

    monkeypatch.setattr(boto3, "client", refuse)
    monkeypatch.setattr(mlflow, "set_tracking_uri", refuse)
    for name in ("RAW_BUCKET", "PROCESSED_BUCKET", "MLFLOW_TRACKING_URI", "PUSHGATEWAY_URL"):
        monkeypatch.delenv(name, raising=False)
    from airflow.dag_processing.dagbag import DagBag

    assert DagBag(dag_folder=str(DAGS), safe_mode=False).import_errors == {}
