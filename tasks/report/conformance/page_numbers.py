"""Page numbers: a centred PAGE field in the default page header, none on the first page."""

from __future__ import annotations

import re

from tasks.report.conformance.layout import Layout
from tasks.report.conformance.spec import Spec, check_paragraph
from tasks.report.conformance.styles import is_on, w
from tasks.report.conformance.text import paragraph_text, squeeze
from tasks.report.errors import Finding

_PAGE = re.compile(r"^\s*PAGE\b")
NUMBER = Spec("Số trang", sizes=(13, 14), align="center")


def page_field_paragraphs(root) -> list:
    """Paragraphs of a page header holding a PAGE field (simple or complex)."""
    found = []
    for p in root.iter(w("p")):
        simple = any(_PAGE.match(f.get(w("instr"), "")) for f in p.iter(w("fldSimple")))
        complex_ = any(_PAGE.match(t.text or "") for t in p.iter(w("instrText")))
        if simple or complex_:
            found.append(p)
    return found


def check(layout: Layout) -> list[Finding]:
    """The default header numbers pages, centred; the first page (titlePg) shows nothing."""
    section = layout.main
    parts = layout.header_parts(section)
    found = []
    numbered = page_field_paragraphs(parts["default"]) if "default" in parts else []
    if not numbered:
        found.append(Finding(
            "page_number.missing", "Đầu trang (mặc định) không có trường số trang PAGE; số "
            "trang phải đặt giữa, phía trên trang.", "page_header.default", "Đầu trang phần 1"))
    for p in numbered:
        for f in check_paragraph(layout, p, NUMBER, "page_header.default"):
            found.append(Finding(f.code, f.message, f.element, "Đầu trang phần 1"))
    title_pg = section.sect_pr.find(w("titlePg"))
    if title_pg is None or not is_on(title_pg):
        found.append(Finding(
            "page_number.first_page", "Chưa bật «Trang đầu khác» (titlePg): trang 1 không được "
            "đánh số.", "page.title_pg", "Thiết lập phần 1"))
    first = parts.get("first")
    if first is not None and (page_field_paragraphs(first) or
                              any(squeeze(paragraph_text(p)) for p in first.iter(w("p")))):
        found.append(Finding(
            "page_number.first_page", "Đầu trang của trang 1 phải để trống (không có số trang).",
            "page_header.first", "Đầu trang, trang 1"))
    return found
