"""The job tasks: compile one report, and reconcile the job table with the queue.

A task body is short; it claims the job with a conditional update (a duplicate delivery of a
finished or held job does nothing), keeps the claim alive with a heartbeat while the pipeline
runs, stores the document under the job's one key, then records the outcome.

The upload is read and validated here, once, never in the web process: data with errors (or
a file that cannot be read) ends the job ``rejected`` with every problem; data that passes is
announced on ``ACCEPTED_PREFIX`` (the submission holding its HTTP answer for the check wakes
up) and goes straight on to be rendered from what was just validated.
"""

from __future__ import annotations

import enum
import logging
import threading
import time
from datetime import timedelta

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded

from tasks import stage_clock
from tasks.celery_app import COMPILE_TASK, RECONCILE_TASK, RETENTION_TASK, TRY_KIND_TASK
from tasks.events import ACCEPTED, ACCEPTED_PREFIX
from tasks.faults import fault_point
from tasks.periodic import run_pass
from tasks.reconcile import reconcile
from tasks.report.context import ReportOptions
from tasks.report.errors import DataError, ReportError
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest
from tasks.report.sheets import IntakeError
from tasks.retention import RETENTION_EVERY, purge_expired
from tasks.runtime import Runtime
from tasks.store import StoreError
from tasks.store.jobs import Claim, ClaimOutcome
from tasks.store.kind_versions import VersionState
from tasks.store.locks import Locks
from tasks.store.records import JobStatus
from tasks.trial import try_version
from tasks.webhooks import job_ended

log = logging.getLogger(__name__)
PROGRESS_EVERY = 0.3  # seconds between recorded progress updates of one job


def _error(code: str, message: str) -> list[dict]:
    return [{"code": code, "message": message}]


def document_key(job_id: str) -> str:
    """Where a job's document is stored: one key per job, so a rerun replaces, never adds."""
    return f"documents/{job_id}.docx"


class RunOutcome(enum.StrEnum):
    """What one delivery of a compile message did to its job."""

    SUCCEEDED = "succeeded"  # the job ended with its document
    FAILED = "failed"  # the job ended with its errors
    REJECTED = "rejected"  # the job ended with the errors of its data
    HELD = "held"  # a live attempt holds the job: look again once its lease may have run out
    SKIPPED = "skipped"  # nothing to do: finished, cancelled, missing, or lost meanwhile

    @property
    def ended(self) -> JobStatus | None:
        """The status this delivery ended the job with; ``None`` when it did not end it."""
        ended = self in (RunOutcome.SUCCEEDED, RunOutcome.FAILED, RunOutcome.REJECTED)
        return JobStatus(self.value) if ended else None


class JobLost(Exception):
    """The attempt no longer holds its job (cancelled, or taken over after its lease ran out)."""


class Heartbeat:
    """Renews a claim's lease in the background until stopped; ``lost`` is set when the
    renewal finds the job no longer held (cancelled meanwhile)."""

    def __init__(self, runtime: Runtime, claim: Claim) -> None:
        self.runtime, self.claim = runtime, claim
        self.stopped = threading.Event()
        self.lost = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name="job-heartbeat")

    def _beat(self) -> None:
        settings = self.runtime.settings
        while not self.stopped.wait(settings.heartbeat_seconds):
            if not self.runtime.jobs.report_progress(self.claim, settings.lease_seconds):
                self.lost.set()

    def __enter__(self) -> Heartbeat:
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.stopped.set()
        self.thread.join()


def run_job(runtime: Runtime, job_id: str) -> tuple[RunOutcome, float]:
    """Run one job to its end; returns what happened and, when held, how long to wait."""
    settings = runtime.settings
    result = runtime.jobs.claim(job_id, settings.lease_seconds)
    if result.outcome is ClaimOutcome.HELD:
        return RunOutcome.HELD, result.retry_after
    if result.outcome is not ClaimOutcome.CLAIMED:
        return RunOutcome.SKIPPED, 0.0
    claim = result.claim
    if claim.attempt > settings.max_attempts:
        runtime.jobs.fail(job_id, _error(
            "too_many_attempts",
            f"Việc lập báo cáo bị gián đoạn {claim.attempt - 1} lần (tiến trình xử lý dừng "
            "đột ngột); đã dừng thử lại. Hãy kiểm tra tệp dữ liệu hoặc liên hệ quản trị."),
            attempt=claim.attempt)
        return RunOutcome.FAILED, 0.0
    try:
        with Heartbeat(runtime, claim) as heartbeat:
            return _compile(runtime, claim, heartbeat.lost), 0.0
    except JobLost:
        log.info("job %s: attempt %d stopped, the job is no longer its own", job_id,
                 claim.attempt)
        return RunOutcome.SKIPPED, 0.0
    except SoftTimeLimitExceeded:
        runtime.jobs.fail(job_id, time_limit_error(settings.task_soft_time_limit),
                          attempt=claim.attempt)
        return RunOutcome.FAILED, 0.0
    except Exception:
        # A defect, not bad input: keep the traceback in the log, give the user a clear end.
        log.exception("job %s failed unexpectedly", job_id)
        runtime.jobs.fail(job_id, _error(
            "internal_error", "Lỗi hệ thống khi lập báo cáo; quản trị viên đã được ghi nhận lỗi."),
            attempt=claim.attempt)
        return RunOutcome.FAILED, 0.0


