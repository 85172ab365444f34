"""The PDF of a document and its page previews, as the API and the pages serve them.

Made lazily by a worker (``tasks.renditions``): the first request asks for it and waits, up to
``?wait=`` seconds (default 30), for the worker to announce the end; every later request is
served from storage. Answers: 200 with the file; 409 ``pdf_not_ready`` (with ``Retry-After``)
while the conversion runs longer than the wait; 503 with the reason when it cannot be made
(``pdf_unavailable``: LibreOffice is not installed, the .docx still works; ``pdf_font_fallback``,
``pdf_timeout``, ``pdf_failed``); 404 for a preview page the PDF does not have.
"""

from __future__ import annotations

from celery import Celery
from flask import Response
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from service.downloads import attachment, succeeded_job
from service.errors import ApiError
from service.job_lookup import MAX_WAIT
from service.runtime import celery_app, runtime
from tasks.celery_app import QUEUE
from tasks.events import PDF_PREFIX
from tasks.renditions import CONVERT_TASK
from tasks.store import StoreError
from tasks.store.records import Job
from tasks.store.renditions import Rendition, RenditionStatus, preview_key

PDF = "application/pdf"
PNG = "image/png"
DEFAULT_WAIT = 30.0


def _wait_seconds(wait: str | None) -> float:
    try:
        return max(0.0, min(float(wait) if wait not in (None, "") else DEFAULT_WAIT, MAX_WAIT))
    except ValueError as e:
        raise ApiError(400, "bad_wait", "Tham số wait phải là số giây.") from e


def _request(job: Job, celery: Celery) -> None:
    """Ask a worker for the PDF unless it is made, being made, or failed just now."""
    rt = runtime()
    settings = rt.settings
    if not rt.renditions.request(job.id, stale_after=settings.pdf_timeout * 2 + 30,
                                 retry_after=30):
        return
    try:
        celery.send_task(CONVERT_TASK, args=[job.id], queue=QUEUE)
    except (OperationalError, RedisError, OSError) as e:
        rt.renditions.withdraw(job.id)
        raise ApiError(503, "queue_unavailable", "Hàng đợi xử lý tạm thời không hoạt động; "
                       "chưa tạo được PDF. Vui lòng thử lại sau.",
                       headers={"Retry-After": "30"}) from e


def ready_rendition(job_id: str, wait: str | None) -> tuple[Job, Rendition]:
    """The job and its made PDF, asking for it and waiting up to ``wait`` seconds first.

    Raises ``ApiError`` as the module docstring says.
    """
    seconds = _wait_seconds(wait)
    job = succeeded_job(job_id)
    rt = runtime()
    rendition = rt.renditions.get(job.id)
    if rendition is None or rendition.status != RenditionStatus.READY:
        _request(job, celery_app())
        if rt.events is not None and seconds > 0:
            rt.events.wait(job.id, seconds, lambda: rt.renditions.get(job.id).status
                           == RenditionStatus.PENDING, prefix=PDF_PREFIX)
        rendition = rt.renditions.get(job.id)
    if rendition.status == RenditionStatus.READY:
        return job, rendition
    if rendition.status == RenditionStatus.FAILED:
        error = rendition.error or {}
        raise ApiError(503, error.get("code", "pdf_failed"),
                       error.get("message", "Chưa tạo được PDF."),
                       headers={"Retry-After": "30"})
    raise ApiError(409, "pdf_not_ready", "PDF đang được tạo; thử lại sau giây lát.",
                   headers={"Retry-After": "2"})


def pdf_response(job_id: str, wait: str | None) -> Response:
    """The PDF of a succeeded job (see the module docstring for the other answers)."""
    job, rendition = ready_rendition(job_id, wait)
    try:
        data = runtime().files.read(rendition.pdf_key)
    except StoreError as e:
        raise ApiError(410, "document_gone", "Tệp PDF không còn trên máy chủ.") from e
    name = (job.document_name or "report.docx").rsplit(".", 1)[0] + ".pdf"
    return attachment(data, name, PDF)


def preview_response(job_id: str, page: int, wait: str | None) -> Response:
    """Page ``page`` (1-based) of the PDF as a PNG, shown inline."""
    job, rendition = ready_rendition(job_id, wait)
    if not 1 <= page <= (rendition.pages or 0):
        raise ApiError(404, "page_not_found",
                       f"Văn bản có {rendition.pages or 0} trang; không có trang {page}.")
    try:
        data = runtime().files.read(preview_key(job.id, page))
    except StoreError as e:
        raise ApiError(410, "document_gone", "Ảnh xem trước không còn trên máy chủ.") from e
    response = Response(data, mimetype=PNG)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Page-Count"] = str(rendition.pages)
    return response
