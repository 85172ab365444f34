"""Idempotency keys: the same POST sent twice creates one job.

The first request reserves the key (a row with no job yet) before doing anything; a second
request with the key then finds it in flight (409), done (the same job) or used for another
payload (422). A request that fails releases its key so the client can try again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from tasks.store.jobs import JobStore
from tasks.store.records import IdempotencyKey, utcnow

# A reservation without a job after this long belongs to a request that died midway.
ABANDONED = timedelta(seconds=120)


class KeyState(enum.Enum):
    RESERVED = "reserved"
    IN_FLIGHT = "in_flight"
    DONE = "done"
    MISMATCH = "mismatch"


@dataclass(frozen=True)
class KeyResult:
    state: KeyState
    job_id: str | None = None


class IdempotencyKeys:
    """Idempotency keys in the job database, scoped per client (agency or user)."""

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
                # The first request died before finishing: let this one take the key over.
                self.release(scope, key)
                return self.reserve(scope, key, fingerprint)
            return KeyResult(KeyState.IN_FLIGHT)
        return KeyResult(KeyState.DONE, row.job_id)

    def complete(self, scope: str, key: str, job_id: str) -> None:
        with self.jobs.session() as s, s.begin():
            s.execute(update(IdempotencyKey)
                      .where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)
                      .values(job_id=job_id))

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
