"""The PostgreSQL path end to end: web and worker share a real PostgreSQL job table."""

from __future__ import annotations

import pytest

from tests.conftest import postgres_schema

pytestmark = pytest.mark.slow


@pytest.fixture()
def postgres_url():
    with postgres_schema() as url:
        yield url


def test_jobs_run_on_postgresql(postgres_url, make_stack):
    stack = make_stack(DATABASE_URL=postgres_url)
    assert stack.runtime.jobs.engine.dialect.name == "postgresql"
    stack.start_worker()
    jobs = [stack.submit() for _ in range(3)]
    for job_id in jobs:
        job = stack.wait_finished(job_id)
        assert (job.status, job.attempts) == ("succeeded", 1)
    assert stack.client.get(f"/api/v1/jobs/{jobs[0]}/document").status_code == 200
    assert stack.client.get("/api/v1/jobs").get_json()["total"] == 3
