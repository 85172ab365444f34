"""Job control, for whoever may see the job: cancel it, or run it again.

Cancel: a queued job is never run; a running one loses its hold on the job, so its worker
stops at its next stage (or, for a short job, its document is discarded when it ends). Either
way the job is ``cancelled`` at once and its document is not offered.

Rerun: a new job from the same upload and fields (callback included), linked to the original
by ``rerun_of``, rendered with the template version that is **current** when it is re-run
(not the one the original pinned): a re-run is how a job gets the benefit of a corrected
template. It belongs to the original's agency; the person who re-ran it is its creator.
"""

from __future__ import annotations

from celery import Celery

from service.access import Principal
from service.errors import ApiError
from service.labels import STATUS_LABELS
from service.submission import Created, Owner, Upload, submit_job
from tasks.runtime import Runtime
from tasks.store import StoreError
from tasks.store.records import Job, JobStatus
from tasks.webhooks import job_ended


def cancel_job(runtime: Runtime, celery: Celery, job: Job) -> Job:
    """Cancel ``job``; returns it as it now is. Cancelling a cancelled job again does
    nothing. Raises ``ApiError`` 409 ``job_finished`` when it already ended otherwise
    (succeeded, failed, rejected)."""
    if runtime.jobs.cancel(job.id):
        job_ended(runtime, celery, job.id, JobStatus.CANCELLED)
        return runtime.jobs.get(job.id)
    current = runtime.jobs.get(job.id)
    if current.status == JobStatus.CANCELLED:
        return current
    raise ApiError(409, "job_finished", "Yêu cầu lập báo cáo đã kết thúc "
                   f"({STATUS_LABELS.get(current.status, current.status)}); không hủy được nữa.")


def rerun_job(runtime: Runtime, celery: Celery, job: Job, principal: Principal,
              created: Created | None = None) -> Job:
    """A new job from ``job``'s upload and fields; the same errors as a submission, and
    ``ApiError`` 410 ``upload_expired`` when retention deleted the upload. ``created`` as
    for ``submit_job``."""
    if job.purged_at is not None:
        raise ApiError(410, "upload_expired", "Tệp số liệu của yêu cầu này đã bị xóa theo "
                       "thời hạn lưu trữ; hãy gửi lại tệp.")
    try:
        data = runtime.files.read(job.upload_key)
    except StoreError as e:
        raise ApiError(410, "upload_gone", "Tệp số liệu của yêu cầu này không còn trên "
                       "máy chủ; hãy gửi lại tệp.") from e
    fields = {"template": job.template, "province": job.province, "period": job.period,
              "callback_url": job.callback_url or "", **(job.options or {})}
    return submit_job(runtime, celery, fields, Upload(job.upload_name, data),
                      owner=Owner(job.agency, principal.user), rerun_of=job.id,
                      created=created).job
