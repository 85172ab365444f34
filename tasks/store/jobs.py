"""Operations on job rows: create, read, list, and the conditional state transitions.

Every transition is one ``UPDATE … WHERE status …`` so that two workers, or a worker and the
reconciler, can never both move the same job.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from tasks.store import raises_store_errors
from tasks.store.records import FINISHED, Job, JobStatus, utcnow


@dataclass(frozen=True)
class Claim:
    """A worker's hold on a running job: which attempt it is."""

    job_id: str
    attempt: int


class ClaimOutcome(enum.Enum):
    CLAIMED = "claimed"
    HELD = "held"
    FINISHED = "finished"
    MISSING = "missing"


@dataclass(frozen=True)
class ClaimResult:
    """What a claim attempt found; ``claim`` is set only when the caller got the job."""

    outcome: ClaimOutcome
    claim: Claim | None = None
    retry_after: float = 0.0


@dataclass(frozen=True)
class JobFilter:
    """Which jobs a history lists; ``None`` in a field means any value.

    ``agency`` scopes to one agency's jobs (officers); ``since`` keeps jobs created at or
    after that moment (timezone-aware).
    """

    agency: str | None = None
    status: str | None = None
    template: str | None = None
    province: str | None = None
    period: str | None = None
    since: datetime | None = None

    def conditions(self) -> list:
        found = []
        for column, value in ((Job.agency, self.agency), (Job.status, self.status),
                              (Job.template, self.template), (Job.province, self.province),
                              (Job.period, self.period)):
            if value is not None:
                found.append(column == value)
        if self.since is not None:
            found.append(Job.created_at >= self.since)
        return found


@dataclass(frozen=True)
class Page:
    """One page of the job history, newest first."""

    jobs: list[Job]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


