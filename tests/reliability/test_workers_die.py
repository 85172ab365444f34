"""Jobs survive killed workers: each test ends with every job finished and one document each.

Test names carry the fault's identifier in docs/faults.md (R1 …, D3).
"""

from __future__ import annotations

import hashlib
import os
import signal

import pytest

from tasks.reconcile import broker_job_ids

pytestmark = pytest.mark.slow


def assert_clean_end(stack, job_ids: list[str]) -> None:
    jobs = [stack.job(j) for j in job_ids]
    assert all(j.status in ("succeeded", "failed") for j in jobs)
    succeeded = {j.id for j in jobs if j.status == "succeeded"}
    assert {p.stem for p in stack.documents()} >= succeeded
    assert len([p for p in stack.documents() if p.stem in job_ids]) == len(succeeded)


def test_r1_pool_child_sigkilled_mid_render(stack):
    job_id = stack.submit()
    # Celery rejects the lost message and it comes back at once (the reconciler would re-send
    # it too once the lease lapses): either way, one more attempt.
    worker = stack.start_worker(REPORTGEN_FAULTS=f"render:{job_id}=sleep:30@1")
    stack.wait_running(job_id)
    (child,) = stack.pool_children(worker)
    os.kill(child, signal.SIGKILL)
    job = stack.wait_finished(job_id, 45)
    assert (job.status, job.attempts) == ("succeeded", 2)
    assert_clean_end(stack, [job_id])
    client = stack.redis_client()
    stack.wait_for(lambda: client.hlen("unacked") == 0, 20, "unacked to drain")


def test_r2_whole_worker_killed_then_a_new_worker(stack):
    job_id = stack.submit()
    worker = stack.start_worker(REPORTGEN_FAULTS=f"render:{job_id}=sleep:60@1")
    stack.wait_running(job_id)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()
    # The message stays unacknowledged in Redis until the visibility timeout (an hour here);
    # the reconciler re-sends the job once its lease has run out.
    assert stack.redis_client().hlen("unacked") == 1
    stack.start_worker()
    job = stack.wait_finished(job_id, 45)
    assert (job.status, job.attempts) == ("succeeded", 2)
    assert_clean_end(stack, [job_id])


def test_r3_warm_shutdown_finishes_the_running_job(stack):
    first = stack.submit()
    worker = stack.start_worker(REPORTGEN_FAULTS=f"render:{first}=sleep:3@1")
    stack.wait_running(first)
    second = stack.submit()
    os.kill(worker.pid, signal.SIGTERM)
    worker.wait(60)
    job = stack.job(first)
    assert (job.status, job.attempts) == ("succeeded", 1)
    assert stack.job(second).status == "queued"
    stack.start_worker()
    assert stack.wait_finished(second).status == "succeeded"
    assert_clean_end(stack, [first, second])


def test_r5_a_job_that_kills_its_worker_fails_after_three_attempts(stack):
    poison = stack.submit()
    stack.start_worker(REPORTGEN_FAULTS=f"render:{poison}=kill")
    job = stack.wait_finished(poison, 90)
    assert job.status == "failed"
    assert job.errors[0]["code"] == "too_many_attempts"
    assert job.attempts in (3, 4)  # the fourth claim only records the failure
    healthy = stack.submit()
    assert stack.wait_finished(healthy, 45).status == "succeeded"
    assert_clean_end(stack, [poison, healthy])


def test_d3_crash_between_document_and_commit_leaves_one_document(stack):
    job_id = stack.submit()
    stack.start_worker(REPORTGEN_FAULTS=f"after_store:{job_id}=kill@1")
    job = stack.wait_finished(job_id, 45)
    assert (job.status, job.attempts) == ("succeeded", 2)
    (document,) = [p for p in stack.documents() if p.stem == job_id]
    assert hashlib.sha256(document.read_bytes()).hexdigest() == job.document_sha256


def test_r16_hard_time_limit_fails_the_job_and_the_worker_goes_on(make_stack):
    stack = make_stack(REPORTGEN_TASK_SOFT_TIME_LIMIT="2", REPORTGEN_TASK_TIME_LIMIT="4")
    stuck = stack.submit()
    stack.start_worker(REPORTGEN_FAULTS=f"render:{stuck}=hang")
    job = stack.wait_finished(stuck, 30)
    assert job.status == "failed" and job.errors[0]["code"] == "time_limit"
    assert "4 giây" in job.errors[0]["message"]
    after = stack.submit()
    assert stack.wait_finished(after, 30).status == "succeeded", stack.job(after).errors
    client = stack.redis_client()
    stack.wait_for(lambda: client.hlen("unacked") == 0 and client.llen("reportgen") == 0,
                   20, "queue to drain")


def test_soft_time_limit_fails_the_job_with_its_reason(make_stack):
    stack = make_stack(REPORTGEN_TASK_SOFT_TIME_LIMIT="2", REPORTGEN_TASK_TIME_LIMIT="10")
    slow = stack.submit()
    stack.start_worker(REPORTGEN_FAULTS=f"render:{slow}=sleep:20")
    job = stack.wait_finished(slow, 30)
    assert (job.status, job.errors[0]["code"]) == ("failed", "time_limit")
    assert "2 giây" in job.errors[0]["message"]


def test_r4_cold_shutdown_lets_short_jobs_end_and_requeues_long_ones(stack):
    short, long = stack.submit(), stack.submit()
    worker = stack.start_worker(concurrency=2, REPORTGEN_FAULTS=(
        f"render:{short}=sleep:2@1,render:{long}=sleep:60@1"))
    stack.wait_running(short)
    stack.wait_running(long)
    os.kill(worker.pid, signal.SIGQUIT)
    worker.wait(60)
    assert stack.job(short).status == "succeeded"
    log = stack.logs[-1].read_text()
    assert "Restoring 1 unacknowledged message" in log, log[-2000:]
    # Back in the queue rather than left unacknowledged until the visibility timeout (Celery
    # may put it back twice: requeued on the lost child and restored at shutdown; the second
    # delivery then finds the job finished and does nothing).
    assert broker_job_ids(stack.app.extensions["celery"]) == {long}
    assert stack.redis_client().hlen("unacked") == 0
    stack.start_worker()
    job = stack.wait_finished(long, 45)
    assert (job.status, job.attempts) == ("succeeded", 2)
    assert_clean_end(stack, [short, long])


def test_a_job_longer_than_its_lease_keeps_it_and_runs_once(stack):
    # A lease is 3 s here; the render takes 10. Without the heartbeat renewing the lease, the
    # reconciler would hand the job to the second pool process and it would run twice.
    job_id = stack.submit()
    stack.start_worker(concurrency=2, REPORTGEN_FAULTS=f"render:{job_id}=sleep:10")
    job = stack.wait_finished(job_id, 60)
    assert (job.status, job.attempts) == ("succeeded", 1)
    assert [p.stem for p in stack.documents()] == [job_id]
    log = stack.logs[-1].read_text()
    assert log.count("] received") == 1, log[-3000:]  # one message, one delivery
