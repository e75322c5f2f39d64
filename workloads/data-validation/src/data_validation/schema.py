"""The schema of one raw batch of the wine dataset, as ``ingest`` writes it.

Checked against pandera 0.35.0 (``pandera.pandas.DataFrameModel``, ``Field``, ``dataframe_check``).
Bounds are the physically plausible range of each measurement, wider than the 178 samples of the
UCI wine data set (whose observed min/max are in scikit-learn's ``load_wine`` description): a value
outside them is a broken producer, not an unusual wine.
"""

from __future__ import annotations

from typing import Final

import pandas as pd
import pandera.pandas as pa
from pandera.typing.pandas import Series

#: Measurement columns, in the order ``ingest`` writes them.
FEATURE_COLUMNS: Final[tuple[str, ...]] = (
    "alcohol",
    "malic_acid",
    "ash",
    "alcalinity_of_ash",
    "magnesium",
    "total_phenols",
    "flavanoids",
    "nonflavanoid_phenols",
    "proanthocyanins",
    "color_intensity",
    "hue",
    "od280_od315_of_diluted_wines",
    "proline",
)
TARGET_COLUMN: Final = "cultivar"
ID_COLUMN: Final = "record_id"
DATE_COLUMN: Final = "batch_date"
COLUMNS: Final[tuple[str, ...]] = (ID_COLUMN, DATE_COLUMN, *FEATURE_COLUMNS, TARGET_COLUMN)

#: A daily batch is ~25 rows; fewer than this is a truncated upload, more is a duplicated one.
MIN_ROWS: Final = 10
MAX_ROWS: Final = 1000


class WineBatch(pa.DataFrameModel):
    """One day's raw wine measurements. Each check is named after its rule in the report."""

    record_id: Series[int] = pa.Field(ge=0, unique=True, nullable=False)
    batch_date: Series[str] = pa.Field(str_matches=r"^\d{4}-\d{2}-\d{2}$", nullable=False)
    alcohol: Series[float] = pa.Field(in_range={"min_value": 5.0, "max_value": 20.0}, nullable=False)
    malic_acid: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 10.0}, nullable=False)
    ash: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 5.0}, nullable=False)
    alcalinity_of_ash: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 50.0}, nullable=False)
    magnesium: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 300.0}, nullable=False)
    total_phenols: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 6.0}, nullable=False)
    flavanoids: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 8.0}, nullable=False)
    nonflavanoid_phenols: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 1.5}, nullable=False)
    proanthocyanins: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 6.0}, nullable=False)
    color_intensity: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 20.0}, nullable=False)
    hue: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 3.0}, nullable=False)
    od280_od315_of_diluted_wines: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 6.0}, nullable=False)
    proline: Series[float] = pa.Field(in_range={"min_value": 0.0, "max_value": 3000.0}, nullable=False)
    cultivar: Series[int] = pa.Field(isin=[0, 1, 2], nullable=False)

    @pa.dataframe_check(name="row_count_in_range")
    @classmethod
    def row_count_in_range(cls, df: pd.DataFrame) -> bool:
        return MIN_ROWS <= len(df) <= MAX_ROWS

    @pa.dataframe_check(name="single_batch_date")
    @classmethod
    def single_batch_date(cls, df: pd.DataFrame) -> bool:
        # A batch holds exactly one day: rows of another day mean a mixed-up partition.
        return bool(df[DATE_COLUMN].nunique(dropna=True) <= 1)

    class Config:
        name = "WineBatch"
        strict = True  # an unknown column is a producer change nobody agreed to
        ordered = False
        coerce = False  # types are checked, not repaired
