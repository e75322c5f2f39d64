from __future__ import annotations

import datetime as dt

import pytest

from data_validation.config import ConfigError, Settings
from platform_contract import ENV

GOOD = {
    ENV["rawBucket"]: "dev-raw-data",
    ENV["processedBucket"]: "dev-processed-data",
    ENV["pipelineName"]: "data-validation",
    ENV["pushgatewayUrl"]: "http://prometheus-pushgateway.monitoring.svc:9091",
}


def test_reads_the_contracts_variables() -> None:
    settings = Settings.from_env({**GOOD, ENV["validationDates"]: "2026-01-01, 2026-01-02"})
    assert settings == Settings(
        "dev-raw-data",
        "dev-processed-data",
        "data-validation",
        "http://prometheus-pushgateway.monitoring.svc:9091",
        (dt.date(2026, 1, 1), dt.date(2026, 1, 2)),
    )


def test_names_every_missing_variable_at_once() -> None:
    with pytest.raises(ConfigError) as error:
        Settings.from_env({})
    for key in ("rawBucket", "processedBucket", "pipelineName", "pushgatewayUrl"):
        assert f"{ENV[key]} is not set" in str(error.value)


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({ENV["rawBucket"]: "Not_A_Bucket"}, "RAW_BUCKET ('Not_A_Bucket') is not an S3 bucket name"),
        ({ENV["processedBucket"]: "dev-raw-data"}, "PROCESSED_BUCKET ('dev-raw-data') must differ from RAW_BUCKET"),
        ({ENV["pipelineName"]: "Data Validation"}, "PIPELINE_NAME ('Data Validation') must be lowercase"),
        ({ENV["pushgatewayUrl"]: "pushgateway:9091"}, "PUSHGATEWAY_URL ('pushgateway:9091') must be an http(s) URL"),
        ({ENV["validationDates"]: "2026-13-01"}, "VALIDATION_DATES has '2026-13-01', not a YYYY-MM-DD date"),
    ],
)
def test_names_the_bad_variable_and_why(override: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Settings.from_env({**GOOD, **override})
