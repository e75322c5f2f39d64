"""End to end: the `model-api` entry point as the image runs it, against a real MLflow server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from conftest import ROW, Registered
from mlflow_server.local import free_port, wait_for_http
from platform_contract import ENV, PATHS

from model_api.server import main


def post(url: str, body: Any) -> tuple[int, Any]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_main_refuses_a_bad_environment_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(ENV["modelUri"], raising=False)
    monkeypatch.setenv(ENV["mlflowTrackingUri"], "http://127.0.0.1:1")
    assert main() == 2
    assert f"{ENV['modelUri']}: is required" in capsys.readouterr().err


def test_serves_the_champion_from_mlflow_writing_only_to_tmp(registered_model: Registered, tmp_path: Path) -> None:
    port = free_port()
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    home = tmp_path / "home"
    home.mkdir()
    # The image's conditions: HOME and TMPDIR are the only writable places; cwd is read-only.
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    env = {
        **os.environ,
        ENV["mlflowTrackingUri"]: registered_model.tracking_uri,
        ENV["modelUri"]: registered_model.model_uri,
        ENV["port"]: str(port),
        "HOME": str(home),
        "TMPDIR": str(tmp),
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("model-api"))], env=env, cwd=readonly,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_http(base + PATHS["ready"], 300, process)
        with urllib.request.urlopen(base + PATHS["ready"]) as response:
            assert json.loads(response.read()) == {
                "status": "ready", "model": "iris-classifier", "version": registered_model.version,
            }  # fmt: skip
        assert post(base + PATHS["predict"], {"instances": [ROW]}) == (
            200, {"predictions": [0], "model": "iris-classifier", "version": registered_model.version},
        )  # fmt: skip
        status, body = post(base + PATHS["predict"], {"instances": [{**ROW, "petal_width": None}]})
        assert status == 422 and body["message"].startswith("instances.0.petal_width:")
        with urllib.request.urlopen(base + PATHS["metrics"]) as response:
            metrics = response.read().decode()
        assert f'model_loaded{{model="iris-classifier",version="{registered_model.version}"}} 1.0' in metrics
        assert 'http_requests_total{handler="/predict",method="POST",status="422"} 1.0' in metrics
        # MLflow downloaded the artifacts into TMPDIR (our dst_path), nowhere else.
        assert any(p.name == "MLmodel" for p in tmp.rglob("MLmodel"))
        assert list(readonly.iterdir()) == []

        # Graceful shutdown: a request in flight when SIGTERM arrives still gets its answer.
        big = {"instances": [ROW] * 1000}
        results: list[int | str] = []

        def keep_posting() -> None:
            for _ in range(50):
                try:
                    results.append(post(base + PATHS["predict"], big)[0])
                except OSError as error:  # refused or reset: the server stopped accepting, as it should
                    results.append(type(error).__name__)
                    return

        thread = threading.Thread(target=keep_posting)
        thread.start()
        time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        thread.join(30)
        # uvicorn 0.54.0 re-raises the signal it caught once shutdown is complete (Server.capture_signals).
        assert process.wait(30) == -signal.SIGTERM
        output = process.stdout.read().decode() if process.stdout else ""
        assert "Shutting down" in output and "Finished server process" in output
        # Every request that got in was answered 200 (the one in flight at SIGTERM included); after it, refused.
        assert results[0] == 200 and isinstance(results[-1], str), results
        assert all(r == 200 for r in results[:-1]), results
    finally:
        readonly.chmod(0o755)
        if process.poll() is None:
            process.kill()
            process.wait()
