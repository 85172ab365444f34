"""The report kinds in force: the shipped folders and the versions admins uploaded.

Every version (shipped or uploaded) is recorded with its bundle (``tasks.store.kind_versions``),
so a job pins the kind version it was submitted with and the worker renders with exactly that,
even after a new version is uploaded or a release changes the shipped folder. A version's
files are unpacked once into the data folder (``kinds/<sha256>/``) and loaded from there.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

from tasks.report.bundles import digest, folder_files, pack, unpack
from tasks.report.errors import CatalogError
from tasks.report.kinds import Catalog, ReportKind
from tasks.settings import Settings
from tasks.store import StoreError
from tasks.store.kind_versions import KindVersionStore, Version

# How long a process trusts its view of the current versions before asking the database: a
# version activated by another process serves new jobs here within this many seconds.
FRESH_SECONDS = 2.0


def extract(files: dict[str, bytes], folder: Path) -> Path:
    """Write ``files`` into ``folder`` once; a reader never sees a half-written folder."""
    if folder.is_dir():
        return folder
    partial = folder.with_name(f".{folder.name}.{os.getpid()}.{uuid.uuid4().hex}")
    partial.mkdir(parents=True)
    for name, blob in files.items():
        (partial / name).write_bytes(blob)
    try:
        partial.rename(folder)
    except OSError:
        shutil.rmtree(partial, ignore_errors=True)
        if not folder.is_dir():  # not another process that got there first
            raise
    return folder


def template_sha256(files: dict[str, bytes], template: str = "template.docx") -> str:
    return hashlib.sha256(files.get(template, b"")).hexdigest()


class KindRegistry:
    """The shipped catalog, the recorded versions, and the catalogs built from them."""

    def __init__(self, settings: Settings, store: KindVersionStore) -> None:
        self.settings = settings
        self.store = store
        self.shipped = Catalog(settings.templates_dir)
        self.cache = settings.data_dir / "kinds"
        self._lock = threading.Lock()
        self._registered = False
        self._view: tuple[float, tuple, Catalog] | None = None
        self._pinned: dict[tuple[str, str], Catalog] = {}
        self._shipped_files = {k.slug: folder_files(k.folder) for k in self.shipped.kinds.values()}
        self.shipped_versions = {slug: digest(files) for slug, files in self._shipped_files.items()}

    def register_shipped(self) -> None:
        """Record the version of every shipped kind (once per process)."""
        with self._lock:
            if self._registered:
                return
            for kind in self.shipped.kinds.values():
                files = self._shipped_files[kind.slug]
                self.store.register_shipped(kind.slug, self.shipped_versions[kind.slug],
                                            template_sha256(files, kind.definition.template),
                                            pack(files))
            self._registered = True

    def folder(self, slug: str, sha256: str) -> Path:
        """The folder holding version ``sha256`` of ``slug`` (unpacked on first use).

        Raises ``StoreError`` when the version or its bundle is unknown.
        """
        if self.shipped_versions.get(slug) == sha256:
            return self.shipped.kinds[slug].folder
        target = self.cache / sha256
        if target.is_dir():
            return target
        return extract(unpack(self.store.bundle(slug, sha256)), target)

    def current(self) -> dict[str, Version]:
        """The current version of each kind (shipped versions recorded first)."""
        self.register_shipped()
        return self.store.currents()

    def catalog(self) -> Catalog:
        """The catalog of the versions in force now (refreshed every few seconds)."""
        now = time.monotonic()
        view = self._view
        if view is not None and now - view[0] < FRESH_SECONDS:
            return view[2]
        try:
            currents = self.current()
        except StoreError:
            if view is not None:
                return view[2]  # the database is away: keep serving what we had
            raise
        key = tuple(sorted((v.slug, v.sha256) for v in currents.values()))
        if view is not None and view[1] == key:
            self._view = (now, key, view[2])
            return view[2]
        folders = [self.folder(slug, sha) for slug, sha in key]
        folders += [k.folder for k in self.shipped.kinds.values() if k.slug not in currents]
        catalog = Catalog(self.settings.templates_dir, folders)
        catalog.refused.update(self.shipped.refused)
        for slug, sha in key:
            if slug in catalog.kinds:
                catalog.kinds[slug].version = sha
        self._view = (now, key, catalog)
        return catalog

    def forget(self) -> None:
        """Drop this process's view of the current versions (after changing them here)."""
        self._view = None

    def pinned(self, slug: str, sha256: str | None) -> Catalog:
        """A catalog holding version ``sha256`` of ``slug`` (the one a job pinned); ``None``
        means the version in force. Raises ``CatalogError`` when that version cannot be
        loaded any more."""
        if sha256 is None:
            return self.catalog()
        found = self._pinned.get((slug, sha256))
        if found is None:
            try:
                folder = self.folder(slug, sha256)
            except StoreError as e:
                raise CatalogError(f"Không tìm thấy phiên bản loại báo cáo đã chọn khi gửi "
                                   f"({sha256[:12]}): {e}", "kind_version_missing") from e
            found = Catalog(self.settings.templates_dir, [folder])
            if slug not in found.kinds:
                raise CatalogError(f"Phiên bản {sha256[:12]} của loại báo cáo «{slug}» không "
                                   "còn dùng được.", "kind_version_invalid")
            found.kinds[slug].version = sha256
            self._pinned[(slug, sha256)] = found
        return found

    def kind(self, slug: str, sha256: str | None = None) -> ReportKind:
        return self.pinned(slug, sha256).kind(slug)
