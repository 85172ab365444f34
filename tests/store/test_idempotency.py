"""Idempotency keys on a real SQLite file: the job and its key are written together."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from tasks.store.idempotency import IdempotencyKeys, KeyLostError, KeyState
from tasks.store.jobs import JobStore
from tasks.store.records import IdempotencyKey, Job, make_engine


@pytest.fixture()
def keys(tmp_path):
    return IdempotencyKeys(JobStore(make_engine(f"sqlite:///{tmp_path / 'keys.db'}")))


def a_job() -> Job:
    job_id = str(uuid.uuid4())
    return Job(id=job_id, template="t", province="p", period="2023", options={},
               upload_key=f"uploads/{job_id}.xlsx", upload_name="a.xlsx", upload_size=1,
               upload_sha256="0" * 64)


def count(keys: IdempotencyKeys, model) -> int:
    with keys.jobs.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_the_job_and_its_key_are_recorded_together(keys):
    assert keys.reserve("agency", "k1", "print").state is KeyState.RESERVED
    assert keys.reserve("agency", "k1", "print").state is KeyState.IN_FLIGHT
    job = keys.add_job("agency", "k1", a_job())
    found = keys.reserve("agency", "k1", "print")
    assert (found.state, found.job_id) == (KeyState.DONE, job.id)
    assert keys.reserve("agency", "k1", "other").state is KeyState.MISMATCH


def test_a_key_taken_over_adds_no_job(keys):
    keys.reserve("agency", "k2", "print")
    keys.release("agency", "k2")
    keys.reserve("agency", "k2", "print")
    taker = keys.add_job("agency", "k2", a_job())
    with pytest.raises(KeyLostError):
        keys.add_job("agency", "k2", a_job())
    assert count(keys, Job) == 1
    assert keys.reserve("agency", "k2", "print").job_id == taker.id


def test_removing_the_job_frees_its_key(keys):
    keys.reserve("agency", "k3", "print")
    job = keys.add_job("agency", "k3", a_job())
    keys.remove_job("agency", "k3", job.id)
    assert (count(keys, Job), count(keys, IdempotencyKey)) == (0, 0)
    assert keys.reserve("agency", "k3", "print").state is KeyState.RESERVED
