"""A private stack per test: its own Redis, data folder and worker processes, killed for real.

Leases, heartbeats and the reconciler run on second scales here so that faults resolve fast.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from service import create_app
from service.embedded_redis import EmbeddedRedis
from service.runner import worker_command
from tasks.settings import REPO_ROOT, load_settings
from tasks.store.records import FINISHED
from tests.conftest import SAMPLE

FAST = {
    # Jobs are submitted before their worker starts: answered at once, checked when taken.
    "REPORTGEN_CHECK_WAIT": "0",
    "REPORTGEN_LEASE_SECONDS": "3",
    "REPORTGEN_RECONCILE_EVERY": "1",
    "REPORTGEN_REQUEUE_AFTER": "2",
    "REPORTGEN_TASK_SOFT_TIME_LIMIT": "20",
    "REPORTGEN_TASK_TIME_LIMIT": "30",
    "REPORTGEN_VISIBILITY_TIMEOUT": "3600",
}


class Stack:
    """Redis, workers and an app sharing one data folder."""

    def __init__(self, root: Path, appendonly: bool = False, **env: str) -> None:
        self.root = root
        self.redis = EmbeddedRedis(root / "redis", appendonly=appendonly)
        self.env_extra = {**FAST, **env}
        self.workers: list[subprocess.Popen] = []
        self.logs: list[Path] = []

    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REPORTGEN_FAULTS")}
        env.update(REPORTGEN_DATA_DIR=str(self.root / "data"), REDIS_URL=self.redis.url,
                   REPORTGEN_SECRET_KEY="test", **self.env_extra, **extra)
        return env

    @property
    def settings(self):
        return load_settings(self.env())

    def start(self) -> Stack:
        self.redis.start()
        self.app = create_app(self.settings, {"TESTING": True})
        self.client = self.app.test_client()
        self.runtime = self.app.extensions["reportgen"]
        return self

    def start_worker(self, concurrency: int = 1, **extra: str):
        env = self.env(**extra)
        log = self.root / f"worker-{len(self.workers)}.log"
        self.logs.append(log)
        with log.open("wb") as out:
            process = subprocess.Popen(worker_command(load_settings(env), concurrency),
                                       env=env, stdout=out, stderr=subprocess.STDOUT,
                                       cwd=REPO_ROOT, start_new_session=True)
        self.workers.append(process)
        self.wait_for(lambda: b"ready." in log.read_bytes() or process.poll() is not None, 60,
                      "worker start")
        assert process.poll() is None, log.read_text()[-3000:]
        return process

    def pool_children(self, worker: subprocess.Popen) -> list[int]:
        """The child processes of a worker: its pool."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(stat[1]) == worker.pid:
                found.append(int(entry.name))
        return found

    def submit(self, **fields) -> str:
        form = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
                "report_date": "2023-12-04", "data": (io.BytesIO(SAMPLE.read_bytes()), "s.xlsx")}
        form.update(fields)
        response = self.client.post("/api/v1/jobs", data=form, content_type="multipart/form-data")
        assert response.status_code == 202, response.get_json()
        return response.get_json()["id"]

    def job(self, job_id: str):
        return self.runtime.jobs.get(job_id)

    def wait_for(self, condition, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                logs = "\n".join(p.read_text()[-2000:] for p in self.logs if p.exists())
                pytest.fail(f"timed out waiting for {what}\n{logs}")
            time.sleep(0.1)

    def wait_finished(self, job_id: str, timeout: float = 60.0):
        self.wait_for(lambda: self.job(job_id).status in FINISHED, timeout,
                      f"job {job_id} to finish")
        return self.job(job_id)

    def wait_running(self, job_id: str, attempt: int = 1, timeout: float = 30.0) -> None:
        self.wait_for(lambda: self.job(job_id).status == "running"
                      and self.job(job_id).attempts == attempt, timeout, f"attempt {attempt}")

    def documents(self) -> list[Path]:
        folder = self.root / "data" / "files" / "documents"
        return sorted(p for p in folder.iterdir() if not p.name.startswith(".")) \
            if folder.exists() else []

    def redis_client(self):
        return self.redis.client()

    def stop(self) -> None:
        for process in self.workers:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.redis.stop()


@pytest.fixture()
def make_stack(tmp_path):
    """Build a started Stack with extra settings (``make_stack(REPORTGEN_…="…")``)."""
    built: list[Stack] = []

    def make(appendonly: bool = False, **env: str) -> Stack:
        built.append(Stack(tmp_path, appendonly, **env).start())
        return built[-1]

    yield make
    for each in built:
        each.stop()


@pytest.fixture()
def stack(make_stack):
    return make_stack()
