"""Local stand-ins for the cloud pieces, for the demo and the tests: all bound to 127.0.0.1.

- S3: moto's ``ThreadedMotoServer`` (moto 5.2.5, ``moto/server.py``), a real HTTP endpoint boto3 talks to;
- Pushgateway: :class:`PushReceiver`, which accepts the pushes prometheus_client sends (``POST
  /metrics/job/<job>``, text exposition format) and keeps the last group per job, as the Pushgateway does;
- MLflow: a real ``mlflow server`` with a SQLite backend and local artifacts (:func:`mlflow_server_command`).
- The DAG's tasks run in order through :func:`run_dag_tasks`, each task's own callable with its upstream results.
"""

from __future__ import annotations

import contextlib
import inspect
import logging
import os
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from prometheus_client.parser import text_string_to_metric_families

LOOPBACK = "127.0.0.1"
PIPELINES_DIR = Path(__file__).resolve().parents[2]
WORKLOADS_DIR = PIPELINES_DIR.parent


#: Keeps MLflow (client and server) from sending usage telemetry: nothing leaves loopback.
OFFLINE_ENV = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


def wait_for_http(url: str, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    last: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{url}: the server exited with code {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError as error:
            last = error
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f}s ({last})")


@contextlib.contextmanager
def moto_s3(buckets: list[str]) -> Iterator[str]:
    """A moto S3 server on loopback with ``buckets`` created; yields its endpoint URL."""
    import boto3
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per S3 call otherwise
    port = free_port()
    server = ThreadedMotoServer(ip_address=LOOPBACK, port=port, verbose=False)
    server.start()
    endpoint = f"http://{LOOPBACK}:{port}"
    try:
        # moto keeps its state per process, shared by every server in it: start from empty buckets.
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()
        s3 = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        for bucket in buckets:
            s3.create_bucket(Bucket=bucket)
        yield endpoint
    finally:
        server.stop()


def local_aws_env(endpoint: str) -> dict[str, str]:
    """What boto3 needs to reach the moto server (and nothing else): endpoint, region, dummy credentials."""
    return {
        "AWS_ENDPOINT_URL_S3": endpoint,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_EC2_METADATA_DISABLED": "true",
    }


class PushReceiver:
    """Accepts Pushgateway pushes on loopback; ``groups[job]`` holds the metric families last pushed for a job."""

    def __init__(self) -> None:
        self.groups: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _store(self, replace_group: bool) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
                parts = self.path.split("/")
                if len(parts) < 4 or parts[1:3] != ["metrics", "job"]:
                    self.send_response(400)
                    self.end_headers()
                    return
                job = parts[3]
                families = {f.name: f for f in text_string_to_metric_families(body)}
                group = {} if replace_group else receiver.groups.get(job, {})
                group.update(families)  # POST replaces only the names it carries, as the Pushgateway does
                receiver.groups[job] = group
                receiver.requests.append((self.command, self.path))
                self.send_response(200)
                self.end_headers()

            def do_POST(self) -> None:
                self._store(replace_group=False)

            def do_PUT(self) -> None:
                self._store(replace_group=True)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.url = f"http://{LOOPBACK}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> PushReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def failing(self) -> list[str]:
        """Jobs whose last failure is newer than their last success: where ``PipelineJobFailed`` fires."""
        from platform_contract import METRICS

        failure, success = (METRICS["pipeline"][k]["name"] for k in ("lastFailureTimestamp", "lastSuccessTimestamp"))
        out = []
        for job in sorted(self.groups):
            failed, succeeded = self.value(job, failure), self.value(job, success)
            if failed is not None and (succeeded is None or failed > succeeded):
                out.append(job)
        return out

    def value(self, job: str, name: str, **labels: str) -> float | None:
        family = self.groups.get(job, {}).get(name)
        for sample in family.samples if family else []:
            if all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
        return None


def mlflow_server_command(backend_dir: Path, port: int) -> list[str]:
    """How to start MLflow locally: the mlflow-server project's env when it exists, else this project's dev env."""
    candidates = [
        WORKLOADS_DIR / "mlflow-server" / ".venv" / "bin" / "mlflow",
        PIPELINES_DIR / ".venv" / "bin" / "mlflow",
    ]
    mlflow = next((c for c in candidates if c.exists()), candidates[-1])
    return [
        str(mlflow), "server",
        "--host", LOOPBACK, "--port", str(port),
        "--backend-store-uri", f"sqlite:///{backend_dir / 'mlflow.db'}",
        "--artifacts-destination", str(backend_dir / "artifacts"),
        "--serve-artifacts", "--workers", "1",
    ]  # fmt: skip


@contextlib.contextmanager
def mlflow_server(backend_dir: Path, timeout: float = 300) -> Iterator[str]:
    """A real MLflow tracking server with a SQLite backend; yields its URL and stops it afterwards."""
    backend_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = (backend_dir / "mlflow-server.log").open("wb")
    process = subprocess.Popen(
        mlflow_server_command(backend_dir, port),
        # No background job workers (huey): the flow needs tracking and the registry only, and they slow start-up.
        env={**os.environ, **OFFLINE_ENV, "MLFLOW_SERVER_ENABLE_JOB_EXECUTION": "false"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://{LOOPBACK}:{port}"
    try:
        wait_for_http(f"{url}/health", timeout, process)
        yield url
    finally:
        stop(process)
        log.close()


def stop(process: subprocess.Popen[bytes], grace: float = 10) -> None:
    """SIGTERM the process group we started, then SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, 15)
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 9)
        process.wait()


def run_dag_tasks(dag: Any, context: Mapping[str, Any], done: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Run each task's own callable in dependency order, passing upstream results where the DAG wires XComs.

    ``context`` supplies the context values a task asks for by parameter name (``ds``, ``dag_run``), as
    Airflow does; ``done`` holds results of tasks already run. The first failing task raises; later ones do not run.
    """
    from airflow.sdk.definitions.xcom_arg import PlainXComArg

    results: dict[str, Any] = dict(done or {})

    def resolve(value: Any) -> Any:
        return results[value.operator.task_id] if isinstance(value, PlainXComArg) else value

    for task in dag.topological_sort():
        if task.task_id in results:
            continue
        fn = task.python_callable
        args = [resolve(a) for a in task.op_args]
        kwargs = {k: resolve(v) for k, v in task.op_kwargs.items()}
        for name in inspect.signature(fn).parameters:
            if name in context and name not in kwargs:
                kwargs[name] = context[name]
        try:
            results[task.task_id] = fn(*args, **kwargs)
        except Exception as error:
            # As Airflow does once a task has failed for good: its on_failure_callback(s) get the context.
            callbacks = task.on_failure_callback or []
            for callback in callbacks if isinstance(callbacks, list) else [callbacks]:
                callback({**context, "ti": SimpleNamespace(task_id=task.task_id), "exception": error})
            raise
    return results
