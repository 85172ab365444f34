"""Report-kind versions: shipped folders and uploaded bundles, by content hash, and which is
current for each kind.

A version never changes once stored (its bundle sits in the file store under a key made of
its hash), so a job pins the version it was submitted with and renders with exactly that. The
current version of a kind is the accepted one activated last: uploading a bundle activates it
once a worker has tried it; an admin may activate any accepted version again (a rollback).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from tasks.store import raises_store_errors
from tasks.store.files import FileStore
from tasks.store.jobs import JobStore
from tasks.store.records import KindVersion, utcnow


class VersionState(enum.StrEnum):
    """Where an uploaded version is: tried by a worker (``checking``), then ``accepted`` (it
    may be current) or ``rejected`` (with its findings)."""

    CHECKING = "checking"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


CHECKING, ACCEPTED, REJECTED = VersionState


@dataclass(frozen=True)
class Version:
    """A kind version as callers see it; ``current`` is filled by ``history``."""

    slug: str
    sha256: str
    template_sha256: str
    origin: str
    state: str
    findings: list
    uploaded_by: str | None
    uploaded_at: datetime
    activated_at: datetime | None
    current: bool = False

    @classmethod
    def of(cls, row: KindVersion, current: bool = False) -> Version:
        return cls(row.slug, row.sha256, row.template_sha256, row.origin, row.state,
                   list(row.findings or []), row.uploaded_by, row.uploaded_at,
                   row.activated_at, current)


def bundle_key(slug: str, sha256: str) -> str:
    return f"kinds/{slug}-{sha256}.zip"


@raises_store_errors
class KindVersionStore:
    """Kind versions in the job database; their bundles in the file store.

    Every method raises ``StoreError`` when the database or the file store fails.
    """

    def __init__(self, jobs: JobStore, files: FileStore) -> None:
        self.jobs = jobs
        self.files = files

    def _current_row(self, session, slug: str) -> KindVersion | None:
        return session.scalars(
            select(KindVersion).where(KindVersion.slug == slug, KindVersion.state == ACCEPTED,
                                      KindVersion.activated_at.is_not(None))
            .order_by(KindVersion.activated_at.desc()).limit(1)).first()

    def current(self, slug: str) -> Version | None:
        """The version new jobs of ``slug`` use; ``None`` when no version is recorded."""
        with self.jobs.session() as s:
            row = self._current_row(s, slug)
            return Version.of(row, True) if row else None

    def currents(self) -> dict[str, Version]:
        """The current version of every kind that has one."""
        with self.jobs.session() as s:
            rows = s.scalars(select(KindVersion).where(
                KindVersion.state == ACCEPTED, KindVersion.activated_at.is_not(None))
                .order_by(KindVersion.activated_at)).all()
        return {row.slug: Version.of(row, True) for row in rows}  # the last activated wins

    def get(self, slug: str, sha256: str) -> Version | None:
        """The version ``sha256`` of ``slug`` (``current`` filled in); ``None`` if unknown."""
        with self.jobs.session() as s:
            row = s.get(KindVersion, (slug, sha256))
            if row is None:
                return None
            current = self._current_row(s, slug)
            return Version.of(row, current is not None and current.sha256 == sha256)

    def bundle(self, slug: str, sha256: str) -> bytes:
        """The stored bundle of a version; ``StoreError`` when it is missing."""
        return self.files.read(bundle_key(slug, sha256))

    def add(self, slug: str, sha256: str, template_sha256: str, bundle: bytes, origin: str,
            uploaded_by: str | None = None, state: str = CHECKING) -> tuple[Version, bool]:
        """Store a version (the bundle first, then its row); returns it and whether it is new.

        A version already recorded is returned as it is (its bundle is the same bytes).
        """
        existing = self.get(slug, sha256)
        if existing is not None:
            return existing, False
        self.files.put(bundle_key(slug, sha256), bundle)
        row = KindVersion(slug=slug, sha256=sha256, template_sha256=template_sha256,
                          file_key=bundle_key(slug, sha256), origin=origin, state=state,
                          findings=[], uploaded_by=uploaded_by, uploaded_at=utcnow())
        try:
            with self.jobs.session() as s, s.begin():
                s.add(row)
        except IntegrityError:
            return self.get(slug, sha256), False  # another process recorded it meanwhile
        return Version.of(row), True

    def register_shipped(self, slug: str, sha256: str, template_sha256: str,
                         bundle: bytes) -> Version:
        """Record the folder shipped in this release; it becomes current when the kind has no
        current version or its current version is a shipped one (an admin's upload stays)."""
        version, _new = self.add(slug, sha256, template_sha256, bundle, "shipped",
                                 state=ACCEPTED)
        current = self.current(slug)
        if current is None or (current.origin == "shipped" and current.sha256 != sha256
                               and version.activated_at is None):
            self.activate(slug, sha256)
        return self.get(slug, sha256)

    def record_trial(self, slug: str, sha256: str, findings: list[dict]) -> bool:
        """The outcome of a worker's trial: accepted and current without findings, rejected
        with them. Returns False when the version was no longer being checked."""
        values = {"state": REJECTED, "findings": findings} if findings else \
            {"state": ACCEPTED, "findings": [], "activated_at": utcnow()}
        with self.jobs.session() as s, s.begin():
            result = s.execute(update(KindVersion).where(
                KindVersion.slug == slug, KindVersion.sha256 == sha256,
                KindVersion.state == CHECKING).values(**values))
        return result.rowcount == 1

    def activate(self, slug: str, sha256: str) -> bool:
        """Make an accepted version current; False when it is unknown or not accepted."""
        with self.jobs.session() as s, s.begin():
            result = s.execute(update(KindVersion).where(
                KindVersion.slug == slug, KindVersion.sha256 == sha256,
                KindVersion.state == ACCEPTED).values(activated_at=utcnow()))
        return result.rowcount == 1

    def retry(self, slug: str, sha256: str) -> bool:
        """Put a rejected version back to be tried again (after a worker failure)."""
        with self.jobs.session() as s, s.begin():
            result = s.execute(update(KindVersion).where(
                KindVersion.slug == slug, KindVersion.sha256 == sha256,
                KindVersion.state == REJECTED).values(state=CHECKING, findings=[]))
        return result.rowcount == 1

    def checking(self, older_than: timedelta) -> list[Version]:
        """Versions still being checked since longer than ``older_than`` (a lost trial)."""
        with self.jobs.session() as s:
            rows = s.scalars(select(KindVersion).where(
                KindVersion.state == CHECKING,
                KindVersion.uploaded_at < utcnow() - older_than)).all()
        return [Version.of(r) for r in rows]

    def history(self, slug: str) -> list[Version]:
        """Every version of ``slug``, newest upload first, the current one marked."""
        with self.jobs.session() as s:
            current = self._current_row(s, slug)
            rows = s.scalars(select(KindVersion).where(KindVersion.slug == slug)
                             .order_by(KindVersion.uploaded_at.desc())).all()
        return [Version.of(r, current is not None and r.sha256 == current.sha256) for r in rows]
