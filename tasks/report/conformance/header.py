"""The header table: agencies, number and symbol, national name and motto, place and date.

Recognition (the header is the first table of the body): the paragraph starting ``Số`` is the
number line and the first one holding the word ``ngày`` the place/date line, wherever they
are in the table; of the other printed paragraphs of the first row, the left cell gives the parent
agency (the first one, when there are two or more) and the issuing agency (the rest), the right
cell the national name (first) and the motto (second).
"""

from __future__ import annotations

import re

from tasks.report.conformance.dates import read_place_date
from tasks.report.conformance.geometry import text_lines
from tasks.report.conformance.layout import Layout
from tasks.report.conformance.model import cm
from tasks.report.conformance.spec import Spec, check_paragraph, effective_text
from tasks.report.conformance.styles import w
from tasks.report.conformance.text import paragraph_text, squeeze
from tasks.report.errors import Finding

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_TEXT = "Độc lập - Tự do - Hạnh phúc"
NUMBER = re.compile(r"^Số\s*:\s*(?P<number>[^/]*?)\s*/\s*(?P<symbol>\S+)$")
SPECS = {
    "parent_agency": Spec("Tên cơ quan chủ quản", (12, 13), bold=False, caps=True,
                          align="center"),
    "issuing_agency": Spec("Tên cơ quan ban hành", (12, 13), bold=True, caps=True,
                           align="center"),
    "number": Spec("Dòng số, ký hiệu", (13, 13), bold=False, align="center"),
    "national_name": Spec("Quốc hiệu", (12, 13), bold=True, caps=True, align="center"),
    "motto": Spec("Tiêu ngữ", (13, 14), bold=True, align="center"),
    "place_date": Spec("Địa danh, ngày tháng năm", (13, 14), italic=True, align="center"),
}
_NAMES = {
    "parent_agency": "tên cơ quan chủ quản", "issuing_agency": "tên cơ quan ban hành",
    "number": "số, ký hiệu", "national_name": "Quốc hiệu", "motto": "Tiêu ngữ",
    "place_date": "địa danh, ngày tháng năm",
}


def _printed(cell, skip) -> list:
    return [p for p in cell.findall(w("p")) if squeeze(paragraph_text(p)) and p not in skip]


def recognise(layout: Layout) -> None:
    """Find the header's paragraphs and label them ("header.motto", …) in ``layout.roles``."""
    table = layout.header_table
    if table is None:
        return
    paragraphs = [p for p in table.iter(w("p")) if squeeze(paragraph_text(p))]
    number = next((p for p in paragraphs
                   if squeeze(paragraph_text(p)).startswith("Số")), None)
    dated = next((p for p in paragraphs if "ngày" in squeeze(paragraph_text(p))), None)
    rows = table.findall(w("tr"))
    cells = rows[0].findall(w("tc")) if rows else []
    skip = {number, dated}
    left = _printed(cells[0], skip) if cells else []
    right = _printed(cells[-1], skip) if len(cells) > 1 else []
    roles = {"number": [number], "place_date": [dated],
             "parent_agency": left[:1] if len(left) > 1 else [],
             "issuing_agency": left[1:] if len(left) > 1 else left,
             "national_name": right[:1], "motto": right[1:2]}
    for role, found in roles.items():
        found = [p for p in found if p is not None]
        layout.roles[role] = found
        for p in found:
            cell = next(p.iterancestors(w("tc")))
            row = cell.getparent()
            layout.label(p, f"header.{role}", f"Bảng tiêu đề, hàng {rows.index(row) + 1}, "
                                              f"cột {row.findall(w('tc')).index(cell) + 1}")


def check(layout: Layout) -> list[Finding]:
    """Every header element present, formatted per Decree 30, number and date well written."""
    if layout.header_table is None:
        return [Finding("header.missing", "Không có bảng tiêu đề (cơ quan ban hành, Quốc hiệu, "
                                          "số ký hiệu, địa danh ngày tháng) ở đầu văn bản.",
                        "header", "Đầu trang 1")]
    found = []
    for role, spec in SPECS.items():
        paragraphs = layout.roles.get(role, [])
        if not paragraphs:
            found.append(Finding("header.missing", f"Thiếu {_NAMES[role]} trong bảng tiêu đề.",
                                 f"header.{role}", "Bảng tiêu đề"))
        for p in paragraphs:
            found += check_paragraph(layout, p, spec)
    found += _texts(layout) + _number(layout) + _date(layout) + _same_row(layout)
    return found + _one_line(layout)


