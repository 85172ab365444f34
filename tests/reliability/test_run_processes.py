"""`reportgen run` and its children: nothing outlives it, and one `run` per data folder."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time
from pathlib import Path

import psutil
import pytest
import requests

from tests.conftest import REPORTGEN, SAMPLE, free_port, wait_http

pytestmark = pytest.mark.slow


def start_run(data_dir: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """`reportgen run` in a session of its own on a free port; returns it and its URL.

    It starts with the umask most shells give (022), whatever this test process has.
    """
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(PORT=str(port), REPORTGEN_DATA_DIR=str(data_dir),
               REPORTGEN_WORKER_CONCURRENCY="1")
    with log.open("wb") as out:
        process = subprocess.Popen([REPORTGEN, "run"], env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True,
                                   preexec_fn=lambda: os.umask(0o022))
    url = f"http://127.0.0.1:{port}"
    wait_http(f"{url}/api/v1/health", process)
    return process, url


def alive_in_session(sid: int) -> list[psutil.Process]:
    """The live (not zombie) processes of session ``sid``."""
    found = []
    for p in psutil.process_iter(["pid", "status"]):
        try:
            if os.getsid(p.pid) == sid and p.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(p)
        except (ProcessLookupError, psutil.Error):
            continue
    return found


def wait_all_gone(sid: int, timeout: float = 60.0) -> list[str]:
    """Wait until session ``sid`` has no live process; returns the command lines left."""
    deadline = time.monotonic() + timeout
    while alive_in_session(sid) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = []
    for p in alive_in_session(sid):
        try:
            left.append(" ".join(p.cmdline())[:120])
        except psutil.Error:
            continue
    return left


def children_named(run: subprocess.Popen, word: str) -> list[psutil.Process]:
    return [p for p in psutil.Process(run.pid).children(recursive=True)
            if word in " ".join(p.cmdline())]


def test_killing_run_outright_takes_every_child_with_it(tmp_path):
    run, _url = start_run(tmp_path / "var", tmp_path / "run.log")
    try:
        names = {" ".join(p.cmdline()) for p in psutil.Process(run.pid).children(recursive=True)}
        assert any("redis-server" in n for n in names) and any("gunicorn" in n for n in names)
        assert any("celery" in n for n in names)
        run.kill()  # SIGKILL: no chance to stop anything itself
        run.wait()
        assert wait_all_gone(run.pid) == []
    finally:
        for p in alive_in_session(run.pid):
            p.kill()


def test_a_killed_worker_leaves_no_orphan_and_run_stops(tmp_path):
    run, _url = start_run(tmp_path / "var", tmp_path / "run.log")
    try:
        (worker,) = [p for p in children_named(run, "celery") if p.ppid() == run.pid]
        worker.kill()
        assert run.wait(60) != 0  # the service cannot go on without its worker
        assert wait_all_gone(run.pid) == [], (tmp_path / "run.log").read_text()[-3000:]
    finally:
        for p in alive_in_session(run.pid):
            p.kill()


def test_a_second_run_on_the_same_data_folder_names_the_first_and_leaves_it_serving(tmp_path):
    data_dir = tmp_path / "var"
    first, url = start_run(data_dir, tmp_path / "first.log")
    try:
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        env.update(PORT=str(free_port()), REPORTGEN_DATA_DIR=str(data_dir))
        second = subprocess.run([REPORTGEN, "run"], env=env, capture_output=True, text=True,
                                timeout=60)
        assert second.returncode == 2
        assert f"process {first.pid}" in second.stderr and str(data_dir) in second.stderr
        # The first goes on: its Redis socket is intact and a job completes.
        with SAMPLE.open("rb") as f:
            created = requests.post(f"{url}/api/v1/jobs", files={"data": ("s.xlsx", f)},
                                    data={"template": "gender-equality-month",
                                          "period": "2023"}, timeout=30)
        assert created.status_code == 202, created.text
        status = requests.get(url + created.json()["status_url"] + "?wait=30", timeout=40).json()
        assert status["status"] == "succeeded", status
    finally:
        os.killpg(first.pid, signal.SIGINT)
        first.wait(60)
    assert first.returncode == 0


def loose_rights(folder: Path) -> list[str]:
    """Everything under ``folder`` (itself included) that others than its owner could use."""
    found = []
    for path in [folder, *folder.rglob("*")]:
        mode = path.lstat().st_mode
        if stat.S_ISSOCK(mode) or stat.S_ISLNK(mode):
            continue
        wanted = 0o700 if stat.S_ISDIR(mode) else 0o600
        if stat.S_IMODE(mode) & 0o077 or stat.S_IMODE(mode) != wanted:
            found.append(f"{oct(stat.S_IMODE(mode))} {path.relative_to(folder.parent)}")
    return found


def test_the_data_folder_and_every_file_in_it_are_private(tmp_path):
    data_dir = tmp_path / "var"
    run, url = start_run(data_dir, tmp_path / "run.log")
    try:
        with SAMPLE.open("rb") as f:
            created = requests.post(f"{url}/api/v1/jobs", files={"data": ("s.xlsx", f)},
                                    data={"template": "gender-equality-month",
                                          "period": "2023"}, timeout=30).json()
        status = requests.get(url + created["status_url"] + "?wait=30", timeout=40).json()
        assert status["status"] == "succeeded", status
        names = {p.name for p in data_dir.rglob("*")}
        assert {"reportgen.db", "reportgen.db-wal", "reportgen.db-shm", "secret_key"} <= names
        assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".docx") for n in names)
        assert loose_rights(data_dir) == []
    finally:
        os.killpg(run.pid, signal.SIGINT)
        run.wait(60)
    # Redis wrote its append-only file on the way out: private too.
    assert any("appendonly" in p.name for p in data_dir.rglob("*"))
    assert loose_rights(data_dir) == []
