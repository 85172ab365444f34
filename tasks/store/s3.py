"""Files on S3-compatible object storage (AWS, MinIO, …): a ``tasks.store.files.FileStore``.

An object is written whole or not at all (S3 never shows a partial object), so no temp-file
dance is needed; the SHA-256 is sent along and checked by the server.
"""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tasks.store import StoreError
from tasks.store.files import StoredFile, check_key

# What S3 answers for an object or bucket that is not there (HEAD requests carry no body,
# so only the status code).
_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3FileStore:
    """Objects under ``s3://bucket/prefix`` (a ``FileStore``); ``endpoint_url`` for a
    non-AWS server."""

    def __init__(self, url: str, endpoint_url: str | None = None) -> None:
        """``StoreError`` for a URL that is not ``s3://bucket[/prefix]`` or a client that
        cannot be made (no region, bad endpoint); nothing is contacted yet."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise StoreError(f"not an s3://bucket/prefix URL: {url!r}")
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        try:
            self.client = boto3.client(
                "s3", endpoint_url=endpoint_url,
                config=Config(retries={"max_attempts": 3, "mode": "standard"},
                              connect_timeout=5, read_timeout=30),
            )
        except (BotoCoreError, ClientError, ValueError) as e:
            raise StoreError(f"cannot use the object store {url}: {e}") from e

    def _name(self, key: str) -> str:
        key = check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> StoredFile:
        digest = hashlib.sha256(data)
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self._name(key), Body=data,
                ChecksumSHA256=base64.b64encode(digest.digest()).decode(),
            )
        except (BotoCoreError, ClientError) as e:
            raise StoreError(f"could not write {key}: {e}") from e
        return StoredFile(key, len(data), digest.hexdigest())

    def read(self, key: str) -> bytes:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"].read()
        except (BotoCoreError, ClientError) as e:
            raise StoreError(f"could not read {key}: {e}") from e

    def exists(self, key: str) -> bool:
        try:
            name = self._name(key)
        except StoreError:
            return False  # a key that cannot name a stored object
        try:
            self.client.head_object(Bucket=self.bucket, Key=name)
        except ClientError as e:
            if e.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise StoreError(f"could not look up {key}: {e}") from e
        except BotoCoreError as e:
            raise StoreError(f"could not look up {key}: {e}") from e
        return True

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._name(key))
        except (BotoCoreError, ClientError) as e:
            raise StoreError(f"could not delete {key}: {e}") from e
