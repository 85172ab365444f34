"""The seed report as LibreOffice prints it: page count, landscape appendix, text that survives.

Converts with ``soffice --headless`` (a private profile per run, so parallel runs do not clash)
and reads the PDF back with poppler's ``pdfinfo`` and ``pdftotext``. Skipped, with the reason
shown, where LibreOffice or poppler is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from tasks.report.context import ReportOptions
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest
from tasks.settings import REPO_ROOT
from tests.conftest import SAMPLE

pytestmark = pytest.mark.slow
TIMEOUT = 120


def _require(tool: str, package: str) -> str:
    path = shutil.which(tool)
    if path is None:
        pytest.skip(f"{package} ({tool}) not installed: cannot check the PDF rendering")
    return path


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    """The seed report (number 5, 4/12/2023) converted to PDF by LibreOffice."""
    soffice = _require("soffice", "LibreOffice")
    _require("pdftotext", "poppler-utils")
    _require("pdfinfo", "poppler-utils")
    folder = tmp_path_factory.mktemp("pdf")
    options = ReportOptions(report_number="5", report_date=date(2023, 12, 4))
    request = ReportRequest("gender-equality-month", "hoa-binh", "2023", options)
    report = compile_report(Catalog(REPO_ROOT / "doc_templates"), request, SAMPLE.read_bytes())
    source = folder / "report.docx"
    source.write_bytes(report.document)
    profile = (folder / "lo-profile").as_uri()
    command = [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
               "--outdir", str(folder), str(source)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"LibreOffice did not convert the report within {TIMEOUT} s")
    result = folder / "report.pdf"
    assert result.exists(), done.stderr.decode(errors="replace")[-2000:]
    return result


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, check=True, timeout=60,
                          text=True).stdout


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page, from ``pdfinfo -f 1 -l N``."""
    pages = int(re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.M)[1])
    info = _run("pdfinfo", "-f", "1", "-l", str(pages), str(pdf))
    return [(float(w), float(h)) for w, h in
            re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info, re.M)]


def page_text(pdf: Path, page: int | None = None, layout: bool = False) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return _run("pdftotext", *pages, *(["-layout"] if layout else []), str(pdf), "-")


def test_three_to_five_pages_with_the_appendix_landscape_and_last(pdf):
    sizes = page_sizes(pdf)
    assert 3 <= len(sizes) <= 5
    *body, appendix = sizes
    assert all(h > w for w, h in body)
    assert appendix[0] > appendix[1]
    assert "Phụ lục" in page_text(pdf, len(sizes))


@pytest.mark.parametrize("text", ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "1.090 nam, 3.410 nữ",
                                  "361 triệu đồng", "Số: 05/BC-SLĐTBXH", "Lưu: VT, BĐG."])
def test_text_survives(pdf, text):
    # Lines wrap wherever the renderer decides: compare with white space collapsed.
    assert text in " ".join(page_text(pdf).split())


def test_header_lines_do_not_wrap(pdf):
    lines = [" ".join(line.split()) for line in page_text(pdf, 1, layout=True).splitlines()]
    assert any("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in line for line in lines)
    # The agency name breaks after "THƯƠNG BINH", never inside it.
    assert any("SỞ LAO ĐỘNG - THƯƠNG BINH" in line for line in lines)


def test_page_numbers_start_on_page_two(pdf):
    first = page_text(pdf, 1).split()
    second = page_text(pdf, 2).split()
    assert not first[0].isdigit()
    assert second[0] == "2"
