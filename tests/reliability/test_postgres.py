"""The PostgreSQL path end to end: web and worker share a real PostgreSQL job table."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from tests.reliability.conftest import Stack
from tests.store.test_jobs import POSTGRES_URL

pytestmark = pytest.mark.slow


@pytest.fixture()
def postgres_schema():
    """A fresh schema in the PostgreSQL at POSTGRES_URL (skip, saying why, without one)."""
    schema = f"rg_e2e_{uuid.uuid4().hex[:12]}"
    try:
        admin = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except SQLAlchemyError as e:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} "
                    f"(set REPORTGEN_TEST_POSTGRES_URL): {type(e).__name__}")
    yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


def test_jobs_run_on_postgresql(postgres_schema, tmp_path):
    stack = Stack(tmp_path, DATABASE_URL=postgres_schema).start()
    try:
        assert stack.runtime.jobs.engine.dialect.name == "postgresql"
        stack.start_worker(beat=False)
        jobs = [stack.submit() for _ in range(3)]
        for job_id in jobs:
            job = stack.wait_finished(job_id)
            assert (job.status, job.attempts) == ("succeeded", 1)
        assert stack.client.get(f"/api/v1/jobs/{jobs[0]}/document").status_code == 200
        assert stack.client.get("/api/v1/jobs").get_json()["total"] == 3
    finally:
        stack.stop()
