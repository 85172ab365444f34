"""PDF conversion of the seed report: the warm converter (unoserver) against a cold
``soffice --convert-to pdf`` per document, and how long the converter takes to start."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.stats import repeat, summary
from tasks.pdf.office import OfficeConverter, find_office
from tasks.report.context import ReportOptions
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "doc_templates" / "gender-equality-month" / "sample.xlsx"


def seed_docx() -> bytes:
    options = ReportOptions(report_number="5", report_date=date(2023, 12, 4))
    request = ReportRequest("gender-equality-month", "hoa-binh", "2023", options)
    return compile_report(Catalog(ROOT / "doc_templates"), request,
                          SAMPLE.read_bytes()).document


def _cold(docx: bytes, soffice: str) -> float:
    """One document the cold way: a fresh soffice process (own profile) per document."""
    with tempfile.TemporaryDirectory(prefix="rg-bench-pdf-") as folder:
        source = Path(folder) / "seed.docx"
        source.write_bytes(docx)
        started = time.perf_counter()
        subprocess.run([soffice, f"-env:UserInstallation={Path(folder, 'p').as_uri()}",
                        "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)],
                       capture_output=True, check=True, timeout=180)
        elapsed = time.perf_counter() - started
        assert (Path(folder) / "seed.pdf").exists()
    return elapsed


def measure_pdf(runs: int = 30, cold_runs: int = 5) -> dict | None:
    """Warm p50/p95 over ``runs`` conversions, cold over ``cold_runs``; ``None`` without
    LibreOffice."""
    office = find_office()
    if isinstance(office, str):
        return None
    docx = seed_docx()
    converter = OfficeConverter(restart_after=10_000)
    try:
        started = time.perf_counter()
        converter.wait_ready()
        start_s = time.perf_counter() - started
        warm = repeat(lambda: converter.convert(docx), runs, warmup=5)
    finally:
        converter.close()
    cold = summary([_cold(docx, shutil.which(office.soffice) or office.soffice)
                    for _ in range(cold_runs)])
    return {"warm": warm, "cold": cold, "converter_start_s": start_s}
