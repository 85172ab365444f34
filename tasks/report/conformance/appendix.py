"""The appendices (``Layout.appendices``): label, title, reference line of each.

Recognition: the printed body-level paragraphs of each appendix section, in order: ``Phụ lục …``,
the title, and the line starting ``(Kèm theo``. The reference line must cite the report's own
number, symbol and date as written in the header (a draft's blank number and date included).
"""

from __future__ import annotations

import re

from tasks.report.conformance.dates import read_date, read_place_date
from tasks.report.conformance.header import NUMBER
from tasks.report.conformance.layout import Layout, Section
from tasks.report.conformance.spec import Spec, check_paragraph
from tasks.report.conformance.styles import w
from tasks.report.conformance.text import paragraph_text, squeeze
from tasks.report.errors import Finding

LABEL = Spec("Dòng «Phụ lục»", (13, 14), bold=True, align="center")
TITLE = Spec("Tên phụ lục", bold=True, caps=True, align="center")
REFERENCE = Spec("Dòng «(Kèm theo …)»", italic=True, align="center")
REFERENCE_TEXT = re.compile(
    r"^\(Kèm theo Báo cáo số\s*(?P<number>[^/]*?)\s*/\s*(?P<symbol>\S+) "
    r"(?P<date>ngày\b.*?) của .+\)$")
_ROLES = (("label", "Phụ lục"), ("title", "tên phụ lục"), ("reference", "«(Kèm theo …)»"))


def _parts(section: Section) -> dict[str, object | None]:
    """The label, title and reference line of one appendix section (None when absent)."""
    printed = [b for b in section.blocks if b.tag == w("p") and squeeze(paragraph_text(b))]
    label = printed[0] if printed and _text(printed[0]).startswith("Phụ lục") else None
    rest = printed[1:] if label is not None else printed
    reference = next((p for p in rest[:2] if _text(p).startswith("(Kèm theo")), None)
    title = rest[0] if rest and rest[0] is not reference else None
    return {"label": label, "title": title, "reference": reference}


def recognise(layout: Layout) -> None:
    """Label the label, title and reference line of every appendix."""
    for role, _what in _ROLES:
        layout.roles[f"appendix.{role}"] = []
    for section in layout.appendices:
        for role, p in _parts(section).items():
            if p is not None:
                layout.roles[f"appendix.{role}"].append(p)
                layout.label(p, f"appendix.{role}", _place(layout, section))


def _place(layout: Layout, section: Section) -> str:
    """"Phụ lục" for the only appendix; "Phụ lục (phần 3)" when there are several."""
    return "Phụ lục" if len(layout.appendices) == 1 else f"Phụ lục (phần {section.index + 1})"


def _text(p) -> str:
    return squeeze(paragraph_text(p))


def check(layout: Layout) -> list[Finding]:
    """The three lines of every appendix present and formatted; each reference cites this
    report."""
    found = []
    for section in layout.appendices:
        parts = _parts(section)
        for (role, what), spec in zip(_ROLES, (LABEL, TITLE, REFERENCE), strict=True):
            if parts[role] is None:
                found.append(Finding("appendix.missing", f"Phụ lục thiếu dòng {what}.",
                                     f"appendix.{role}", _place(layout, section)))
            else:
                found += check_paragraph(layout, parts[role], spec)
    for p in layout.roles.get("appendix.reference", []):
        found += _reference(layout, p)
    return found


def _reference(layout: Layout, p) -> list[Finding]:
    text = _text(p)
    match = REFERENCE_TEXT.match(text)

    def finding(problem: str) -> Finding:
        return Finding("appendix.reference", f"Dòng «(Kèm theo …)»: {problem}.",
                       "appendix.reference", layout.where(p))

    written = read_date(match["date"]) if match is not None else None
    if written is None:
        return [finding("phải có dạng «(Kèm theo Báo cáo số 05/BC-… ngày 04 tháng 12 năm 2023 "
                        "của …)»")]
    found = [finding(problem) for problem in written.problems]
    header_number = next(iter(layout.roles.get("number", [])), None)
    cited = NUMBER.match(squeeze(paragraph_text(header_number))) if header_number is not None \
        else None
    if cited and (cited["number"], cited["symbol"]) != (match["number"], match["symbol"]):
        found.append(finding(f"số, ký hiệu «{match['number']}/{match['symbol']}» khác với đầu "
                             f"văn bản «{cited['number']}/{cited['symbol']}»"))
    dated = next(iter(layout.roles.get("place_date", [])), None)
    header = read_place_date(squeeze(paragraph_text(dated))) if dated is not None else None
    if header is not None and (header.day, header.year) != (written.day, written.year):
        found.append(finding(f"«{match['date']}» khác với ngày ở đầu văn bản"))
    return found
