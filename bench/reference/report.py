"""The reference's report: openpyxl reads the workbook, a plain sum builds the context, a fresh
``docxtpl.DocxTemplate`` renders it with a plain Jinja environment.

Only the gender-equality-month kind. What comes from reportgen: the letterhead, dates, period
and texts (``common_context``, pure code that does not read the workbook) and the number
filters (``tasks.report.formatting``, pure functions). What is the reference's own: reading
the workbook, summing the units and the activity log, the coverage, the province activities
(one plain line per row, where reportgen writes a sentence by the kind's rules) and the
assessment; there is no validation beyond what a sum needs.
"""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import jinja2
import openpyxl
from docxtpl import DocxTemplate

from tasks.report.context import ReportOptions, common_context
from tasks.report.formatting import FILTERS
from tasks.report.kinds import Catalog
from tasks.report.request import ReportRequest, resolve

ROOT = Path(__file__).resolve().parents[2]
KIND = "gender-equality-month"
CATALOG = Catalog(ROOT / "doc_templates")
TEMPLATE = CATALOG.kind(KIND).template_path
FIGURES = ["budget", "launch_events", "launch_male", "launch_female", "media_activities",
           "media_male", "media_female", "broadcasts", "online_posts", "training_classes",
           "training_male", "training_female"]
# Activity log: kind of activity -> (figures counted, male figure, female figure).
LOG = {
    "Phát động": (["launch_events"], "launch_male", "launch_female"),
    "Kiểm tra, giám sát": (["launch_events"], "launch_male", "launch_female"),
    "Truyền thông": (["media_activities"], "media_male", "media_female"),
    "Phát thanh loa": (["media_activities", "broadcasts"], "media_male", "media_female"),
    "Tin, bài trực tuyến": (["media_activities", "online_posts"], "media_male", "media_female"),
    "Tập huấn": (["training_classes"], "training_male", "training_female"),
}
SECTIONS = {"Ưu điểm": "strengths", "Tồn tại, hạn chế": "limitations",
            "Đề xuất, kiến nghị": "proposals"}


def capfirst(value) -> str:
    text = str(value)
    return text[:1].upper() + text[1:]


ENV = jinja2.Environment(autoescape=True)
ENV.filters.update(FILTERS, capfirst=capfirst)


def _rows(sheet) -> list[dict]:
    """The sheet's rows as dicts keyed by the codes in its second row; blank rows skipped."""
    rows = sheet.iter_rows(values_only=True)
    next(rows, None)
    codes = next(rows, None) or ()
    return [dict(zip(codes, row, strict=False)) for row in rows
            if any(v not in (None, "") for v in row)]


def _names(units: list[dict], figure: str) -> dict:
    names = [u["name"] for u in units if u[figure]]
    text = " và ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else "".join(names)
    return {"names": names, "count": len(names), "total": len(units), "text": text}


def figures(book) -> dict:
    """The kind's figures from the workbook, summed the plain way."""
    units, order = {}, []
    for row in _rows(book["Đơn vị"]):
        name = str(row["unit"]).strip()
        numbers = {f: row.get(f) for f in FIGURES}
        units[name] = {"name": name, "plan": str(row.get("plan") or "").strip() == "Có",
                       "highlights": row.get("highlights") or "", **numbers}
        order.append(name)
    if "Hoạt động" in book.sheetnames:
        for row in _rows(book["Hoạt động"]):
            unit = units.get(str(row["unit"]).strip())
            counted = LOG.get(row.get("activity"))
            if unit is None or counted is None:
                continue
            for figure in counted[0]:
                unit[figure] = (unit[figure] or 0) + (row.get("quantity") or 1)
            for figure, people in zip(counted[1:], ("male", "female"), strict=True):
                unit[figure] = (unit[figure] or 0) + (row.get(people) or 0)
    rows = []
    for number, name in enumerate(order, 1):
        unit = units[name]
        reported = unit["plan"] or any(unit[f] is not None for f in FIGURES)
        values = {f: (unit[f] or 0) if reported else None for f in FIGURES}
        rows.append({**unit, **values, "no": number, "reported": reported})
    reported = [u for u in rows if u["reported"]]
    totals = {f: sum(u[f] for u in reported) for f in FIGURES}
    nouns = ", ".join(sorted({"thành phố" if u["name"].startswith("thành phố")
                              else u["name"].split()[0] for u in rows}))
    coverage = {"reported": len(reported), "total": len(rows), "nouns": nouns,
                "missing": [u["name"] for u in rows if not u["reported"]],
                "complete": len(reported) == len(rows),
                "text": f"{len(reported)}/{len(rows)} {nouns} đã gửi số liệu."}
    activities = []
    if "Cấp tỉnh" in book.sheetnames:
        for row in _rows(book["Cấp tỉnh"]):
            amount = " ".join(str(row[k]) for k in ("approx", "quantity", "quantity_unit")
                              if row.get(k))
            activities.append(f"{row['activity']}: {row.get('description') or ''}"
                              + (f" ({amount})" if amount else "") + ".")
    assessment = {code: [] for code in SECTIONS.values()}
    if "Đánh giá" in book.sheetnames:
        for row in _rows(book["Đánh giá"]):
            if row.get("key") in SECTIONS and row.get("value"):
                assessment[SECTIONS[row["key"]]].append(row["value"])
    return {"units": rows, "totals": totals, "coverage": coverage,
            "plans": {"done": sum(u["plan"] for u in rows), "total": len(rows), "nouns": nouns},
            "broadcast_units": _names(reported, "broadcasts"),
            "online_post_units": _names(reported, "online_posts"),
            "highlights": [{"unit": u["name"], "text": u["highlights"].rstrip(".") + "."}
                           for u in rows if u["highlights"]],
            "province_activities": activities, "assessment": assessment}


def build(data: bytes, fields: dict, stages: dict | None = None) -> bytes:
    """The .docx for ``data`` (the workbook) and the form ``fields``; CPU seconds of each step
    go to ``stages`` when given."""
    clock = [time.process_time()]

    def mark(stage: str) -> None:
        if stages is not None:
            now = time.process_time()
            stages[stage] = now - clock[0]
            clock[0] = now

    book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    mark("parse")
    found = figures(book)
    report_date = fields.get("report_date")
    options = ReportOptions(report_number=fields.get("report_number"),
                            report_date=date.fromisoformat(report_date) if report_date else None)
    resolved = resolve(CATALOG, ReportRequest(KIND, fields["province"], fields["period"],
                                              options))
    context = common_context(resolved.kind, resolved.province, resolved.agency,
                             resolved.period, resolved.campaign, options, found["coverage"])
    context.update(found)
    mark("aggregate")
    document = DocxTemplate(TEMPLATE)
    document.render(context, ENV, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    mark("render")
    return out.getvalue()
