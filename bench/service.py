"""End-to-end figures against `reportgen run`: latency, throughput, CPU per document, and
validating a large activity log over HTTP.

Each measurement starts its own service (embedded Redis, the default worker pool, gunicorn) on
a free port with a fresh data folder, so runs do not see each other's jobs.
"""

from __future__ import annotations

import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import requests

from bench.intake import write_log
from bench.stats import repeat, summary

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "doc_templates" / "gender-equality-month" / "sample.xlsx"
FIELDS = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
          "report_date": "2023-12-04"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    """A `reportgen run` process tree for the length of a ``with`` block."""

    def __init__(self, concurrency: int | None = None, env: dict | None = None) -> None:
        """``env``: more environment variables for the service."""
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = tempfile.mkdtemp(prefix="rg-bench-")
        self.env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        self.env.update(PORT=str(self.port), REPORTGEN_DATA_DIR=self.folder, **(env or {}))
        if concurrency:
            self.env["REPORTGEN_WORKER_CONCURRENCY"] = str(concurrency)

    def __enter__(self) -> Service:
        reportgen = str(Path(sys.executable).with_name("reportgen"))
        self.log = Path(self.folder) / "run.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen([reportgen, "run"], env=self.env, cwd=self.folder,
                                            stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError("reportgen run did not come up")

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far by the process tree, by part: web, worker, redis, other."""
        root = psutil.Process(self.process.pid)
        parts = {"web": 0.0, "worker": 0.0, "redis": 0.0, "other": 0.0}
        for p in [root, *root.children(recursive=True)]:
            try:
                times, line = p.cpu_times(), " ".join(p.cmdline())
            except psutil.NoSuchProcess:
                continue
            part = ("web" if "gunicorn" in line else "worker" if "celery" in line
                    else "redis" if "redis-server" in line else "other")
            # children_*: pool processes that were replaced (max tasks per child) still count.
            parts[part] += times.user + times.system + times.children_user + times.children_system
        return parts

    def __exit__(self, *_exc) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(60)


def one_document(session: requests.Session, url: str, data: bytes) -> float:
    """Submit the sample and poll until the document downloads; returns seconds taken."""
    started = time.perf_counter()
    created = session.post(f"{url}/api/v1/jobs", data=FIELDS,
                           files={"data": ("sample.xlsx", data)}, timeout=30).json()
    while True:  # the status resource waits for the end itself (no client-side polling)
        job = session.get(url + created["status_url"], params={"wait": 30}, timeout=60).json()
        if job["status"] == "succeeded":
            break
        if job["status"] in ("failed", "cancelled"):
            raise RuntimeError(job["errors"] or job["status"])
    session.get(url + job["document"]["url"], timeout=30).raise_for_status()
    return time.perf_counter() - started


def sequential_latency(runs: int = 100, warmup: int = 10) -> dict:
    """Submit → downloadable, one at a time: p50/p95 in ms."""
    data = SAMPLE.read_bytes()
    with Service() as service, requests.Session() as session:
        for _ in range(warmup):
            one_document(session, service.url, data)
        times = [one_document(session, service.url, data) for _ in range(runs)]
    return summary(times)


def throughput(clients: int = 8, seconds: float = 60.0, concurrency: int | None = None) -> dict:
    """Documents per second with ``clients`` submitting in a loop; CPU seconds per document."""
    data = SAMPLE.read_bytes()
    done, errors = [], []
    with Service(concurrency) as service:
        with requests.Session() as warm:
            for _ in range(5):
                one_document(warm, service.url, data)
        stop = time.monotonic() + seconds
        cpu_before = service.cpu_seconds()
        client_before = _own_cpu()

        def client() -> None:
            with requests.Session() as session:
                while time.monotonic() < stop:
                    try:
                        done.append(one_document(session, service.url, data))
                    except (requests.RequestException, RuntimeError) as e:
                        errors.append(str(e))

        threads = [threading.Thread(target=client) for _ in range(clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        cpu_after = service.cpu_seconds()
        client_cpu = _own_cpu() - client_before
    count = max(1, len(done))
    by_part = {k: round(1000 * (cpu_after[k] - cpu_before[k]) / count, 2) for k in cpu_after}
    return {"docs_per_s": len(done) / elapsed, "documents": len(done), "errors": len(errors),
            "cpu_ms_per_doc": sum(by_part.values()), "cpu_ms_per_doc_by_part": by_part,
            "client_cpu_ms_per_doc": round(1000 * client_cpu / count, 2),
            "latency": summary(done) if done else {}}


def validate_over_http(rows: int = 100_000, runs: int = 10, warmup: int = 2) -> dict:
    """``POST /api/v1/validate`` of an activity log CSV of ``rows`` rows: upload, multipart
    parsing, reading, validation and aggregation, answered as JSON; p50/p95 in ms."""
    data = write_log(rows, "csv")
    with Service() as service, requests.Session() as session:
        def once() -> None:
            response = session.post(f"{service.url}/api/v1/validate", data=FIELDS,
                                    files={"data": ("log.csv", data)}, timeout=120)
            response.raise_for_status()
            body = response.json()
            if not body["valid"] or body["summary"]["activity_log"]["rows"] != rows:
                raise RuntimeError(f"unexpected answer: {str(body)[:300]}")

        figures = repeat(once, runs, warmup)
    return {**figures, "rows": rows, "file_mb": round(len(data) / 2**20, 2)}


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
