"""Template versions: pinned by hash, never changed, the newest active upload used first."""

from __future__ import annotations

import hashlib

import pytest

from tasks.store import StoreError
from tasks.store.files import LocalFileStore
from tasks.store.jobs import JobStore
from tasks.store.records import make_engine
from tasks.store.templates import TemplateStore


@pytest.fixture()
def store(tmp_path):
    shipped = tmp_path / "template.docx"
    shipped.write_bytes(b"shipped version")
    jobs = JobStore(make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}"))
    return TemplateStore(jobs, LocalFileStore(tmp_path / "files")), shipped


def test_the_shipped_template_is_current_until_an_upload(store):
    templates, shipped = store
    current = templates.current("kind", shipped)
    assert (current.source, current.sha256) == (
        "shipped", hashlib.sha256(b"shipped version").hexdigest())
    assert templates.load("kind", current.sha256, shipped) == shipped


def test_an_upload_becomes_current_and_old_versions_stay_loadable(store):
    templates, shipped = store
    first = templates.add("kind", b"version one", "admin")
    second = templates.add("kind", b"version two", "admin")
    assert templates.current("kind", shipped) == second
    assert templates.load("kind", first.sha256, shipped) == b"version one"
    templates.deactivate("kind", second.sha256)
    assert templates.current("kind", shipped).sha256 == first.sha256
    assert [v.sha256 for v in templates.history("kind")] == [second.sha256, first.sha256]


def test_unknown_or_damaged_versions_are_refused(store, tmp_path):
    templates, shipped = store
    with pytest.raises(StoreError):
        templates.load("kind", "0" * 64, shipped)
    version = templates.add("kind", b"version one", None)
    (tmp_path / "files" / "templates" / f"kind-{version.sha256}.docx").write_bytes(b"changed")
    with pytest.raises(StoreError):
        templates.load("kind", version.sha256, shipped)
