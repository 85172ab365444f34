"""The job task's body as plain functions: claim, heartbeat, compile, store, outcome."""

from __future__ import annotations

import dataclasses
import time
from datetime import timedelta

from sqlalchemy import update

from tasks.jobs import Heartbeat, RunOutcome, document_key, run_job
from tasks.store.records import Job, JobStatus, utcnow
from tests.conftest import docx_text
from tests.tasks.conftest import add_job


def test_a_job_runs_to_one_document_at_its_one_key(runtime):
    job = add_job(runtime)
    outcome, wait = run_job(runtime, job.id)
    assert (outcome, wait) == (RunOutcome.SUCCEEDED, 0.0) and outcome.ended is JobStatus.SUCCEEDED
    done = runtime.jobs.get(job.id)
    assert (done.status, done.attempts, done.progress) == ("succeeded", 1, 100)
    assert done.document_key == document_key(job.id) == f"documents/{job.id}.docx"
    text = docx_text(runtime.files.read(done.document_key))
    assert "Hòa Bình" in text
    # Delivered again: the job is finished, nothing is redone.
    outcome, _ = run_job(runtime, job.id)
    assert outcome is RunOutcome.SKIPPED and outcome.ended is None
    assert runtime.jobs.get(job.id).attempts == 1


def test_a_held_job_says_how_long_to_wait(runtime):
    job = add_job(runtime)
    runtime.jobs.claim(job.id, lease_seconds=30)
    outcome, wait = run_job(runtime, job.id)
    assert outcome is RunOutcome.HELD and 25 < wait <= 30 and outcome.ended is None
    assert run_job(runtime, "no-such-job") == (RunOutcome.SKIPPED, 0.0)


def test_bad_data_is_rejected_with_its_cells(runtime):
    job = add_job(runtime, data=b"ma_don_vi,ten_don_vi\nxx,Nowhere\n")
    assert run_job(runtime, job.id) == (RunOutcome.REJECTED, 0.0)
    assert RunOutcome.REJECTED.ended == "rejected"
    rejected = runtime.jobs.get(job.id)
    assert rejected.status == "rejected" and rejected.stage == "rejected"
    assert all(e["code"] and e["message"] for e in rejected.errors)
    assert [e["code"] for e in rejected.errors] == ["no_known_sheet"]
    assert rejected.document_key is None


def test_a_file_that_cannot_be_read_is_rejected_saying_why(runtime):
    job = add_job(runtime, data=b"PK\x03\x04 this is no archive")
    assert run_job(runtime, job.id) == (RunOutcome.REJECTED, 0.0)
    rejected = runtime.jobs.get(job.id)
    assert rejected.status == "rejected" and rejected.document_key is None
    assert rejected.errors and rejected.errors[0]["code"] in ("corrupt_file",
                                                              "unsupported_file_type")


def test_a_job_that_lost_its_worker_too_often_fails_without_rendering(runtime):
    job = add_job(runtime, attempts=runtime.settings.max_attempts)
    assert run_job(runtime, job.id) == (RunOutcome.FAILED, 0.0)
    failed = runtime.jobs.get(job.id)
    assert failed.errors[0]["code"] == "too_many_attempts"
    assert not runtime.files.exists(document_key(job.id))


def test_the_heartbeat_renews_the_lease_while_it_runs(runtime, settings):
    job = add_job(runtime)
    claim = runtime.jobs.claim(job.id, settings.lease_seconds).claim
    with runtime.jobs.session() as s, s.begin():  # a lease about to run out
        s.execute(update(Job).where(Job.id == job.id)
                  .values(lease_until=utcnow() + timedelta(seconds=1)))
    runtime.settings = dataclasses.replace(settings, lease_seconds=3)  # renewed each second
    deadline = time.monotonic() + 10
    with Heartbeat(runtime, claim):
        while runtime.jobs.get(job.id).lease_until < utcnow() + timedelta(seconds=2) \
                and time.monotonic() < deadline:
            time.sleep(0.05)
    assert runtime.jobs.get(job.id).lease_until > utcnow() + timedelta(seconds=1)
    assert runtime.jobs.expired() == []
