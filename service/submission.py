"""Submitting a job: the one function the API and the web form both call.

Order matters: the request is checked, the upload stored and the row committed (with its
Idempotency-Key, in the same transaction) before the job id is sent to the queue; when the
queue cannot be reached the row, its key and the file are removed and the caller gets a 503.
A process killed after the commit leaves a queued row that the reconciler sends, and a key
that finds that job.
"""

from __future__ import annotations

import hashlib
import json
import logging
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from celery import Celery
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from service.errors import ApiError
from tasks.celery_app import send_jobs
from tasks.faults import fault_point
from tasks.report.context import ReportOptions
from tasks.report.errors import ReportError
from tasks.report.intake import ValidationResult, validate_upload
from tasks.report.pipeline import ReportRequest, resolve
from tasks.report.workbook import IntakeError, detect_type
from tasks.runtime import Runtime
from tasks.store import StoreError
from tasks.store.idempotency import IdempotencyKeys, KeyLostError, KeyState
from tasks.store.records import Job, utcnow

log = logging.getLogger(__name__)
# Vietnam keeps UTC+7 all year; the default report date is the officer's calendar day.
VIETNAM = timedelta(hours=7)


def today_in_vietnam() -> date:
    return (datetime.now(UTC) + VIETNAM).date()


@dataclass(frozen=True)
class Upload:
    """An uploaded file: the name the client gave and its bytes."""

    filename: str
    data: bytes


def display_name(filename: str) -> str:
    """The client's file name made safe to keep as metadata (never used as a path)."""
    name = unicodedata.normalize("NFC", filename or "")
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    return (name.replace("/", "_").replace("\\", "_").strip() or "data")[-120:]


def build_request(runtime: Runtime, fields: Mapping[str, str]) -> ReportRequest:
    """Check the form fields against the catalog; raises ``ApiError`` (400/422)."""
    settings = runtime.settings
    template = (fields.get("template") or "").strip()
    period = (fields.get("period") or "").strip()
    if not template:
        raise ApiError(400, "missing_field", "Chưa chọn loại báo cáo (template).")
    if not period:
        raise ApiError(400, "missing_field", "Chưa nhập kỳ báo cáo (period).")
    try:
        options = ReportOptions.from_dict(dict(fields))
        if options.report_date is None:
            options = ReportOptions(options.report_number, today_in_vietnam(),
                                    options.signer_name, options.signer_title)
        request = ReportRequest(template, (fields.get("province") or "").strip()
                                or settings.default_province, period, options)
        resolve(runtime.catalog, request)
    except ReportError as e:
        raise ApiError.from_report_error(e, 422) from e
    return request


def check_upload(runtime: Runtime, upload: Upload | None) -> str:
    """The upload's type (``xlsx`` or ``csv``); raises ``ApiError`` (400/413/415)."""
    if upload is None or not upload.data:
        raise ApiError(400, "missing_file", "Chưa chọn tệp dữ liệu (data).")
    limit = runtime.settings.max_upload_bytes
    if len(upload.data) > limit:
        raise ApiError(413, "too_large",
                       f"Tệp dữ liệu vượt quá {limit // (1024 * 1024)} MB.")
    try:
        return detect_type(upload.data)
    except IntakeError as e:
        raise ApiError.from_report_error(e, 415) from e


@dataclass(frozen=True)
class Owner:
    """Who submits: their agency (whose jobs they may see) and their user name."""

    agency: str | None = None
    user: str | None = None

    @property
    def scope(self) -> str:
        """Where idempotency keys are unique: per agency, else per user."""
        return self.agency or self.user or "-"


LOCAL = Owner(None, "local")


