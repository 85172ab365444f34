"""A job as JSON: what ``GET /api/v1/jobs/<id>`` answers and what a callback POSTs.

Built here, on the workers' side, so that a callback carries exactly the status resource;
the API adds only what depends on the request (see ``service.presenters``).
"""

from __future__ import annotations

from tasks.store.records import Job, JobStatus

API_PREFIX = "/api/v1"


def _time(value) -> str | None:
    return value.isoformat() if value else None


def job_status(job: Job) -> dict:
    """A job: state, progress, findings, timestamps, document (``None`` until there is one).

    URLs are paths under ``API_PREFIX``.
    """
    base = f"{API_PREFIX}/jobs/{job.id}"
    body = {
        "id": job.id,
        "template": job.template,
        "province": job.province,
        "period": job.period,
        "options": job.options or {},
        "status": job.status,
        "stage": job.stage,
        "progress": job.progress,
        "attempts": job.attempts,
        "template_sha256": job.template_sha256,
        "errors": job.errors or [],
        "warnings": job.warnings or [],
        "upload": {"filename": job.upload_name, "size": job.upload_size,
                   "sha256": job.upload_sha256},
        "created_at": _time(job.created_at),
        "started_at": _time(job.started_at),
        "finished_at": _time(job.finished_at),
        "updated_at": _time(job.updated_at),
        "purged_at": _time(job.purged_at),
        "rerun_of": job.rerun_of,
        "callback_url": job.callback_url,
        "status_url": base,
        "document": None,
    }
    if job.status == JobStatus.SUCCEEDED and job.document_key and job.purged_at is None:
        body["document"] = {
            "filename": job.document_name,
            "size": job.document_size,
            "sha256": job.document_sha256,
            "url": f"{base}/document",
            "pdf_url": f"{base}/document?format=pdf",
        }
    return body