def _texts(layout: Layout) -> list[Finding]:
    found = []
    for role, wanted in (("national_name", NATIONAL_NAME), ("motto", MOTTO_TEXT)):
        for p in layout.roles.get(role, []):
            text = squeeze(effective_text(layout.styles, p))
            if text != wanted:
                found.append(Finding("header.text", f"{_NAMES[role]} phải là «{wanted}» "
                                                    f"(đang là «{text}»).",
                                     layout.name(p), layout.where(p)))
    return found


def _number(layout: Layout) -> list[Finding]:
    found = []
    for p in layout.roles.get("number", []):
        text = squeeze(paragraph_text(p))
        match = NUMBER.match(text)
        if match is None:
            found.append(Finding("header.number", f"Dòng số, ký hiệu phải có dạng «Số: 05/BC-…» "
                                                  f"(đang là «{text}»).", layout.name(p),
                                 layout.where(p)))
            continue
        number, symbol = match["number"], match["symbol"]
        if number and not _number_ok(number):
            want = f"{int(number):02d}" if number.isdigit() else "số Ả Rập"
            found.append(Finding("header.number", f"Số văn bản «{number}» sai: số dưới 10 "
                                                  f"thêm số 0 phía trước ({want}).",
                                 layout.name(p), layout.where(p)))
        if symbol != symbol.upper() or not symbol.startswith("BC-"):
            found.append(Finding("header.symbol", f"Ký hiệu «{symbol}» phải viết in hoa và bắt "
                                                  f"đầu bằng «BC-» (báo cáo).",
                                 layout.name(p), layout.where(p)))
    return found


def _number_ok(number: str) -> bool:
    return number.isdigit() and number == (f"{int(number):02d}" if int(number) < 10
                                           else str(int(number)))


def _date(layout: Layout) -> list[Finding]:
    """The place/date line well written; a draft may leave the day and month blank."""
    found = []
    for p in layout.roles.get("place_date", []):
        written = read_place_date(squeeze(paragraph_text(p)))
        problems = written.problems if written is not None \
            else ["phải có dạng «Hòa Bình, ngày 04 tháng 12 năm 2023» (bản dự thảo: "
                  "«Hòa Bình, ngày     tháng     năm 2023»)"]
        for problem in problems:
            found.append(Finding("date.format", f"Ngày tháng ở đầu văn bản: {problem}.",
                                 layout.name(p), layout.where(p)))
    return found


def _same_row(layout: Layout) -> list[Finding]:
    number = layout.roles.get("number", [])
    dated = layout.roles.get("place_date", [])
    if not number or not dated:
        return []
    row_of = lambda p: next(p.iterancestors(w("tr")))  # noqa: E731
    if row_of(number[0]) is row_of(dated[0]):
        return []
    return [Finding("header.same_row", "Số, ký hiệu và địa danh, ngày tháng phải nằm trên cùng "
                                       "một hàng của bảng tiêu đề.", "header.place_date",
                    layout.where(dated[0]))]


def _one_line(layout: Layout) -> list[Finding]:
    """Quốc hiệu and Tiêu ngữ each on one line (estimated with Times New Roman widths)."""
    found = []
    for role in ("national_name", "motto"):
        for p in layout.roles.get(role, []):
            lines = text_lines(layout, p)
            if len(lines) > 1:
                found.append(Finding(
                    "header.wrap", f"{_NAMES[role]} bị xuống dòng ({len(lines)} dòng ước tính, "
                                   f"dòng đầu rộng {cm(lines[0])}): cột quá hẹp hoặc chữ quá "
                                   f"lớn.", layout.name(p), layout.where(p)))
    return found