@raises_store_errors
class JobStore:
    """The job table behind an engine. Returned ``Job`` objects are detached snapshots.

    Every method raises ``StoreError`` when the database fails.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def session(self) -> Session:
        return self._sessions()

    def add(self, job: Job) -> Job:
        """Insert a new job row and commit it."""
        with self.session() as s, s.begin():
            s.add(job)
        return job

    def delete(self, job_id: str) -> None:
        """Remove a job row (used only to undo a submission that could not be queued)."""
        with self.session() as s, s.begin():
            obj = s.get(Job, job_id)
            if obj is not None:
                s.delete(obj)

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or ``None`` when there is none."""
        with self.session() as s:
            return s.get(Job, job_id)

    def page(self, page: int, per_page: int, agency: str | None = None,
             where: JobFilter | None = None) -> Page:
        """The jobs of page ``page`` (1-based), newest first: only those of ``agency`` when
        it is given, every job when it is ``None``; only those ``where`` selects."""
        page = max(1, page)
        scope = (where or JobFilter()).conditions()
        if agency is not None:
            scope.append(Job.agency == agency)
        with self.session() as s:
            total = s.scalar(select(func.count()).select_from(Job).where(*scope)) or 0
            rows = s.scalars(
                select(Job)
                .where(*scope)
                .order_by(Job.created_at.desc(), Job.id)
                .offset((page - 1) * per_page)
                .limit(per_page)
            ).all()
        return Page(list(rows), total, page, per_page)

    def claim(self, job_id: str, lease_seconds: int) -> ClaimResult:
        """Move a queued job, or a running one whose lease ran out, to running.

        The result says whether this caller now holds the job (with its attempt number), or
        why not: the job is finished, held by a live attempt (and for how long), or missing.
        """
        now = utcnow()
        claimable = or_(
            Job.status == JobStatus.QUEUED,
            (Job.status == JobStatus.RUNNING) & (Job.lease_until < now),
        )
        with self.session() as s, s.begin():
            result = s.execute(
                update(Job)
                .where(Job.id == job_id, claimable)
                .values(
                    status=JobStatus.RUNNING,
                    attempts=Job.attempts + 1,
                    lease_until=now + timedelta(seconds=lease_seconds),
                    started_at=func.coalesce(Job.started_at, now),
                    updated_at=now,
                    stage="starting",
                    progress=0,
                )
            )
            row = s.execute(select(Job.status, Job.attempts, Job.lease_until)
                            .where(Job.id == job_id)).first()
        if row is None:
            return ClaimResult(ClaimOutcome.MISSING)
        if result.rowcount == 1:
            return ClaimResult(ClaimOutcome.CLAIMED, Claim(job_id, row.attempts))
        if JobStatus(row.status).finished:
            return ClaimResult(ClaimOutcome.FINISHED)
        wait = (row.lease_until - now).total_seconds() if row.lease_until else 0.0
        return ClaimResult(ClaimOutcome.HELD, retry_after=max(0.0, wait))

    def mark_published(self, job_ids: list[str]) -> None:
        """Record that a message for each job was just sent to the queue."""
        if not job_ids:
            return
        with self.session() as s, s.begin():
            s.execute(update(Job).where(Job.id.in_(job_ids)).values(published_at=utcnow()))

    def unpublished(self, older_than_seconds: int) -> list[Job]:
        """Queued jobs whose last message was sent (or that were created) that long ago."""
        limit = utcnow() - timedelta(seconds=older_than_seconds)
        with self.session() as s:
            return list(s.scalars(select(Job).where(
                Job.status == JobStatus.QUEUED,
                func.coalesce(Job.published_at, Job.created_at) < limit,
            )).all())

    def finished_before(self, cutoff) -> list[Job]:
        """Finished jobs (not yet purged) that ended before ``cutoff``."""
        with self.session() as s:
            return list(s.scalars(select(Job).where(
                Job.status.in_(FINISHED),
                Job.finished_at < cutoff, Job.purged_at.is_(None),
            )).all())

    def mark_purged(self, job_id: str) -> None:
        """Record that a job's files were deleted by the retention policy."""
        with self.session() as s, s.begin():
            s.execute(update(Job).where(Job.id == job_id).values(purged_at=utcnow()))

    def expired(self) -> list[Job]:
        """Running jobs whose lease ran out: their worker died or lost the database."""
        with self.session() as s:
            return list(s.scalars(select(Job).where(
                Job.status == JobStatus.RUNNING, Job.lease_until < utcnow(),
            )).all())

    def report_progress(
        self, claim: Claim, lease_seconds: int, stage: str | None = None,
        progress: int | None = None,
    ) -> bool:
        """Renew a running attempt's lease, and record its stage and progress when given.

        Returns ``False`` when the attempt no longer holds the job.
        """
        now = utcnow()
        values = {"lease_until": now + timedelta(seconds=lease_seconds), "updated_at": now}
        if stage is not None:
            values.update(stage=stage, progress=progress or 0)
        with self.session() as s, s.begin():
            result = s.execute(update(Job).where(*self._held(claim)).values(**values))
        return result.rowcount == 1

    def succeed(self, claim: Claim, document: dict, warnings: list[dict]) -> bool:
        """Mark the attempt's job succeeded with its document; ``False`` if it lost the job."""
        now = utcnow()
        with self.session() as s, s.begin():
            result = s.execute(
                update(Job)
                .where(*self._held(claim))
                .values(
                    status=JobStatus.SUCCEEDED,
                    stage="done",
                    progress=100,
                    warnings=warnings,
                    document_key=document["key"],
                    document_name=document["name"],
                    document_size=document["size"],
                    document_sha256=document["sha256"],
                    lease_until=None,
                    finished_at=now,
                    updated_at=now,
                )
            )
        return result.rowcount == 1

    def fail(
        self, job_id: str, errors: list[dict], warnings: list[dict] | None = None,
        attempt: int | None = None, status: JobStatus = JobStatus.FAILED,
    ) -> bool:
        """Mark a job failed (or, with ``status=JobStatus.REJECTED``, its data refused) with
        its errors, unless it is already finished.

        With ``attempt`` the update applies only while that attempt holds the job.
        """
        if status not in (JobStatus.FAILED, JobStatus.REJECTED):
            raise ValueError(f"a job cannot end {status!r} with errors")
        now = utcnow()
        conditions = [Job.id == job_id, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING])]
        if attempt is not None:
            conditions.append(Job.attempts == attempt)
        values = dict(
            status=status, stage=str(status), errors=errors,
            lease_until=None, finished_at=now, updated_at=now,
        )
        if warnings is not None:
            values["warnings"] = warnings
        with self.session() as s, s.begin():
            result = s.execute(update(Job).where(*conditions).values(**values))
        return result.rowcount == 1

    def cancel(self, job_id: str) -> bool:
        """Mark a queued or running job cancelled; ``False`` when it had already finished.

        A queued job is then never claimed; a running attempt loses its hold, so its next
        progress report, ``succeed`` or ``fail`` does nothing and it stops.
        """
        now = utcnow()
        with self.session() as s, s.begin():
            result = s.execute(
                update(Job)
                .where(Job.id == job_id, Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
                .values(status=JobStatus.CANCELLED, stage="cancelled", lease_until=None,
                        finished_at=now, updated_at=now)
            )
        return result.rowcount == 1

    @staticmethod
    def _held(claim: Claim) -> tuple:
        return (
            Job.id == claim.job_id,
            Job.status == JobStatus.RUNNING,
            Job.attempts == claim.attempt,
        )
