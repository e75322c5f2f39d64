"""The few S3 calls the workloads make, through boto3.

The endpoint comes from boto3's own configuration (``AWS_ENDPOINT_URL_S3`` / ``AWS_ENDPOINT_URL``, supported
since boto3 1.28): in the cluster it is unset (IRSA credentials, the regional endpoint); locally it points at moto.
"""

from __future__ import annotations

from typing import Any

import boto3

S3Client = Any  # botocore builds the client class at run time; boto3-stubs has no build for boto3 1.44 here


def client() -> S3Client:
    return boto3.client("s3")


class MissingObjectError(FileNotFoundError):
    """An object the stage needs is not there (the upstream stage has not run for that day)."""


def read_object(s3: S3Client, bucket: str, key: str) -> bytes:
    try:
        body: bytes = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except s3.exceptions.NoSuchKey as error:
        raise MissingObjectError(f"s3://{bucket}/{key} does not exist") from error
    return body


def write_object(s3: S3Client, bucket: str, key: str, body: bytes, content_type: str = "text/csv") -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type)


def exists(s3: S3Client, bucket: str, key: str) -> bool:
    try:
        s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def list_keys(s3: S3Client, bucket: str, prefix: str) -> list[str]:
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(obj["Key"] for obj in page.get("Contents", []))
    return keys


def delete_object(s3: S3Client, bucket: str, key: str) -> None:
    s3.delete_object(Bucket=bucket, Key=key)
