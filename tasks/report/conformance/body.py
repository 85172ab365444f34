"""The title block (``BÁO CÁO`` and the summary line) and the body paragraphs.

Body paragraphs are justified, first-line indent 1–1.27 cm, at least 6 pt between paragraphs,
line spacing single to 1.5, 13–14 pt; headings ``I. …`` bold caps, ``1. …`` bold; the last one
ends with ``./.``. Values are resolved through the style hierarchy (see ``styles``).
"""

from __future__ import annotations

import re

from tasks.report.conformance.layout import Layout
from tasks.report.conformance.model import TWIPS_PER_CM, cm, pt
from tasks.report.conformance.spec import Spec, check_paragraph, effective_text
from tasks.report.conformance.text import paragraph_text, squeeze, text_runs
from tasks.report.errors import Finding

DOC_TYPE = Spec("Tên loại văn bản", (13, 14), bold=True, caps=True, align="center")
SUMMARY = Spec("Trích yếu nội dung", (13, 14), bold=True, align="center")
ADDRESSEE = Spec("Dòng «Kính gửi»", (13, 14))
BODY = Spec("Đoạn văn", (13, 14), align="both")
PART_HEADING = Spec("Đề mục cấp I (số La Mã)", bold=True, caps=True)
SECTION_HEADING = Spec("Đề mục cấp 1 (số Ả Rập)", bold=True)
_PART = re.compile(r"^[IVXLC]+\.\s")
_SECTION = re.compile(r"^\d+\.\s")
INDENT = (round(1 * TWIPS_PER_CM) - 5, round(1.27 * TWIPS_PER_CM) + 5)  # 567–720 twips
MIN_GAP = 120  # 6 pt in twips
LINE_SPACING = (1.0, 1.5)
# Height of one single-spaced line of Times New Roman, in ems (ascent + descent + gap).
SINGLE_LINE_EM = 1.15
FINAL_MARK = "./."


def check(layout: Layout) -> list[Finding]:
    """Title block and every body paragraph."""
    found = _title(layout)
    if not layout.body:
        return found + [Finding("body.missing", "Không tìm thấy nội dung văn bản giữa phần tên "
                                                "loại và bảng chữ ký.", "body", "Thân văn bản")]
    for index, p in enumerate(layout.body):
        following = layout.body[index + 1] if index + 1 < len(layout.body) else None
        found += _paragraph(layout, p, following)
    last = layout.body[-1]
    if not squeeze(paragraph_text(last)).endswith(FINAL_MARK):
        found.append(Finding("body.final_mark", "Đoạn cuối của nội dung phải kết thúc bằng dấu "
                                                "«./.».", layout.name(last), layout.where(last)))
    return found


def _title(layout: Layout) -> list[Finding]:
    found = []
    for p, spec, element in ((layout.doc_type, DOC_TYPE, "title.doc_type"),
                             (layout.summary, SUMMARY, "title.summary")):
        if p is None:
            found.append(Finding("title.missing", f"Thiếu {spec.what.lower()}.", element,
                                 "Sau bảng tiêu đề"))
        else:
            found += check_paragraph(layout, p, spec)
    if layout.doc_type is not None:
        text = squeeze(effective_text(layout.styles, layout.doc_type))
        if text != "BÁO CÁO":
            found.append(Finding("title.text", f"Tên loại văn bản phải là «BÁO CÁO» (đang là "
                                               f"«{text}»).", "title.doc_type",
                                 layout.where(layout.doc_type)))
    if layout.addressee is not None:
        found += check_paragraph(layout, layout.addressee, ADDRESSEE)
    return found


def _paragraph(layout: Layout, p, following) -> list[Finding]:
    text = squeeze(paragraph_text(p))
    found = check_paragraph(layout, p, BODY)
    if _PART.match(text):
        found += check_paragraph(layout, p, PART_HEADING)
    elif _SECTION.match(text):
        found += check_paragraph(layout, p, SECTION_HEADING)
    element, where = layout.name(p), layout.where(p)
    indent = layout.styles.first_line_indent(p)
    if not INDENT[0] <= indent <= INDENT[1]:
        found.append(Finding("format.indent", f"Lùi đầu dòng {cm(indent)}; quy định 1–1,27 cm.",
                             element, where))
    if following is not None:
        gap = _gap(layout, p, following)
        if gap < MIN_GAP:
            found.append(Finding("format.spacing", f"Khoảng cách tới đoạn sau {pt(gap / 20)}; "
                                                   f"quy định tối thiểu 6 pt.", element, where))
    spacing, tolerance = _line_spacing(layout, p)
    if not LINE_SPACING[0] - tolerance <= spacing <= LINE_SPACING[1] + tolerance:
        found.append(Finding("format.line_spacing", f"Giãn dòng {spacing:.2f} lần; quy định từ "
                                                    f"dòng đơn (1) đến 1,5 dòng.", element, where))
    return found


def _space(layout: Layout, p, side: str) -> int:
    styles = layout.styles
    auto = styles.p_attr(p, "spacing", f"{side}Autospacing")
    if auto is not None and auto.lower() not in ("0", "false", "off"):
        return 280  # Word's automatic ("HTML") spacing is 14 pt
    return styles.p_twips(p, "spacing", side)


def _gap(layout: Layout, p, following) -> int:
    """Twips between two paragraphs: space after the first plus space before the second,
    or nothing when both ask for contextual spacing and share a style."""
    styles = layout.styles
    if styles.p_flag(p, "contextualSpacing") and styles.p_flag(following, "contextualSpacing") \
            and styles.paragraph_style_id(p) == styles.paragraph_style_id(following):
        return 0
    return _space(layout, p, "after") + _space(layout, following, "before")


def _line_spacing(layout: Layout, p) -> tuple[float, float]:
    """Line spacing as a multiple of single spacing, and how precise that figure is.

    An exact or minimum height in points is compared with the estimated height of a single
    line of the paragraph's largest font, hence the wider tolerance.
    """
    styles = layout.styles
    line = styles.p_attr(p, "spacing", "line")
    rule = styles.p_attr(p, "spacing", "lineRule") or "auto"
    if line is None:
        return 1.0, 0.01
    if rule == "auto":
        return float(line) / 240, 0.01
    sizes = [styles.size(r, p) for r in text_runs(p)] or [14.0]
    multiple = float(line) / (max(sizes) * 20 * SINGLE_LINE_EM)
    # "At least" a height below one line is simply single spacing.
    return (max(multiple, 1.0) if rule == "atLeast" else multiple), 0.05

