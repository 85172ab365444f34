"""Self-healing with web and workers only: no scheduler, real signals, Redis lost for real.

Each test names the fault it survives; the assertions are on the job rows, the documents and
the worker's own health check afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess

import pytest
import requests

from tests.conftest import REPORTGEN, SAMPLE, running_web

pytestmark = pytest.mark.slow


def http_submit(url: str) -> str:
    with SAMPLE.open("rb") as f:
        response = requests.post(f"{url}/api/v1/jobs", files={"data": ("s.xlsx", f)}, data={
            "template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
            "report_date": "2023-12-04"}, timeout=30)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def worker_check(stack) -> subprocess.CompletedProcess:
    """`reportgen worker --check` as a container health check runs it."""
    return subprocess.run([REPORTGEN, "worker", "--check"], env=stack.env(), capture_output=True,
                          text=True, timeout=60)


def test_web_and_workers_alone_finish_every_job_after_a_worker_kill_and_an_empty_redis(stack):
    # Two workers, no scheduler anywhere. Renders take a second, so jobs are queued, running
    # and delivered when one worker is killed and Redis comes back empty.
    slow = "render=sleep:2@1"
    first = stack.start_worker(REPORTGEN_FAULTS=slow)
    stack.start_worker(REPORTGEN_FAULTS=slow)
    with running_web(stack.env()) as (url, _web):
        jobs = [http_submit(url) for _ in range(16)]
    stack.wait_for(lambda: sum(stack.job(j).status == "succeeded" for j in jobs) >= 2, 60,
                   "the first jobs")
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    stack.redis.kill()
    stack.redis.start()  # no append-only file: every message is gone
    for job_id in jobs:
        assert stack.wait_finished(job_id, 120).status == "succeeded"
    documents = [p for p in stack.documents() if p.stem in jobs]
    assert len(documents) == len(jobs)


def test_a_message_taken_by_a_worker_that_died_before_starting_it_is_sent_again(stack):
    job_id = stack.submit()
    # The worker takes the message, then dies before claiming the job.
    doomed = stack.start_worker(REPORTGEN_FAULTS=f"received:{job_id}=sleep:60")
    client = stack.redis_client()
    stack.wait_for(lambda: client.hlen("unacked") == 1, 30, "the message to be taken")
    os.killpg(doomed.pid, signal.SIGKILL)
    doomed.wait()
    job = stack.job(job_id)
    assert (job.status, job.attempts) == ("queued", 0)
    assert client.hlen("unacked") == 1  # Redis would give it back only after an hour
    stack.start_worker()
    job = stack.wait_finished(job_id, 60)
    assert (job.status, job.attempts) == ("succeeded", 1)


def test_a_worker_frozen_across_a_redis_restart_consumes_again(stack):
    worker = stack.start_worker()
    assert stack.wait_finished(stack.submit()).status == "succeeded"
    stack.wait_for(lambda: worker_check(stack).returncode == 0, 30, "a first heartbeat")
    os.killpg(worker.pid, signal.SIGSTOP)
    try:
        stack.redis.kill()
        stack.redis.start()

        def sees_it_frozen() -> bool:
            check = worker_check(stack)
            return check.returncode == 1 and "has not written its heartbeat" in check.stderr

        stack.wait_for(sees_it_frozen, 60, "the health check to see the frozen worker")
    finally:
        os.killpg(worker.pid, signal.SIGCONT)
    job = stack.wait_finished(stack.submit(), 60)
    assert (job.status, job.attempts) == ("succeeded", 1)
    stack.wait_for(lambda: worker_check(stack).returncode == 0, 30, "the worker to be healthy")


def test_a_stuck_event_loop_is_logged_and_fails_the_health_check(stack):
    # The loop's tenth tick hangs for 25 s: the worker's process lives, its loop does not.
    stack.start_worker(REPORTGEN_FAULTS="worker_loop=sleep:25@10")
    stack.wait_for(lambda: worker_check(stack).returncode == 0, 10, "the first heartbeat")
    waiting = stack.submit()
    stack.wait_for(lambda: worker_check(stack).returncode == 1, 30, "the check to fail")
    assert "is stuck: the consumer loop has not run for" in worker_check(stack).stderr
    assert "is stuck: the consumer loop has not run" in stack.logs[-1].read_text()
    # Once the loop runs again the waiting job is taken and the check passes.
    assert stack.wait_finished(waiting, 60).status == "succeeded"
    stack.wait_for(lambda: worker_check(stack).returncode == 0, 30, "the check to pass")
    assert "consumes again" in stack.logs[-1].read_text()


def test_a_web_process_killed_after_committing_a_keyed_job_leaves_one_job_that_runs(stack):
    stack.start_worker()
    key = {"Idempotency-Key": "hb-2023-crash-1"}
    fields = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
              "report_date": "2023-12-04"}

    def post(url: str) -> requests.Response:
        with SAMPLE.open("rb") as f:
            return requests.post(f"{url}/api/v1/jobs", files={"data": ("s.xlsx", f)},
                                 data=fields, headers=key, timeout=30)

    # The web process dies right after its commit, before the message is sent.
    with running_web(stack.env(REPORTGEN_FAULTS="job_committed=kill")) as (url, _web):
        with pytest.raises(requests.ConnectionError):
            post(url)
        (job,) = stack.runtime.jobs.page(1, 10).jobs
        retry = post(url)  # at once: the key already names the job
    assert retry.status_code == 202, retry.text
    assert retry.json()["id"] == job.id
    assert stack.runtime.jobs.page(1, 10).total == 1
    # Nothing was sent for it: the reconciler does, and the job ends with one document.
    assert stack.wait_finished(job.id, 60).status == "succeeded"
    assert [p.stem for p in stack.documents()] == [job.id]


def test_a_keyed_submission_while_the_queue_is_down_leaves_nothing_and_the_key_free(stack):
    form = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023"}
    key = {"Idempotency-Key": "hb-2023-down-1"}

    def post():
        return stack.client.post("/api/v1/jobs", headers=key, content_type="multipart/form-data",
                                 data={**form, "data": (SAMPLE.open("rb"), "s.xlsx")})

    stack.redis.stop()
    response = post()
    assert response.status_code == 503
    assert stack.runtime.jobs.page(1, 10).total == 0
    assert not list((stack.root / "data" / "files" / "uploads").glob("*"))
    stack.redis.start()
    again = post()
    assert again.status_code == 202, again.get_json()
    assert stack.runtime.jobs.page(1, 10).jobs[0].id == again.get_json()["id"]
