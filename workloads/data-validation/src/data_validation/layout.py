"""Where each stage's objects live in the buckets, partitioned by the logical date (``ds=YYYY-MM-DD``).

One key per partition and stage, so a rerun of a day overwrites its objects instead of adding more.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final

DATASET: Final = "wine"
_PARTITION = re.compile(r"^ds=(\d{4}-\d{2}-\d{2})/")


def partition(day: dt.date) -> str:
    return f"ds={day.isoformat()}"


def raw_key(day: dt.date) -> str:
    """The raw batch ``ingest`` writes to the raw bucket."""
    return f"{DATASET}/{partition(day)}/batch.csv"


def raw_prefix() -> str:
    return f"{DATASET}/"


def report_key(day: dt.date) -> str:
    """The validation report, in the processed bucket."""
    return f"validation/{DATASET}/{partition(day)}/report.json"


def features_key(day: dt.date) -> str:
    """Transformed features, staged in the processed bucket until ``publish``."""
    return f"staging/{DATASET}/{partition(day)}/features.csv"


def published_key(day: dt.date) -> str:
    """Published features: only validated batches get here; the model DAG reads only these."""
    return f"published/{DATASET}/{partition(day)}/features.csv"


def published_prefix() -> str:
    return f"published/{DATASET}/"


def day_of_key(key: str, prefix: str) -> dt.date | None:
    """The logical date of a partitioned key under ``prefix``, or None for a key outside the layout."""
    if not key.startswith(prefix):
        return None
    match = _PARTITION.match(key[len(prefix) :])
    return dt.date.fromisoformat(match.group(1)) if match else None
