"""API routes for job control, page previews, the audit log and the OpenAPI document.

``POST /jobs/<id>/cancel`` and ``POST /jobs/<id>/rerun`` act on a job the caller may see
(anyone else gets 404, as for a missing job); ``GET /jobs/<id>/preview/<page>`` is a page of
the document's PDF as PNG; ``GET /admin/audit`` lists the audit log for admins;
``GET /openapi.json`` is the contract of every route under ``/api/v1`` (no token needed).
"""

from __future__ import annotations

from flask import jsonify, request, url_for

from service.access import admin_required, current_principal
from service.api import bp
from service.api.openapi import openapi_document
from service.audit import audit, audit_rerun
from service.errors import ApiError
from service.filters import parse_since
from service.job_control import cancel_job, rerun_job
from service.job_lookup import find_job
from service.presenters import audit_dict, job_dict
from service.renditions import preview_response
from service.runtime import celery_app, runtime


def _int_arg(name: str, default: int, limit: int) -> int:
    raw = request.args.get(name)
    try:
        value = int(raw) if raw not in (None, "") else default
    except ValueError as e:
        raise ApiError(400, "bad_page", f"Tham số {name} phải là số.") from e
    if not 1 <= value <= limit:
        raise ApiError(400, "bad_page", f"Tham số {name} phải từ 1 đến {limit}.")
    return value


@bp.post("/jobs/<job_id>/cancel")
def cancel(job_id: str):
    """Cancel a queued or running job: 200 with the job, 409 when it already ended."""
    job = cancel_job(runtime(), celery_app(), find_job(job_id))
    audit("job.cancel", job.id, agency=job.agency)
    return jsonify(job_dict(job, runtime().renditions))


@bp.post("/jobs/<job_id>/rerun")
def rerun(job_id: str):
    """A new job from the same upload and fields (current template): 202 and its status."""
    original = find_job(job_id)
    job = rerun_job(runtime(), celery_app(), original, current_principal(),
                    created=audit_rerun(original))
    status_url = url_for("api.get_job", job_id=job.id)
    return jsonify(job_dict(job)), 202, {"Location": status_url}


@bp.get("/jobs/<job_id>/preview/<int:page>")
def preview(job_id: str, page: int):
    """Page ``page`` (1-based) of the document's PDF, as PNG (made first if need be)."""
    return preview_response(job_id, page, request.args.get("wait"))


@bp.get("/admin/audit")
@admin_required
def list_audit():
    """The audit log, newest first: ``?action=&actor=&target=&since=&page=&per_page=``."""
    page = _int_arg("page", 1, 1_000_000)
    per_page = _int_arg("per_page", 50, 200)
    since = request.args.get("since")
    result = runtime().audit.page(
        page, per_page, action=request.args.get("action") or None,
        actor=request.args.get("actor") or None, target=request.args.get("target") or None,
        since=parse_since(since) if since else None)
    return jsonify({"entries": [audit_dict(e) for e in result.entries], "page": result.page,
                    "per_page": result.per_page, "total": result.total,
                    "pages": result.pages})


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 document of this API."""
    return jsonify(openapi_document())
