"""The file store: atomic writes, and keys that cannot leave the storage folder."""

from __future__ import annotations

import hashlib
import os

import pytest

from tasks.store import StoreError
from tasks.store.files import LocalFileStore


def test_put_writes_whole_file_and_reports_its_hash(tmp_path):
    store = LocalFileStore(tmp_path)
    stored = store.put("documents/abc.docx", b"hello")
    assert stored.size == 5 and stored.sha256 == hashlib.sha256(b"hello").hexdigest()
    assert store.read("documents/abc.docx") == b"hello"
    assert [p.name for p in (tmp_path / "documents").iterdir()] == ["abc.docx"]


def test_put_replaces_atomically(tmp_path):
    store = LocalFileStore(tmp_path)
    store.put("documents/abc.docx", b"old")
    store.put("documents/abc.docx", b"new")
    assert store.read("documents/abc.docx") == b"new"
    assert not [p for p in (tmp_path / "documents").iterdir() if p.name.startswith(".tmp")]


@pytest.mark.parametrize("key", ["../etc/passwd", "/etc/passwd", "documents/../../x",
                                 "documents/..", "documents\\..\\x", "", "documents/",
                                 "documents/%2e%2e/x"])
def test_keys_outside_the_folder_are_refused(tmp_path, key):
    with pytest.raises(StoreError):
        LocalFileStore(tmp_path).path(key)


def test_symlinks_are_not_followed(tmp_path):
    store = LocalFileStore(tmp_path / "files")
    (tmp_path / "files" / "documents").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    os.symlink(secret, tmp_path / "files" / "documents" / "link.docx")
    with pytest.raises(StoreError):
        store.read("documents/link.docx")


def test_a_symlink_to_another_file_of_the_folder_is_not_followed(tmp_path):
    # Containment alone would pass this link: it stays inside the storage folder. A document
    # key must never hand out another job's upload, or a file the store did not write.
    store = LocalFileStore(tmp_path)
    store.put("uploads/other.xlsx", b"another job's data")
    (tmp_path / "documents").mkdir()
    os.symlink(tmp_path / "uploads" / "other.xlsx", tmp_path / "documents" / "mine.docx")
    with pytest.raises(StoreError):
        store.read("documents/mine.docx")
    assert not store.exists("documents/mine.docx")


def test_a_symlinked_folder_leading_out_of_the_data_folder_is_refused(tmp_path):
    data = tmp_path / "data"
    store = LocalFileStore(data / "files")
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "kept.docx").write_bytes(b"not the store's")
    os.symlink(outside, data / "files" / "documents")
    with pytest.raises(StoreError):
        store.put("documents/new.docx", b"data")
    with pytest.raises(StoreError):
        store.read("documents/kept.docx")
    with pytest.raises(StoreError):
        store.delete("documents/kept.docx")
    assert not store.exists("documents/kept.docx")
    assert sorted(p.name for p in outside.iterdir()) == ["kept.docx"]
    assert (outside / "kept.docx").read_bytes() == b"not the store's"


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    store = LocalFileStore(tmp_path)
    # A folder where the file should go makes the final rename fail, even for root.
    (tmp_path / "documents" / "a.docx").mkdir(parents=True)
    (tmp_path / "documents" / "a.docx" / "keep").write_text("x")
    with pytest.raises(StoreError):
        store.put("documents/a.docx", b"new")
    assert sorted(p.name for p in (tmp_path / "documents").iterdir()) == ["a.docx"]
