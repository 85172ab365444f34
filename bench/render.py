"""How long one report takes to render, beside the zip floor and a plain docxtpl render.

The context is the sample's (Hòa Bình 2023) with its unit rows repeated to 10 (the sample), 100,
200, 1.000 or 2.000 units. Three figures per size, each the median and p95 of repeated runs after
warm-up:
- render: ``render_docx`` as the worker calls it (template compiled once, then reused);
- zip floor: writing the same finished parts into a zip (zipfile, deflate level 6);
- naive: a fresh ``docxtpl.DocxTemplate`` load + render + save, per report.

``measure_kind`` times each shipped kind's own sample: the render, and the Decree 30 check the
worker runs on every rendered document.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

from docxtpl import DocxTemplate

from bench.stats import repeat
from tasks.report.conformance import Expected, check_document
from tasks.report.context import ReportOptions
from tasks.report.errors import CatalogError
from tasks.report.intake import examine
from tasks.report.kinds import Catalog
from tasks.report.pipeline import build_context
from tasks.report.render import render_docx, sanitize
from tasks.report.request import ReportRequest, resolve
from tasks.report.template_env import make_environment

ROOT = Path(__file__).resolve().parent.parent


def sample_date(slug: str) -> date:
    """The date a kind's sample report is dated: the seed report's for the gender-equality
    month, else 5 days after the period (as the kind trial does), or its last day when the
    province no longer exists 5 days after it."""
    if slug == "gender-equality-month":
        return date(2023, 12, 4)
    catalog = Catalog(ROOT / "doc_templates")
    kind = catalog.kind(slug)
    period = resolve(catalog, ReportRequest(slug, kind.sample_province,
                                            kind.sample_period)).period
    for day in (period.end + timedelta(days=5), period.end):
        options = ReportOptions(report_date=day)
        try:
            resolve(catalog, ReportRequest(slug, kind.sample_province, kind.sample_period,
                                           options))
        except CatalogError:
            continue
        return day
    return period.end


def kind_context(slug: str) -> tuple[dict, Path, Expected]:
    """A kind's sample context (its own province and period, dated 5 days after the period,
    as the kind trial does), its template path, and what the Decree 30 check expects."""
    catalog = Catalog(ROOT / "doc_templates")
    kind = catalog.kind(slug)
    day = sample_date(slug)
    request = ReportRequest(slug, kind.sample_province, kind.sample_period,
                            ReportOptions(report_number="5", report_date=day))
    resolved = resolve(catalog, request)
    examined = examine(resolved, kind.sample_path.read_bytes())
    if examined.errors:
        raise RuntimeError(f"{slug}: the sample has errors: {examined.errors[:3]}")
    return (build_context(resolved, examined), kind.template_path,
            Expected.of(resolved.period, day))


def sample_context(units: int) -> tuple[dict, Path]:
    """The sample report's context with ``units`` appendix rows, and the template path."""
    context, template, _expected = kind_context("gender-equality-month")
    rows = context["units"]
    context["units"] = [dict(rows[i % len(rows)], no=i + 1, name=f"{rows[i % len(rows)]['name']} "
                             f"{i + 1}") for i in range(units)]
    return context, template


def zip_parts(document: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(document)) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def zip_floor(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, data in parts:
            z.writestr(name, data)
    return out.getvalue()


def naive(template: Path, context: dict) -> bytes:
    doc = DocxTemplate(template)
    doc.render(sanitize(context), jinja_env=make_environment(), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def measure_render(units: int, runs: int = 30) -> dict:
    """Median/p95 milliseconds of render, zip floor and naive docxtpl for ``units`` units."""
    context, template = sample_context(units)
    parts = zip_parts(render_docx(template, context))
    quick = max(5, runs // 3)  # the naive path is slow at 2.000 units
    return {
        "units": units,
        "document_kb": sum(len(d) for _n, d in parts) / 1024,
        "render": repeat(lambda: render_docx(template, context), runs),
        "zip_floor": repeat(lambda: zip_floor(parts), runs),
        "docxtpl_naive": repeat(lambda: naive(template, context), quick if units > 200 else runs),
    }


def measure_kind(slug: str, runs: int = 30) -> dict:
    """Median/p95 milliseconds of rendering a kind's sample and of checking the result."""
    context, template, expected = kind_context(slug)
    document = render_docx(template, context)
    return {"render": repeat(lambda: render_docx(template, context), runs),
            "check": repeat(lambda: check_document(document, expected), max(5, runs // 3)),
            "document_kb": len(document) / 1024}