def time_limit_error(seconds: int) -> list[dict]:
    return _error("time_limit", f"Quá thời gian xử lý cho phép ({seconds} giây).")


def _compile(runtime: Runtime, claim: Claim, lost: threading.Event) -> RunOutcome:
    stage_clock.enter("load")
    job = runtime.jobs.get(claim.job_id)
    lease = runtime.settings.lease_seconds

    last = [time.monotonic()]

    def progress(stage: str, percent: int) -> None:
        # A report takes milliseconds: record a stage only once the job has run long enough
        # for someone to be watching, so quick jobs pay no commit per stage. A job cancelled
        # meanwhile stops here, at its next stage.
        stage_clock.enter(stage)
        now = time.monotonic()
        if lost.is_set():
            raise JobLost(claim.job_id)
        if now - last[0] >= PROGRESS_EVERY:
            if not runtime.jobs.report_progress(claim, lease, stage, percent):
                raise JobLost(claim.job_id)
            last[0] = now

    try:
        data = runtime.files.read(job.upload_key)
        options = ReportOptions.from_dict(job.options or {})
        request = ReportRequest(job.template, job.province, job.period, options)
        catalog, template = _pinned(runtime, job)

        def accepted() -> None:
            _announce_accepted(runtime, job.id)
            fault_point("render", claim.attempt, job.id)

        compiled = compile_report(catalog, request, data, progress, template=template,
                                  accepted=accepted)
        progress("storing", 90)
        fault_point("before_store", claim.attempt, job.id)
        stored = runtime.files.put(document_key(job.id), compiled.document)
        fault_point("after_store", claim.attempt, job.id)
    except DataError as e:
        runtime.jobs.fail(job.id, [p.as_dict() for p in e.problems()],
                          [p.as_dict() for p in e.warnings()], attempt=claim.attempt,
                          status=JobStatus.REJECTED)
        return RunOutcome.REJECTED
    except IntakeError as e:  # the file itself was refused or could not be read
        runtime.jobs.fail(job.id, [p.as_dict() for p in e.problems()], [],
                          attempt=claim.attempt, status=JobStatus.REJECTED)
        return RunOutcome.REJECTED
    except ReportError as e:
        runtime.jobs.fail(job.id, [p.as_dict() for p in e.problems()], attempt=claim.attempt)
        return RunOutcome.FAILED
    except StoreError as e:
        log.error("job %s: storage failed: %s", job.id, e)
        runtime.jobs.fail(job.id, _error("storage_error", "Không ghi được tệp trên máy chủ "
                                         "(đĩa đầy hoặc không ghi được)."), attempt=claim.attempt)
        return RunOutcome.FAILED
    document = {"key": stored.key, "name": compiled.filename, "size": stored.size,
                "sha256": stored.sha256}
    # What the Decree 30 checker found in the document joins the data's warnings.
    warnings = [p.as_dict() for p in compiled.warnings] + compiled.findings
    stage_clock.enter("commit")
    if runtime.jobs.succeed(claim, document, warnings):
        return RunOutcome.SUCCEEDED
    if runtime.jobs.get(job.id).status == JobStatus.CANCELLED:
        # Cancelled while it rendered: its document is never offered, so it is not kept.
        # (No other attempt can write this key any more: a cancelled job is never claimed.)
        try:
            runtime.files.delete(stored.key)
        except StoreError as e:  # never offered all the same; the job stays cancelled
            log.warning("job %s: the document of the cancelled job stays behind: %s",
                        job.id, e)
    return RunOutcome.SKIPPED


