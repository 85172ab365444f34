"""The job tasks: compile one report, and reconcile the job table with the queue.

A task body is short; it claims the job with a conditional update (a duplicate delivery of a
finished or held job does nothing), keeps the claim alive with a heartbeat while the pipeline
runs, stores the document under the job's one key, then records the outcome.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from pathlib import Path

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from tasks.faults import fault_point
from tasks.periodic import RETENTION_EVERY, run_pass
from tasks.reconcile import reconcile
from tasks.report.context import ReportOptions
from tasks.report.errors import DataError, ReportError
from tasks.report.pipeline import ReportRequest, compile_report
from tasks.retention import purge_expired
from tasks.runtime import Runtime
from tasks.store import StoreError
from tasks.store.jobs import Claim, ClaimOutcome
from tasks.store.locks import Locks

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.3  # seconds between recorded progress updates of one job


def _error(code: str, message: str) -> list[dict]:
    return [{"code": code, "message": message}]


def document_key(job_id: str) -> str:
    """Where a job's document is stored: one key per job, so a rerun replaces, never adds."""
    return f"documents/{job_id}.docx"


class Heartbeat:
    """Renews a claim's lease in the background until stopped."""

    def __init__(self, runtime: Runtime, claim: Claim) -> None:
        self.runtime, self.claim = runtime, claim
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name="job-heartbeat")

    def _beat(self) -> None:
        settings = self.runtime.settings
        while not self.stopped.wait(settings.heartbeat_seconds):
            self.runtime.jobs.report_progress(self.claim, settings.lease_seconds)

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopped.set()
        self.thread.join()


def run_job(runtime: Runtime, job_id: str) -> tuple[str, float]:
    """Run one job to its end; returns what happened and, when held, how long to wait."""
    settings = runtime.settings
    result = runtime.jobs.claim(job_id, settings.lease_seconds)
    if result.outcome is ClaimOutcome.HELD:
        return "held", result.retry_after
    if result.outcome is not ClaimOutcome.CLAIMED:
        return "skipped", 0.0
    claim = result.claim
    if claim.attempt > settings.max_attempts:
        runtime.jobs.fail(job_id, _error(
            "too_many_attempts",
            f"Công việc bị gián đoạn {claim.attempt - 1} lần (tiến trình xử lý dừng đột ngột); "
            "đã dừng thử lại. Hãy kiểm tra tệp dữ liệu hoặc liên hệ quản trị."),
            attempt=claim.attempt)
        return "failed", 0.0
    try:
        with Heartbeat(runtime, claim):
            return _compile(runtime, claim), 0.0
    except SoftTimeLimitExceeded:
        runtime.jobs.fail(job_id, time_limit_error(settings.task_soft_time_limit),
                          attempt=claim.attempt)
        return "failed", 0.0
    except Exception:
        # A defect, not bad input: keep the traceback in the log, give the user a clear end.
        log.exception("job %s failed unexpectedly", job_id)
        runtime.jobs.fail(job_id, _error(
            "internal_error", "Lỗi hệ thống khi lập báo cáo; quản trị viên đã được ghi nhận lỗi."),
            attempt=claim.attempt)
        return "failed", 0.0


def time_limit_error(seconds: int) -> list[dict]:
    return _error("time_limit", f"Quá thời gian xử lý cho phép ({seconds} giây).")


def _compile(runtime: Runtime, claim: Claim) -> str:
    job = runtime.jobs.get(claim.job_id)
    lease = runtime.settings.lease_seconds

    last = [time.monotonic()]

    def progress(stage: str, percent: int) -> None:
        # A report takes milliseconds: record a stage only once the job has run long enough
        # for someone to be watching, so quick jobs pay no commit per stage.
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            runtime.jobs.report_progress(claim, lease, stage, percent)
            last[0] = now

    try:
        data = runtime.files.read(job.upload_key)
        options = ReportOptions.from_dict(job.options or {})
        request = ReportRequest(job.template, job.province, job.period, options)
        fault_point("render", claim.attempt, job.id)
        compiled = compile_report(runtime.catalog, request, data, progress,
                                  template=_pinned_template(runtime, job))
        progress("storing", 90)
        fault_point("before_store", claim.attempt, job.id)
        stored = runtime.files.put(document_key(job.id), compiled.document)
        fault_point("after_store", claim.attempt, job.id)
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


def _pinned_template(runtime: Runtime, job) -> Path | bytes | None:
    """The template version the job was submitted with (``None``: the shipped one)."""
    if not job.template_sha256:
        return None
    kind = runtime.catalog.kind(job.template)
    try:
        return runtime.templates.load(job.template, job.template_sha256, kind.template_path)
    except StoreError as e:
        raise ReportError(f"Không tìm thấy phiên bản mẫu báo cáo đã chọn khi gửi ({e}).",
                          "template_missing") from e


class CompileTask(Task):
    """Records a hard time limit on the job: the pool kills the child, so it cannot."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        if isinstance(exc, TimeLimitExceeded) and args:
            runtime: Runtime = self.app.reportgen
            runtime.jobs.fail(args[0], time_limit_error(runtime.settings.task_time_limit))


@shared_task(bind=True, base=CompileTask, name="reportgen.compile_report", ignore_result=True,
             max_retries=None)
def compile_report_task(self, job_id: str) -> str:
    """Celery entry point: only the job id crosses the broker."""
    runtime: Runtime = self.app.reportgen
    fault_point("received", 0, job_id)
    outcome, wait = run_job(runtime, job_id)
    if outcome in ("succeeded", "failed") and runtime.events is not None:
        runtime.events.finished(job_id, outcome)
    if outcome == "held":
        # Another attempt holds the job; look again once its lease could have run out.
        raise self.retry(countdown=wait + 1)
    return outcome


@shared_task(bind=True, name="reportgen.reconcile", ignore_result=True)
def reconcile_task(self) -> bool:
    """Sent by an optional `reportgen beat`: the reconciler's pass, unless one ran (in any
    worker) less than a period ago; returns whether it ran here."""
    runtime: Runtime = self.app.reportgen
    settings = runtime.settings
    return run_pass(Locks(runtime.jobs.engine), "reconcile", settings.reconcile_every,
                    lambda: reconcile(runtime, self.app), hold=settings.lease_seconds)


@shared_task(bind=True, name="reportgen.retention", ignore_result=True)
def retention_task(self) -> bool:
    """Sent by an optional `reportgen beat`: the retention pass, as ``reconcile_task``."""
    runtime: Runtime = self.app.reportgen
    days = timedelta(days=runtime.settings.retention_days)
    return run_pass(Locks(runtime.jobs.engine), "retention", RETENTION_EVERY,
                    lambda: purge_expired(runtime, days), hold=runtime.settings.lease_seconds)
