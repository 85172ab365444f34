"""PDF renditions of finished documents: asked for by the web, made by a worker, kept beside
the .docx with their own SHA-256 and one PNG preview per page.

A rendition row goes ``pending`` (asked) → ``ready`` | ``failed``. Asking again is a
conditional update, so many web requests for the same PDF send one conversion; a conversion
that went missing (its message lost, its worker killed) is asked again once it has been
pending longer than ``stale_after`` seconds, and a failed one after ``retry_after``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, Integer, String, delete, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from tasks.store import raises_store_errors
from tasks.store.jobs import JobStore
from tasks.store.records import Base, UTCDateTime, utcnow


class RenditionStatus:
    PENDING = "pending"
    READY = "ready"
    FAILED = "failed"


def pdf_key(job_id: str) -> str:
    """Where a job's PDF is stored, beside its ``documents/<id>.docx``."""
    return f"documents/{job_id}.pdf"


def preview_key(job_id: str, page: int) -> str:
    """Where the PNG of page ``page`` (1-based) of a job's PDF is stored."""
    return f"previews/{job_id}-{page}.png"


def rendition_keys(renditions: Renditions, job_id: str) -> list[str]:
    """The stored files of a job's rendition: its PDF and every page preview."""
    rendition = renditions.get(job_id)
    if rendition is None or rendition.pdf_key is None:
        return []
    pages = range(1, (rendition.pages or 0) + 1)
    return [rendition.pdf_key, *(preview_key(job_id, n) for n in pages)]


class Rendition(Base):
    """The PDF of one job's document, and its pages as PNG previews."""

    __tablename__ = "renditions"

    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    pdf_key: Mapped[str | None] = mapped_column(String(255), nullable=True)
    pdf_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    fonts: Mapped[list] = mapped_column(JSON, default=list)
    error: Mapped[dict | None] = mapped_column(JSON, nullable=True)


@dataclass(frozen=True)
class MadePdf:
    """What a worker stored: the PDF's key, size and hash, its page count and fonts."""

    key: str
    size: int
    sha256: str
    pages: int
    fonts: list[str]


@raises_store_errors
class Renditions:
    """Rendition rows, on the job table's engine. Returned rows are detached snapshots."""

    def __init__(self, jobs: JobStore) -> None:
        self.jobs = jobs

    def get(self, job_id: str) -> Rendition | None:
        with self.jobs.session() as s:
            return s.get(Rendition, job_id)

    def request(self, job_id: str, stale_after: float, retry_after: float) -> bool:
        """Ask for the PDF of ``job_id``; ``True`` when the caller must send the conversion.

        ``False`` when it is ready, already pending (for less than ``stale_after`` seconds)
        or failed less than ``retry_after`` seconds ago.
        """
        now = utcnow()
        try:
            with self.jobs.session() as s, s.begin():
                s.add(Rendition(job_id=job_id, status=RenditionStatus.PENDING, requested_at=now))
            return True
        except IntegrityError:
            pass
        again = or_(
            (Rendition.status == RenditionStatus.PENDING)
            & (Rendition.requested_at < now - timedelta(seconds=stale_after)),
            (Rendition.status == RenditionStatus.FAILED)
            & (Rendition.finished_at < now - timedelta(seconds=retry_after)),
        )
        with self.jobs.session() as s, s.begin():
            result = s.execute(update(Rendition).where(Rendition.job_id == job_id, again)
                               .values(status=RenditionStatus.PENDING, requested_at=now,
                                       error=None, finished_at=None))
        return result.rowcount == 1

    def withdraw(self, job_id: str) -> None:
        """Forget a request whose conversion could not be sent (the next asker sends it)."""
        with self.jobs.session() as s, s.begin():
            s.execute(delete(Rendition).where(Rendition.job_id == job_id,
                                              Rendition.status == RenditionStatus.PENDING))

    def ready(self, job_id: str, made: MadePdf) -> bool:
        """Record the stored PDF; ``False`` when the row is gone (the job was deleted)."""
        with self.jobs.session() as s, s.begin():
            result = s.execute(update(Rendition).where(Rendition.job_id == job_id).values(
                status=RenditionStatus.READY, finished_at=utcnow(), pdf_key=made.key,
                pdf_size=made.size, pdf_sha256=made.sha256, pages=made.pages,
                fonts=made.fonts, error=None))
        return result.rowcount == 1

    def failed(self, job_id: str, code: str, message: str) -> None:
        """Record why the PDF could not be made (unless another attempt made it meanwhile)."""
        with self.jobs.session() as s, s.begin():
            s.execute(update(Rendition)
                      .where(Rendition.job_id == job_id,
                             Rendition.status != RenditionStatus.READY)
                      .values(status=RenditionStatus.FAILED, finished_at=utcnow(),
                              error={"code": code, "message": message}))
