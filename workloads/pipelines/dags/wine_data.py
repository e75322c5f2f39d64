"""Data DAG: ``ingest -> validate -> transform -> publish`` for one day's batch of the wine data set.

Every task works on the partition of the run's logical date (``ds``) and overwrites that partition's single
object, so a rerun or a backfill of a day replaces the day instead of adding to it. ``publish`` updates the
``wine_features`` Asset, which schedules the model DAG. No work happens when this file is parsed.
"""

from __future__ import annotations

import datetime as dt

from airflow.sdk import dag, task
from airflow.sdk.exceptions import AirflowFailException

from mlops_pipelines import airflow_support as support


@dag(
    dag_id="wine_data",
    schedule="@daily",
    start_date=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    catchup=False,
    max_active_runs=1,
    default_args=support.task_defaults(support.DATA_PIPELINE),
    tags=["data", "wine"],
    doc_md=__doc__,
)
def wine_data() -> None:
    @task
    def ingest(ds: str | None = None) -> int:
        from mlops_pipelines import data  # imported when the task runs: parsing stays fast

        return data.ingest(support.s3(), support.settings(), support.logical_day(ds))

    @task
    def validate(rows: int, ds: str | None = None) -> dict[str, object]:
        from mlops_pipelines import data  # imported when the task runs: parsing stays fast

        try:
            return data.validate(support.s3(), support.settings(), support.logical_day(ds))
        except data.ValidationFailed as failed:
            # A failed schema fails again on retry: fail now, with every failed check in the message.
            raise AirflowFailException(str(failed)) from failed

    @task
    def transform(validated: dict[str, object], ds: str | None = None) -> int:
        from mlops_pipelines import data  # imported when the task runs: parsing stays fast

        return data.transform(support.s3(), support.settings(), support.logical_day(ds))

    @task(outlets=[support.WINE_FEATURES])
    def publish(rows: int, ds: str | None = None, dag_run: object = None) -> int:
        from mlops_pipelines import data  # imported when the task runs: parsing stays fast

        published = data.publish(support.s3(), support.settings(), support.logical_day(ds))
        support.push_outcome(support.DATA_PIPELINE, True, published, {"dag_run": dag_run})
        return published

    publish(transform(validate(ingest())))


wine_data()
