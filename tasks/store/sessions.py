"""Web sessions kept on the server, so that logging out and changing a password end them.

The session cookie is signed, but a signed cookie alone stays valid until it expires, even
after its owner logged out: whoever copied it could replay it. So a login opens a row here
and the cookie carries only the row's random id; a request is signed in only while the row is
neither revoked nor expired. Only the SHA-256 of the id is stored, as for API tokens.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, delete, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column, sessionmaker

from tasks.store import raises_store_errors
from tasks.store.records import Base, UTCDateTime, utcnow


class WebSession(Base):
    """One signed-in browser: whose, since and until when, and whether it was ended."""

    __tablename__ = "web_sessions"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(
        String(64), ForeignKey("users.username", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


@raises_store_errors
class Sessions:
    """Web sessions in the job database."""

    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def open(self, username: str, lifetime: timedelta) -> str:
        """Open a session for ``username`` lasting ``lifetime``; returns its id (for the
        cookie; it is not stored)."""
        session_id = secrets.token_urlsafe(32)
        with self._sessions() as s, s.begin():
            s.add(WebSession(id_sha256=_digest(session_id), username=username,
                             expires_at=utcnow() + lifetime))
        return session_id

    def user_of(self, session_id: str) -> str | None:
        """The user name of a live session; ``None`` when it is unknown, ended or expired."""
        if not session_id:
            return None
        with self._sessions() as s:
            row = s.get(WebSession, _digest(session_id))
        if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
            return None
        return row.username

    def revoke(self, session_id: str) -> None:
        """End one session (logging out)."""
        with self._sessions() as s, s.begin():
            s.execute(update(WebSession)
                      .where(WebSession.id_sha256 == _digest(session_id),
                             WebSession.revoked_at.is_(None))
                      .values(revoked_at=utcnow()))

    def revoke_user(self, username: str) -> int:
        """End every session of ``username`` (password changed); returns how many."""
        with self._sessions() as s, s.begin():
            return s.execute(update(WebSession)
                             .where(WebSession.username == username,
                                    WebSession.revoked_at.is_(None))
                             .values(revoked_at=utcnow())).rowcount

    def live(self, username: str) -> int:
        """How many sessions of ``username`` are open now."""
        with self._sessions() as s:
            rows = s.scalars(select(WebSession).where(
                WebSession.username == username, WebSession.revoked_at.is_(None),
                WebSession.expires_at > utcnow())).all()
        return len(rows)

    def purge(self, ended_before: datetime) -> int:
        """Forget sessions that expired or were ended before ``ended_before``."""
        with self._sessions() as s, s.begin():
            return s.execute(delete(WebSession).where(
                (WebSession.expires_at < ended_before)
                | (WebSession.revoked_at < ended_before))).rowcount
