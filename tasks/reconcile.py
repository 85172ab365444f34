"""The reconciler: the job table is the truth, the queue a messenger that can forget.

It re-sends

- queued jobs whose message is gone (Redis restarted empty, a publish lost);
- queued jobs whose message was handed to a worker more than a lease ago and never started
  (that worker died, or froze, holding it; Redis would give it back only after the visibility
  timeout, an hour);
- running jobs whose lease ran out (their worker died), once per ``requeue_after`` seconds;

and fails a job that has used up its attempts. Sending twice is harmless: a job is claimed
with a conditional update. It runs as a periodic pass (``tasks.periodic``), one at a time
site-wide.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import timedelta

from celery import Celery
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from tasks.celery_app import QUEUE, enqueue, send_trial
from tasks.runtime import Runtime
from tasks.store.records import Job, utcnow
from tasks.webhooks import resend_due

log = logging.getLogger(__name__)
# kombu's Redis transport keeps messages handed to a consumer and not yet acknowledged in this
# hash (delivery tag → [message, exchange, routing key]), and when it handed them over in this
# sorted set (delivery tag → Unix time).
UNACKED, UNACKED_INDEX = "unacked", "unacked_index"


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


def _safe_job_id(raw: bytes | str) -> str | None:
    try:
        return _job_id(raw)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


# How long a message may be between kombu's two steps of handing it to a worker.
IN_TRANSIT_SECONDS = 0.2


@dataclass
class BrokerView:
    """What the broker holds: ``waiting`` ids have a message in the queue; ``delivered`` maps
    the ids of messages handed to a worker and not acknowledged to when (Unix time)."""

    waiting: set[str] = field(default_factory=set)
    delivered: dict[str, float] = field(default_factory=dict)

    def ids(self) -> set[str]:
        return self.waiting | set(self.delivered)


def read_broker(app: Celery) -> BrokerView | None:
    """The jobs the broker holds a message for; ``None`` when the broker cannot be read."""
    try:
        with app.connection_for_read() as connection:
            client = connection.default_channel.client
            queued = client.lrange(QUEUE, 0, -1)
            unacked = client.hgetall(UNACKED)
            handed = dict(client.zrange(UNACKED_INDEX, 0, -1, withscores=True))
    except (OperationalError, RedisError, OSError, AttributeError) as e:
        log.warning("reconciler cannot read the queue: %s", e)
        return None
    view = BrokerView({j for j in map(_safe_job_id, queued) if j})
    for tag, raw in unacked.items():
        job_id = _safe_job_id(raw)
        if job_id:
            # A tag missing from the index is being acknowledged right now: treat it as new.
            at = handed.get(tag, time.time())
            view.delivered[job_id] = max(at, view.delivered.get(job_id, 0.0))
    return view


def broker_job_ids(app: Celery) -> set[str] | None:
    """Ids of the jobs that have a message waiting or being worked on; None if unknown."""
    view = read_broker(app)
    return None if view is None else view.ids()


def lost_messages(stale: list[Job], view: BrokerView | None, lease_seconds: float,
                  now: float | None = None) -> tuple[list[str], list[str]]:
    """Split queued jobs whose message is old into ``(resend, still_held)``.

    A job is held while its message waits in the queue, or was handed to a worker less than
    ``lease_seconds`` ago (it is being started). With the broker unknown (``None``) every
    job is re-sent: a duplicate costs nothing, a lost job everything.
    """
    if view is None:
        return [j.id for j in stale], []
    cutoff = (time.time() if now is None else now) - lease_seconds
    resend, held = [], []
    for job in stale:
        fresh = job.id in view.waiting or view.delivered.get(job.id, 0.0) > cutoff
        (held if fresh else resend).append(job.id)
    return resend, held


def reconcile(runtime: Runtime, app: Celery) -> dict:
    """One pass; returns counts of what it did: jobs ``resent``, jobs ``failed`` out of attempts,
    kind ``trials`` re-sent, webhook ``callbacks`` sent again."""
    settings = runtime.settings
    resend, failed = [], 0
    quiet_since = utcnow() - timedelta(seconds=settings.requeue_after)
    for job in runtime.jobs.expired():
        if job.attempts >= settings.max_attempts:
            failed += runtime.jobs.fail(job.id, [{
                "code": "too_many_attempts",
                "message": f"Tiến trình xử lý dừng đột ngột {job.attempts} lần; đã dừng thử lại.",
            }])
        elif (job.published_at or job.created_at) < quiet_since:
            resend.append(job.id)  # not re-sent in the last requeue_after seconds
    stale = runtime.jobs.unpublished(settings.requeue_after)
    if stale:
        view = read_broker(app)
        lost, held = lost_messages(stale, view, settings.lease_seconds)
        if lost and view is not None:
            # A message a worker is taking this instant has left the queue and is not yet in
            # the unacknowledged set (kombu moves it in two steps): look once more before
            # sending a duplicate.
            time.sleep(IN_TRANSIT_SECONDS)
            lost, also_held = lost_messages([j for j in stale if j.id in lost],
                                            read_broker(app), settings.lease_seconds)
            held += also_held
        resend += lost
        runtime.jobs.mark_published(held)
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
