"""The served model: loading it from MLflow, and the request schema built from its signature.

Checked against mlflow 3.17.2: ``mlflow.pyfunc.load_model(model_uri, dst_path=...)`` resolves
``models:/<name>@<alias>`` through the registry at ``MLFLOW_TRACKING_URI`` and downloads the artifacts to
``dst_path`` (without it, to ``tempfile.mkdtemp()``, mlflow/utils/file_utils.py ``create_tmp_dir``); we pass
a directory under ``tempfile.gettempdir()`` explicitly, so nothing is written outside ``/tmp`` on the
read-only root filesystem. The signature's column types are ``mlflow.types.DataType`` members.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, Strict, create_model

#: Largest batch one request may carry: bounds memory and latency per request.
MAX_INSTANCES = 1000

# MLflow DataType name -> (pydantic field type, numpy dtype). Strict: "1.5" is not a number and 1.5 is not
# an int; ints are accepted for floating-point columns (pydantic strict mode allows int -> float from JSON).
_FINITE = Field(allow_inf_nan=False)
_TYPES: dict[str, tuple[Any, Any]] = {
    "boolean": (Annotated[bool, Strict()], np.bool_),
    "integer": (Annotated[int, Strict(), Field(ge=-(2**31), lt=2**31)], np.int32),
    "long": (Annotated[int, Strict(), Field(ge=-(2**63), lt=2**63)], np.int64),
    "float": (Annotated[float, Strict(), _FINITE], np.float32),
    "double": (Annotated[float, Strict(), _FINITE], np.float64),
    "string": (Annotated[str, Strict()], object),
}


class UnsupportedSignature(ValueError):
    """The model's signature cannot be served by this API (no signature, tensors, unsupported types)."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool


def columns_from_signature(input_schema: Any) -> list[Column]:
    """The named columns of an MLflow input schema; refuses what a JSON row cannot express."""
    if input_schema is None:
        raise UnsupportedSignature("the model has no input signature: log it with `signature=infer_signature(X, y)`")
    if input_schema.is_tensor_spec():
        raise UnsupportedSignature("tensor-based signatures are not served; log a column-based signature")
    columns = []
    for spec in input_schema.inputs:
        type_name = getattr(spec.type, "name", str(spec.type))
        if spec.name is None:
            raise UnsupportedSignature("the signature has unnamed columns; log the model with a DataFrame input")
        if type_name not in _TYPES:
            raise UnsupportedSignature(f"column {spec.name!r} has type {type_name!r}, which is not served")
        columns.append(Column(name=str(spec.name), type=type_name, required=bool(spec.required)))
    return columns


def request_model(columns: list[Column]) -> type[BaseModel]:
    """The `/predict` body: ``{"instances": [{<column>: <value>, ...}, ...]}``; unknown columns are refused."""
    fields: dict[str, Any] = {}
    for column in columns:
        field_type = _TYPES[column.type][0]
        fields[column.name] = (field_type, ...) if column.required else (field_type | None, None)
    row = create_model("Instance", __config__=ConfigDict(extra="forbid"), **fields)
    return create_model(
        "PredictRequest",
        __config__=ConfigDict(extra="forbid"),
        instances=(list[row], Field(min_length=1, max_length=MAX_INSTANCES)),  # type: ignore[valid-type]
    )


class ServedModel:
    """A loaded pyfunc model with the request schema and the frame builder for its signature."""

    def __init__(self, pyfunc_model: Any, name: str, version: str) -> None:
        self.pyfunc = pyfunc_model
        self.name = name
        self.version = version
        self.columns = columns_from_signature(pyfunc_model.metadata.get_input_schema())
        self.request = request_model(self.columns)
        self._dtypes = {c.name: _TYPES[c.type][1] for c in self.columns}

    def frame(self, rows: list[dict[str, Any]]) -> pd.DataFrame:
        """Columns built straight into the signature's dtypes, so pyfunc's schema enforcement has nothing to convert."""
        data = {}
        for name, dtype in self._dtypes.items():
            values = [row.get(name) for row in rows]
            data[name] = np.array(values, dtype=dtype) if None not in values else pd.array(values, dtype=object)
        return pd.DataFrame(data, copy=False)

    def predict(self, rows: list[dict[str, Any]]) -> list[Any]:
        result = self.pyfunc.predict(self.frame(rows))
        if isinstance(result, pd.DataFrame):
            return [dict(r) for r in result.to_dict(orient="records")]
        if isinstance(result, (pd.Series, np.ndarray)):
            return list(result.tolist())
        return list(result)


def resolve_version(tracking_uri: str, model_uri: str) -> str:
    """The registry version a `models:/` URI points at now (an alias moves; the version tells which was loaded)."""
    import mlflow

    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    path = model_uri.removeprefix("models:/")
    if "@" in path:
        name, alias = path.split("@", 1)
        return str(client.get_model_version_by_alias(name, alias).version)
    if "/" in path:
        return path.split("/", 1)[1]
    return ""


def load_served_model(tracking_uri: str, model_uri: str, name: str) -> ServedModel:
    """Downloads and loads the model into a fresh directory under the temp dir (``TMPDIR``, else /tmp)."""
    import mlflow
    import mlflow.pyfunc

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    version = resolve_version(tracking_uri, model_uri) if model_uri.startswith("models:/") else ""
    # Load the exact version the alias named a moment ago, so the reported version is the served one.
    uri = f"models:/{name}/{version}" if version and "@" in model_uri else model_uri
    destination = tempfile.mkdtemp(prefix="model-", dir=tempfile.gettempdir())
    pyfunc_model = mlflow.pyfunc.load_model(uri, dst_path=destination)
    return ServedModel(pyfunc_model, name=name, version=version)
