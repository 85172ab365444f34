"""Named locks in the job database, held for a while: one periodic pass at a time, site-wide.

Every worker runs the periodic passes (reconciler, retention), so they must not run twice at
once: a pass first takes its lock with a conditional ``UPDATE … WHERE expires_at <= now``, the
same way a job is claimed, and the database decides who got it. A lock that is not released
(its holder was killed) frees itself when it expires; a holder that works longer renews it.
Released with a later expiry, a lock also spaces the passes out: the next one may start only
then, whichever process asks.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from tasks.store import raises_store_errors
from tasks.store.records import Base, UTCDateTime, utcnow


class Lock(Base):
    """A named lock: who holds it and until when (free once ``expires_at`` has passed)."""

    __tablename__ = "locks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


@raises_store_errors
class Locks:
    """Named locks behind an engine (the job database's)."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def acquire(self, name: str, holder: str, seconds: float) -> bool:
        """Take ``name`` for ``holder`` for ``seconds`` if it is free; ``True`` when taken.

        Exactly one of several callers racing for a free lock gets it.
        """
        now = utcnow()
        until = now + timedelta(seconds=seconds)
        with self._sessions() as s, s.begin():
            taken = s.execute(update(Lock).where(Lock.name == name, Lock.expires_at <= now)
                              .values(holder=holder, expires_at=until)).rowcount
        if taken == 1:
            return True
        try:
            with self._sessions() as s, s.begin():
                s.add(Lock(name=name, holder=holder, expires_at=until))
        except IntegrityError:
            return False  # the row exists and is held
        return True

    def renew(self, name: str, holder: str, seconds: float) -> bool:
        """Hold ``name`` for ``seconds`` more, if ``holder`` still holds it (``False`` if not)."""
        now = utcnow()
        with self._sessions() as s, s.begin():
            return s.execute(update(Lock).where(Lock.name == name, Lock.holder == holder,
                                                Lock.expires_at > now)
                             .values(expires_at=now + timedelta(seconds=seconds))).rowcount == 1

    def release(self, name: str, holder: str, free_at: datetime | None = None) -> bool:
        """Let go of ``name`` if ``holder`` still has it: free at once, or from ``free_at``.

        Returns ``False`` when the lock had expired and someone else took it meanwhile.
        """
        with self._sessions() as s, s.begin():
            return s.execute(update(Lock).where(Lock.name == name, Lock.holder == holder)
                             .values(expires_at=free_at or utcnow())).rowcount == 1

    def holder(self, name: str) -> str | None:
        """Who holds ``name`` now; ``None`` when it is free."""
        with self._sessions() as s:
            row = s.get(Lock, name)
        return row.holder if row is not None and row.expires_at > utcnow() else None
