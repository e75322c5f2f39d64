"""The failure callback and the success push reach the Pushgateway under the contract's names."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from mlops_pipelines import airflow_support as support
from mlops_pipelines import local
from mlops_pipelines.settings import PipelineSettings
from platform_contract import METRICS, PIPELINES

SPECS = METRICS["pipeline"]


def test_a_failed_task_records_the_failure_and_a_later_success_leaves_both_timestamps(
    settings: PipelineSettings, gateway: local.PushReceiver
) -> None:
    pipeline = PIPELINES["data"]
    started = SimpleNamespace(start_date=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5))
    callback = support.task_defaults(pipeline)["on_failure_callback"]
    callback({"ti": SimpleNamespace(task_id="validate"), "exception": RuntimeError("boom"), "dag_run": started})
    failed_at = gateway.value(pipeline, SPECS["lastFailureTimestamp"]["name"], pipeline=pipeline)
    assert failed_at is not None
    assert gateway.value(pipeline, SPECS["lastSuccessTimestamp"]["name"], pipeline=pipeline) is None
    # A failed task cannot say how many records the run had: no record count (the volume alert keeps the last one).
    assert gateway.value(pipeline, SPECS["lastRunRecords"]["name"], pipeline=pipeline) is None
    duration = gateway.value(pipeline, SPECS["lastRunDurationSeconds"]["name"], pipeline=pipeline)
    assert duration is not None and duration >= 5

    support.push_outcome(pipeline, True, 26, {"dag_run": started})
    succeeded_at = gateway.value(pipeline, SPECS["lastSuccessTimestamp"]["name"], pipeline=pipeline)
    # The alert compares the two: failure older than success means resolved.
    assert succeeded_at is not None and succeeded_at >= failed_at
    assert gateway.value(pipeline, SPECS["lastFailureTimestamp"]["name"], pipeline=pipeline) == failed_at
    assert gateway.value(pipeline, SPECS["lastRunRecords"]["name"], pipeline=pipeline) == 26
    assert ("POST", f"/metrics/job/{pipeline}") in gateway.requests


def test_a_callback_never_raises_even_without_configuration(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.delenv("PUSHGATEWAY_URL", raising=False)
    support.failure_callback("wine-data")({"exception": RuntimeError("x")})
    assert "could not push the failure metrics" in caplog.text
