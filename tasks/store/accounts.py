"""Users and API tokens: who may use the service, with which role, for which agency.

Passwords are kept as werkzeug hashes; an API token is shown once when created and only the
SHA-256 of its secret is stored. A token reads ``rg_<id>_<secret>``: the id finds the row, the
secret is checked against the stored digest in constant time.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker
from werkzeug.security import check_password_hash, generate_password_hash

from tasks.store import StoreError, raises_store_errors
from tasks.store.records import Base, UTCDateTime, utcnow

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
AGENCY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TOKEN = re.compile(r"^rg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
MIN_PASSWORD = 8
# Checked against when a token does not exist, so that a miss costs as much as a hit.
_DUMMY_DIGEST = hashlib.sha256(b"no such token").hexdigest()


class AccountError(StoreError):
    """A user or token cannot be created or changed as asked (the message says why)."""


class Role(enum.StrEnum):
    """An officer works with the jobs of their agency; an admin with everything."""

    OFFICER = "officer"
    ADMIN = "admin"


class User(Base):
    """A person who signs in to the pages or holds API tokens."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    agency: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiToken(Base):
    """An API token of a user: the digest of its secret, never the secret itself."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    username: Mapped[str] = mapped_column(
        String(64), ForeignKey("users.username", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="")
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    def active(self, now: datetime) -> bool:
        """Whether the token is neither revoked nor expired at ``now``."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


def parse_token(text: str) -> tuple[str, str] | None:
    """The ``(id, secret)`` of a token's text, or ``None`` when it is not shaped like one."""
    match = TOKEN.fullmatch(text or "")
    return (match.group(1), match.group(2)) if match else None


@functools.cache
def _dummy_password_hash() -> str:
    """A hash to check unknown user names against, so that they cost as much as known ones."""
    return generate_password_hash(secrets.token_urlsafe(16))


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@raises_store_errors
class Accounts:
    """Users and tokens in the job database. Returned rows are detached snapshots."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    def create_user(self, username: str, password: str, role: str,
                    agency: str | None = None) -> User:
        """Add a user; raises ``AccountError`` for a bad name, role, agency or password,
        or a name already taken. An officer needs an agency; an admin may have one."""
        username = (username or "").strip().lower()
        if not USERNAME.fullmatch(username):
            raise AccountError("username: lowercase letters, digits, '.', '_' or '-' (≤ 64)")
        if role not in set(Role):
            raise AccountError(f"role must be one of {', '.join(Role)}, got {role!r}")
        agency = (agency or "").strip() or None
        if agency is not None and (len(agency) > 64 or not AGENCY.fullmatch(agency)):
            raise AccountError("agency: a short slug such as so-ldtbxh-hoa-binh")
        if role == Role.OFFICER and agency is None:
            raise AccountError("an officer needs an agency")
        if len(password or "") < MIN_PASSWORD:
            raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
        user = User(username=username, password_hash=generate_password_hash(password),
                    role=role, agency=agency)
        try:
            with self.session() as s, s.begin():
                s.add(user)
        except IntegrityError as e:
            raise AccountError(f"user {username!r} already exists") from e
        return user

    def get_user(self, username: str) -> User | None:
        """The user named ``username``, or ``None`` when there is none."""
        with self.session() as s:
            return s.get(User, (username or "").strip().lower())

    def verify_password(self, username: str, password: str) -> User | None:
        """The user when ``password`` is theirs; ``None`` for a wrong name or password."""
        user = self.get_user(username)
        stored = user.password_hash if user is not None else _dummy_password_hash()
        matches = check_password_hash(stored, password or "")
        return user if user is not None and matches else None

    def set_password(self, username: str, password: str) -> int:
        """Give ``username`` a new password and end every web session they have open (a
        stolen cookie must not outlive the password). Returns how many sessions ended.

        Raises ``AccountError`` for an unknown user or a password that is too short.
        """
        from tasks.store.sessions import Sessions  # its table refers to this module's

        user = self.get_user(username)
        if user is None:
            raise AccountError(f"no user {username!r}")
        if len(password or "") < MIN_PASSWORD:
            raise AccountError(f"the password needs at least {MIN_PASSWORD} characters")
        with self.session() as s, s.begin():
            s.execute(update(User).where(User.username == user.username)
                      .values(password_hash=generate_password_hash(password)))
        return Sessions(self.engine).revoke_user(user.username)

    def list_users(self) -> list[User]:
        with self.session() as s:
            return list(s.scalars(select(User).order_by(User.username)).all())

    def create_token(self, username: str, name: str = "",
                     expires_days: int | None = None) -> tuple[str, str]:
        """A new token of ``username``: returns ``(id, token text)``; the text is not kept.

        Raises ``AccountError`` when there is no such user or ``expires_days`` < 1.
        """
        user = self.get_user(username)
        if user is None:
            raise AccountError(f"no user {username!r}")
        if expires_days is not None and expires_days < 1:
            raise AccountError("expires_days must be at least 1")
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        expires = utcnow() + timedelta(days=expires_days) if expires_days else None
        with self.session() as s, s.begin():
            s.add(ApiToken(id=token_id, username=user.username, name=(name or "")[:80],
                           secret_sha256=_digest(secret), expires_at=expires))
        return token_id, f"rg_{token_id}_{secret}"

    def find_token(self, text: str) -> User | None:
        """The user holding the token ``text``; ``None`` when it is malformed, unknown,
        wrong, revoked or expired."""
        parsed = parse_token(text)
        if parsed is None:
            return None
        token_id, secret = parsed
        with self.session() as s:
            row = s.execute(select(ApiToken, User).join(User)
                            .where(ApiToken.id == token_id)).first()
        stored = row.ApiToken.secret_sha256 if row is not None else _DUMMY_DIGEST
        if not hmac.compare_digest(stored, _digest(secret)) or row is None:
            return None
        return row.User if row.ApiToken.active(utcnow()) else None

    def revoke_token(self, token_id: str) -> bool:
        """Revoke a token (again is harmless); ``False`` when there is no such token."""
        with self.session() as s, s.begin():
            if s.get(ApiToken, token_id) is None:
                return False
            s.execute(update(ApiToken)
                      .where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
                      .values(revoked_at=utcnow()))
        return True

    def list_tokens(self) -> list[ApiToken]:
        """Every token, newest first (digests included: callers show what they need)."""
        with self.session() as s:
            return list(s.scalars(select(ApiToken)
                                  .order_by(ApiToken.created_at.desc(), ApiToken.id)).all())