def _announce_accepted(runtime: Runtime, job_id: str) -> None:
    """Tell a submission waiting for this job's check that its data passed."""
    if runtime.events is not None:
        runtime.events.finished(job_id, ACCEPTED, prefix=ACCEPTED_PREFIX)


def _pinned(runtime: Runtime, job) -> tuple[Catalog, bytes | None]:
    """The catalog with the kind version the job was submitted with, and the template to
    render (``None``: that version's own). Jobs from before kind versions pinned only a
    template version: it is read from the template store."""
    if job.kind_sha256 or not job.template_sha256:
        return runtime.kinds.pinned(job.template, job.kind_sha256), None
    catalog = runtime.catalog
    kind = catalog.kind(job.template)
    try:
        template = runtime.templates.load(job.template, job.template_sha256, kind.template_path)
    except StoreError as e:
        raise ReportError(f"Không tìm thấy phiên bản mẫu báo cáo đã chọn khi gửi ({e}).",
                          "template_missing") from e
    return catalog, template if isinstance(template, bytes) else None


class CompileTask(Task):
    """Records a hard time limit on the job: the pool kills the child, so it cannot."""

    def on_failure(self, exc, task_id, args, kwargs, einfo) -> None:
        if isinstance(exc, TimeLimitExceeded) and args:
            runtime: Runtime = self.app.reportgen
            runtime.jobs.fail(args[0], time_limit_error(runtime.settings.task_time_limit))


@shared_task(bind=True, base=CompileTask, name=COMPILE_TASK, ignore_result=True,
             max_retries=None)
def compile_report_task(self, job_id: str) -> RunOutcome:
    """Celery entry point: only the job id crosses the broker."""
    runtime: Runtime = self.app.reportgen
    fault_point("received", 0, job_id)
    stage_clock.begin("claim")
    outcome, wait = run_job(runtime, job_id)
    stage_clock.enter("after")
    if outcome.ended is not None:
        job_ended(runtime, self.app, job_id, outcome.ended)
    stage_clock.finish(job_id, outcome.value)
    if outcome is RunOutcome.HELD:
        # Another attempt holds the job; look again once its lease could have run out.
        raise self.retry(countdown=wait + 1)
    return outcome


@shared_task(bind=True, name=TRY_KIND_TASK, ignore_result=True, acks_late=True)
def try_kind_task(self, slug: str, sha256: str) -> str:
    """Try an uploaded kind version (lint, sample renders, Decree 30 check) and record the
    outcome. A delivery that comes back after the previous one died (a bomb that exhausted
    the child's memory or time) refuses the version instead of trying it again. Returns the
    version's new state."""
    runtime: Runtime = self.app.reportgen
    if (self.request.delivery_info or {}).get("redelivered"):
        findings = [_trial_crash()]
    else:
        try:
            findings = try_version(runtime, slug, sha256)
        except (MemoryError, SoftTimeLimitExceeded):
            findings = [_trial_crash()]
    runtime.kind_versions.record_trial(slug, sha256, findings)
    state = VersionState.REJECTED if findings else VersionState.ACCEPTED
    if runtime.events is not None:
        runtime.events.finished(f"kind:{slug}:{sha256}", state)
    return state


def _trial_crash() -> dict:
    return {"file": "template.docx", "key": "", "code": "trial_resources",
            "message": "Thử lập báo cáo từ số liệu mẫu vượt giới hạn bộ nhớ hoặc thời gian "
                       "của tiến trình xử lý: mẫu có vòng lặp hoặc dữ liệu quá lớn."}


@shared_task(bind=True, name=RECONCILE_TASK, ignore_result=True)
def reconcile_task(self) -> bool:
    """Sent by an optional `reportgen beat`: the reconciler's pass, unless one ran (in any
    worker) less than a period ago; returns whether it ran here."""
    runtime: Runtime = self.app.reportgen
    settings = runtime.settings
    return run_pass(Locks(runtime.jobs.engine), "reconcile", settings.reconcile_every,
                    lambda: reconcile(runtime, self.app), hold=settings.lease_seconds)


@shared_task(bind=True, name=RETENTION_TASK, ignore_result=True)
def retention_task(self) -> bool:
    """Sent by an optional `reportgen beat`: the retention pass, as ``reconcile_task``."""
    runtime: Runtime = self.app.reportgen
    days = timedelta(days=runtime.settings.retention_days)
    return run_pass(Locks(runtime.jobs.engine), "retention", RETENTION_EVERY,
                    lambda: purge_expired(runtime, days), hold=runtime.settings.lease_seconds)
