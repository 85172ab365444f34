"""A runtime of its own for plain-function tests of the worker side: a real SQLite file, a
real file store, and (for the reconciler) a private embedded Redis that no worker consumes."""

from __future__ import annotations

import uuid

import pytest

from service.embedded_redis import EmbeddedRedis
from tasks.celery_app import create_celery
from tasks.runtime import Runtime
from tasks.settings import load_settings
from tasks.store.records import Job
from tests.conftest import SAMPLE


@pytest.fixture()
def private_redis(tmp_path):
    server = EmbeddedRedis(tmp_path / "redis", appendonly=False).start()
    yield server
    server.stop()


@pytest.fixture()
def settings(tmp_path, private_redis):
    return load_settings({"REPORTGEN_DATA_DIR": str(tmp_path / "data"),
                          "REDIS_URL": private_redis.url, "REPORTGEN_SECRET_KEY": "t",
                          "REPORTGEN_LEASE_SECONDS": "30", "REPORTGEN_REQUEUE_AFTER": "60",
                          "REPORTGEN_MAX_ATTEMPTS": "3"})


@pytest.fixture()
def runtime(settings):
    return Runtime(settings)


@pytest.fixture()
def celery_app(settings):
    return create_celery(settings)


def add_job(runtime: Runtime, data: bytes | None = None, **values) -> Job:
    """A queued job of the sample workbook (or ``data``), its upload stored."""
    job_id = str(uuid.uuid4())
    stored = runtime.files.put(f"uploads/{job_id}.xlsx", SAMPLE.read_bytes() if data is None
                               else data)
    job = Job(id=job_id, template="gender-equality-month", province="hoa-binh", period="2023",
              options={"report_date": "2023-12-04"}, upload_key=stored.key, upload_name="s.xlsx",
              upload_size=stored.size, upload_sha256=stored.sha256, **values)
    return runtime.jobs.add(job)
