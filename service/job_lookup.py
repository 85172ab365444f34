"""The job a request names: found only when the asker may see it, and, when asked, once it
has ended (``?wait=``, held open on the worker's announcement)."""

from __future__ import annotations

from service.access import visible_job
from service.errors import ApiError
from service.params import query_seconds
from service.runtime import runtime
from tasks.store.records import Job, JobStatus

MAX_WAIT = 30.0  # seconds a status request may be held open


def find_job(job_id: str) -> Job:
    """The job ``job_id``; ``ApiError`` 404 when there is none or when it belongs to an
    agency the current user is not in (the same answer, so ids cannot be probed)."""
    job = visible_job(runtime().jobs.get(job_id) if len(job_id) <= 36 else None)
    if job is None:
        raise ApiError(404, "job_not_found", "Không tìm thấy yêu cầu lập báo cáo này.")
    return job


def find_job_waiting(job_id: str, wait: str | None) -> Job:
    """``find_job``, after waiting up to ``wait`` seconds (at most 30) for the job to end.

    The wait ends at once when the worker announces the end (Redis pub/sub); ``ApiError`` 400
    for a ``wait`` that is not a number.
    """
    job = find_job(job_id)
    seconds = query_seconds({"wait": wait or ""}, "wait", MAX_WAIT, code="bad_wait")
    events = runtime().events
    if seconds > 0 and events is not None and not JobStatus(job.status).finished:
        events.wait(job.id, seconds,
                    lambda: not JobStatus(runtime().jobs.get(job.id).status).finished)
        job = find_job(job_id)
    return job
