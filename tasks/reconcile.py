"""The reconciler: the job table is the truth, the queue a messenger that can forget.

It re-sends queued jobs whose message is gone (Redis restarted empty, a publish lost) and
running jobs whose lease ran out (their worker died), and fails a job that has used up its
attempts. Sending twice is harmless: a job is claimed with a conditional update.
"""

from __future__ import annotations

import base64
import json
import logging
from datetime import timedelta

from celery import Celery
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from tasks.celery_app import QUEUE, enqueue, send_trial
from tasks.runtime import Runtime
from tasks.webhooks import resend_due

log = logging.getLogger(__name__)


def _job_id(raw: bytes | str) -> str | None:
    """The job id in one kombu message as stored in Redis, or None when it is not ours."""
    message = json.loads(raw)
    if isinstance(message, list):  # the unacked hash stores [message, exchange, routing key]
        message = message[0]
    body = message.get("body", "")
    if message.get("properties", {}).get("body_encoding") == "base64":
        body = base64.b64decode(body)
    args = json.loads(body)[0]
    return args[0] if args and isinstance(args[0], str) else None


def broker_job_ids(app: Celery) -> set[str] | None:
    """Ids of the jobs that have a message waiting or being worked on; None if unknown."""
    try:
        with app.connection_for_read() as connection:
            client = connection.default_channel.client
            raws = client.lrange(QUEUE, 0, -1) + client.hvals("unacked")
    except (OperationalError, RedisError, OSError, AttributeError) as e:
        log.warning("reconciler cannot read the queue: %s", e)
        return None
    found = set()
    for raw in raws:
        try:
            job_id = _job_id(raw)
        except (ValueError, KeyError, IndexError, TypeError):
            continue
        if job_id:
            found.add(job_id)
    return found


def reconcile(runtime: Runtime, app: Celery) -> dict:
    """One pass; returns counts of what it did (``resent``, ``failed``)."""
    settings = runtime.settings
    resend, failed = [], 0
    for job in runtime.jobs.expired():
        if job.attempts >= settings.max_attempts:
            failed += runtime.jobs.fail(job.id, [{
                "code": "too_many_attempts",
                "message": f"Tiến trình xử lý dừng đột ngột {job.attempts} lần; đã dừng thử lại.",
            }])
        else:
            resend.append(job.id)
    stale = runtime.jobs.unpublished(settings.requeue_after)
    if stale:
        waiting = broker_job_ids(app)
        resend += [j.id for j in stale if waiting is None or j.id not in waiting]
        runtime.jobs.mark_published([j.id for j in stale if waiting and j.id in waiting])
    sent = enqueue(app, runtime, resend) if resend else 0
    trials = resend_trials(runtime, app)
    if resend or failed or trials:
        log.info("reconciler: re-sent %d job(s) and %d trial(s), failed %d", sent, trials,
                 failed)
    return {"resent": sent, "failed": failed, "trials": trials,
            "callbacks": resend_due(runtime, app)}


def resend_trials(runtime: Runtime, app: Celery) -> int:
    """Send again the trials of kind versions still being checked long after their upload
    (their message was lost); a trial run twice records its outcome once."""
    stuck = runtime.kind_versions.checking(timedelta(seconds=runtime.settings.requeue_after))
    for version in stuck:
        send_trial(app, version.slug, version.sha256)
    return len(stuck)
