"""The job table: one row per report job, the system of record for its state.

The queue only carries job ids; whatever a job is, was, or produced is read from here.
"""

from __future__ import annotations

import enum
import os
from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, Integer, String, TypeDecorator, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tasks.store import store_error


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class JobStatus(enum.StrEnum):
    """Where a job is in its life: queued → running → succeeded | failed | rejected, or
    cancelled from queued or running (by a person; a cancelled job is never run or offered
    again). ``rejected``: the worker read and validated the upload and found errors in the data
    (or could not read the file); nothing was rendered. ``failed``: the data passed, but the
    report could not be made (time limit, storage, a defect, too many interrupted attempts)."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in FINISHED


FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.REJECTED, JobStatus.CANCELLED)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware (SQLite forgets zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class Job(Base):
    """A request to compile one report from one uploaded workbook."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    template: Mapped[str] = mapped_column(String(64))
    province: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(64))
    options: Mapped[dict] = mapped_column(JSON, default=dict)

    status: Mapped[str] = mapped_column(String(16), index=True, default=JobStatus.QUEUED)
    stage: Mapped[str] = mapped_column(String(32), default="queued")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    upload_key: Mapped[str] = mapped_column(String(255))
    upload_name: Mapped[str] = mapped_column(String(255))
    upload_size: Mapped[int] = mapped_column(Integer)
    upload_sha256: Mapped[str] = mapped_column(String(64))

    document_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    document_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    document_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)

    template_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    kind_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    agency: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    created_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    request_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    # The job this one re-runs (same upload and fields), and where to announce its end.
    rerun_of: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    callback_url: Mapped[str | None] = mapped_column(String(2048), nullable=True)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class TemplateVersion(Base):
    """A template uploaded for a report kind; the newest active one is used for new jobs."""

    __tablename__ = "template_versions"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_key: Mapped[str] = mapped_column(String(255))
    uploaded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    active: Mapped[bool] = mapped_column(default=True)


class KindVersion(Base):
    """One version of a report kind's folder (definition, template, sample), by content hash.

    ``origin`` is "shipped" (the folder in the release) or "uploaded" (a bundle an admin sent);
    ``state`` "checking" until a worker has tried it, then "accepted" or "rejected" (with
    ``findings``). The current version of a slug is the accepted one activated last.
    """

    __tablename__ = "kind_versions"

    slug: Mapped[str] = mapped_column(String(64), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    template_sha256: Mapped[str] = mapped_column(String(64))
    file_key: Mapped[str] = mapped_column(String(255))
    origin: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16), default="checking")
    findings: Mapped[list] = mapped_column(JSON, default=list)
    uploaded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True,
                                                          index=True)


class IdempotencyKey(Base):
    """A client's Idempotency-Key: which request it was first used for, and its job."""

    __tablename__ = "idempotency_keys"

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    job_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


def _sqlite_tuning(synchronous: str):
    def tune(dbapi_connection, _record) -> None:
        # WAL lets the web and the worker read while the other writes; the busy timeout turns
        # a short lock into a wait instead of an error.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return tune


def _private_sqlite_file(path: str) -> None:
    """Create the database file 0600 before SQLite does; its ``-wal`` and ``-shm`` take the
    rights of the database file. Files made before this are made 0600 too."""
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for each in (path, f"{path}-wal", f"{path}-shm"):
        try:
            if os.stat(each).st_mode & 0o077:
                os.chmod(each, 0o600)
        except FileNotFoundError:
            continue


def make_engine(url: str, durable: bool = True) -> Engine:
    """Create an engine for ``url``, its schema brought to the newest migration.

    SQLite files get WAL mode and a busy timeout. ``durable`` commits reach the disk before
    they return (``synchronous=FULL``); without it (``NORMAL``) a power cut may undo the last
    commits, never corrupt the file. Workers may use that: a job state they lose is redone
    by the reconciler, while an accepted submission must never be lost. The folder of the
    file must exist; the file is created readable by this user only.

    Raises ``StoreError`` when the database cannot be opened or brought up to date.
    """
    try:
        return _open(url, durable)
    except (SQLAlchemyError, OSError) as e:
        raise store_error("opening the database", e) from e


def _open(url: str, durable: bool) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})
        if engine.url.database and engine.url.database != ":memory:":
            _private_sqlite_file(engine.url.database)
        event.listen(engine, "connect", _sqlite_tuning("FULL" if durable else "NORMAL"))
    else:
        engine = create_engine(url, pool_pre_ping=True)
    # Imported here: the migrations import this module's models.
    from tasks.store.schema import upgrade

    upgrade(engine)
    return engine
