"""Redis faults: restarted empty with jobs queued, and down when a job is submitted.

Test names carry the fault's identifier in docs/faults.md (R8 … R11).
"""

from __future__ import annotations

import io
import time

import pytest

from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow


def test_r8_redis_restarted_empty_loses_messages_not_jobs(stack):
    jobs = [stack.submit() for _ in range(10)]
    client = stack.redis_client()
    assert client.llen("reportgen") == 10
    stack.redis.kill()
    stack.redis.start()  # no persistence: it comes back empty
    assert stack.redis_client().llen("reportgen") == 0
    assert {stack.job(j).status for j in jobs} == {"queued"}
    stack.start_worker(concurrency=2)
    for job_id in jobs:
        assert stack.wait_finished(job_id, 90).status == "succeeded"
    documents = [p for p in stack.documents() if p.stem in jobs]
    assert len(documents) == 10


def test_r10_redis_down_at_submit_is_a_503_and_creates_nothing(stack):
    stack.redis.stop()
    uploads = stack.root / "data" / "files" / "uploads"
    before = (stack.runtime.jobs.page(1, 1).total,
              sorted(uploads.iterdir()) if uploads.exists() else [])
    started = time.monotonic()
    response = stack.client.post("/api/v1/jobs", data={
        "template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
        "data": (io.BytesIO(SAMPLE.read_bytes()), "s.xlsx")}, content_type="multipart/form-data")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.get_json()["error"]["code"] == "queue_unavailable"
    assert elapsed < 10
    after = (stack.runtime.jobs.page(1, 1).total,
             sorted(uploads.iterdir()) if uploads.exists() else [])
    assert after == before


def test_r9_redis_with_an_append_only_file_keeps_the_queue_across_a_crash(make_stack):
    stack = make_stack(appendonly=True)
    jobs = [stack.submit() for _ in range(10)]
    # What Redis has written to its append-only file survives a killed server (the kernel
    # holds it; ``everysec`` only delays the fsync that guards against a machine crash):
    # wait until every job's message is in the file, which a killed server then replays.
    stack.wait_for(lambda: all(job_id.encode() in _append_only(stack) for job_id in jobs), 10,
                   "the messages in the append-only file")
    stack.redis.kill()
    stack.redis.start()
    assert stack.redis_client().llen("reportgen") == 10
    stack.start_worker(concurrency=2)  # nothing to re-send: the queue alone suffices
    for job_id in jobs:
        job = stack.wait_finished(job_id, 90)
        assert (job.status, job.attempts) == ("succeeded", 1)


def test_r11_worker_reconnects_after_its_redis_connections_are_killed(stack):
    stack.start_worker()
    first = stack.submit()
    assert stack.wait_finished(first).status == "succeeded"
    killed = stack.redis_client().client_kill_filter(_type="normal", skipme=True)
    assert killed >= 1
    time.sleep(2)
    second = stack.submit()
    assert stack.wait_finished(second, 60).status == "succeeded"


def _append_only(stack) -> bytes:
    """Everything in the embedded Redis's append-only files as written so far."""
    return b"".join(p.read_bytes() for p in stack.redis.folder.rglob("*.aof"))
