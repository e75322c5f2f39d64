"""``npm run demo``: the whole data and model flow on this machine, with the real tasks, validation and model API.

Local stand-ins only for what the cloud provides (moto for S3, a loopback Pushgateway receiver, a SQLite
MLflow server); everything else is the code the cluster runs. One line per stage; exit 0 only if every stage
worked. ``--bad-batch`` corrupts the second day's raw batch: its validation fails, nothing of it is published,
no model is trained on it, and the exit code is 1 with the failed checks named.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from mlops_pipelines import local
from platform_contract import ENV, PATHS, PIPELINES, REGISTRY

DAYS = [dt.date(2026, 1, 1), dt.date(2026, 1, 2), dt.date(2026, 1, 3)]
BAD_DAY = DAYS[1]
RAW_BUCKET = "demo-raw-data"
PROCESSED_BUCKET = "demo-processed-data"
MODEL_API_DIR = local.WORKLOADS_DIR / "model-api"


class StageFailed(RuntimeError):
    pass


def stage(name: str, detail: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {name:<10} {detail}", flush=True)


def load_dag(path: Path) -> Any:
    """The DAG object a DAG file defines, loaded the way Airflow's DagBag does (one module per file)."""
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(path), safe_mode=False)
    if bag.import_errors:
        raise StageFailed(f"{path.name}: import errors {bag.import_errors}")
    (dag,) = bag.dags.values()
    return dag


def corrupt_raw_batch(s3: Any, day: dt.date) -> None:
    """What a broken producer would upload: a missing value, an impossible one, a duplicated id, an unknown column."""
    import io

    import pandas as pd

    from data_validation import layout

    key = layout.raw_key(day)
    frame = pd.read_csv(io.BytesIO(s3.get_object(Bucket=RAW_BUCKET, Key=key)["Body"].read()), dtype={"batch_date": str})
    frame["alcohol"] = frame["alcohol"].where(frame.index != 0)
    frame["magnesium"] = frame["magnesium"].where(frame.index != 1, -5.0)
    ids = frame["record_id"].tolist()
    frame["record_id"] = [*ids[:2], ids[3], *ids[3:]]
    frame["sensor_note"] = "n/a"
    s3.put_object(Bucket=RAW_BUCKET, Key=key, Body=frame.to_csv(index=False).encode())


def model_api_command() -> list[str] | None:
    python = MODEL_API_DIR / ".venv" / "bin" / "python"
    if not python.exists():
        return None
    module = "model_api" if (MODEL_API_DIR / "src" / "model_api" / "__main__.py").exists() else "model_api.server"
    return [str(python), "-m", module]


