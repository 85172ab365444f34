"""The warm LibreOffice: converts the seed report, restarts after N conversions, replaces a
hung LibreOffice, dies with its process, and says why when LibreOffice is missing.

Real LibreOffice (through unoserver), read back with poppler's pdffonts and pdftotext, an
independent reader. Skipped, saying why, where LibreOffice or poppler is not installed.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from tasks.pdf import PdfError
from tasks.pdf.office import OfficeConverter, find_office
from tasks.pdf.preview import render_pages
from tasks.report.context import ReportOptions
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest
from tasks.settings import REPO_ROOT
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow


def _require_office() -> None:
    office = find_office()
    if isinstance(office, str):
        pytest.skip(f"no LibreOffice here: {office}")
    for tool in ("pdffonts", "pdftotext"):
        if shutil.which(tool) is None:
            pytest.skip(f"poppler-utils ({tool}) not installed")


def seed_docx() -> bytes:
    options = ReportOptions(report_number="5", report_date=date(2023, 12, 4))
    request = ReportRequest("gender-equality-month", "hoa-binh", "2023", options)
    return compile_report(Catalog(REPO_ROOT / "doc_templates"), request,
                          SAMPLE.read_bytes()).document


@pytest.fixture(scope="module")
def converter():
    _require_office()
    converter = OfficeConverter(timeout=30, restart_after=3)
    yield converter
    converter.close()


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def _wait_gone(pids: list[int], timeout: float = 30.0) -> list[int]:
    deadline = time.monotonic() + timeout
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return [p for p in pids if _alive(p)]


def test_the_seed_report_converts_with_times_metric_fonts_and_its_text(converter, tmp_path):
    pdf = converter.convert(seed_docx())
    path = tmp_path / "seed.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    families = {line.split()[0].split("+")[-1].split("-")[0] for line in fonts}
    assert families and families <= {"LiberationSerif", "TimesNewRomanPS", "TimesNewRoman",
                                     "Tinos"}, fonts
    assert all(" yes " in line for line in fonts)  # embedded: prints the same elsewhere
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "1.090 nam, 3.410 nữ" in text and "Số: 05/BC-SLĐTBXH" in text
    pages = render_pages(pdf)
    assert len(pages) == 4 and all(p.startswith(b"\x89PNG") for p in pages)


def test_it_is_kept_warm_then_restarted_after_n_conversions(converter):
    docx = seed_docx()
    converter.convert(docx)
    first = [converter.process.pid, *converter.office_pids()]
    starts = converter.starts
    while converter.conversions != 0:  # up to restart_after (3)
        converter.convert(docx)
    assert converter.starts == starts + 1 and converter.process.pid != first[0]
    assert _wait_gone(first) == []  # the old LibreOffice is gone, not left beside the new
    assert converter.convert(docx).startswith(b"%PDF")


def test_a_hung_libreoffice_is_replaced(tmp_path):
    _require_office()
    converter = OfficeConverter(timeout=10, restart_after=100)
    try:
        docx = seed_docx()
        converter.convert(docx)
        hung_server, hung_office = converter.process.pid, converter.office_pids()
        for pid in hung_office:  # LibreOffice stops answering mid-service
            os.kill(pid, signal.SIGSTOP)
        with pytest.raises(PdfError) as caught:
            converter.convert(docx)
        assert caught.value.code == "pdf_timeout"
        assert _wait_gone([hung_server, *hung_office]) == []
        assert converter.convert(docx).startswith(b"%PDF")  # a fresh LibreOffice
        assert converter.process.pid != hung_server
    finally:
        converter.close()


@pytest.mark.parametrize("end", ["SIGKILL of its owner", "SIGTERM to the process group"])
def test_libreoffice_dies_with_the_process_that_started_it(end, tmp_path):
    # The owner converts once (so LibreOffice is fully up), then is ended as a killed pool
    # child or a stopped worker would be: nothing of LibreOffice may stay behind.
    _require_office()
    script = ("from tasks.pdf.office import OfficeConverter; import sys, time; "
              "from tests.pdf.test_office import seed_docx; "
              "c = OfficeConverter(); c.convert(seed_docx()); "
              "print(c.process.pid, *c.office_pids(), flush=True); time.sleep(600)")
    owner = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                             cwd=REPO_ROOT, text=True, start_new_session=True)
    try:
        pids = [int(p) for p in owner.stdout.readline().split()]
    finally:
        if end.startswith("SIGKILL"):
            owner.kill()  # no chance to clean up
        else:
            os.killpg(owner.pid, signal.SIGTERM)
        owner.wait()
    assert len(pids) >= 3  # unoserver, LibreOffice's launcher and soffice.bin
    assert _wait_gone(pids) == []


def test_without_libreoffice_it_says_so(tmp_path):
    converter = OfficeConverter(soffice=str(tmp_path / "no-soffice"))
    with pytest.raises(PdfError) as caught:
        converter.convert(b"PK")
    assert caught.value.code == "pdf_unavailable"
    assert "LibreOffice" in caught.value.message and ".docx" in caught.value.message
    assert converter.process is None
