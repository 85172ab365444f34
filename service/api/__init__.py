"""The JSON API under ``/api/v1``: report kinds, jobs, documents.

``POST /jobs`` answers 202 with ``Location``; one status resource per job; one download
resource per document (``?format=pdf`` for its PDF). ``POST /validate`` checks a workbook
without creating anything. Job control, previews, the audit log and the OpenAPI document
are in ``service.api.control``. All errors are JSON from ``service.errors``.

Every endpoint but ``/health`` needs ``Authorization: Bearer`` when sign-in is required
(``service.access``); the session cookie is never accepted here. ``/admin/…`` is for admins.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from service.access import admin_required, current_principal, require_token
from service.audit import audit, audit_submitted
from service.downloads import (
    DOCX,
    bundle_response,
    document_response,
    sample_response,
    workbook_response,
)
from service.errors import ApiError
from service.filters import active_filters, job_filter
from service.job_lookup import find_job_waiting
from service.kind_upload import accept_bundle, accept_template, wait_for_trial
from service.params import MAX_PAGE, query_int
from service.periods import period_choices
from service.presenters import job_dict, kind_dict, token_dict, user_dict, version_dict
from service.renditions import PDF, pdf_response
from service.runtime import celery_app, runtime
from service.submission import Upload, build_request, check_data, check_upload, submit_job

bp = Blueprint("api", __name__)
MAX_PER_PAGE = 100
bp.before_request(require_token)


@bp.get("/templates")
def list_templates():
    catalog = runtime().catalog
    names = {slug: p.name for slug, p in catalog.provinces.items()}
    periods = period_choices(catalog)
    return jsonify({"templates": [kind_dict(k, names, periods[k.slug])
                                  for k in catalog.kinds.values()]})


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
    submitted = submit_job(runtime(), celery_app(), request.form, _upload(),
                           owner=current_principal().owner,
                           idempotency_key=request.headers.get("Idempotency-Key"),
                           created=audit_submitted)
    job = submitted.job
    body = {
        "id": job.id,
        "status": job.status,
        "checked": submitted.checked,
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
    result = runtime().jobs.page(page, per_page, agency=current_principal().history_scope,
                                 where=job_filter(request.args))
    return jsonify({
        "jobs": [job_dict(j) for j in result.jobs],
        "page": result.page, "per_page": result.per_page, "total": result.total,
        "pages": result.pages,
        "next": url_for("api.list_jobs", page=result.page + 1, per_page=result.per_page,
                        **active_filters(request.args))
        if result.page < result.pages else None,
    })


@bp.get("/jobs/<job_id>")
def get_job(job_id: str):
    """The job's state; with ``?wait=N`` (seconds, at most 30) it first waits for the job to
    finish, so a script learns of the end at once without polling."""
    job = find_job_waiting(job_id, request.args.get("wait"))
    return jsonify(job_dict(job, runtime().renditions))


def wanted_format() -> str:
    """``docx`` or ``pdf``: ``?format=`` when given, else what ``Accept`` prefers."""
    raw = request.args.get("format")
    if raw is None:
        best = request.accept_mimetypes.best_match([DOCX, PDF], default=DOCX)
        return "pdf" if best == PDF else "docx"
    if raw not in ("docx", "pdf"):
        raise ApiError(400, "bad_format", "format phải là docx hoặc pdf.")
    return raw


@bp.get("/jobs/<job_id>/document")
def get_document(job_id: str):
    """The .docx, or with ``?format=pdf`` (or ``Accept: application/pdf``) its PDF."""
    form = wanted_format()
    response = pdf_response(job_id, request.args.get("wait")) if form == "pdf" \
        else document_response(job_id)
    job = runtime().jobs.get(job_id)
    audit("job.download", job_id, {"format": form}, agency=job.agency)
    return response


def _one_file(field: str, what: str) -> bytes:
    """The bytes of the one file sent in ``field``: 400 ``missing_file`` when there is none
    (or several); a chosen file that is empty is the caller's to refuse (``empty_file``)."""
    files = request.files.getlist(field)
    data = files[0].read() if len(files) == 1 else b""
    if len(files) != 1 or not (data or files[0].filename):
        raise ApiError(400, "missing_file", f"Gửi đúng một {what} trong trường {field}.")
    return data


