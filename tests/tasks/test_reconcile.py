"""The reconciler as a plain function, against a private Redis whose queue it reads."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta

from sqlalchemy import update

from tasks.celery_app import QUEUE, send_jobs
from tasks.reconcile import (
    IN_TRANSIT_SECONDS,
    BrokerView,
    _job_id,
    lost_messages,
    read_broker,
    reconcile,
)
from tasks.store.records import Job, utcnow
from tests.tasks.conftest import add_job


def age(runtime, job_id: str, **seconds_ago: float) -> None:
    """Move a job's timestamps back in time (``published_at=90`` → published 90 s ago)."""
    values = {name: utcnow() - timedelta(seconds=s) for name, s in seconds_ago.items()}
    with runtime.jobs.session() as s, s.begin():
        s.execute(update(Job).where(Job.id == job_id).values(**values))


def queued_ids(private_redis) -> list[str]:
    return [_job_id(raw) for raw in private_redis.client().lrange(QUEUE, 0, -1)]


def hand_to_a_worker(private_redis, job_id: str, seconds_ago: float) -> None:
    """Move the job's message from the queue to kombu's unacknowledged set, as a consumer
    taking it does."""
    client = private_redis.client()
    raw = client.rpop(QUEUE)  # consumers take the oldest message, at the right
    assert _job_id(raw) == job_id
    tag = f"tag-{job_id}"
    client.hset("unacked", tag, json.dumps([json.loads(raw), "", QUEUE]))
    client.zadd("unacked_index", {tag: time.time() - seconds_ago})


def test_a_queued_job_without_a_message_is_sent_once(runtime, celery_app, private_redis):
    lost = add_job(runtime)
    fresh = add_job(runtime)
    age(runtime, lost.id, created_at=120, published_at=120)
    assert reconcile(runtime, celery_app) == {"resent": 1, "failed": 0, "trials": 0, "callbacks": 0}
    assert queued_ids(private_redis) == [lost.id]
    # Recorded as sent: the next pass leaves it to the queue.
    assert reconcile(runtime, celery_app) == {"resent": 0, "failed": 0, "trials": 0, "callbacks": 0}
    assert fresh.id not in queued_ids(private_redis)


def test_a_message_still_in_the_queue_is_not_sent_again(runtime, celery_app, private_redis):
    job = add_job(runtime)
    send_jobs(celery_app, [job.id])
    age(runtime, job.id, published_at=120)
    assert reconcile(runtime, celery_app)["resent"] == 0
    assert queued_ids(private_redis) == [job.id]
    assert runtime.jobs.get(job.id).published_at > utcnow() - timedelta(seconds=5)


def test_a_message_taken_and_never_started_is_sent_again_after_a_lease(runtime, celery_app,
                                                                       private_redis):
    starting, abandoned = add_job(runtime), add_job(runtime)
    send_jobs(celery_app, [starting.id, abandoned.id])
    hand_to_a_worker(private_redis, starting.id, seconds_ago=1)
    hand_to_a_worker(private_redis, abandoned.id, seconds_ago=31)  # a lease is 30 s here
    for job in (starting, abandoned):
        age(runtime, job.id, published_at=120)
    view = read_broker(celery_app)
    assert view.waiting == set() and set(view.delivered) == {starting.id, abandoned.id}
    assert reconcile(runtime, celery_app)["resent"] == 1
    assert queued_ids(private_redis) == [abandoned.id]


def test_a_message_between_the_queue_and_the_unacked_set_is_not_sent_again(
        runtime, celery_app, private_redis):
    """A worker taking the message: out of the queue, then (a moment later) in kombu's
    unacknowledged set. A pass that looks in between looks again before sending."""
    job = add_job(runtime)
    send_jobs(celery_app, [job.id])
    age(runtime, job.id, published_at=120)
    client = private_redis.client()
    raw = client.rpop(QUEUE)  # taken: in neither place for now

    def arrives() -> None:
        time.sleep(IN_TRANSIT_SECONDS / 4)
        tag = f"tag-{job.id}"
        client.hset("unacked", tag, json.dumps([json.loads(raw), "", QUEUE]))
        client.zadd("unacked_index", {tag: time.time()})

    taker = threading.Thread(target=arrives)
    taker.start()
    assert reconcile(runtime, celery_app)["resent"] == 0
    taker.join()
    assert queued_ids(private_redis) == []  # no duplicate sent
    # A message truly lost is still sent, after the second look.
    client.delete("unacked", "unacked_index")
    age(runtime, job.id, published_at=120)
    assert reconcile(runtime, celery_app)["resent"] == 1
    assert queued_ids(private_redis) == [job.id]


def test_an_expired_running_job_is_sent_once_per_requeue_period(runtime, celery_app,
                                                                private_redis):
    job = add_job(runtime)
    runtime.jobs.claim(job.id, lease_seconds=30)
    age(runtime, job.id, lease_until=1, published_at=120)
    assert reconcile(runtime, celery_app)["resent"] == 1
    assert reconcile(runtime, celery_app)["resent"] == 0  # sent a moment ago
    assert queued_ids(private_redis) == [job.id]


def test_a_job_out_of_attempts_is_failed_not_sent(runtime, celery_app, private_redis):
    job = add_job(runtime)
    for _ in range(runtime.settings.max_attempts):
        runtime.jobs.claim(job.id, lease_seconds=30)
        age(runtime, job.id, lease_until=1)
    assert reconcile(runtime, celery_app) == {"resent": 0, "failed": 1, "trials": 0, "callbacks": 0}
    failed = runtime.jobs.get(job.id)
    assert (failed.status, failed.errors[0]["code"]) == ("failed", "too_many_attempts")
    assert queued_ids(private_redis) == []


def test_with_the_broker_unreadable_every_old_job_is_sent():
    class Old:
        def __init__(self, job_id):
            self.id = job_id

    jobs = [Old("a"), Old("b"), Old("c")]
    assert lost_messages(jobs, None, 30) == (["a", "b", "c"], [])
    view = BrokerView({"a"}, {"b": 1000.0, "c": 1090.0})
    assert lost_messages(jobs, view, 30, now=1100.0) == (["b"], ["a", "c"])
