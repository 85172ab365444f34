"""The Celery app of reportgen, built from settings (no work at import time).

Settings follow the at-least-once recipe: late acknowledgement, requeue when a worker child
dies, one message prefetched per process, and time limits below the Redis visibility timeout so
that a running job is never handed to a second worker while the first still works on it.

Every worker also runs the periodic passes (reconciler, retention) and a watch on its own
event loop: see ``tasks.worker_steps``.
"""

from __future__ import annotations

from celery import Celery, current_app
from celery.signals import worker_init, worker_process_init, worker_process_shutdown

from tasks.limits import limit_memory
from tasks.retention import RETENTION_EVERY
from tasks.runtime import Runtime
from tasks.settings import Settings

QUEUE = "reportgen"
COMPILE_TASK = "reportgen.compile_report"
RECONCILE_TASK = "reportgen.reconcile"
RETENTION_TASK = "reportgen.retention"
TRY_KIND_TASK = "reportgen.try_kind"


def broker_options(settings: Settings) -> dict:
    """Transport options: timeouts so a dead connection is noticed, bounded publish retries."""
    return {
        "visibility_timeout": settings.visibility_timeout,
        "socket_timeout": 30,
        "socket_connect_timeout": 5,
        "socket_keepalive": True,
        "health_check_interval": 25,
        "retry_on_timeout": True,
        "max_retries": 3,
        "interval_start": 0,
        "interval_step": 0.5,
        "interval_max": 1,
    }


def create_celery(settings: Settings) -> Celery:
    """A Celery app for ``settings``; ``settings.redis_url`` must be set."""
    if not settings.redis_url:
        raise ValueError("REDIS_URL is not set: start the service with `reportgen run`")
    app = Celery("reportgen", broker=settings.redis_url,
                 include=["tasks.jobs", "tasks.renditions", "tasks.webhooks"])
    app.conf.update(
        task_serializer="json",
        accept_content=["json"],
        task_ignore_result=True,
        task_default_queue=QUEUE,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_soft_time_limit=settings.task_soft_time_limit,
        task_time_limit=settings.task_time_limit,
        broker_transport_options=broker_options(settings),
        visibility_timeout=settings.visibility_timeout,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        task_publish_retry_policy={"max_retries": 3, "interval_start": 0,
                                   "interval_step": 0.5, "interval_max": 1},
        worker_cancel_long_running_tasks_on_connection_loss=True,
        # SIGQUIT (cold shutdown) first gives running jobs this long to end, then puts the
        # unfinished ones back in the queue instead of leaving them to the visibility timeout.
        worker_soft_shutdown_timeout=float(min(10, settings.task_soft_time_limit)),
        worker_enable_soft_shutdown_on_idle=True,
        worker_max_tasks_per_child=500,
        worker_hijack_root_logger=False,
        # Remote control listens on a pub/sub connection that redis-py reads with no timeout:
        # after a Redis restart a worker could block there for ever. Nothing here uses it;
        # health is read from the worker's heartbeat file instead (`reportgen worker --check`).
        worker_enable_remote_control=False,
    )
    app.steps["worker"].add("tasks.worker_steps:Housekeeping")
    app.steps["consumer"].add("tasks.worker_steps:LoopTick")
    app.conf.beat_schedule = {
        "reconcile": {"task": RECONCILE_TASK, "schedule": float(settings.reconcile_every)},
        "retention": {"task": RETENTION_TASK, "schedule": RETENTION_EVERY},
    }
    # The web app builds a Celery app too, only to send; it keeps its own durable Runtime.
    app.reportgen = Runtime(settings, durable=False)
    return app


def send_jobs(app: Celery, job_ids: list[str]) -> None:
    """Send a compile message for each job.

    Raises kombu's ``OperationalError`` (or a Redis error) when the broker cannot be reached.
    """
    for job_id in job_ids:
        app.send_task(COMPILE_TASK, args=[job_id], queue=QUEUE)


def send_trial(app: Celery, slug: str, sha256: str) -> None:
    """Ask a worker to try kind version ``sha256`` of ``slug``.

    Raises kombu's ``OperationalError`` (or a Redis error) when the broker cannot be reached.
    """
    app.send_task(TRY_KIND_TASK, args=[slug, sha256], queue=QUEUE)


def enqueue(app: Celery, runtime: Runtime, job_ids: list[str]) -> int:
    """Send each job again and record when (the reconciler's way); returns how many."""
    send_jobs(app, job_ids)
    runtime.jobs.mark_published(job_ids)
    return len(job_ids)


@worker_init.connect
def _load_catalog(sender=None, **_kwargs) -> None:
    # Checked once in the main process, before the pool forks: every pool process, also one
    # that replaces a killed one, starts with the report kinds loaded rather than loading them
    # inside its first job's time limit.
    runtime = getattr(sender.app, "reportgen", None)
    if runtime is not None:
        _ = runtime.catalog


@worker_process_init.connect
def _reset_after_fork(**_kwargs) -> None:
    runtime = getattr(current_app, "reportgen", None)
    if runtime is not None:
        runtime.after_fork()
        # The pool child is where jobs read workbooks and render templates: cap its memory.
        limit_memory(runtime.settings.worker_memory_mb)


@worker_process_shutdown.connect
def _close_converter(**_kwargs) -> None:
    # A pool process ends without running atexit handlers: stop its LibreOffice, if it
    # started one, and delete the converter's profile folder here.
    runtime = getattr(current_app, "reportgen", None)
    if runtime is not None and "converter" in vars(runtime):
        runtime.converter.close()
