"""Files served to users: generated documents, blank and sample workbooks.

Documents are resolved from the job row only (job id → storage key), never from a path the
client sent; names go out RFC 5987-encoded so Vietnamese survives.
"""

from __future__ import annotations

import io
import unicodedata
from urllib.parse import quote

from flask import Response, send_file

from service.errors import ApiError
from service.job_lookup import find_job
from service.periods import default_period, request_error
from service.runtime import runtime
from tasks.report.errors import ReportError
from tasks.report.input_workbook import make_input_workbook
from tasks.report.request import ReportRequest, resolve
from tasks.store import StoreError
from tasks.store.records import Job, JobStatus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ascii_filename(name: str) -> str:
    """``name`` in plain ASCII for clients that ignore ``filename*``: "đ" and "Đ" become "d"
    and "D" (Unicode does not decompose them), other letters lose their accents."""
    decomposed = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def attachment(data: bytes, name: str, mimetype: str) -> Response:
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=name, max_age=0)
    if not name.isascii():  # the RFC 5987 name as Flask writes it, with a better fallback
        response.headers.set("Content-Disposition", "attachment", filename=ascii_filename(name),
                             **{"filename*": f"UTF-8''{quote(name, safe='!#$&+-.^_`|~')}"})
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def succeeded_job(job_id: str) -> Job:
    """The job, when it succeeded and its files are kept; ``ApiError`` 404 for an unknown job,
    410 ``document_expired`` once retention removed its files, 409 while it is not ready."""
    job = find_job(job_id)
    if job.purged_at is not None:
        raise ApiError(410, "document_expired",
                       "Tệp của báo cáo này đã bị xóa theo thời hạn lưu trữ "
                       f"({runtime().settings.retention_days} ngày).")
    if job.status != JobStatus.SUCCEEDED or not job.document_key:
        raise ApiError(409, "document_not_ready",
                       "Báo cáo chưa sẵn sàng: chưa lập xong hoặc không lập được.")
    return job


def document_response(job_id: str) -> Response:
    """The .docx of a succeeded job; 404 for unknown jobs, 409 while it is not ready."""
    job = succeeded_job(job_id)
    try:
        data = runtime().files.read(job.document_key)
    except StoreError as e:
        raise ApiError(410, "document_gone", "Tệp báo cáo không còn trên máy chủ.") from e
    return attachment(data, job.document_name, DOCX)


def workbook_response(slug: str, province: str | None, period: str | None) -> Response:
    """The blank data workbook of a kind, province and period (422 when they don't resolve;
    without a period, the one the form proposes for that kind and province)."""
    rt = runtime()
    province = province or rt.settings.default_province
    try:
        request = ReportRequest(slug, province,
                                period or default_period(rt.catalog, slug, province))
        resolved = resolve(rt.catalog, request)
    except ReportError as e:
        status = 422 if e.code != "unknown_template" else 404
        raise request_error(rt.catalog, e, slug, province, status) from e
    data = make_input_workbook(resolved.kind, resolved.province, resolved.period)
    name = (f"Số liệu {resolved.kind.short_title} {resolved.period.label} - "
            f"{resolved.province.name}.xlsx")
    return attachment(data, name, XLSX)


def sample_response(slug: str) -> Response:
    rt = runtime()
    try:
        kind = rt.catalog.kind(slug)
    except ReportError as e:
        raise ApiError.from_report_error(e, 404) from e
    return attachment(kind.sample_path.read_bytes(), f"Mẫu số liệu {kind.short_title}.xlsx", XLSX)


def bundle_response(slug: str, sha256: str) -> Response:
    """The .zip of a kind version (admins), 410 when its file is gone."""
    try:
        data = runtime().kind_versions.bundle(slug, sha256)
    except StoreError as e:
        raise ApiError(410, "bundle_gone", "Tệp của phiên bản này không còn trên máy chủ.") from e
    return attachment(data, f"{slug}-{sha256[:12]}.zip", "application/zip")
