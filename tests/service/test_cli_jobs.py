"""`reportgen submit --idempotency-key --format`, `reportgen jobs …`, and the progress bar on
a terminal: the real command against a real gunicorn and worker."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import uuid
from pathlib import Path

import pytest

from tests.conftest import REPORTGEN, SAMPLE, docx_text

pytestmark = pytest.mark.slow
JOB = ["--template", "gender-equality-month", "--province", "hoa-binh", "--period", "2023",
       "--report-date", "2023-12-04"]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "HOME": str(cwd)}
    return subprocess.run([REPORTGEN, *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=180)


def test_submit_with_an_idempotency_key_twice_is_one_job(web_server, tmp_path):
    key = f"cli-{uuid.uuid4().hex[:8]}"
    first = run("submit", "--server", web_server, *JOB, "--data", str(SAMPLE),
                "--idempotency-key", key, cwd=tmp_path)
    second = run("submit", "--server", web_server, *JOB, "--data", str(SAMPLE),
                 "--idempotency-key", key, cwd=tmp_path)
    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert first.stdout.split()[1] == second.stdout.split()[1]


def test_jobs_list_show_download_both_and_cancel(web_server, tmp_path):
    done = run("submit", "--server", web_server, *JOB, "--data", str(SAMPLE), "--wait",
               "--format", "both", "--output", str(tmp_path), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    job_id = done.stdout.split()[1]
    saved = [Path(line) for line in done.stdout.strip().splitlines()[1:]]
    assert [p.suffix for p in saved] == [".docx", ".pdf"]
    assert saved[1].read_bytes().startswith(b"%PDF")
    listed = run("jobs", "list", "--server", web_server, "--status", "succeeded",
                 "--province", "hoa-binh", "--period", "2023", cwd=tmp_path)
    assert listed.returncode == 0 and job_id in listed.stdout
    assert all(" succeeded " in line for line in listed.stdout.splitlines())
    assert all(re.search(r" \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+07:00 ", line)
               for line in listed.stdout.splitlines())  # Vietnam time, as the pages show
    shown = run("jobs", "show", "--server", web_server, job_id, cwd=tmp_path)
    assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == job_id
    assert json.loads(shown.stdout)["created_at"].endswith("+07:00")
    out = tmp_path / "again"
    out.mkdir()
    got = run("jobs", "download", "--server", web_server, job_id, "--output", str(out),
              cwd=tmp_path)
    assert got.returncode == 0, got.stderr
    assert "56.805 nam, 62.783 nữ" in docx_text(Path(got.stdout.strip()).read_bytes())
    refused = run("jobs", "cancel", "--server", web_server, job_id, cwd=tmp_path)
    assert refused.returncode == 2 and "job_finished" in refused.stderr
    missing = run("jobs", "show", "--server", web_server, str(uuid.uuid4()), cwd=tmp_path)
    assert missing.returncode == 2 and "job_not_found" in missing.stderr


def test_submit_wait_draws_a_progress_bar_on_a_terminal(web_server, tmp_path):
    controller, terminal = pty.openpty()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "COLUMNS": "100"}
    process = subprocess.Popen([REPORTGEN, "submit", "--server", web_server, *JOB, "--data",
                                str(SAMPLE), "--wait", "--output", str(tmp_path)],
                               env=env, cwd=tmp_path, stdin=terminal, stdout=subprocess.PIPE,
                               stderr=terminal)
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        seen += chunk
    stdout = process.communicate(timeout=120)[0].decode()
    os.close(controller)
    assert process.returncode == 0, seen.decode(errors="replace")
    screen = seen.decode(errors="replace")
    assert "[" in screen and "#" in screen and "100%" in screen  # click's bar, filled
    assert stdout.strip().splitlines()[-1].endswith(".docx")
