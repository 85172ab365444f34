"""How long one report takes to render, beside the zip floor and a plain docxtpl render.

The context is the sample's (Hòa Bình 2023) with its unit rows repeated to 10, 200 or 2.000
units. Three figures per size, each the median and p95 of repeated runs after warm-up:
- render: ``render_docx`` as the worker calls it (template compiled once, then reused);
- zip floor: writing the same finished parts into a zip (zipfile, deflate level 6);
- naive: a fresh ``docxtpl.DocxTemplate`` load + render + save, per report.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

from docxtpl import DocxTemplate

from bench.stats import repeat
from tasks.report.context import ReportOptions, common_context
from tasks.report.kinds import Catalog
from tasks.report.pipeline import ReportRequest, examine, resolve
from tasks.report.render import render_docx, sanitize
from tasks.report.template_env import make_environment

ROOT = Path(__file__).resolve().parent.parent


def sample_context(units: int) -> tuple[dict, Path]:
    """The sample report's context with ``units`` appendix rows, and the template path."""
    catalog = Catalog(ROOT / "doc_templates")
    kind = catalog.kind("gender-equality-month")
    request = ReportRequest(kind.slug, "hoa-binh", "2023",
                            ReportOptions(report_number="5", report_date=date(2023, 12, 4)))
    resolved = resolve(catalog, request)
    _book, _data, specific, _found = examine(resolved, kind.sample_path.read_bytes())
    context = common_context(kind, resolved.province, resolved.period, resolved.campaign,
                             resolved.options, date(2023, 12, 4))
    context.update(specific)
    rows = specific["units"]
    context["units"] = [dict(rows[i % len(rows)], no=i + 1, name=f"{rows[i % len(rows)]['name']} "
                             f"{i + 1}") for i in range(units)]
    return context, kind.template_path


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
