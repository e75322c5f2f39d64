"""The model DAG's tasks: ``train -> evaluate -> register -> promote`` on the published features.

MLflow 3.17 client API (checked in mlflow-skinny 3.17.2: ``mlflow.sklearn.log_model(name=...)``,
``mlflow.register_model``, ``MlflowClient.get_model_version_by_alias`` / ``set_registered_model_alias``).
The held-out rows are fixed by ``record_id`` so the candidate and the champion are scored on the same rows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Final

import mlflow
import mlflow.sklearn
import pandas as pd
from mlflow.tracking import MlflowClient
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from data_validation import layout
from data_validation.s3 import S3Client, list_keys, read_object
from data_validation.schema import ID_COLUMN, TARGET_COLUMN
from mlops_pipelines.settings import PipelineSettings
from platform_contract import REGISTRY

MODEL_NAME: Final = REGISTRY["modelName"]
CHAMPION: Final = REGISTRY["championAlias"]
HELD_OUT_METRIC: Final = REGISTRY["heldOutMetric"]
EXPERIMENT: Final = "wine-classifier"
#: One record in five (by id) is held out from training, the same ones on every run.
HOLDOUT_EVERY: Final = 5
PARAMS: Final[dict[str, Any]] = {"C": 1.0, "max_iter": 1000, "solver": "lbfgs"}


class NoTrainingData(RuntimeError):
    """Nothing has been published yet: the model DAG ran before any data partition passed validation."""


def published_frame(s3: S3Client, settings: PipelineSettings) -> pd.DataFrame:
    keys = sorted(k for k in list_keys(s3, settings.processed_bucket, layout.published_prefix()) if k.endswith(".csv"))
    if not keys:
        raise NoTrainingData(f"no published features under s3://{settings.processed_bucket}/{layout.published_prefix()}")
    frames = [pd.read_csv(io.BytesIO(read_object(s3, settings.processed_bucket, k))) for k in keys]
    # A record republished by a rerun appears once.
    return pd.concat(frames, ignore_index=True).drop_duplicates(subset=ID_COLUMN, keep="last")


def split(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    held_out = frame[ID_COLUMN] % HOLDOUT_EVERY == 0
    return frame[~held_out], frame[held_out]


def inputs(frame: pd.DataFrame) -> pd.DataFrame:
    # All doubles: the logged signature then accepts any number for every feature (an int column would refuse 12.5).
    return frame.drop(columns=[ID_COLUMN, TARGET_COLUMN]).astype("float64")


def score(model: Any, held_out: pd.DataFrame) -> dict[str, float]:
    predicted = model.predict(inputs(held_out))
    truth = held_out[TARGET_COLUMN]
    return {
        HELD_OUT_METRIC: float(f1_score(truth, predicted, average="macro")),
        "holdout_accuracy": float(accuracy_score(truth, predicted)),
    }


def _use(settings: PipelineSettings) -> None:
    mlflow.set_tracking_uri(settings.mlflow_tracking_uri)
    mlflow.set_experiment(EXPERIMENT)


def _requirements() -> list[str]:
    # Stated, not inferred: MLflow's inference imports the model in a subprocess or asks uv, slow and environment-dependent.
    from importlib.metadata import version

    return [f"{name}=={version(name)}" for name in ("scikit-learn", "pandas", "numpy", "mlflow-skinny")]


def train(s3: S3Client, settings: PipelineSettings) -> dict[str, str]:
    """Fit on the published rows outside the hold-out; log params, training metrics and the model.

    Returns the run id and the logged model's URI (MLflow 3 logs a model as a LoggedModel of the run).
    """
    _use(settings)
    training, held_out = split(published_frame(s3, settings))
    if held_out.empty or training[TARGET_COLUMN].nunique() < 2:
        raise NoTrainingData(f"{len(training)} training and {len(held_out)} held-out rows are too few to train on")
    model = Pipeline([("scale", StandardScaler()), ("classify", LogisticRegression(**PARAMS))])
    model.fit(inputs(training), training[TARGET_COLUMN])
    with mlflow.start_run() as run:
        mlflow.log_params({**PARAMS, "training_rows": len(training), "held_out_rows": len(held_out)})
        mlflow.log_metric("train_accuracy", float(accuracy_score(training[TARGET_COLUMN], model.predict(inputs(training)))))
        info = mlflow.sklearn.log_model(model, name="model", input_example=inputs(training).head(2), pip_requirements=_requirements())
        return {"run_id": str(run.info.run_id), "model_uri": str(info.model_uri)}


def evaluate(s3: S3Client, settings: PipelineSettings, trained: dict[str, str]) -> dict[str, float]:
    """Score the run's model on the held-out rows and log the scores to the run."""
    _use(settings)
    _, held_out = split(published_frame(s3, settings))
    scores = score(mlflow.sklearn.load_model(trained["model_uri"]), held_out)
    with mlflow.start_run(run_id=trained["run_id"]):
        mlflow.log_metrics(scores)
    return scores


def register(settings: PipelineSettings, trained: dict[str, str]) -> str:
    """Register the run's model as a new version of the platform's model; returns the version."""
    _use(settings)
    version = mlflow.register_model(trained["model_uri"], MODEL_NAME)
    return str(version.version)


@dataclass(frozen=True)
class Promotion:
    version: str
    promoted: bool
    candidate_score: float
    champion_version: str | None
    champion_score: float | None

    def describe(self) -> str:
        if self.champion_version is None:
            return f"version {self.version} is the first champion ({HELD_OUT_METRIC}={self.candidate_score:.4f})"
        verdict = "promoted to" if self.promoted else "kept out of"
        return (
            f"version {self.version} ({HELD_OUT_METRIC}={self.candidate_score:.4f}) {verdict} @{CHAMPION}; "
            f"champion was version {self.champion_version} ({self.champion_score:.4f})"
        )


def promote(s3: S3Client, settings: PipelineSettings, version: str) -> Promotion:
    """Move ``@champion`` to ``version`` only if it beats the current champion on today's held-out rows."""
    _use(settings)
    client = MlflowClient()
    _, held_out = split(published_frame(s3, settings))
    candidate = score(mlflow.sklearn.load_model(f"models:/{MODEL_NAME}/{version}"), held_out)[HELD_OUT_METRIC]
    # The registered model exists (register ran); a missing alias is not an error, just the first champion.
    champion_version = client.get_registered_model(MODEL_NAME).aliases.get(CHAMPION)
    if champion_version is None:
        client.set_registered_model_alias(MODEL_NAME, CHAMPION, version)
        return Promotion(version, True, candidate, None, None)
    current = score(mlflow.sklearn.load_model(f"models:/{MODEL_NAME}@{CHAMPION}"), held_out)[HELD_OUT_METRIC]
    promoted = candidate > current
    if promoted:
        client.set_registered_model_alias(MODEL_NAME, CHAMPION, version)
    return Promotion(version, promoted, candidate, str(champion_version), current)
