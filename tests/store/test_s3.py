"""The S3 file store against a real S3-compatible server on loopback (moto in server mode)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import boto3
import pytest

from tasks.store import StoreError
from tasks.store.s3 import S3FileStore
from tests.store.conftest import CREDENTIALS

ROOT = Path(__file__).resolve().parents[2]

def test_put_read_exists_delete(bucket, s3_endpoint):
    store = S3FileStore(f"s3://{bucket}/site-a", s3_endpoint)
    stored = store.put("documents/abc.docx", b"hello")
    assert stored.sha256 == hashlib.sha256(b"hello").hexdigest() and stored.size == 5
    assert store.read("documents/abc.docx") == b"hello"
    assert store.exists("documents/abc.docx")
    keys = [o["Key"] for o in boto3.client("s3", endpoint_url=s3_endpoint)
            .list_objects_v2(Bucket=bucket)["Contents"]]
    assert keys == ["site-a/documents/abc.docx"]
    store.delete("documents/abc.docx")
    assert not store.exists("documents/abc.docx")
    with pytest.raises(StoreError):
        store.read("documents/abc.docx")


@pytest.mark.parametrize("key", ["../x", "/etc/passwd", "documents/../../x"])
def test_keys_outside_are_refused(bucket, s3_endpoint, key):
    with pytest.raises(StoreError):
        S3FileStore(f"s3://{bucket}", s3_endpoint).put(key, b"x")


def test_missing_bucket_is_a_store_error(s3_endpoint, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(StoreError):
        S3FileStore("s3://no-such-bucket", s3_endpoint).put("documents/a.docx", b"x")


@pytest.mark.slow
def test_jobs_store_their_files_on_s3(bucket, s3_endpoint, tmp_path, monkeypatch):
    from tests.conftest import docx_text
    from tests.reliability.conftest import Stack

    stack = Stack(tmp_path, REPORTGEN_STORAGE_URL=f"s3://{bucket}/reports",
                  REPORTGEN_S3_ENDPOINT_URL=s3_endpoint, **CREDENTIALS).start()
    try:
        stack.start_worker()
        job_id = stack.submit()
        assert stack.wait_finished(job_id).status == "succeeded"
        response = stack.client.get(f"/api/v1/jobs/{job_id}/document")
        assert response.status_code == 200
        assert "1.090 nam, 3.410 nữ" in docx_text(response.data)
        keys = {o["Key"] for o in boto3.client("s3", endpoint_url=s3_endpoint)
                .list_objects_v2(Bucket=bucket)["Contents"]}
        # The upload, the document, and one bundle per shipped kind (registered at start),
        # among them the version the job pinned.
        version = stack.job(job_id).kind_sha256
        bundles = {k for k in keys if k.startswith("reports/kinds/")}
        assert keys - bundles == {f"reports/uploads/{job_id}.xlsx",
                                  f"reports/documents/{job_id}.docx"}
        assert f"reports/kinds/gender-equality-month-{version}.zip" in bundles
        shipped = {p.parent.name for p in (ROOT / "doc_templates").glob("*/kind.toml")}
        assert {k.split("/")[-1].rsplit("-", 1)[0] for k in bundles} == shipped
        assert not (tmp_path / "data" / "files").exists()
        assert len(response.data) == stack.job(job_id).document_size
    finally:
        stack.stop()
