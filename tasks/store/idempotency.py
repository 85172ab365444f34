"""Idempotency keys: the same POST sent twice creates one job.

The first request reserves the key (a row with no job yet) before doing anything; a second
request with the key then finds it in flight (409), done (the same job) or used for another
payload (422). The job row and the key's job are written in one transaction (``add_job``), so
a process killed at any point leaves either no job and a reservation that lapses, or the job
and a key that finds it. A request that fails releases its key so the client can try again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from tasks.store import StoreError, raises_store_errors
from tasks.store.jobs import JobStore
from tasks.store.records import IdempotencyKey, Job, utcnow

# A reservation without a job after this long belongs to a request that died midway.
ABANDONED = timedelta(seconds=120)


class KeyState(enum.Enum):
    RESERVED = "reserved"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    MISMATCH = "mismatch"


class KeyLostError(StoreError):
    """The reservation lapsed and another request took the key over before the job was added."""


@dataclass(frozen=True)
class KeyResult:
    state: KeyState
    job_id: str | None = None


@raises_store_errors
class IdempotencyKeys:
    """Idempotency keys in the job database, scoped per client (agency or user); every
    method raises ``StoreError`` when the database fails."""

    def __init__(self, jobs: JobStore) -> None:
        self.jobs = jobs

    def reserve(self, scope: str, key: str, fingerprint: str) -> KeyResult:
        """Reserve ``key`` for a request with ``fingerprint``, or say why it cannot be."""
        try:
            with self.jobs.session() as s, s.begin():
                s.add(IdempotencyKey(scope=scope, key=key, fingerprint=fingerprint))
            return KeyResult(KeyState.RESERVED)
        except IntegrityError:
            pass
        with self.jobs.session() as s:
            row = s.get(IdempotencyKey, (scope, key))
        if row is None:  # released between our insert and read: the caller may retry
            return KeyResult(KeyState.IN_FLIGHT)
        if row.fingerprint != fingerprint:
            return KeyResult(KeyState.MISMATCH, row.job_id)
        if row.job_id is None:
            if row.created_at < utcnow() - ABANDONED:
                # The first request died before adding its job: this one takes the key over.
                self.release(scope, key)
                return self.reserve(scope, key, fingerprint)
            return KeyResult(KeyState.IN_FLIGHT)
        return KeyResult(KeyState.DONE, row.job_id)

    def add_job(self, scope: str, key: str, job: Job) -> Job:
        """Insert ``job`` and record it as the job of the reserved ``key``, in one transaction.

        Raises ``KeyLostError`` (and adds nothing) when the reservation is no longer ours.
        """
        with self.jobs.session() as s, s.begin():
            s.add(job)
            s.flush()
            taken = s.execute(update(IdempotencyKey)
                              .where(IdempotencyKey.scope == scope, IdempotencyKey.key == key,
                                     IdempotencyKey.job_id.is_(None))
                              .values(job_id=job.id)).rowcount
            if taken != 1:
                raise KeyLostError(f"idempotency key {key!r} was taken over")
        return job

    def remove_job(self, scope: str, key: str, job_id: str) -> None:
        """Undo ``add_job`` (the job could not be queued): the job row and the key go together."""
        with self.jobs.session() as s, s.begin():
            s.execute(delete(Job).where(Job.id == job_id))
            s.execute(delete(IdempotencyKey)
                      .where(IdempotencyKey.scope == scope, IdempotencyKey.key == key))

    def release(self, scope: str, key: str) -> None:
        with self.jobs.session() as s, s.begin():
            s.execute(delete(IdempotencyKey)
                      .where(IdempotencyKey.scope == scope, IdempotencyKey.key == key))

    def purge(self, older_than: timedelta) -> int:
        """Forget keys older than ``older_than``; returns how many."""
        with self.jobs.session() as s, s.begin():
            result = s.execute(delete(IdempotencyKey)
                               .where(IdempotencyKey.created_at < utcnow() - older_than))
        return result.rowcount
