"""The signature block: recipients (``Nơi nhận:``) on one side, signer's titles and name.

Recognition (the signature is the last table before the appendix section break): the cell whose
first printed paragraph starts with ``Nơi nhận`` holds the recipients, one per paragraph after
it; another cell of that row holds the signer: the printed paragraphs before the first empty one
are the title lines, the last printed paragraph after that gap is the name. A block without a
name (only the room for signature and seal) is a draft awaiting the signer: a warning
(``signature.no_name``), since the decree wants the name printed under the signature.
"""

from __future__ import annotations

from tasks.report.conformance.layout import Layout
from tasks.report.conformance.spec import Spec, check_paragraph
from tasks.report.conformance.styles import w
from tasks.report.conformance.text import paragraph_text, squeeze
from tasks.report.errors import WARNING, Finding

HEADING = Spec("«Nơi nhận:»", (12, 12), bold=True, italic=True)
RECIPIENT = Spec("Tên nơi nhận", (11, 11), bold=False, italic=False)
TITLE = Spec("Quyền hạn, chức vụ người ký", (13, 14), bold=True, caps=True, align="center")
NAME = Spec("Họ tên người ký", (13, 14), bold=True, align="center")
PLACE = "Bảng chữ ký"


def _printed(p) -> bool:
    return bool(squeeze(paragraph_text(p)))


def recognise(layout: Layout) -> None:
    """Label the heading, recipients, title lines and name in ``layout.roles``."""
    table = layout.signature_table
    if table is None:
        return
    cells = [c for row in table.findall(w("tr")) for c in row.findall(w("tc"))]
    recipients_cell = next((c for c in cells if _starts(c, "Nơi nhận")), None)
    if recipients_cell is not None:
        items = [p for p in recipients_cell.findall(w("p")) if _printed(p)]
        layout.roles["recipients_heading"] = items[:1]
        layout.roles["recipients"] = items[1:]
        layout.label(items[0], "signature.recipients_heading", f"{PLACE}, Nơi nhận")
        for index, p in enumerate(items[1:]):
            layout.label(p, f"signature.recipients[{index}]", f"{PLACE}, nơi nhận {index + 1}")
    signer_cell = next((c for c in reversed(cells) if c is not recipients_cell
                        and any(_printed(p) for p in c.findall(w("p")))), None)
    if signer_cell is not None:
        _recognise_signer(layout, signer_cell.findall(w("p")))


def _starts(cell, prefix: str) -> bool:
    first = next((p for p in cell.findall(w("p")) if _printed(p)), None)
    return first is not None and squeeze(paragraph_text(first)).startswith(prefix)


def _recognise_signer(layout: Layout, paragraphs: list) -> None:
    titles, rest, in_titles = [], [], True
    for p in paragraphs:
        if not _printed(p):
            in_titles = not titles and in_titles
            continue
        (titles if in_titles else rest).append(p)
    layout.roles["signer_titles"] = titles
    layout.roles["signer_name"] = rest[-1:]
    for index, p in enumerate(titles):
        layout.label(p, f"signature.title[{index}]", f"{PLACE}, chức vụ người ký")
    for p in rest[-1:]:
        layout.label(p, "signature.name", f"{PLACE}, họ tên người ký")


def check(layout: Layout) -> list[Finding]:
    """Recipients' heading and lines, the signer's titles and name."""
    if layout.signature_table is None:
        return [Finding("signature.missing", "Không có bảng chữ ký (nơi nhận, chức vụ, họ tên "
                                             "người ký) sau nội dung văn bản.", "signature",
                        "Cuối văn bản")]
    found = []
    heading = layout.roles.get("recipients_heading", [])
    if not heading:
        found.append(Finding("signature.missing", "Thiếu «Nơi nhận:» trong bảng chữ ký.",
                             "signature.recipients_heading", PLACE))
    for p in heading:
        found += check_paragraph(layout, p, HEADING)
    found += _recipients(layout, layout.roles.get("recipients", []), bool(heading))
    titles = layout.roles.get("signer_titles", [])
    if not titles:
        found.append(Finding("signature.missing", "Thiếu quyền hạn, chức vụ của người ký.",
                             "signature.title", PLACE))
    for p in titles:
        found += check_paragraph(layout, p, TITLE)
    names = layout.roles.get("signer_name", [])
    if titles and not names:
        found.append(Finding("signature.no_name", "Chưa có họ tên người ký dưới chức vụ (bản "
                                                  "dự thảo): điền họ tên trước khi trình ký.",
                             "signature.name", f"{PLACE}, họ tên người ký", WARNING))
    for p in names:
        found += check_paragraph(layout, p, NAME)
    return found


def _recipients(layout: Layout, items: list, has_heading: bool) -> list[Finding]:
    if has_heading and not items:
        return [Finding("signature.recipient", "Nơi nhận phải có ít nhất dòng «- Lưu: VT, …».",
                        "signature.recipients", PLACE)]
    found = []
    for index, p in enumerate(items):
        found += check_paragraph(layout, p, RECIPIENT)
        text = squeeze(paragraph_text(p))
        last = index == len(items) - 1
        problems = []
        if not text.startswith("- "):
            problems.append("bắt đầu bằng «- »")
        if last and not text.startswith("- Lưu"):
            problems.append("dòng cuối là «- Lưu: VT, …»")
        if last and not text.endswith("."):
            problems.append("dòng cuối kết thúc bằng dấu chấm")
        if not last and not text.endswith(";"):
            problems.append("kết thúc bằng dấu chấm phẩy «;»")
        if problems:
            found.append(Finding("signature.recipient", f"Mỗi nơi nhận phải "
                                                        f"{'; '.join(problems)}.",
                                 layout.name(p), layout.where(p)))
    return found
