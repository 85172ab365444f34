"""Submitting a job: the one function the API and the web form both call.

Order matters: the request is checked, the upload stored and the row committed (with its
Idempotency-Key, in the same transaction) before the job id is sent to the queue. When the row
cannot be committed (the database is away, full, read-only) the stored upload is deleted and
the caller gets a 503; when the queue cannot be reached the row, its key and the file are
removed and the caller gets a 503. A process killed after the commit leaves a queued row that
the reconciler sends, and a key that finds that job.

The web does web work only: it checks the fields, the size, the file's type by content and a
ZIP's central directory (``check_upload``: bounded, nothing is inflated or parsed). Reading and
validating the workbook is the worker's, once (``tasks.jobs``): the submission subscribes to
the job's announcements, sends it, and holds its answer up to ``Settings.check_wait`` seconds
for the worker's verdict. Data with errors is then answered 422 ``invalid_data`` with every
problem (the job ends ``rejected``, the record of that refusal), data that passed 202. With no
verdict in time (every worker busy or stopped) the answer is 202 with the job ``queued``: the
job is checked when a worker takes it, and may still end ``rejected``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from celery import Celery
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from service.errors import ApiError
from service.periods import request_error
from tasks.celery_app import send_jobs
from tasks.events import ACCEPTED
from tasks.faults import fault_point
from tasks.report.archive_guard import check_entries
from tasks.report.context import ReportOptions
from tasks.report.errors import ReportError
from tasks.report.intake import ValidationResult, validate_upload
from tasks.report.request import ReportRequest, resolve
from tasks.report.workbook import IntakeError, detect_type
from tasks.runtime import Runtime
from tasks.status import API_PREFIX
from tasks.store import StoreError
from tasks.store.idempotency import IdempotencyKeys, KeyLostError, KeyState
from tasks.store.records import Job, JobStatus, utcnow
from tasks.webhooks import CallbackRefused, check_callback_url

log = logging.getLogger(__name__)

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
    province = (fields.get("province") or "").strip() or settings.default_province
    try:
        options = ReportOptions.from_dict(dict(fields))
        request = ReportRequest(template, province, period, options)
        resolve(runtime.catalog, request)
    except ReportError as e:
        raise request_error(runtime.catalog, e, template, province) from e
    return request


def check_upload(runtime: Runtime, upload: Upload | None) -> str:
    """The upload's type (``xlsx``, ``ods`` or ``csv``); raises ``ApiError``: 400
    ``missing_file`` when no file was chosen (no part, or a part without a name and without
    bytes, as a browser sends it), 422 ``empty_file`` for a chosen file of 0 bytes, 413, 415,
    422 ``invalid_data`` for an archive whose directory is refused (too many entries, a part
    too large or too compressed, encrypted, ``tasks.report.archive_guard``)."""
    if upload is None or not (upload.data or upload.filename):
        raise ApiError(400, "missing_file", "Chưa chọn tệp dữ liệu (data).")
    limit = runtime.settings.max_upload_bytes
    if len(upload.data) > limit:
        raise ApiError(413, "too_large",
                       f"Tệp dữ liệu vượt quá {limit // (1024 * 1024)} MB.")
    try:
        file_type = detect_type(upload.data)
    except IntakeError as e:
        raise ApiError.from_report_error(e, 422 if e.code == "empty_file" else 415) from e
    if file_type != "csv":
        try:  # the archive's directory only: a bomb is refused before it is stored
            check_entries(upload.data)
        except IntakeError as e:
            raise ApiError(422, "invalid_data", "Tệp dữ liệu bị từ chối: " + e.message,
                           [p.as_dict() for p in e.problems()]) from e
    return file_type


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


def fingerprint(request: ReportRequest, upload: Upload, callback_url: str | None = None) -> str:
    """What makes two submissions the same request: fields, options, callback and file."""
    parts = [request.template, request.province, request.period, request.options.as_dict(),
             hashlib.sha256(upload.data).hexdigest()]
    if callback_url:
        parts.append(callback_url)
    canonical = json.dumps(parts, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def callback_url(runtime: Runtime, fields: Mapping[str, str]) -> str | None:
    """The request's ``callback_url`` when it has one that may be used; ``ApiError`` 422
    when it names a host that is not allowed (or callbacks are off)."""
    url = (fields.get("callback_url") or "").strip()
    if not url:
        return None
    settings = runtime.settings
    try:
        return check_callback_url(url, settings.webhook_hosts, settings.webhook_secret)
    except CallbackRefused as e:
        raise ApiError(422, e.code, e.message) from e


def check_data(runtime: Runtime, request: ReportRequest, upload: Upload) -> ValidationResult:
    """Validate the upload as the worker will (every problem at once), without rendering."""
    try:
        return validate_upload(runtime.catalog, request, upload.data)
    except ReportError as e:
        raise ApiError.from_report_error(e, 422) from e


@dataclass(frozen=True)
class Submitted:
    """A submission's job as the answer gives it; ``checked``: the worker read the data and
    accepted it (or the job already succeeded). ``False`` when no verdict came within
    ``Settings.check_wait``: the job may still end ``rejected``."""

    job: Job
    checked: bool


# A hook run once a new job is committed and sent (the callers' audit entry); not for a
# repeat that returns an earlier job.
Created = Callable[[Job], None]


def refused(job: Job) -> ApiError:
    """422 ``invalid_data`` for a job whose data the worker rejected: every problem (errors,
    then warnings) and, in ``job``, the id and status URL of the record of that refusal. The
    message counts the mistakes in the data, or says why the file itself was refused."""
    errors, warnings = job.errors or [], job.warnings or []
    in_cells = any(e.get("sheet") or e.get("cell") for e in errors)
    message = (f"Dữ liệu có {len(errors)} lỗi cần sửa." if in_cells or not errors else
               "Tệp dữ liệu bị từ chối: " + errors[0].get("message", ""))
    return ApiError(422, "invalid_data", message, errors + warnings,
                    job={"id": job.id, "status": str(job.status),
                         "status_url": f"{API_PREFIX}/jobs/{job.id}"})


def submit_job(runtime: Runtime, celery: Celery, fields: Mapping[str, str],
               upload: Upload | None, owner: Owner = LOCAL,
               idempotency_key: str | None = None, rerun_of: str | None = None,
               created: Created | None = None) -> Submitted:
    """Create a job from a form and an upload, queue it, and wait up to
    ``Settings.check_wait`` seconds for the worker's verdict on its data.

    With ``idempotency_key``, a repeat of the same request returns the first one's job (and
    its verdict). ``rerun_of`` links the new job to the one it runs again. ``created`` is
    called with a new job once it is committed and sent, whatever the verdict.
    Raises ``ApiError``: 400/413/415/422 for a request that cannot be valid (nothing is
    created), 422 ``invalid_data`` when the worker found errors in the data (the job is kept,
    ``rejected``, and named in the error), 409 while a request with the same key is in
    flight, 422 when the key was used for another request, 503 when storage or the queue is
    unavailable (nothing is left).
    """
    request = build_request(runtime, fields)
    callback = callback_url(runtime, fields)
    file_type = check_upload(runtime, upload)
    print_ = fingerprint(request, upload, callback)
    links = {"callback_url": callback, "rerun_of": rerun_of}
    if not idempotency_key:
        return _checked(_create(runtime, celery, request, upload, file_type, owner, print_,
                                links, created=created))
    key = idempotency_key[:255]
    keys = IdempotencyKeys(runtime.jobs)
    found = keys.reserve(owner.scope, key, print_)
    if found.state is KeyState.DONE:  # the same answer as the first request, once it has one
        return _checked(_await_existing(runtime, runtime.jobs.get(found.job_id)))
    if found.state is KeyState.IN_FLIGHT:
        raise _in_flight()
    if found.state is KeyState.MISMATCH:
        raise ApiError(422, "idempotency_key_reused",
                       "Idempotency-Key này đã dùng cho một yêu cầu khác.")
    try:
        submitted = _create(runtime, celery, request, upload, file_type, owner, print_, links,
                            key, created)
    except KeyLostError as e:  # the key now belongs to the request that took it over
        raise _in_flight() from e
    except ApiError:
        try:
            keys.release(owner.scope, key)
        except StoreError as e:  # the reservation lapses by itself (``ABANDONED``)
            log.error("idempotency key of %s not released: %s", owner.scope, e)
        raise
    return _checked(submitted)


def _checked(submitted: Submitted) -> Submitted:
    """``submitted``, unless the worker rejected its data: then ``refused``."""
    if submitted.job.status == JobStatus.REJECTED:
        raise refused(submitted.job)
    return submitted


def _in_flight() -> ApiError:
    return ApiError(409, "idempotency_in_flight",
                    "Yêu cầu cùng Idempotency-Key đang được xử lý; thử lại sau giây lát.",
                    headers={"Retry-After": "1"})


def _create(runtime: Runtime, celery: Celery, request: ReportRequest, upload: Upload,
            file_type: str, owner: Owner, print_: str, links: dict,
            key: str | None = None, created: Created | None = None) -> Submitted:
    job_id = str(uuid.uuid4())
    # The version this request was checked against, pinned before anything is stored.
    kind = runtime.catalog.kind(request.template)
    try:
        stored = runtime.files.put(f"uploads/{job_id}.{file_type}", upload.data)
    except StoreError as e:
        log.error("cannot store upload: %s", e)
        raise ApiError(503, "storage_unavailable",
                       "Máy chủ không lưu được tệp tải lên. Vui lòng thử lại sau.") from e
    job = Job(
        id=job_id, template=request.template, province=request.province,
        period=request.period, options=request.options.as_dict(),
        upload_key=stored.key, upload_name=display_name(upload.filename), upload_size=stored.size,
        upload_sha256=stored.sha256, agency=owner.agency, created_by=owner.user,
        template_sha256=kind.template_sha256, kind_sha256=kind.version,
        request_sha256=print_,
        published_at=utcnow(),  # the message goes out right below; undone if it cannot
        **links,
    )
    keys = IdempotencyKeys(runtime.jobs)
    try:
        if key:
            keys.add_job(owner.scope, key, job)
        else:
            runtime.jobs.add(job)
    except KeyLostError:
        _discard(runtime, stored.key)
        raise
    except StoreError as e:  # no row refers to the upload: it must not stay behind
        log.error("cannot record job %s: %s", job_id, e)
        _discard(runtime, stored.key)
        raise ApiError(503, "storage_unavailable",
                       "Máy chủ không ghi được yêu cầu lập báo cáo vào cơ sở dữ liệu; chưa nhận "
                       "yêu cầu. Vui lòng thử lại sau.", headers={"Retry-After": "30"}) from e
    fault_point("job_committed", 0, job_id)
    with _listening(runtime, job_id) as heard:
        try:
            send_jobs(celery, [job_id])
        except (OperationalError, RedisError, OSError) as e:
            job = _unsent(runtime, job, stored.key, owner, key, e)  # or raises 503
            if created is not None:
                created(job)
            return Submitted(job, False)
        if created is not None:
            created(job)
        return _await_check(runtime, job, heard)


def _unsent(runtime: Runtime, job: Job, upload_key: str, owner: Owner, key: str | None,
            error: Exception) -> Job:
    """A committed job whose message could not be sent: undo it and raise 503; when even
    the undo fails, the job stays queued for the reconciler and is accepted after all."""
    log.error("cannot queue job %s: %s", job.id, error)
    try:
        if key:
            IdempotencyKeys(runtime.jobs).remove_job(owner.scope, key, job.id)
        else:
            runtime.jobs.delete(job.id)
    except StoreError as undo:
        # The row stays, queued: as after a crash past the commit, the reconciler sends
        # it once the queue is back, so the job is accepted after all.
        log.error("job %s stays queued for the reconciler: %s", job.id, undo)
        return job
    _discard(runtime, upload_key)
    raise ApiError(503, "queue_unavailable",
                   "Hàng đợi xử lý tạm thời không hoạt động; chưa nhận yêu cầu lập báo cáo. "
                   "Vui lòng thử lại sau.", headers={"Retry-After": "30"}) from error


@contextmanager
def _listening(runtime: Runtime, job_id: str) -> Iterator[Callable[[float], str | None]]:
    """The job's "accepted" and "ended" announcements, subscribed to before it is sent (a
    ``heard`` that only sleeps when there is no Redis to listen on or no wait)."""
    if runtime.events is None or runtime.settings.check_wait <= 0:
        yield lambda timeout: time.sleep(timeout)
        return
    with runtime.events.listening(job_id) as heard:
        yield heard


def _await_check(runtime: Runtime, job: Job, heard: Callable[[float], str | None]
                 ) -> Submitted:
    """The job once the worker accepted or ended it, or as it is after ``check_wait``
    seconds. The row is read again after each second without an announcement (an
    announcement lost on the way costs at most that second)."""
    deadline = time.monotonic() + runtime.settings.check_wait
    accepted = False
    while (left := deadline - time.monotonic()) > 0:
        said = heard(min(left, 1.0))
        if said is not None:
            accepted = said == ACCEPTED
            break
        if JobStatus(_current(runtime, job).status).finished:
            break
    current = _current(runtime, job)
    return Submitted(current, accepted or current.status == JobStatus.SUCCEEDED)


def _await_existing(runtime: Runtime, job: Job) -> Submitted:
    """A job sent earlier, once the worker has accepted or ended it (as ``_await_check``).
    A running job may have passed its check already: then this waits for its end, still
    within ``check_wait``."""
    if JobStatus(job.status).finished:
        return Submitted(job, job.status == JobStatus.SUCCEEDED)
    with _listening(runtime, job.id) as heard:
        return _await_check(runtime, job, heard)


def _current(runtime: Runtime, job: Job) -> Job:
    """The job's row as it is now; ``job`` itself when it cannot be read (it is committed
    and sent: it is accepted all the same, and its status URL will tell)."""
    try:
        return runtime.jobs.get(job.id) or job
    except StoreError as e:
        log.warning("job %s: status not read after its check: %s", job.id, e)
        return job


def _discard(runtime: Runtime, key: str) -> None:
    """Delete the upload of a job that was not created; a failure is only logged (the error
    the caller is about to answer matters more)."""
    try:
        runtime.files.delete(key)
    except StoreError as e:
        log.error("upload %s of a job that was not created stays behind: %s", key, e)