def fingerprint(request: ReportRequest, upload: Upload) -> str:
    """What makes two submissions the same request: fields, options and file content."""
    canonical = json.dumps([request.template, request.province, request.period,
                            request.options.as_dict(), hashlib.sha256(upload.data).hexdigest()],
                           sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def check_data(runtime: Runtime, request: ReportRequest, upload: Upload) -> ValidationResult:
    """Validate the upload as the worker will (every problem at once), without rendering."""
    try:
        return validate_upload(runtime.catalog, request, upload.data)
    except ReportError as e:
        raise ApiError.from_report_error(e, 422) from e


def require_valid_data(runtime: Runtime, request: ReportRequest, upload: Upload) -> None:
    """Raise ``ApiError`` 422 ``invalid_data`` listing the problems when the data has errors."""
    result = check_data(runtime, request, upload)
    if not result.valid:
        raise ApiError(422, "invalid_data", f"Dữ liệu có {len(result.errors)} lỗi cần sửa.",
                       [p.as_dict() for p in result.errors + result.warnings])


def submit_job(runtime: Runtime, celery: Celery, fields: Mapping[str, str],
               upload: Upload | None, owner: Owner = LOCAL,
               idempotency_key: str | None = None) -> Job:
    """Create a job from a form and an upload, and queue it; returns the committed row.

    With ``idempotency_key``, a repeat of the same request returns the first one's job.
    Raises ``ApiError``: 400/413/415/422 for a request that cannot be valid, 422
    ``invalid_data`` for data with errors (nothing is created in either case), 409 while a
    request with the same key is in flight, 422 when the key was used
    for another request, 503 when storage or the queue is unavailable (nothing is left).
    """
    request = build_request(runtime, fields)
    kind = check_upload(runtime, upload)
    require_valid_data(runtime, request, upload)
    print_ = fingerprint(request, upload)
    if not idempotency_key:
        return _create(runtime, celery, request, upload, kind, owner, print_)
    key = idempotency_key[:255]
    keys = IdempotencyKeys(runtime.jobs)
    found = keys.reserve(owner.scope, key, print_)
    if found.state is KeyState.DONE:
        return runtime.jobs.get(found.job_id)
    if found.state is KeyState.IN_FLIGHT:
        raise _in_flight()
    if found.state is KeyState.MISMATCH:
        raise ApiError(422, "idempotency_key_reused",
                       "Idempotency-Key này đã dùng cho một yêu cầu khác.")
    try:
        return _create(runtime, celery, request, upload, kind, owner, print_, key)
    except KeyLostError as e:  # the key now belongs to the request that took it over
        raise _in_flight() from e
    except ApiError:
        keys.release(owner.scope, key)
        raise


def _in_flight() -> ApiError:
    return ApiError(409, "idempotency_in_flight",
                    "Yêu cầu cùng Idempotency-Key đang được xử lý; thử lại sau giây lát.",
                    headers={"Retry-After": "1"})


def _current_template(runtime: Runtime, slug: str) -> str:
    """The template version this job will render with, pinned now so an upload can't move it."""
    kind = runtime.catalog.kind(slug)
    return runtime.templates.current(slug, kind.template_path).sha256


def _create(runtime: Runtime, celery: Celery, request: ReportRequest, upload: Upload,
            kind: str, owner: Owner, print_: str, key: str | None = None) -> Job:
    job_id = str(uuid.uuid4())
    template_sha256 = _current_template(runtime, request.template)  # before anything is stored
    try:
        stored = runtime.files.put(f"uploads/{job_id}.{kind}", upload.data)
    except StoreError as e:
        log.error("cannot store upload: %s", e)
        raise ApiError(503, "storage_unavailable",
                       "Máy chủ không lưu được tệp tải lên. Vui lòng thử lại sau.") from e
    job = Job(
        id=job_id, template=request.template, province=request.province,
        period=request.period, options=request.options.as_dict(),
        upload_key=stored.key, upload_name=display_name(upload.filename), upload_size=stored.size,
        upload_sha256=stored.sha256, agency=owner.agency, created_by=owner.user,
        template_sha256=template_sha256, request_sha256=print_,
        published_at=utcnow(),  # the message goes out right below; undone if it cannot
    )
    keys = IdempotencyKeys(runtime.jobs)
    try:
        if key:
            keys.add_job(owner.scope, key, job)
        else:
            runtime.jobs.add(job)
    except KeyLostError:
        runtime.files.delete(stored.key)
        raise
    fault_point("job_committed", 0, job_id)
    try:
        send_jobs(celery, [job_id])
    except (OperationalError, RedisError, OSError) as e:
        log.error("cannot queue job %s: %s", job_id, e)
        if key:
            keys.remove_job(owner.scope, key, job_id)
        else:
            runtime.jobs.delete(job_id)
        runtime.files.delete(stored.key)
        raise ApiError(503, "queue_unavailable",
                       "Hàng đợi xử lý tạm thời không hoạt động; chưa tạo công việc. "
                       "Vui lòng thử lại sau.", headers={"Retry-After": "30"}) from e
    return job
