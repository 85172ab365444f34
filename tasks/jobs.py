"""The job task: load the job by id, run the pipeline, store the document, record the outcome.

The task is idempotent: a job is claimed with a conditional update, so a duplicate delivery
of a finished or held job does nothing, and the document has one fixed key per job.
"""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from tasks.report.context import ReportOptions
from tasks.report.errors import DataError, ReportError
from tasks.report.pipeline import ReportRequest, compile_report
from tasks.runtime import Runtime
from tasks.store import StoreError
from tasks.store.jobs import Claim
from tasks.store.records import Job

log = logging.getLogger(__name__)


def _error(code: str, message: str) -> list[dict]:
    return [{"code": code, "message": message}]


def document_key(job_id: str) -> str:
    """Where a job's document is stored: one key per job, so a rerun replaces, never adds."""
    return f"documents/{job_id}.docx"


def _request(job: Job) -> ReportRequest:
    return ReportRequest(job.template, job.province, job.period,
                         ReportOptions.from_dict(job.options or {}))


def run_job(runtime: Runtime, job_id: str) -> str:
    """Run one job to its end; returns what happened: succeeded, failed or skipped."""
    settings = runtime.settings
    claim = runtime.jobs.claim(job_id, settings.lease_seconds)
    if claim is None:
        return "skipped"
    if claim.attempt > settings.max_attempts:
        runtime.jobs.fail(job_id, _error(
            "too_many_attempts",
            f"Công việc bị gián đoạn {claim.attempt - 1} lần (tiến trình xử lý dừng đột ngột); "
            "đã dừng thử lại. Hãy kiểm tra tệp dữ liệu hoặc liên hệ quản trị."),
            attempt=claim.attempt)
        return "failed"
    try:
        return _compile(runtime, claim)
    except SoftTimeLimitExceeded:
        runtime.jobs.fail(job_id, _error(
            "time_limit", f"Quá thời gian xử lý cho phép ({settings.task_soft_time_limit} giây)."),
            attempt=claim.attempt)
        return "failed"
    except Exception:
        # A defect, not bad input: keep the traceback in the log, give the user a clear end.
        log.exception("job %s failed unexpectedly", job_id)
        runtime.jobs.fail(job_id, _error(
            "internal_error", "Lỗi hệ thống khi lập báo cáo; quản trị viên đã được ghi nhận lỗi."),
            attempt=claim.attempt)
        return "failed"


def _compile(runtime: Runtime, claim: Claim) -> str:
    job = runtime.jobs.get(claim.job_id)
    lease = runtime.settings.lease_seconds

    def progress(stage: str, percent: int) -> None:
        runtime.jobs.report_progress(claim, stage, percent, lease)

    try:
        data = runtime.files.read(job.upload_key)
        compiled = compile_report(runtime.catalog, _request(job), data, progress)
        progress("storing", 90)
        stored = runtime.files.put(document_key(job.id), compiled.document)
    except DataError as e:
        runtime.jobs.fail(job.id, [p.as_dict() for p in e.problems()],
                          [p.as_dict() for p in e.warnings()], attempt=claim.attempt)
        return "failed"
    except ReportError as e:
        runtime.jobs.fail(job.id, [p.as_dict() for p in e.problems()], attempt=claim.attempt)
        return "failed"
    except StoreError as e:
        log.error("job %s: storage failed: %s", job.id, e)
        runtime.jobs.fail(job.id, _error("storage_error", "Không ghi được tệp trên máy chủ "
                                         "(đĩa đầy hoặc không ghi được)."), attempt=claim.attempt)
        return "failed"
    document = {"key": stored.key, "name": compiled.filename, "size": stored.size,
                "sha256": stored.sha256}
    warnings = [p.as_dict() for p in compiled.warnings]
    return "succeeded" if runtime.jobs.succeed(claim, document, warnings) else "skipped"


@shared_task(bind=True, name="reportgen.compile_report", ignore_result=True)
def compile_report_task(self, job_id: str) -> str:
    """Celery entry point: only the job id crosses the broker."""
    return run_job(self.app.reportgen, job_id)
