"""Job rows: conditional transitions on a real SQLite file."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import update

from tasks.store.jobs import ClaimOutcome, JobStore
from tasks.store.records import Job, make_engine, utcnow
from tests.conftest import postgres_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    if request.param == "sqlite":
        yield JobStore(make_engine(f"sqlite:///{tmp_path / 'jobs.db'}"))
    else:
        with postgres_schema() as url:
            postgres = JobStore(make_engine(url))
            yield postgres
            postgres.engine.dispose()


def new_job(store: JobStore) -> str:
    job_id = str(uuid.uuid4())
    store.add(Job(id=job_id, template="t", province="p", period="2023", options={},
                  upload_key=f"uploads/{job_id}.xlsx", upload_name="a.xlsx", upload_size=1,
                  upload_sha256="0" * 64))
    return job_id


def test_a_job_is_claimed_once(store):
    job_id = new_job(store)
    first = store.claim(job_id, lease_seconds=60)
    assert first.outcome is ClaimOutcome.CLAIMED and first.claim.attempt == 1
    second = store.claim(job_id, lease_seconds=60)
    assert second.outcome is ClaimOutcome.HELD and 55 < second.retry_after <= 60
    assert store.get(job_id).status == "running"
    assert store.claim("no-such-job", 60).outcome is ClaimOutcome.MISSING


def test_an_expired_lease_can_be_claimed_again(store):
    job_id = new_job(store)
    first = store.claim(job_id, lease_seconds=60).claim
    with store.session() as s, s.begin():
        s.execute(update(Job).where(Job.id == job_id)
                  .values(lease_until=utcnow() - timedelta(seconds=1)))
    assert [j.id for j in store.expired()] == [job_id]
    second = store.claim(job_id, lease_seconds=60).claim
    assert second.attempt == 2
    # The first attempt lost the job: it can neither report progress nor finish it.
    assert store.report_progress(first, 60, "rendering", 70) is False
    assert store.report_progress(second, 60, "rendering", 70) is True
    doc = {"key": "documents/x.docx", "name": "x.docx", "size": 1, "sha256": "1" * 64}
    assert store.succeed(first, doc, []) is False
    assert store.succeed(second, doc, []) is True
    job = store.get(job_id)
    assert (job.status, job.progress, job.document_key) == ("succeeded", 100, "documents/x.docx")


def test_finished_jobs_are_never_claimed_or_failed(store):
    job_id = new_job(store)
    claim = store.claim(job_id, 60).claim
    store.succeed(claim, {"key": "documents/a.docx", "name": "a", "size": 1, "sha256": "2"}, [])
    assert store.claim(job_id, 60).outcome is ClaimOutcome.FINISHED
    assert store.fail(job_id, [{"code": "x", "message": "y"}]) is False
    assert store.get(job_id).status == "succeeded"


def test_fail_records_errors_and_warnings(store):
    job_id = new_job(store)
    claim = store.claim(job_id, 60).claim
    assert store.fail(job_id, [{"code": "e", "message": "m"}], [{"code": "w", "message": "n"}],
                      attempt=claim.attempt)
    job = store.get(job_id)
    assert (job.status, job.errors[0]["code"], job.warnings[0]["code"]) == ("failed", "e", "w")
    assert job.finished_at is not None and job.finished_at.tzinfo is not None


def test_history_is_newest_first_and_paginated(store):
    ids = [new_job(store) for _ in range(5)]
    page = store.page(1, 2)
    assert (page.total, page.pages) == (5, 3)
    assert [j.id for j in page.jobs] == ids[::-1][:2]
    assert [j.id for j in store.page(3, 2).jobs] == ids[:1]


def test_unpublished_queued_jobs_are_found_after_a_while(store):
    job_id = new_job(store)
    assert store.unpublished(older_than_seconds=60) == []
    with store.session() as s, s.begin():
        s.execute(update(Job).where(Job.id == job_id)
                  .values(created_at=utcnow() - timedelta(seconds=120)))
    assert [j.id for j in store.unpublished(60)] == [job_id]
    store.mark_published([job_id])
    assert store.unpublished(60) == []
