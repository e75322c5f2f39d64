"""A real MLflow tracking server on a free loopback port: SQLite backend, artifacts proxied to a local directory.

The same `mlflow server` the image runs (mlflow 3.17.2, default uvicorn mode), with the flags the chart
passes where they apply locally (`--serve-artifacts`, `--artifacts-destination`, `--expose-prometheus`);
used by the tests of both images, the demo and the serving benchmark.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Any

from platform_contract import PATHS


def free_port() -> int:
    """A TCP port nothing listens on right now, on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_http(url: str, timeout_seconds: float, process: subprocess.Popen[bytes] | None = None) -> None:
    """Polls `url` until it answers 200; fails early when `process` exits, with its output."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer 200 within {timeout_seconds:.0f}s")


class LocalMlflowServer:
    """``with LocalMlflowServer(workdir) as server: server.url`` - started on enter, stopped (SIGTERM) on exit."""

    def __init__(
        self, workdir: Path, *, extra_args: tuple[str, ...] = (), workers: int = 1, port: int | None = None
    ) -> None:
        self.workdir = workdir
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.metrics_dir = workdir / "prometheus"
        self.log_path = workdir / "mlflow-server.log"
        self.extra_args = extra_args
        self.workers = workers
        self.process: subprocess.Popen[bytes] | None = None

    def command(self) -> list[str]:
        mlflow = str(Path(sys.executable).with_name("mlflow"))
        return [
            mlflow, "server",
            "--host", "127.0.0.1",
            "--port", str(self.port),
            "--workers", str(self.workers),
            "--backend-store-uri", f"sqlite:///{self.workdir / 'mlflow.db'}",
            "--serve-artifacts",
            "--artifacts-destination", (self.workdir / "artifacts").as_uri(),
            "--expose-prometheus", str(self.metrics_dir),
            *self.extra_args,
        ]  # fmt: skip

    def __enter__(self) -> LocalMlflowServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "HOME": str(self.workdir), "MLFLOW_TRACKING_URI": self.url}
        log = self.log_path.open("wb")
        # Its own process group, so stopping it also stops the uvicorn workers it forks.
        self.process = subprocess.Popen(
            self.command(), cwd=self.workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_for_http(self.url + PATHS["mlflowHealth"], 300, self.process)
        except Exception as error:
            self.stop()
            raise RuntimeError(f"{error}; server log:\n{self.log_path.read_text(errors='replace')[-4000:]}") from error
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def example_requirements() -> list[str]:
    """The example model's pip requirements, given rather than inferred: MLflow's inference loads the model
    in a subprocess, which takes minutes on a busy machine."""
    from importlib.metadata import version

    return [f"scikit-learn=={version('scikit-learn')}", f"skops=={version('skops')}"]


def train_example_model() -> tuple[Any, Any]:
    """A classifier on scikit-learn's bundled iris data (offline); features named ``sepal_length``,
    ``sepal_width``, ``petal_length``, ``petal_width`` (cm). Returns ``(model, features)``."""
    from sklearn.datasets import load_iris
    from sklearn.linear_model import LogisticRegression

    frame = load_iris(as_frame=True)
    features = frame.data.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
    return LogisticRegression(max_iter=500).fit(features, frame.target), features


def register_example_model(
    tracking_uri: str, name: str = "iris-classifier", alias: str = "champion"
) -> tuple[str, str]:
    """Logs the example model as the training DAG does (``mlflow.sklearn.log_model`` with an inferred
    signature), registers it and points `alias` at it. Returns ``(models:/<name>@<alias>, version)``."""
    import mlflow
    import mlflow.sklearn
    from mlflow.models import infer_signature

    model, features = train_example_model()
    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(f"{name}-examples")
    with mlflow.start_run():
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            signature=infer_signature(features, model.predict(features)),
            registered_model_name=name,
            pip_requirements=example_requirements(),
        )
    version = str(info.registered_model_version)
    mlflow.MlflowClient(tracking_uri).set_registered_model_alias(name, alias, version)
    return f"models:/{name}@{alias}", version
