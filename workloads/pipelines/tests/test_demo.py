"""End to end: the local flow, good and with a corrupted batch, with the real tasks and a real MLflow server."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlops_pipelines import demo


def test_the_local_flow_trains_and_promotes_from_validated_data(
    tmp_path: Path, mlflow_uri: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert demo.run(bad_batch=False, workdir=tmp_path, tracking_uri=mlflow_uri, serve=False) == 0
    out = capsys.readouterr().out
    for day in demo.DAYS:
        assert f"{day}: ingest" in out and f"{day}: run " in out
    assert "cronjob    data-validation entrypoint over 3 partitions: exit 0" in out
    assert '"wine-data": [' in out and "pipeline_last_success_timestamp_seconds" in out
    assert "PipelineJobFailed would fire for: none" in out


def test_a_bad_batch_is_refused_nothing_of_it_published_and_no_model_trained_on_it(
    tmp_path: Path, mlflow_uri: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert demo.run(bad_batch=True, workdir=tmp_path, tracking_uri=mlflow_uri, serve=False) == 1
    out = capsys.readouterr().out
    bad = demo.BAD_DAY
    assert f"validate   {bad}: FAILED" in out
    for check in (
        "alcohol: not_nullable",
        "magnesium: in_range(0.0, 300.0)",
        "record_id: field_uniqueness",
        "column_in_schema: sensor_note",
    ):
        assert check in out
    assert f"publish    {bad}: skipped, 0 objects published" in out
    assert f"{bad}: run " not in out  # the model DAG never ran for the refused day
    assert "data-validation entrypoint over 3 partitions: exit 1" in out
    assert "result     FAILED checks:" in out
    # The refused day's failure was pushed (the task's failure callback), but day 3 succeeded after it: only the
    # CronJob, whose run covered the bad partition, is still failing.
    assert "PipelineJobFailed would fire for: data-validation" in out