def _version_response(version, status: int):
    body = version_dict(version)
    headers = {"Location": body["status_url"]} if status == 202 else {}
    return jsonify(body), status, headers


@bp.post("/templates/<slug>/versions")
@admin_required
def upload_template(slug: str):
    """A new template for a kind (admin): a new version of the kind in force, tried by a
    worker (lint, sample renders, Decree 30 check), then current."""
    data = _one_file("template", "tệp mẫu (.docx)")
    version, status = accept_template(runtime(), celery_app(), slug, data,
                                      current_principal().user)
    audit("template.upload", slug, {"sha256": version.sha256, "state": version.state})
    return _version_response(version, status)


@bp.post("/kinds")
@admin_required
def upload_kind():
    """A kind bundle (its folder as a .zip, admin): a new kind or a new version of one."""
    data = _one_file("bundle", "tệp gói loại báo cáo (.zip)")
    version, status = accept_bundle(runtime(), celery_app(), data,
                                    current_principal().user)
    audit("kind.upload", version.slug, {"sha256": version.sha256, "state": version.state})
    return _version_response(version, status)


def _known_slug(slug: str) -> None:
    if not runtime().kind_versions.history(slug):
        raise ApiError(404, "unknown_template", f"Không có loại báo cáo «{slug}».")


@bp.get("/templates/<slug>/versions")
@bp.get("/kinds/<slug>/versions")
@admin_required
def list_versions(slug: str):
    """Every version of a kind, newest first, the current one marked."""
    runtime().kinds.register_shipped()
    _known_slug(slug)
    versions = runtime().kind_versions.history(slug)
    current = next((v for v in versions if v.current), None)
    return jsonify({"slug": slug, "current": current.sha256 if current else None,
                    "versions": [version_dict(v) for v in versions]})


def _version(slug: str, sha256: str):
    version = runtime().kind_versions.get(slug, sha256) if len(sha256) == 64 else None
    if version is None:
        raise ApiError(404, "version_not_found", "Không có phiên bản này.")
    return version


@bp.get("/kinds/<slug>/versions/<sha256>")
@admin_required
def get_version(slug: str, sha256: str):
    """One version: its state and findings (``?wait=N`` waits for a trial to end)."""
    version = _version(slug, sha256)
    try:
        seconds = min(float(request.args.get("wait") or 0), 30.0)
    except ValueError as e:
        raise ApiError(400, "bad_wait", "Tham số wait phải là số giây.") from e
    if version.state == "checking" and seconds > 0:
        try:
            version, _status = wait_for_trial(runtime(), slug, sha256, seconds)
        except ApiError:
            version = _version(slug, sha256)
    return jsonify(version_dict(version))


@bp.get("/kinds/<slug>/versions/<sha256>/bundle")
@admin_required
def get_bundle(slug: str, sha256: str):
    """The version's files as a .zip (to inspect, edit and upload again)."""
    _version(slug, sha256)
    return bundle_response(slug, sha256)


@bp.post("/kinds/<slug>/versions/<sha256>/activate")
@admin_required
def activate_version(slug: str, sha256: str):
    """Make an accepted version current again (a rollback); new jobs use it from now on."""
    version = _version(slug, sha256)
    if not runtime().kind_versions.activate(slug, sha256):
        raise ApiError(409, "version_not_accepted", "Chỉ kích hoạt được phiên bản đã được thử "
                       f"và chấp nhận (phiên bản này: {version.state}).")
    runtime().kinds.forget()
    audit("kind.activate", slug, {"sha256": sha256})
    history = runtime().kind_versions.history(slug)
    return jsonify(version_dict(next(v for v in history if v.sha256 == sha256)))


@bp.get("/admin/kinds")
@admin_required
def list_kinds():
    """The kinds in force with their versions, and the kind folders refused at load."""
    rt = runtime()
    catalog = rt.catalog
    return jsonify({
        "kinds": [{"slug": k.slug, "title": k.title, "version": k.version,
                   "template_sha256": k.template_sha256} for k in catalog.kinds.values()],
        "refused": {folder: [p.as_dict() for p in problems]
                    for folder, problems in catalog.refused.items()},
    })


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


# Job control, previews, the audit log and the OpenAPI document add their routes here.
from service.api import control  # noqa: E402,F401
