"""The JSON API under ``/api/v1``: report kinds, jobs, documents.

``POST /jobs`` answers 202 with ``Location``; one status resource per job; one download
resource per document. ``POST /validate`` checks a workbook without creating anything. All
errors are JSON from ``service.errors``.

Every endpoint but ``/health`` needs ``Authorization: Bearer`` when sign-in is required
(``service.access``); the session cookie is never accepted here. ``/admin/…`` is for admins.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for

from service.access import admin_required, current_principal, require_token
from service.downloads import (
    document_response,
    find_job_waiting,
    runtime,
    sample_response,
    workbook_response,
)
from service.errors import ApiError
from service.params import MAX_PAGE, query_int
from service.presenters import job_dict, kind_dict, token_dict, user_dict
from service.submission import Upload, build_request, check_data, check_upload, submit_job
from service.template_upload import accept_template

bp = Blueprint("api", __name__)
MAX_PER_PAGE = 100
bp.before_request(require_token)


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


def _upload() -> Upload | None:
    """The one file sent in the ``data`` field; ``None`` when there is none."""
    files = request.files.getlist("data")
    if len(files) > 1:
        raise ApiError(400, "too_many_files", "Chỉ gửi một tệp dữ liệu (data).")
    return Upload(files[0].filename or "", files[0].read()) if files else None


@bp.post("/jobs")
def create_job():
    job = submit_job(runtime(), current_app.extensions["celery"], request.form, _upload(),
                     owner=current_principal().owner,
                     idempotency_key=request.headers.get("Idempotency-Key"))
    body = {
        "id": job.id,
        "status": job.status,
        "status_url": url_for("api.get_job", job_id=job.id),
        "document_url": url_for("api.get_document", job_id=job.id),
    }
    return jsonify(body), 202, {"Location": body["status_url"]}


@bp.post("/validate")
def validate_upload():
    """Check a workbook as ``POST /jobs`` would, without creating a job: 200 with the findings."""
    upload = _upload()
    checked = build_request(runtime(), request.form)
    check_upload(runtime(), upload)
    return jsonify(check_data(runtime(), checked, upload).as_dict())


@bp.get("/jobs")
def list_jobs():
    settings = runtime().settings
    page = query_int(request.args, "page", 1, 1, MAX_PAGE, code="bad_page")
    per_page = query_int(request.args, "per_page", settings.page_size, 1, MAX_PER_PAGE,
                         code="bad_page")
    result = runtime().jobs.page(page, per_page, agency=current_principal().history_scope)
    return jsonify({
        "jobs": [job_dict(j) for j in result.jobs],
        "page": result.page, "per_page": result.per_page, "total": result.total,
        "pages": result.pages,
        "next": url_for("api.list_jobs", page=result.page + 1, per_page=result.per_page)
        if result.page < result.pages else None,
    })


@bp.get("/jobs/<job_id>")
def get_job(job_id: str):
    """The job's state; with ``?wait=N`` (seconds, at most 30) it first waits for the job to
    finish, so a script learns of the end at once without polling."""
    return jsonify(job_dict(find_job_waiting(job_id, request.args.get("wait"))))


@bp.get("/jobs/<job_id>/document")
def get_document(job_id: str):
    return document_response(job_id)


@bp.post("/templates/<slug>/versions")
@admin_required
def upload_template(slug: str):
    """A new version of a kind's template (admin): linted, tried on the sample, then current."""
    files = request.files.getlist("template")
    if len(files) != 1:
        raise ApiError(400, "missing_file", "Gửi đúng một tệp mẫu (.docx) trong trường template.")
    version = accept_template(runtime(), slug, files[0].read(), current_principal().user)
    body = {"slug": version.slug, "sha256": version.sha256, "source": version.source}
    return jsonify(body), 201


@bp.get("/templates/<slug>/versions")
@admin_required
def list_template_versions(slug: str):
    rt = runtime()
    kind = rt.catalog.kind(slug) if slug in rt.catalog.kinds else None
    if kind is None:
        raise ApiError(404, "unknown_template", f"Không có loại báo cáo «{slug}».")
    current = rt.templates.current(slug, kind.template_path)
    return jsonify({"current": current.sha256, "source": current.source, "versions": [
        {"sha256": v.sha256, "uploaded_by": v.uploaded_by, "active": v.active,
         "uploaded_at": v.uploaded_at.isoformat()} for v in rt.templates.history(slug)]})


@bp.get("/admin/users")
@admin_required
def list_users():
    return jsonify({"users": [user_dict(u) for u in runtime().accounts.list_users()]})


@bp.get("/admin/tokens")
@admin_required
def list_tokens():
    return jsonify({"tokens": [token_dict(t) for t in runtime().accounts.list_tokens()]})


@bp.get("/health")
def health():
    """Liveness for container health checks: the database answers."""
    runtime().jobs.page(1, 1)
    return jsonify({"status": "ok"})
