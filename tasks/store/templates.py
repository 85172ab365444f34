"""Template versions: the shipped template of each kind, and versions uploaded by admins.

A version is addressed by its SHA-256 and never changes once stored, so a job pins the version
it was submitted with and renders with exactly that, even if a newer one is uploaded meanwhile.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update

from tasks.store import StoreError, raises_store_errors
from tasks.store.files import FileStore
from tasks.store.jobs import JobStore
from tasks.store.records import TemplateVersion


@dataclass(frozen=True)
class Version:
    """A template version: its kind, hash, and where it came from."""

    slug: str
    sha256: str
    source: str  # "shipped" or "uploaded"


@raises_store_errors
class TemplateStore:
    """Uploaded versions in the job database and the file store; shipped ones on disk.

    Every method raises ``StoreError`` when the database, the file store or the disk fails.
    """

    def __init__(self, jobs: JobStore, files: FileStore) -> None:
        self.jobs = jobs
        self.files = files
        self._shipped: dict[Path, tuple[float, str]] = {}

    def shipped_sha256(self, path: Path) -> str:
        """The hash of a shipped template file (cached while the file is unchanged)."""
        mtime = path.stat().st_mtime
        cached = self._shipped.get(path)
        if cached is None or cached[0] != mtime:
            cached = (mtime, hashlib.sha256(path.read_bytes()).hexdigest())
            self._shipped[path] = cached
        return cached[1]

    def current(self, slug: str, shipped: Path) -> Version:
        """The version new jobs of ``slug`` use: the newest active upload, else the shipped one."""
        with self.jobs.session() as s:
            row = s.scalars(select(TemplateVersion)
                            .where(TemplateVersion.slug == slug, TemplateVersion.active)
                            .order_by(TemplateVersion.uploaded_at.desc()).limit(1)).first()
        if row is not None:
            return Version(slug, row.sha256, "uploaded")
        return Version(slug, self.shipped_sha256(shipped), "shipped")

    def load(self, slug: str, sha256: str, shipped: Path) -> Path | bytes:
        """The template of version ``sha256``: the shipped file's path or the stored bytes.

        Raises ``StoreError`` when that version is nowhere to be found.
        """
        if sha256 == self.shipped_sha256(shipped):
            return shipped
        with self.jobs.session() as s:
            row = s.get(TemplateVersion, (slug, sha256))
        if row is None:
            raise StoreError(f"template version {sha256[:12]} of {slug} is unknown")
        data = self.files.read(row.file_key)
        if hashlib.sha256(data).hexdigest() != sha256:
            raise StoreError(f"template version {sha256[:12]} of {slug} is damaged")
        return data

    def add(self, slug: str, data: bytes, uploaded_by: str | None) -> Version:
        """Store ``data`` as the newest active version of ``slug`` (again active if known)."""
        sha256 = hashlib.sha256(data).hexdigest()
        key = f"templates/{slug}-{sha256}.docx"
        self.files.put(key, data)
        with self.jobs.session() as s, s.begin():
            row = s.get(TemplateVersion, (slug, sha256))
            if row is None:
                s.add(TemplateVersion(slug=slug, sha256=sha256, file_key=key,
                                      uploaded_by=uploaded_by))
            else:
                row.active = True
                row.uploaded_by = uploaded_by
        return Version(slug, sha256, "uploaded")

    def deactivate(self, slug: str, sha256: str) -> bool:
        """Stop using an uploaded version for new jobs (jobs that pinned it keep it)."""
        with self.jobs.session() as s, s.begin():
            result = s.execute(update(TemplateVersion)
                               .where(TemplateVersion.slug == slug,
                                      TemplateVersion.sha256 == sha256)
                               .values(active=False))
        return result.rowcount == 1

    def history(self, slug: str) -> list[TemplateVersion]:
        with self.jobs.session() as s:
            return list(s.scalars(select(TemplateVersion).where(TemplateVersion.slug == slug)
                                  .order_by(TemplateVersion.uploaded_at.desc())).all())
