"""Deliveries of a finished job's callback: one row per job that named a ``callback_url``.

A delivery is ``pending`` until the receiver answers 2xx (``delivered``) or the attempts run
out (``failed``). Each attempt first claims the row with a conditional update that also sets
``next_at`` (no other attempt before then), so a duplicate message or the reconciler never
sends while another attempt is under way or after the receiver accepted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, Integer, String, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from tasks.store import raises_store_errors
from tasks.store.jobs import JobStore
from tasks.store.records import FINISHED, Base, Job, UTCDateTime, utcnow


class CallbackState:
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Callback(Base):
    """The delivery state of one job's callback."""

    __tablename__ = "callbacks"

    job_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), default=CallbackState.PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(255), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@dataclass(frozen=True)
class Attempt:
    """A claimed delivery attempt: the job, its callback URL and the attempt number."""

    job_id: str
    url: str
    number: int


@raises_store_errors
class Callbacks:
    """Callback rows, on the job table's engine."""

    def __init__(self, jobs: JobStore) -> None:
        self.jobs = jobs

    def get(self, job_id: str) -> Callback | None:
        with self.jobs.session() as s:
            return s.get(Callback, job_id)

    def claim(self, job_id: str, hold_seconds: float) -> Attempt | None:
        """Start an attempt at delivering ``job_id``'s callback, or ``None`` when there is
        nothing to do now: no callback, job not finished, delivered, failed for good, or
        another attempt holds it (its ``next_at`` is in the future)."""
        now = utcnow()
        with self.jobs.session() as s:
            job = s.get(Job, job_id)
        if job is None or not job.callback_url or job.status not in FINISHED:
            return None
        try:
            with self.jobs.session() as s, s.begin():
                s.add(Callback(job_id=job_id, state=CallbackState.PENDING))
        except IntegrityError:
            pass  # a row from an earlier attempt
        with self.jobs.session() as s, s.begin():
            result = s.execute(
                update(Callback)
                .where(Callback.job_id == job_id, Callback.state == CallbackState.PENDING,
                       or_(Callback.next_at.is_(None), Callback.next_at <= now))
                .values(attempts=Callback.attempts + 1,
                        next_at=now + timedelta(seconds=hold_seconds))
            )
            if result.rowcount != 1:
                return None
            number = s.scalar(select(Callback.attempts).where(Callback.job_id == job_id))
        return Attempt(job_id, job.callback_url, number)

    def delivered(self, attempt: Attempt) -> bool:
        now = utcnow()
        with self.jobs.session() as s, s.begin():
            result = s.execute(
                update(Callback)
                .where(Callback.job_id == attempt.job_id, Callback.attempts == attempt.number,
                       Callback.state == CallbackState.PENDING)
                .values(state=CallbackState.DELIVERED, delivered_at=now, next_at=None,
                        last_error=None))
        return result.rowcount == 1

    def retry_later(self, attempt: Attempt, error: str, wait_seconds: float,
                    give_up: bool) -> None:
        """Record a failed attempt: try again after ``wait_seconds``, or never (``give_up``)."""
        values = {"last_error": error[:255],
                  "next_at": utcnow() + timedelta(seconds=wait_seconds)}
        if give_up:
            values.update(state=CallbackState.FAILED, next_at=None)
        with self.jobs.session() as s, s.begin():
            s.execute(update(Callback)
                      .where(Callback.job_id == attempt.job_id,
                             Callback.attempts == attempt.number,
                             Callback.state == CallbackState.PENDING)
                      .values(**values))

    def due(self, grace_seconds: float, limit: int = 500) -> list[str]:
        """Finished jobs with a callback that nobody is delivering although it is due:
        never tried and finished over ``grace_seconds`` ago, or pending with ``next_at``
        over ``grace_seconds`` past (its retry message was lost)."""
        cutoff = utcnow() - timedelta(seconds=grace_seconds)
        with self.jobs.session() as s:
            never = s.scalars(
                select(Job.id).outerjoin(Callback, Callback.job_id == Job.id)
                .where(Job.callback_url.is_not(None), Job.status.in_(FINISHED),
                       Job.finished_at < cutoff, Callback.job_id.is_(None))
                .limit(limit)).all()
            stuck = s.scalars(
                select(Callback.job_id).where(Callback.state == CallbackState.PENDING,
                                              Callback.next_at < cutoff)
                .limit(limit)).all()
        return list(never) + list(stuck)
