"""Making a job's PDF, lazily: the web asks (a rendition row and a message), a worker converts.

The PDF is made on first request, not at render time, so a job costs nothing more when nobody
wants its PDF. The worker converts the stored .docx with its warm LibreOffice, refuses a PDF
whose fonts would not keep Times New Roman's line breaks, renders a PNG preview of every page,
stores the PDF beside the .docx (``documents/<id>.pdf``, with its own SHA-256) and the previews
under ``previews/``, then announces the end so that waiting requests answer at once.
"""

from __future__ import annotations

import logging

from celery import shared_task

from tasks.events import PDF_PREFIX
from tasks.pdf import PdfError
from tasks.pdf.fonts import check_fonts
from tasks.pdf.preview import render_pages
from tasks.runtime import Runtime
from tasks.store import StoreError
from tasks.store.records import JobStatus
from tasks.store.renditions import MadePdf, RenditionStatus, pdf_key, preview_key

log = logging.getLogger(__name__)
CONVERT_TASK = "reportgen.convert_pdf"


def make_pdf(runtime: Runtime, job_id: str) -> str:
    """Convert, check, preview and store the PDF of ``job_id``; returns ``ready``,
    ``failed`` or ``skipped`` (no such request, or already made)."""
    rendition = runtime.renditions.get(job_id)
    if rendition is None or rendition.status == RenditionStatus.READY:
        return "skipped"
    job = runtime.jobs.get(job_id)
    if job is None or job.status != JobStatus.SUCCEEDED or not job.document_key \
            or job.purged_at is not None:
        runtime.renditions.failed(job_id, "document_not_ready",
                                  "Chưa có văn bản .docx để chuyển sang PDF.")
        return "failed"
    try:
        docx = runtime.files.read(job.document_key)
        pdf = runtime.converter.convert(docx)
        fonts = check_fonts(pdf)
        pages = render_pages(pdf)
        for number, png in enumerate(pages, start=1):
            runtime.files.put(preview_key(job_id, number), png)
        stored = runtime.files.put(pdf_key(job_id), pdf)
    except PdfError as e:
        log.warning("job %s: no PDF (%s): %s", job_id, e.code, e.message)
        runtime.renditions.failed(job_id, e.code, e.message)
        return "failed"
    except StoreError as e:
        log.error("job %s: storing the PDF failed: %s", job_id, e)
        runtime.renditions.failed(job_id, "storage_error",
                                  "Không ghi được tệp PDF trên máy chủ.")
        return "failed"
    runtime.renditions.ready(job_id, MadePdf(stored.key, stored.size, stored.sha256,
                                             len(pages), fonts))
    return "ready"


@shared_task(bind=True, name=CONVERT_TASK, ignore_result=True)
def convert_pdf_task(self, job_id: str) -> str:
    """Celery entry point: make the PDF of ``job_id`` and wake whoever waits for it."""
    runtime: Runtime = self.app.reportgen
    outcome = make_pdf(runtime, job_id)
    if outcome != "skipped" and runtime.events is not None:
        runtime.events.finished(job_id, outcome, prefix=PDF_PREFIX)
    return outcome
