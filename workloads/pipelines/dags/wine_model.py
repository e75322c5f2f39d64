"""Model DAG: ``train -> evaluate -> register -> promote``, scheduled by each update of the ``wine_features`` Asset.

Trains on every published partition (only validated data is ever published), logs params, metrics and the
model to MLflow, registers a new version, and moves the ``champion`` alias only when the new version beats
the current champion on the held-out rows. No work happens when this file is parsed.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import dag, task

from mlops_pipelines import airflow_support as support


@dag(
    dag_id="wine_model",
    schedule=[support.WINE_FEATURES],
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    max_active_runs=1,
    default_args=support.task_defaults(support.MODEL_PIPELINE),
    tags=["model", "wine"],
    doc_md=__doc__,
)
def wine_model() -> None:
    @task
    def train() -> dict[str, str]:
        from mlops_pipelines import model  # imported when the task runs: parsing stays fast

        return model.train(support.s3(), support.settings())

    @task
    def evaluate(trained: dict[str, str]) -> dict[str, str]:
        from mlops_pipelines import model  # imported when the task runs: parsing stays fast

        model.evaluate(support.s3(), support.settings(), trained)
        return trained

    @task
    def register(trained: dict[str, str]) -> str:
        from mlops_pipelines import model  # imported when the task runs: parsing stays fast

        return model.register(support.settings(), trained)

    @task
    def promote(version: str, dag_run: object = None) -> dict[str, object]:
        from mlops_pipelines import model  # imported when the task runs: parsing stays fast

        promotion = model.promote(support.s3(), support.settings(), version)
        support.push_outcome(support.MODEL_PIPELINE, True, 1, {"dag_run": dag_run})
        return {"version": promotion.version, "promoted": promotion.promoted, "summary": promotion.describe()}

    promote(register(evaluate(train())))


wine_model()
