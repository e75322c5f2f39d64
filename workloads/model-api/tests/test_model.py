from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from model_api.model import (
    MAX_INSTANCES,
    Column,
    ServedModel,
    UnsupportedSignature,
    columns_from_signature,
    request_model,
)

ROW = {"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}


def test_columns_come_from_the_logged_signature(pyfunc_model: Any) -> None:
    columns = columns_from_signature(pyfunc_model.metadata.get_input_schema())
    assert [c.name for c in columns] == list(ROW)
    assert {c.type for c in columns} == {"double"}
    assert all(c.required for c in columns)


def test_a_model_without_signature_is_refused() -> None:
    with pytest.raises(UnsupportedSignature, match="no input signature"):
        columns_from_signature(None)


def test_request_accepts_rows_and_ints_for_doubles() -> None:
    schema = request_model([Column("a", "double", True), Column("n", "long", True), Column("s", "string", False)])
    parsed = schema.model_validate_json(b'{"instances": [{"a": 1, "n": 2}, {"a": 0.5, "n": 3, "s": "x"}]}')
    assert [r.model_dump() for r in parsed.instances] == [{"a": 1.0, "n": 2, "s": None}, {"a": 0.5, "n": 3, "s": "x"}]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("body", "loc", "kind"),
    [
        ('{"instances": [{"a": "1.5"}]}', ("instances", 0, "a"), "float_type"),
        ('{"instances": [{}]}', ("instances", 0, "a"), "missing"),
        ('{"instances": [{"a": 1, "b": 2}]}', ("instances", 0, "b"), "extra_forbidden"),
        ('{"instances": []}', ("instances",), "too_short"),
        ('{"rows": [{"a": 1}]}', ("instances",), "missing"),
        ('{"instances": [{"a": 1e999}]}', ("instances", 0, "a"), "finite_number"),
        ("not json", (), "json_invalid"),
    ],
)
def test_request_refuses_bad_bodies_naming_the_field(body: str, loc: tuple[Any, ...], kind: str) -> None:
    schema = request_model([Column("a", "double", True)])
    with pytest.raises(ValidationError) as raised:
        schema.model_validate_json(body)
    errors = raised.value.errors()
    assert any(e["loc"] == loc and e["type"] == kind for e in errors), errors


def test_request_bounds_the_batch() -> None:
    schema = request_model([Column("a", "double", True)])
    with pytest.raises(ValidationError, match=r"too_long|at most"):
        schema.model_validate_json('{"instances": [' + ",".join(['{"a": 1}'] * (MAX_INSTANCES + 1)) + "]}")


def test_frame_has_the_signature_dtypes_and_predicts(pyfunc_model: Any) -> None:
    served = ServedModel(pyfunc_model, name="iris", version="1")
    frame = served.frame([ROW, ROW])
    assert list(frame.columns) == list(ROW)
    assert all(dtype == np.float64 for dtype in frame.dtypes)
    assert served.predict([ROW]) == [0]
