"""The JSON API under ``/api/v1``: report kinds, jobs, documents.

``POST /jobs`` answers 202 with ``Location``; one status resource per job; one download
resource per document. All errors are JSON from ``service.errors``.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from service.downloads import (
    document_response, find_job, runtime, sample_response, workbook_response,
)
from service.errors import ApiError
from service.presenters import job_dict, kind_dict
from service.submission import Upload, submit_job

bp = Blueprint("api", __name__)


@bp.get("/templates")
def list_templates():
    catalog = runtime().catalog
    names = {slug: p.name for slug, p in catalog.provinces.items()}
    return jsonify({"templates": [kind_dict(k, names) for k in catalog.kinds.values()]})


@bp.get("/templates/<slug>/workbook")
def get_workbook(slug: str):
    return workbook_response(slug, request.args.get("province"), request.args.get("period"))


@bp.get("/templates/<slug>/sample")
def get_sample(slug: str):
    return sample_response(slug)


@bp.post("/jobs")
def create_job():
    files = request.files.getlist("data")
    if len(files) > 1:
        raise ApiError(400, "too_many_files", "Chỉ gửi một tệp dữ liệu (data).")
    upload = Upload(files[0].filename or "", files[0].read()) if files else None
    job = submit_job(runtime(), current_app.extensions["celery"], request.form, upload,
                     idempotency_key=request.headers.get("Idempotency-Key"))
    body = {
        "id": job.id,
        "status": job.status,
        "status_url": url_for("api.get_job", job_id=job.id),
        "document_url": url_for("api.get_document", job_id=job.id),
    }
    return jsonify(body), 202, {"Location": body["status_url"]}


@bp.get("/jobs")
def list_jobs():
    settings = runtime().settings
    try:
        page = int(request.args.get("page", 1))
        per_page = min(100, int(request.args.get("per_page", settings.page_size)))
    except ValueError as e:
        raise ApiError(400, "bad_page", "Tham số trang (page, per_page) phải là số.") from e
    result = runtime().jobs.page(page, max(1, per_page))
    return jsonify({
        "jobs": [job_dict(j) for j in result.jobs],
        "page": result.page, "per_page": result.per_page, "total": result.total,
        "pages": result.pages,
        "next": url_for("api.list_jobs", page=result.page + 1, per_page=result.per_page)
        if result.page < result.pages else None,
    })


@bp.get("/jobs/<job_id>")
def get_job(job_id: str):
    return jsonify(job_dict(find_job(job_id)))


@bp.get("/jobs/<job_id>/document")
def get_document(job_id: str):
    return document_response(job_id)


@bp.get("/health")
def health():
    """Liveness for container health checks: the database answers."""
    runtime().jobs.page(1, 1)
    return jsonify({"status": "ok"})
