"""The reference as a running service for the length of a ``with`` block: a private
redis-server (the one reportgen's embedded Redis uses, on a Unix socket, no persistence), a
Celery worker (prefork, reportgen's default concurrency) and gunicorn (reportgen's web worker
count, gthread workers so connections are kept alive)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.service import _free_port, _tree_cpu, _wait_healthy
from service.embedded_redis import EmbeddedRedis
from tasks.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


class ReferenceService:
    name = "reference"
    submit_path = "/jobs"
    status_params: dict = {}
    poll_seconds = 0.1  # the client asks again every 100 ms

    def __init__(self, concurrency: int | None = None, web_workers: int = 2) -> None:
        # reportgen's default pool size (``REPORTGEN_WORKER_CONCURRENCY`` unset).
        default = Settings.__dataclass_fields__["worker_concurrency"].default
        self.concurrency = concurrency or default
        self.web_workers = web_workers
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = Path(tempfile.mkdtemp(prefix="rg-bench-ref-"))
        self.stage_file = self.folder / "stage-cpu.jsonl"
        self.processes: list[subprocess.Popen] = []

    def __enter__(self) -> ReferenceService:
        self.redis = EmbeddedRedis(self.folder / "redis", appendonly=False).start()
        env = dict(os.environ, REFERENCE_REDIS_URL=f"redis+socket://{self.redis.socket}",
                   REFERENCE_DATA_DIR=str(self.folder / "data"),
                   REPORTGEN_STAGE_TIMES=str(self.stage_file),
                   PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT),
                                                            os.environ.get("PYTHONPATH")])))
        log = (self.folder / "run.log").open("wb")
        commands = [
            [sys.executable, "-m", "celery", "-A", "bench.reference.worker", "worker",
             "--loglevel", "WARNING", "--concurrency", str(self.concurrency), "--pool",
             "prefork", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.web_workers), "--worker-class", "gthread", "--threads", "4",
             "bench.reference.web:app"],
        ]
        for command in commands:
            self.processes.append(subprocess.Popen(command, env=env, cwd=ROOT, stdout=log,
                                                   stderr=subprocess.STDOUT,
                                                   start_new_session=True))
        log.close()
        try:
            _wait_healthy(f"{self.url}/health", "the reference", self.processes)
        except RuntimeError:
            self.__exit__()
            raise
        return self

    def cpu_seconds(self) -> dict[str, float]:
        return _tree_cpu([self.redis.process.pid, *(p.pid for p in self.processes)])

    def __exit__(self, *_exc) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.redis.stop()
