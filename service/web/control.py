"""Job control on the pages: cancel and re-run (forms with the CSRF token), page previews.

The same functions as the API (``service.job_control``, ``service.renditions``); whoever may
see a job may cancel or re-run it.
"""

from __future__ import annotations

from flask import redirect, request, url_for

from service.access import current_principal
from service.audit import audit, audit_rerun
from service.job_control import cancel_job, rerun_job
from service.job_lookup import find_job
from service.renditions import preview_response
from service.runtime import celery_app, runtime
from service.web import bp


@bp.post("/jobs/<job_id>/cancel")
def job_cancel(job_id: str):
    job = cancel_job(runtime(), celery_app(), find_job(job_id))
    audit("job.cancel", job.id, agency=job.agency)
    return redirect(url_for("web.job_page", job_id=job.id), code=303)


@bp.post("/jobs/<job_id>/rerun")
def job_rerun(job_id: str):
    original = find_job(job_id)
    job = rerun_job(runtime(), celery_app(), original, current_principal(),
                    created=audit_rerun(original))
    return redirect(url_for("web.job_page", job_id=job.id), code=303)


@bp.get("/jobs/<job_id>/preview/<int:page>")
def job_preview(job_id: str, page: int):
    return preview_response(job_id, page, request.args.get("wait"))
