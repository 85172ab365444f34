"""The audit log: who did what to which job, template or token, and when.

One row per action, written by the code that performed it (``AuditLog.record``) and never
changed afterwards. Rows never hold secrets: ``record`` refuses details whose keys name one
(passwords, tokens, secrets, signatures, authorisation headers) or whose values contain an
API token, so a careless caller fails loudly instead of writing a token into a table every
admin can read.

Actions in use (``action``, with what ``target`` names):

- ``job.submit`` (job id), ``job.download`` (job id; ``details.format`` docx or pdf),
  ``job.cancel`` (job id), ``job.rerun`` (the new job's id; ``details.rerun_of``)
- ``template.upload`` (kind slug; ``details.sha256``), and for the kinds-as-data work
  ``kind.upload`` and ``template.activate`` in the same shape
- ``token.create`` and ``token.revoke`` (token id; ``details.user``), ``user.create``
  (user name)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, Integer, String, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from tasks.store import StoreError, raises_store_errors
from tasks.store.records import Base, UTCDateTime, utcnow

# Keys a details dict may never carry (compared in lower case, as substrings), besides
# "token" itself ("token_id" is fine: an id is no secret).
SECRET_WORDS = ("password", "secret", "authorization", "signature", "cookie")
# An API token's text (the shape ``tasks.store.accounts`` gives them), anywhere in a value.
_TOKEN_TEXT = re.compile(r"rg_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")


class AuditError(StoreError):
    """An audit entry was refused (it would have held a secret)."""


class AuditEntry(Base):
    """One recorded action."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(64), index=True)
    via: Mapped[str | None] = mapped_column(String(32), nullable=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    agency: Mapped[str | None] = mapped_column(String(64), nullable=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


@dataclass(frozen=True)
class AuditPage:
    """One page of the audit log, newest first."""

    entries: list[AuditEntry]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _check(details: dict) -> dict:
    for key, value in details.items():
        name = str(key).lower()
        if name == "token" or any(word in name for word in SECRET_WORDS):
            raise AuditError(f"audit details may not hold {key!r}")
        if _TOKEN_TEXT.search(str(value)):
            raise AuditError(f"audit detail {key!r} holds an API token")
    return details


@raises_store_errors
class AuditLog:
    """The audit table behind an engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    def record(self, actor: str, action: str, target: str | None = None,
               details: dict | None = None, *, via: str | None = None,
               agency: str | None = None, address: str | None = None) -> AuditEntry:
        """Write one entry and commit it; returns it.

        ``actor`` is a user name (``local`` in single-user mode, ``cli:<os user>`` for
        commands run on the server); ``via`` how they came (``token:<id>``, ``session``,
        ``cli``); ``agency`` the agency the action concerns, ``address`` the client's IP.
        Raises ``AuditError`` when ``details`` has a key naming a secret.
        """
        entry = AuditEntry(actor=actor[:64], via=via, action=action[:32],
                           target=(target or None) and target[:255], agency=agency,
                           address=(address or None) and address[:64],
                           details=_check(dict(details or {})))
        with self.session() as s, s.begin():
            s.add(entry)
        return entry

    def page(self, page: int, per_page: int, action: str | None = None,
             actor: str | None = None, target: str | None = None,
             since: datetime | None = None) -> AuditPage:
        """Entries of page ``page`` (1-based), newest first, with the given values only."""
        page = max(1, page)
        where = []
        for column, value in ((AuditEntry.action, action), (AuditEntry.actor, actor),
                              (AuditEntry.target, target)):
            if value is not None:
                where.append(column == value)
        if since is not None:
            where.append(AuditEntry.at >= since)
        with self.session() as s:
            total = s.scalar(select(func.count()).select_from(AuditEntry).where(*where)) or 0
            rows = s.scalars(select(AuditEntry).where(*where)
                             .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
                             .offset((page - 1) * per_page).limit(per_page)).all()
        return AuditPage(list(rows), total, page, per_page)
