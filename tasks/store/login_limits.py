"""Per-account login back-off: guessing one account's password from many addresses is slowed.

The per-address rate limit (``service.ratelimit``) does not stop a guesser who rotates
addresses, so failures are also counted per account name. The first ``FREE_FAILURES`` in a
row cost nothing; each further one closes the account to logins for ``2 ** k`` seconds (k = 0,
1, 2, …), at most ``CAP`` seconds. While closed, attempts are refused without being checked
or counted, so a guesser cannot lengthen the wait: a real user whose name is under attack
waits at most ``CAP`` seconds for the next try. A success, or ``FORGET`` of quiet, clears
the count. Names are counted whether or not the account exists (an unknown name behaves like
a known one), stored as SHA-256 digests of the normalised name.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import Integer, String, delete
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from tasks.store import raises_store_errors
from tasks.store.records import Base, UTCDateTime, utcnow

FREE_FAILURES = 5
CAP = 60.0  # seconds
FORGET = timedelta(minutes=15)


class LoginThrottle(Base):
    """Recent failed logins of one account name, and until when it is closed to logins."""

    __tablename__ = "login_throttles"

    name_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


def lock_seconds(failures: int) -> float:
    """How long the account closes after ``failures`` failures in a row (0: not at all)."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(CAP, 2.0 ** min(failures - FREE_FAILURES, 16))


def _key(username: str) -> str:
    return hashlib.sha256((username or "").strip().lower().encode()).hexdigest()


@raises_store_errors
class LoginLimits:
    """The back-off counts in the job database. ``now`` parameters are for tests."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def wait_for(self, username: str, now: datetime | None = None) -> float:
        """Seconds until ``username`` may try to log in again (0: now)."""
        now = now or utcnow()
        with self._sessions() as s:
            row = s.get(LoginThrottle, _key(username))
        if row is None or row.locked_until is None or row.locked_until <= now:
            return 0.0
        return (row.locked_until - now).total_seconds()

    def failed(self, username: str, now: datetime | None = None) -> float:
        """Count a failed login of ``username``; returns the seconds it is now closed for."""
        now = now or utcnow()
        try:
            return self._count(_key(username), now)
        except IntegrityError:  # two first failures at once: the row exists now
            return self._count(_key(username), now)

    def _count(self, key: str, now: datetime) -> float:
        with self._sessions() as s, s.begin():
            row = s.get(LoginThrottle, key, with_for_update=True)
            if row is None:
                row = LoginThrottle(name_sha256=key, failures=0, updated_at=now)
                s.add(row)
            elif row.updated_at < now - FORGET:
                row.failures = 0
            row.failures += 1
            row.updated_at = now
            seconds = lock_seconds(row.failures)
            row.locked_until = now + timedelta(seconds=seconds) if seconds else None
        return seconds

    def succeeded(self, username: str) -> None:
        """Clear the count of ``username`` after a successful login."""
        with self._sessions() as s, s.begin():
            s.execute(delete(LoginThrottle).where(LoginThrottle.name_sha256 == _key(username)))

    def purge(self, now: datetime | None = None) -> int:
        """Forget counts quiet for longer than ``FORGET``; returns how many."""
        cutoff = (now or utcnow()) - FORGET
        with self._sessions() as s, s.begin():
            return s.execute(delete(LoginThrottle)
                             .where(LoginThrottle.updated_at < cutoff)).rowcount
