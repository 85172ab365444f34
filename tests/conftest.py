"""Fixtures: real Redis, a real Celery worker process, a real SQLite file, the Flask app.

Redis is the one at REDIS_URL when set (CI points it at the machine's server), otherwise an
embedded redis-server started for the session. One worker process serves the whole session;
its data folder and database are the ones the ``app`` fixture uses.
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import docx
import pytest
import redis
import requests
from docx.oxml.ns import qn
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from service import create_app
from service.embedded_redis import EmbeddedRedis
from service.runner import worker_command
from tasks.settings import REPO_ROOT, load_settings
from tasks.store.records import FINISHED

SAMPLE = REPO_ROOT / "doc_templates" / "gender-equality-month" / "sample.xlsx"


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis for the session: REDIS_URL (its database 15, flushed; 14 for the second test
    process of ``make test``, and so on: each process its own queue) or an embedded one."""
    external = os.environ.get("REDIS_URL")
    if external:
        process = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
        url = urlunsplit(urlsplit(external)._replace(path=f"/{15 - process}"))
        redis.Redis.from_url(url).flushdb()
        yield url
        return
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"), appendonly=False).start()
    yield server.url
    server.stop()


def make_env(data_dir: Path, redis_url: str, **extra: str) -> dict[str, str]:
    """The environment of a reportgen process using ``data_dir`` and ``redis_url``."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(REPORTGEN_DATA_DIR=str(data_dir), REDIS_URL=redis_url,
               REPORTGEN_SECRET_KEY="test-secret", **extra)
    return env


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def worker_log(tmp_path_factory) -> Path:
    """The log of the session's worker: Celery writes there how each delivery ended."""
    return tmp_path_factory.mktemp("logs") / "worker.log"


@contextlib.contextmanager
def running_worker(settings, env: dict[str, str], log: Path):
    """A real Celery worker process (prefork, one child), ready, stopped on leaving."""
    with log.open("wb") as out:
        process = subprocess.Popen(worker_command(settings, concurrency=1), env=env,
                                   stdout=out, stderr=subprocess.STDOUT, cwd=REPO_ROOT,
                                   start_new_session=True)
    deadline = time.monotonic() + 60
    while b"ready." not in log.read_bytes():
        if process.poll() is not None or time.monotonic() > deadline:
            os.killpg(process.pid, signal.SIGKILL)
            raise RuntimeError(f"worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def worker(data_dir, redis_url, worker_log):
    """A real Celery worker process (prefork, one child) for the session."""
    env = make_env(data_dir, redis_url)
    with running_worker(load_settings(env), env, worker_log) as process:
        yield process


@pytest.fixture()
def settings(request, data_dir, redis_url):
    """The app's settings. A test without the session's ``worker`` has nobody to check its
    submissions: they are answered at once (202, ``queued``) instead of held for the wait."""
    extra = {} if "worker" in request.fixturenames else {"REPORTGEN_CHECK_WAIT": "0"}
    return load_settings(make_env(data_dir, redis_url, **extra))


@pytest.fixture()
def app(settings):
    return create_app(settings, {"TESTING": True})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runtime(app):
    return app.extensions["reportgen"]


def wait_for_job(runtime, job_id: str, timeout: float = 60.0):
    """Poll the job row until it is finished; fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = runtime.jobs.get(job_id)
        if job is not None and job.status in FINISHED:
            return job
        time.sleep(0.1)
    pytest.fail(f"job {job_id} did not finish in {timeout}s (last: {job and job.status})")


def docx_text(data: bytes) -> str:
    """All the text of a .docx: body paragraphs and every table cell, in document order."""
    document = docx.Document(io.BytesIO(data))
    lines = []
    for block in document.element.body.iterchildren():
        if block.tag.endswith("}p"):
            lines.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
        elif block.tag.endswith("}tbl"):
            for cell in block.iter(qn("w:tc")):
                lines.append(" ".join("".join(t.text or "" for t in p.iter(qn("w:t")))
                                      for p in cell.iter(qn("w:p"))))
    return "\n".join(lines)


REPORTGEN = str(Path(sys.executable).with_name("reportgen"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    """Wait until ``url`` answers 200; fail when ``process`` exits first or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@contextlib.contextmanager
def running_web(env: dict[str, str], log: Path | None = None):
    """`reportgen web` (one gunicorn worker) on a free port; yields (url, process)."""
    port = free_port()
    out = log.open("wb") if log else subprocess.DEVNULL
    try:
        process = subprocess.Popen([REPORTGEN, "web", "--workers", "1"],
                                   env={**env, "PORT": str(port)}, cwd=REPO_ROOT, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    finally:
        if log:
            out.close()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/api/v1/health", process)
        yield url, process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(15)


@pytest.fixture()
def web_server(worker, data_dir, redis_url):
    """The session's data behind a real `reportgen web`; yields its URL."""
    with running_web(make_env(data_dir, redis_url)) as (url, _process):
        yield url


POSTGRES_URL = os.environ.get("REPORTGEN_TEST_POSTGRES_URL",
                              "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@contextlib.contextmanager
def postgres_schema():
    """A URL into a fresh schema of the PostgreSQL at POSTGRES_URL, dropped afterwards.

    Skips the test, saying why, when no PostgreSQL answers there.
    """
    schema = f"rg_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except SQLAlchemyError as e:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} "
                    f"(set REPORTGEN_TEST_POSTGRES_URL): {type(e).__name__}")
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
