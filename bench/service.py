"""End-to-end figures against `reportgen run` and against the reference (``bench.reference``):
latency, throughput, CPU per document (by process and by stage of the worker), and validating
a large activity log over HTTP.

Each measurement starts its own service on a free port with a fresh data folder, so runs do not
see each other's jobs. Both services are driven by the same client code (``one_document``):
submit the workbook, ask for the status until the job ends, download the .docx. reportgen's
status resource waits for the end itself (``?wait=30``); the reference has no such resource,
so the client asks again every 100 ms, as its authors would.
"""

from __future__ import annotations

import json
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

from bench.intake import counted_rows, write_log
from bench.stats import repeat, summary
from service.client import FINISHED

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "doc_templates" / "gender-equality-month" / "sample.xlsx"
FIELDS = {"template": "gender-equality-month", "province": "hoa-binh", "period": "2023",
          "report_date": "2023-12-04"}
# What each stage of the worker's job is called in the figures (``tasks.stage_clock``).
STAGE_NAMES = {"claim": "claim", "load": "load", "reading": "parse", "validating": "validate",
               "aggregating": "aggregate", "rendering": "render", "checking": "check",
               "storing": "store", "commit": "commit", "after": "after"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, what: str, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise RuntimeError(f"{what} exited while starting")
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up")


def _tree_cpu(roots: list[int]) -> dict[str, float]:
    """CPU seconds used so far by the process trees under ``roots``: web, worker, redis, other."""
    parts = {"web": 0.0, "worker": 0.0, "redis": 0.0, "other": 0.0}
    seen: set[int] = set()
    for pid in roots:
        try:
            root = psutil.Process(pid)
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            continue
        for p in tree:
            if p.pid in seen:
                continue
            seen.add(p.pid)
            try:
                times, line = p.cpu_times(), " ".join(p.cmdline())
            except psutil.NoSuchProcess:
                continue
            part = ("web" if "gunicorn" in line else "worker" if "celery" in line
                    else "redis" if "redis-server" in line else "other")
            # children_*: pool processes that were replaced (max tasks per child) still count.
            parts[part] += (times.user + times.system + times.children_user
                            + times.children_system)
    return parts


class Service:
    """A `reportgen run` process tree for the length of a ``with`` block."""

    name = "reportgen"
    submit_path = "/api/v1/jobs"
    status_params = {"wait": 30}  # the server answers when the job ends
    poll_seconds = 0.0

    def __init__(self, concurrency: int | None = None, env: dict | None = None) -> None:
        """``env``: more environment variables for the service."""
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = tempfile.mkdtemp(prefix="rg-bench-")
        self.stage_file = Path(self.folder) / "stage-cpu.jsonl"
        self.env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        self.env.update(PORT=str(self.port), REPORTGEN_DATA_DIR=self.folder,
                        REPORTGEN_STAGE_TIMES=str(self.stage_file), **(env or {}))
        if concurrency:
            self.env["REPORTGEN_WORKER_CONCURRENCY"] = str(concurrency)

    def __enter__(self) -> Service:
        reportgen = str(Path(sys.executable).with_name("reportgen"))
        self.log = Path(self.folder) / "run.log"
        with self.log.open("wb") as out:
            self.process = subprocess.Popen([reportgen, "run"], env=self.env, cwd=self.folder,
                                            stdout=out, stderr=subprocess.STDOUT,
                                            start_new_session=True)
        try:
            _wait_healthy(f"{self.url}/api/v1/health", "reportgen run", [self.process])
        except RuntimeError:
            self.__exit__()
            raise
        return self

    def cpu_seconds(self) -> dict[str, float]:
        """CPU time used so far by the process tree, by part: web, worker, redis, other."""
        return _tree_cpu([self.process.pid])

    def __exit__(self, *_exc) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(60)


def one_document(session: requests.Session, service, data: bytes,
                 fields: dict | None = None, name: str = "sample.xlsx") -> float:
    """Submit a workbook, ask for the status until the job ends, download the document;
    returns seconds taken."""
    started = time.perf_counter()
    url = service.url
    response = session.post(url + service.submit_path, data=fields or FIELDS,
                            files={"data": (name, data)}, timeout=30)
    response.raise_for_status()
    created = response.json()
    while True:
        job = session.get(url + created["status_url"], params=service.status_params,
                          timeout=60).json()
        if job["status"] == "succeeded":
            break
        if job["status"] in FINISHED:  # and not succeeded
            raise RuntimeError(job["errors"] or job["status"])
        if service.poll_seconds:
            time.sleep(service.poll_seconds)
    session.get(url + job["document"]["url"], timeout=30).raise_for_status()
    return time.perf_counter() - started


def sequential_latency(runs: int = 100, warmup: int = 10, service_class=Service) -> dict:
    """Submit → downloadable, one at a time: p50/p95 in ms."""
    data = SAMPLE.read_bytes()
    with service_class() as service, requests.Session() as session:
        for _ in range(warmup):
            one_document(session, service, data)
        times = [one_document(session, service, data) for _ in range(runs)]
    return summary(times)


def kind_fields(slug: str) -> dict:
    """The form of a kind's own sample: its province and period, dated as ``sample_date``."""
    from bench.render import sample_date
    from tasks.report.kinds import Catalog

    kind = Catalog(ROOT / "doc_templates").kind(slug)
    return {"template": slug, "province": kind.sample_province, "period": kind.sample_period,
            "report_date": sample_date(slug).isoformat()}


def kinds_latency(slugs: list[str], runs: int = 30, warmup: int = 3) -> dict:
    """End to end, one at a time, for each kind's own sample (one service for all)."""
    found = {}
    with Service() as service, requests.Session() as session:
        for slug in slugs:
            fields = kind_fields(slug)
            data = (ROOT / "doc_templates" / slug / "sample.xlsx").read_bytes()
            for _ in range(warmup):
                one_document(session, service, data, fields)
            found[slug] = summary([one_document(session, service, data, fields)
                                   for _ in range(runs)])
    return found


def _stage_lines(path: Path) -> list[dict]:
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [line for line in lines if line.get("outcome") == "succeeded"]


def throughput(clients: int = 8, seconds: float = 60.0, concurrency: int | None = None,
               service_class=Service) -> dict:
    """Documents per second with ``clients`` submitting in a loop; CPU ms per document, by
    process and by stage of the worker's job."""
    data = SAMPLE.read_bytes()
    done, errors = [], []
    with service_class(concurrency) as service:
        with requests.Session() as warm:
            for _ in range(5):
                one_document(warm, service, data)
        time.sleep(0.5)  # the warm-up's last stage lines are written
        service.stage_file.unlink(missing_ok=True)
        stop = time.monotonic() + seconds
        cpu_before = service.cpu_seconds()
        client_before = _own_cpu()

        def client() -> None:
            with requests.Session() as session:
                while time.monotonic() < stop:
                    try:
                        done.append(one_document(session, service, data))
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
        stages = _stage_lines(service.stage_file)
    count = max(1, len(done))
    by_part = {k: round(1000 * (cpu_after[k] - cpu_before[k]) / count, 2) for k in cpu_after}
    by_stage: dict[str, float] = {}
    for line in stages:
        for stage, ms in line["cpu_ms"].items():
            key = STAGE_NAMES.get(stage, stage)
            by_stage[key] = by_stage.get(key, 0.0) + ms
    by_stage = {k: round(v / max(1, len(stages)), 2) for k, v in by_stage.items()}
    if by_stage:
        # What the worker spent outside the job's own code: Celery's receive, ack, IPC, the
        # pool's bookkeeping, the periodic passes.
        by_stage["celery and other"] = round(by_part["worker"] - sum(by_stage.values()), 2)
    return {"service": service.name, "docs_per_s": len(done) / elapsed,
            "documents": len(done), "errors": len(errors), "error_sample": errors[:3],
            "cpu_ms_per_doc": round(sum(by_part.values()), 2), "cpu_ms_per_doc_by_part": by_part,
            "worker_cpu_ms_by_stage": by_stage, "stage_lines": len(stages),
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
            if not body["valid"] or counted_rows(body["summary"]) != rows:
                raise RuntimeError(f"unexpected answer: {str(body)[:300]}")

        figures = repeat(once, runs, warmup)
    return {**figures, "rows": rows, "file_mb": round(len(data) / 2**20, 2)}


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
