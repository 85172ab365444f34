"""The `reportgen` command: offline render, submit over HTTP, and `run` as a user starts it."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from openpyxl import load_workbook

from service.cli import main
from service.job_commands import in_vietnam_time, vietnam_time
from tasks.settings import REPO_ROOT
from tests.conftest import REPORTGEN, SAMPLE, docx_text, free_port, wait_http

JOB = ["--template", "gender-equality-month", "--province", "hoa-binh", "--period", "2023"]


def bad_workbook(tmp_path: Path) -> Path:
    book = load_workbook(SAMPLE)
    book["Đơn vị"]["E6"] = "mười"
    path = tmp_path / "bad.xlsx"
    book.save(path)
    return path


def test_render_offline_writes_the_report(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    out = tmp_path / "bc.docx"
    result = CliRunner().invoke(main, ["render", *JOB, "--data", str(SAMPLE), "--output", str(out),
                                       "--report-date", "2023-12-04"])
    assert result.exit_code == 0, result.output
    assert "1.090 nam, 3.410 nữ" in docx_text(out.read_bytes())


def test_render_bad_data_exits_1_naming_cells(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(main, ["render", *JOB, "--data", str(bad_workbook(tmp_path)),
                                       "--output", str(tmp_path / "x.docx")])
    assert result.exit_code == 1
    assert "Đơn vị E6" in result.output and "not_a_number" in result.output
    assert not (tmp_path / "x.docx").exists()


def test_render_usage_errors_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(main, ["render", "--template", "gender-equality-month",
                                       "--period", "2023-Q9", "--data", str(SAMPLE),
                                       "--output", str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and "invalid_period" in result.output
    assert CliRunner().invoke(main, ["render", "--period", "2023"]).exit_code == 2


def test_period_help_offers_no_form_no_kind_accepts():
    for command in ("submit", "render", "validate"):
        shown = " ".join(CliRunner().invoke(main, [command, "--help"]).output.split())
        assert "2023-Q4" not in shown and "or a range" not in shown
        assert "e.g. 2023 or 2025-H1; the forms accepted depend on the kind" in shown
        assert ".xlsx, .ods or .csv" in shown


def test_jobs_commands_print_vietnam_time_with_its_offset():
    assert vietnam_time("2026-11-30T15:12:24.5+00:00") == "2026-11-30 22:12:24+07:00"
    assert vietnam_time("2026-11-30T18:00:00") == "2026-12-01 01:00:00+07:00"  # naive: UTC
    job = in_vietnam_time({"id": "x", "created_at": "2026-11-30T15:12:24+00:00",
                           "finished_at": None, "period": "2025"})
    assert job == {"id": "x", "created_at": "2026-11-30T22:12:24+07:00", "finished_at": None,
                   "period": "2025"}


@pytest.mark.parametrize("options, code", [
    (["--period", "2025-13"], "invalid_period"),
    (["--period", "2023-12-15..2023-11-15"], "invalid_period"),
    (["--period", "2023", "--report-number", "1" * 50], "invalid_report_number"),
    (["--period", "2023", "--signer-name", "Nguyễn Văn A 😀"], "invalid_signer"),
    (["--period", "2023", "--signer-title", "T" * 81], "invalid_signer"),
    (["--period", "2023", "--signer-title", "KT. Giám đốc"], "invalid_signer"),
])
def test_render_refuses_an_impossible_period_and_bad_header_fields(tmp_path, monkeypatch,
                                                                   options, code):
    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    result = CliRunner().invoke(main, ["render", "--template", "gender-equality-month",
                                       "--province", "hoa-binh", *options, "--data",
                                       str(SAMPLE), "--output", str(tmp_path / "x.docx")])
    assert result.exit_code == 2 and code in result.output, result.output
    assert "1" * 20 not in result.output
    assert not (tmp_path / "x.docx").exists()


def test_render_the_director_signs_without_kt(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    out = tmp_path / "bc.docx"
    result = CliRunner().invoke(main, ["render", *JOB, "--data", str(SAMPLE), "--output", str(out),
                                       "--signer-title", "GIÁM ĐỐC", "--signer-name",
                                       "Nguyễn Văn A"])
    assert result.exit_code == 0, result.output
    text = docx_text(out.read_bytes())
    assert "GIÁM ĐỐC" in text and "Nguyễn Văn A" in text and "KT." not in text


def test_workbook_command_writes_the_blank_workbook(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    out = tmp_path / "blank.xlsx"
    result = CliRunner().invoke(main, ["workbook", "--template", "gender-equality-month",
                                       "--province", "phu-tho", "--period", "2025",
                                       "--output", str(out)])
    assert result.exit_code == 0, result.output
    units = [r[0].value for r in load_workbook(out)["Đơn vị"].iter_rows(min_row=3)]
    assert len(units) > 100 and all(u.startswith(("xã ", "phường ")) for u in units)


@pytest.mark.slow
def test_submit_wait_downloads_the_document(web_server, tmp_path):
    clean_env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    result = subprocess.run([REPORTGEN, "submit", "--server", web_server, *JOB, "--data",
                             str(SAMPLE), "--report-date", "2023-12-04", "--wait",
                             "--output", str(tmp_path)], env=clean_env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    saved = Path(result.stdout.strip().splitlines()[-1])
    assert saved.name == "Báo cáo Tháng hành động vì bình đẳng giới năm 2023 - Hòa Bình.docx"
    assert "56.805 nam, 62.783 nữ" in docx_text(saved.read_bytes())
    assert "100%" in result.stderr


@pytest.mark.slow
def test_submit_failed_job_exits_1_with_cells(web_server, tmp_path):
    result = subprocess.run([REPORTGEN, "submit", "--server", web_server, *JOB, "--data",
                             str(bad_workbook(tmp_path)), "--wait"], capture_output=True,
                            text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 1
    assert "Đơn vị E6" in result.stderr
    # The worker's refusal is kept as a job, named for `reportgen jobs show`.
    assert re.search(r"reportgen: job [0-9a-f-]{36} rejected", result.stderr), result.stderr


def test_submit_to_nowhere_exits_3(tmp_path):
    result = subprocess.run([REPORTGEN, "submit", "--server", f"http://127.0.0.1:{free_port()}",
                             *JOB, "--data", str(SAMPLE)], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path)
    assert result.returncode == 3 and "Không kết nối được máy chủ" in result.stderr
    assert "Max retries" not in result.stderr and "HTTPConnectionPool" not in result.stderr


def _session_processes(sid: int) -> list[str]:
    """Command lines of the live processes in session ``sid`` (zombies excepted)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getsid(int(entry.name)) == sid and \
                        " Z " not in (entry / "stat").read_text().split(")", 1)[1][:3]:
                    found.append((entry / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except (ProcessLookupError, PermissionError, FileNotFoundError):
                continue
    return found


@pytest.mark.slow
def test_run_starts_everything_and_ctrl_c_stops_everything(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(PORT=str(port), REPORTGEN_DATA_DIR=str(tmp_path / "var"),
               REPORTGEN_WORKER_CONCURRENCY="1", HOME=str(tmp_path / "home"),
               TMPDIR=str(tmp_path / "tmp"))
    (tmp_path / "home").mkdir()
    (tmp_path / "tmp").mkdir()
    process = subprocess.Popen([REPORTGEN, "run"], env=env, cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/api/v1/health", process)
        with SAMPLE.open("rb") as f:
            created = requests.post(f"{url}/api/v1/jobs", files={"data": ("s.xlsx", f)},
                                    data={"template": "gender-equality-month", "period": "2023"},
                                    timeout=30).json()
        deadline = time.monotonic() + 60
        while (job := requests.get(url + created["status_url"], timeout=5).json())["status"] \
                not in ("succeeded", "failed", "rejected") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert job["status"] == "succeeded", job
        assert requests.get(url + job["document"]["url"], timeout=5).status_code == 200
        if shutil.which("soffice"):  # the worker's warm LibreOffice starts, and must go too
            pdf = requests.get(url + job["document"]["url"] + "?format=pdf&wait=60", timeout=90)
            assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.text[:300]
        assert (tmp_path / "var" / "redis" / "appendonly.aof").exists() or \
            (tmp_path / "var" / "redis" / "appendonlydir").exists()
    finally:
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        output = process.communicate(timeout=60)[0].decode()
    assert process.returncode == 0, output[-3000:]
    deadline = time.monotonic() + 10  # children may still be finishing their exit
    while _session_processes(process.pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _session_processes(process.pid) == [], output[-3000:]
    # A clean stop: no traceback, nothing left in the home or temporary folders.
    assert "Traceback" not in output, output[-3000:]
    # (an empty ~/.config may be made by a library; no file, no socket such as gunicorn's)
    assert [p for p in (tmp_path / "home").rglob("*") if not p.is_dir()] == []
    assert list((tmp_path / "tmp").iterdir()) == []


def test_check_passes_a_generated_report_and_lists_deviations(tmp_path, monkeypatch):
    import docx
    from docx.shared import Mm

    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    good = tmp_path / "good.docx"
    CliRunner().invoke(main, ["render", *JOB, "--data", str(SAMPLE), "--output", str(good),
                              "--report-number", "5", "--report-date", "2023-12-04"])
    result = CliRunner().invoke(main, ["check", str(good)])
    assert result.exit_code == 0, result.output
    assert "đạt thể thức" in result.output
    document = docx.Document(good)
    document.sections[0].left_margin = Mm(20)
    bad = tmp_path / "bad.docx"
    document.save(bad)
    result = CliRunner().invoke(main, ["check", str(good), str(bad)])
    assert result.exit_code == 1
    assert "[page.margin] page.margin.left" in result.output
    not_docx = tmp_path / "x.docx"
    not_docx.write_bytes(b"plain text")
    assert CliRunner().invoke(main, ["check", str(not_docx)]).exit_code == 2


def test_templates_check_passes_the_shipped_template_and_locates_problems(tmp_path, monkeypatch):
    import zipfile

    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    shipped = REPO_ROOT / "doc_templates" / "gender-equality-month" / "template.docx"
    result = CliRunner().invoke(main, ["templates", "check", str(shipped)])
    assert result.exit_code == 0, result.output
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(shipped) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"{{ totals.launch_events|qty }}",
                                    b"{{ totals.launch_events|qty }}{{ totalz }}", 1)
            target.writestr(item, data)
    result = CliRunner().invoke(main, ["templates", "check", str(broken),
                                       "--template", "gender-equality-month"])
    assert result.exit_code == 1
    assert "[unknown_variable] word/document.xml, đoạn" in result.output
    assert "totalz" in result.output


def test_check_with_a_period_flags_a_date_and_title_that_do_not_fit(tmp_path, monkeypatch):
    import docx

    monkeypatch.setenv("REPORTGEN_DATA_DIR", str(tmp_path / "var"))
    good = tmp_path / "good.docx"
    CliRunner().invoke(main, ["render", *JOB, "--data", str(SAMPLE), "--output", str(good),
                              "--report-number", "5", "--report-date", "2023-12-04"])
    kind = ["--template", "gender-equality-month"]
    result = CliRunner().invoke(main, ["check", str(good), "--period", "2023", *kind])
    # No signer's name: a warning, listed apart, that does not fail the check.
    assert result.exit_code == 0, result.output
    assert "đạt thể thức, 1 lưu ý" in result.output and "Lưu ý:" in result.output
    assert "[signature.no_name]" in result.output and "Lỗi:" not in result.output
    # The same report checked as a Decree 09 six-month report: its title does not fit.
    result = CliRunner().invoke(main, ["check", str(good), "--period", "2023-H2"])
    assert result.exit_code == 1, result.output
    assert "[title.period] title.summary" in result.output and "«Tháng hành động»" in result.output
    # Dated three years later (the date is read from the header).
    document = docx.Document(good)
    for p in document.element.body.iter(docx.oxml.ns.qn("w:t")):
        p.text = (p.text or "").replace("ngày 04 tháng 12 năm 2023", "ngày 30 tháng 11 năm 2026")
    late = tmp_path / "late.docx"
    document.save(late)
    result = CliRunner().invoke(main, ["check", str(late), "--period", "2023", *kind])
    assert result.exit_code == 1 and "[date.window] header.place_date" in result.output
    assert "30/11/2026" in result.output
    bad_period = CliRunner().invoke(main, ["check", str(good), "--period", "2023-Q9"])
    assert bad_period.exit_code == 2 and "invalid_period" in bad_period.output