@contextmanager
def model_api(tracking_uri: str, workdir: Path) -> Iterator[str]:
    command = model_api_command()
    assert command is not None
    port = local.free_port()
    env = {
        **os.environ,
        ENV["mlflowTrackingUri"]: tracking_uri,
        ENV["modelUri"]: f"models:/{REGISTRY['modelName']}@{REGISTRY['championAlias']}",
        ENV["port"]: str(port),
        "HOST": local.LOOPBACK,
    }
    log = (workdir / "model-api.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://{local.LOOPBACK}:{port}"
    try:
        local.wait_for_http(url + PATHS["ready"], 120, process)
        yield url
    finally:
        local.stop(process)
        log.close()


def run(bad_batch: bool, workdir: Path, tracking_uri: str | None = None, serve: bool = True) -> int:
    """The flow; ``tracking_uri`` reuses a running MLflow server, ``serve=False`` stops before the model API."""
    import boto3

    from data_validation import cli as validation_cli
    from data_validation import layout
    from mlops_pipelines import data

    dags = local.PIPELINES_DIR / "dags"
    with ExitStack() as stack:
        endpoint = stack.enter_context(local.moto_s3([RAW_BUCKET, PROCESSED_BUCKET]))
        os.environ.update(local.local_aws_env(endpoint))
        stage("s3", f"moto server at {endpoint}, buckets {RAW_BUCKET} and {PROCESSED_BUCKET}")
        gateway = stack.enter_context(local.PushReceiver())
        stage("metrics", f"Pushgateway receiver at {gateway.url}")
        tracking = tracking_uri or stack.enter_context(local.mlflow_server(workdir / "mlflow"))
        stage("mlflow", f"tracking server at {tracking} (SQLite backend, local artifacts)")
        os.environ.update(
            {
                ENV["rawBucket"]: RAW_BUCKET,
                ENV["processedBucket"]: PROCESSED_BUCKET,
                ENV["mlflowTrackingUri"]: tracking,
                ENV["pushgatewayUrl"]: gateway.url,
            }
        )
        data_dag, model_dag = load_dag(dags / "wine_data.py"), load_dag(dags / "wine_model.py")
        stage("dags", f"{data_dag.dag_id}: {' -> '.join(t.task_id for t in data_dag.topological_sort())}; "
              f"{model_dag.dag_id}: {' -> '.join(t.task_id for t in model_dag.topological_sort())}")  # fmt: skip
        s3 = boto3.client("s3")
        failures: list[str] = []
        for day in DAYS:
            ctx = {"ds": day.isoformat(), "dag_run": None}
            try:
                rows = data_dag.get_task("ingest").python_callable(ds=ctx["ds"])
                if bad_batch and day == BAD_DAY:
                    corrupt_raw_batch(s3, day)
                    stage(
                        "corrupt",
                        f"{day}: raw batch replaced by a corrupted one (null, out of range, duplicate id, extra column)",
                    )
                results = local.run_dag_tasks(data_dag, ctx, done={"ingest": rows})
            except Exception as error:
                # The validate task turns ValidationFailed into AirflowFailException (no retries); anything else is a crash.
                failed = error.__cause__
                if not isinstance(failed, data.ValidationFailed):
                    raise
                failures.extend(c.describe() for c in failed.result.failed_checks)
                stage(
                    "validate",
                    f"{day}: FAILED, {failed.result.rows} rows: " + "; ".join(c.describe() for c in failed.result.failed_checks),
                )
                published = s3.list_objects_v2(Bucket=PROCESSED_BUCKET, Prefix=layout.published_key(day)).get("KeyCount", 0)
                stage(
                    "publish",
                    f"{day}: skipped, {published} objects published for the day; the model DAG is not triggered",
                )
                continue
            asset = data_dag.get_task("publish").outlets[0].name
            stage(
                "data",
                f"{day}: ingest {rows} rows -> validate {results['validate']['rows']} passed -> "
                f"transform {results['transform']} -> publish {results['publish']} (asset {asset} updated)",
            )
            model = local.run_dag_tasks(model_dag, {"dag_run": None})
            stage(
                "model",
                f"{day}: run {model['train']['run_id'][:8]} -> version {model['register']} -> {model['promote']['summary']}",
            )
        validation_env = {
            **os.environ,
            ENV["pipelineName"]: PIPELINES["dataValidation"],
            ENV["validationDates"]: ",".join(d.isoformat() for d in DAYS),
        }
        code = validation_cli.main([], validation_env)
        stage("cronjob", f"data-validation entrypoint over {len(DAYS)} partitions: exit {code}")
        pushed = {job: sorted(group) for job, group in gateway.groups.items()}
        stage("pushed", json.dumps(pushed))
        stage("alerts", f"PipelineJobFailed would fire for: {', '.join(gateway.failing()) or 'none'}")
        if failures:
            stage("result", "FAILED checks: " + "; ".join(failures))
            return 1
        if code != 0:
            return 1
        if not serve:
            return 0
        if model_api_command() is None:
            stage("model-api", f"SKIPPED: {MODEL_API_DIR} does not exist yet")
            return 1
        url = stack.enter_context(model_api(tracking, workdir))
        stage("model-api", f"serving models:/{REGISTRY['modelName']}@{REGISTRY['championAlias']} at {url}")
        frame = data.features(data.batch_for(DAYS[0])).head(1)
        instance = frame.drop(columns=["record_id", "cultivar"]).iloc[0].to_dict()
        request = urllib.request.Request(
            url + PATHS["predict"], json.dumps({"instances": [instance]}).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            prediction = json.loads(response.read())
        stage(
            "predict",
            f"record {int(frame['record_id'].iloc[0])} (cultivar {int(frame['cultivar'].iloc[0])}): {json.dumps(prediction)}",
        )
        with urllib.request.urlopen(url + PATHS["metrics"], timeout=10) as response:
            text = response.read().decode()
        names = sorted({line.split()[2] for line in text.splitlines() if line.startswith("# TYPE")})
        stage("metrics", f"/metrics serves {', '.join(names)}")
        if not names:
            stage("result", "FAILED: /metrics served no metric")
            return 1
        stage("result", "OK")
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="npm run demo --", description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--bad-batch", action="store_true", help="corrupt one day's raw batch: validation must refuse it")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (MLflow database, logs)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="mlops-demo-"))
    os.environ.setdefault("AIRFLOW_HOME", str(workdir / "airflow"))
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__LOGGING__LOGGING_LEVEL", "WARNING")  # the stage lines are the demo's output
    os.environ.update(local.OFFLINE_ENV)
    started = time.monotonic()
    try:
        code = run(args.bad_batch, workdir)
    except Exception as error:
        stage("result", f"FAILED: {type(error).__name__}: {error} (logs in {workdir})")
        code = 1
    stage("done", f"exit {code} after {time.monotonic() - started:.0f}s")
    if not args.keep and code == 0:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
