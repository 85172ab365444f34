"""The ``FileStore`` contract, held by both file stores: the data folder and S3 (moto)."""

from __future__ import annotations

import hashlib
import socket

import pytest

from tasks.store import StoreError
from tasks.store.files import FileStore, LocalFileStore, StoredFile
from tasks.store.s3 import S3FileStore
from tests.store.conftest import CREDENTIALS


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path) -> FileStore:
    if request.param == "local":
        return LocalFileStore(tmp_path / "files")
    bucket = request.getfixturevalue("bucket")
    return S3FileStore(f"s3://{bucket}/site", request.getfixturevalue("s3_endpoint"))


def test_both_stores_are_file_stores(store):
    assert isinstance(store, FileStore)


def test_put_read_replace_exists_delete(store):
    assert store.put("documents/a.docx", b"old") == StoredFile(
        "documents/a.docx", 3, hashlib.sha256(b"old").hexdigest())
    store.put("documents/a.docx", b"new")
    assert store.read("documents/a.docx") == b"new"
    assert store.exists("documents/a.docx") and not store.exists("documents/b.docx")
    store.delete("documents/a.docx")
    store.delete("documents/a.docx")  # nothing left to delete: not an error
    assert not store.exists("documents/a.docx")


def test_reading_what_is_not_there_is_a_store_error(store):
    with pytest.raises(StoreError):
        store.read("documents/never-written.docx")


@pytest.mark.parametrize("key", ["../x", "/etc/passwd", "documents/../../x", "documents/"])
def test_a_key_reportgen_never_makes_is_refused(store, key):
    for attempt in (lambda: store.put(key, b"x"), lambda: store.read(key),
                    lambda: store.delete(key)):
        with pytest.raises(StoreError):
            attempt()
    assert store.exists(key) is False


def test_an_object_store_that_does_not_answer_is_a_store_error(monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{s.getsockname()[1]}"
    store = S3FileStore("s3://reports", closed)
    for attempt in (lambda: store.put("documents/a.docx", b"x"),
                    lambda: store.read("documents/a.docx"),
                    lambda: store.exists("documents/a.docx"),
                    lambda: store.delete("documents/a.docx")):
        with pytest.raises(StoreError) as caught:
            attempt()
        assert caught.value.__cause__ is not None
