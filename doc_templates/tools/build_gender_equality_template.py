"""Build the Word template of the gender-equality Action Month results report (docxtpl).

Writes ``doc_templates/gender-equality-month/template.docx``: an administrative report laid out
per Decree 30/2020/NĐ-CP, Appendix I (see shared/reference/DOMAIN.md §2), with Jinja tags that
docxtpl fills from the report context. The .docx is a build product of this script; an officer
may still edit the wording in Word afterwards (see the README beside the template).

Run:  python doc_templates/tools/build_gender_equality_template.py [output.docx]

Rules this script keeps so that docxtpl can render the file:
- every ``{{ }}`` / ``{% %}`` tag is written whole inside one run;
- ``{%p %}`` / ``{%tr %}`` tags sit alone in their own paragraph / table row;
- formatting lives in named "RG …" styles (runs carry direct formatting only for the yellow
  placeholder and the bold totals row), so that an officer who retypes a sentence does not
  split a tag across differently formatted runs.

What docxtpl cannot compute, Jinja chooses: the rule under the issuing agency is one of several
ready-made rule paragraphs, kept by the length of the agency name (see AGENCY_RULE_BANDS).
The rendered reports are checked against Decree 30 by ``tasks.report.conformance``
(tests/report/test_conformance.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

OUTPUT = Path(__file__).resolve().parents[1] / "gender-equality-month" / "template.docx"

FONT = "Times New Roman"
LANGUAGE = "vi-VN"
BLACK = RGBColor(0, 0, 0)
# Portrait text width: A4 210 mm minus 30 mm left and 15 mm right margins.
TEXT_WIDTH = Mm(165)
# Landscape appendix text width in mm: 297 mm minus 20 mm left and 15 mm right margins.
LANDSCAPE_TEXT_MM = 262
BODY_INDENT = Cm(1.27)
PLACEHOLDER = "[Nội dung do đơn vị tổng hợp bổ sung trước khi trình ký.]"

J = WD_ALIGN_PARAGRAPH
# Paragraph styles: (name, base, properties). Everything the officer may want to restyle once
# for the whole document is here; direct formatting is kept to indents of the three rules.
STYLES = [
    ("RG Body", "Normal", dict(align=J.JUSTIFY, first=BODY_INDENT, after=6, line=1.15)),
    ("RG Heading 1", "RG Body", dict(bold=True, keep=True, outline=0)),
    ("RG Heading 2", "RG Body", dict(bold=True, keep=True, outline=1)),
    ("RG Heading 3", "RG Body", dict(keep=True, outline=2)),
    ("RG Centered", "Normal", dict(align=J.CENTER)),
    ("RG Agency Parent", "RG Centered", dict(size=13)),
    ("RG Agency Name", "RG Centered", dict(size=13, bold=True)),
    # 12 pt (the decree allows 12–13) keeps the national name on one line in the 9 cm column.
    ("RG National Name", "RG Centered", dict(size=12, bold=True)),
    ("RG Motto", "RG Centered", dict(bold=True)),
    ("RG Number Line", "RG Centered", dict(size=13)),
    ("RG Place Date", "RG Centered", dict(italic=True)),
    # A 1 pt empty paragraph carrying the border; 2 pt before keeps the rule off the descenders.
    ("RG Rule", "RG Centered", dict(size=1, before=2, rule=True)),
    ("RG Doc Type", "RG Centered", dict(bold=True, before=18, keep=True)),
    ("RG Summary", "RG Centered", dict(bold=True, keep=True)),
    ("RG Addressee", "RG Centered", dict(before=12)),
    ("RG Sign Title", "RG Centered", dict(bold=True)),
    ("RG Sign Name", "RG Centered", dict(bold=True)),
    ("RG Recipients Heading", "Normal", dict(size=12, bold=True, italic=True, keep=True)),
    ("RG Recipient", "Normal", dict(size=11)),
    ("RG Appendix Label", "RG Centered", dict(bold=True)),
    ("RG Appendix Title", "RG Centered", dict(bold=True, caps=True)),
    ("RG Appendix Subtitle", "RG Centered", dict(italic=True, after=12)),
    ("RG Table Head", "RG Centered", dict(size=11, bold=True)),
    ("RG Table Center", "RG Centered", dict(size=11)),
    ("RG Table Text", "Normal", dict(size=11)),
    ("RG Table Number", "RG Table Text", dict(align=J.RIGHT)),
    ("RG Table Note", "Normal", dict(size=12, italic=True, before=6)),
    ("RG Page Number", "RG Centered", dict()),
    ("RG Logic", "Normal", dict(size=10, color=RGBColor(0x7F, 0x7F, 0x7F))),
    ("RG Section Break", "Normal", dict(size=1)),
]

# Schema order of the property elements this script writes by hand: Word rejects a file whose
# property children are out of order, so each is inserted at its place (see _insert_ordered).
PPR_ORDER = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl",
             "numPr", "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens",
             "kinsoku", "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE",
             "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind",
             "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
             "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
             "sectPr", "pPrChange")
RPR_ORDER = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike",
             "dstrike", "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid",
             "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
             "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
             "lang", "eastAsianLayout", "specVanish", "oMath")
TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
               "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders",
               "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription")
TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
              "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark")


# --------------------------------------------------------------------------- styles


def _insert_ordered(parent, tag: str, order: tuple):
    """Return ``parent``'s child ``w:tag``, creating it at its schema position if missing."""
    child = parent.find(qn(f"w:{tag}"))
    if child is not None:
        return child
    child = OxmlElement(f"w:{tag}")
    later = {qn(f"w:{name}") for name in order[order.index(tag) + 1:]}
    for index, sibling in enumerate(parent):
        if sibling.tag in later:
            parent.insert(index, child)
            return child
    parent.append(child)
    return child


def _set_fonts(rpr) -> None:
    """Put Times New Roman in all four font slots and drop theme fonts, which would win."""
    fonts = _insert_ordered(rpr, "rFonts", RPR_ORDER)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), FONT)


def _set_language(rpr) -> None:
    """Mark text as Vietnamese so Word proofs it and picks Vietnamese-capable fonts."""
    lang = _insert_ordered(rpr, "lang", RPR_ORDER)
    lang.set(qn("w:val"), LANGUAGE)
    lang.set(qn("w:eastAsia"), LANGUAGE)


def configure_defaults(doc) -> None:
    """Document defaults: TNR 14 pt Vietnamese, single spacing, no space after."""
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    _set_language(rpr)
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), "28")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")
    normal = doc.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr())
    _set_language(normal.element.get_or_add_rPr())
    normal.font.size = Pt(14)
    normal.font.color.rgb = BLACK
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0


def replace_theme_fonts(doc) -> None:
    """Times New Roman wherever a built-in style names a font (Heading 1, Title, table styles).

    python-docx's stock styles use theme fonts (Calibri Light); an officer who applies one of
    them in Word would otherwise bring a non-decree font into the report.
    """
    for fonts in list(doc.styles.element.iter(qn("w:rFonts"))):
        _set_fonts(fonts.getparent())


def _apply_style_props(style, props: dict) -> None:
    """Translate one STYLES entry into python-docx font and paragraph settings."""
    font, fmt = style.font, style.paragraph_format
    for key, attr in (("bold", "bold"), ("italic", "italic"), ("caps", "all_caps")):
        if key in props:
            setattr(font, attr, props[key])
    if "size" in props:
        font.size = Pt(props["size"])
    if "color" in props:
        font.color.rgb = props["color"]
    if "align" in props:
        fmt.alignment = props["align"]
    # Only what the entry names is set, so headings inherit indent and spacing from RG Body.
    if "first" in props:
        fmt.first_line_indent = props["first"]
    for key, attr in (("before", "space_before"), ("after", "space_after")):
        if key in props:
            setattr(fmt, attr, Pt(props[key]))
    if "line" in props:
        fmt.line_spacing = props["line"]
    if props.get("keep"):
        fmt.keep_with_next = True
    if "outline" in props:
        # Outline level makes the custom headings show in Word's navigation pane.
        level = _insert_ordered(style.element.get_or_add_pPr(), "outlineLvl", PPR_ORDER)
        level.set(qn("w:val"), str(props["outline"]))
    if props.get("rule"):
        _add_bottom_border(style.element.get_or_add_pPr())


def _add_bottom_border(ppr) -> None:
    """A drawn rule (paragraph bottom border); the decree wants rules, never underlines."""
    borders = _insert_ordered(ppr, "pBdr", PPR_ORDER)
    bottom = OxmlElement("w:bottom")
    for attr, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{attr}"), value)
    borders.append(bottom)


def add_styles(doc) -> None:
    """Create the RG paragraph styles, each listed in Word's style gallery."""
    for name, base, props in STYLES:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        style.quick_style = True
        _apply_style_props(style, props)
    for name in ("RG Heading 1", "RG Heading 2", "RG Heading 3"):
        doc.styles[name].next_paragraph_style = doc.styles["RG Body"]


# --------------------------------------------------------------------------- helpers


def add_par(container, style: str, text: str = "", **run_props):
    """Add one paragraph holding ``text`` in a single run, so no tag is ever split."""
    paragraph = container.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        for key, value in run_props.items():
            setattr(run.font, key, value)
    return paragraph


def fill_cell(cell, items) -> None:
    """Write (style, text) items into a cell, reusing the empty paragraph a new cell has."""
    first = cell.paragraphs[0]
    style, text = items[0]
    first.style = style
    if text:
        first.add_run(text)
    for style, text in items[1:]:
        add_par(cell, style, text)


def add_rule(container, side_indent):
    """An empty tiny paragraph whose bottom border is a centred rule of the given indents."""
    paragraph = add_par(container, "RG Rule")
    paragraph.paragraph_format.left_indent = side_indent
    paragraph.paragraph_format.right_indent = side_indent
    return paragraph


def _tbl_pr_child(table, tag: str):
    """Return (creating if needed, in schema order) a child element of the table's w:tblPr."""
    return _insert_ordered(table._tbl.tblPr, tag, TBLPR_ORDER)


def layout_table(table, widths, margin_twips: int, borders: bool) -> None:
    """Fixed layout, exact column widths, no indent, chosen cell margins and borders."""
    table.autofit = False
    table.alignment = None
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    tbl_w = _tbl_pr_child(table, "tblW")
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(w.twips for w in widths)))
    indent = _tbl_pr_child(table, "tblInd")
    indent.set(qn("w:w"), "0")
    indent.set(qn("w:type"), "dxa")
    margins = _tbl_pr_child(table, "tblCellMar")
    for side in ("left", "right"):
        node = OxmlElement(f"w:{side}")
        node.set(qn("w:w"), str(margin_twips))
        node.set(qn("w:type"), "dxa")
        margins.append(node)
    _set_table_borders(table, "single" if borders else "nil")


def _set_table_borders(table, value: str) -> None:
    """Explicit borders, so the look does not depend on a table style."""
    node = _tbl_pr_child(table, "tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), value)
        if value != "nil":
            edge.set(qn("w:sz"), "4")
            edge.set(qn("w:space"), "0")
            edge.set(qn("w:color"), "000000")
        node.append(edge)


def set_cell_top_margin(cell, twips: int) -> None:
    """Padding above a cell's text: vertical air without giving paragraphs spacing."""
    margins = _insert_ordered(cell._tc.get_or_add_tcPr(), "tcMar", TCPR_ORDER)
    top = OxmlElement("w:top")
    top.set(qn("w:w"), str(twips))
    top.set(qn("w:type"), "dxa")
    margins.append(top)


def set_row_flags(row, header: bool = False) -> None:
    """Rows never split across pages; header rows repeat on every page of the table."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


# --------------------------------------------------------------------------- first page


# Header columns: the issuing agency gets 7.5 cm so that a long name such as "SỞ LAO ĐỘNG -
# THƯƠNG BINH VÀ XÃ HỘI" breaks after "THƯƠNG BINH", not inside it; the right column keeps
# 9 cm, room for the 12 pt national name (≈ 8.8 cm).
HEADER_LEFT = Cm(7.5)
HEADER_RIGHT = Emu(TEXT_WIDTH - HEADER_LEFT)
# Tiêu ngữ "Độc lập - Tự do - Hạnh phúc" in 14 pt bold is ≈ 6.05 cm; its rule is as wide.
MOTTO_RULE = Cm(6.1)
# The rule under the issuing agency must be 1/3–1/2 of the agency's longest line, and the
# agency name comes from the province profile ("SỞ NỘI VỤ" ≈ 2.4 cm, "SỞ LAO ĐỘNG - THƯƠNG BINH
# VÀ XÃ HỘI" wrapped ≈ 7 cm). docxtpl cannot compute an indent, so the template holds one rule
# per band of the longest line's length in characters (13 pt bold caps ≈ 0.27 cm a character)
# and Jinja keeps the one that fits: (up to n characters, rule width in cm), ≈ 40 % of the line.
# The last band is for names longer than the column, which wrap to lines of ≈ 5.5–7.5 cm.
AGENCY_RULE_BANDS = [(8, 0.8), (10, 1.0), (12, 1.25), (14, 1.5), (17, 1.75), (20, 2.1),
                     (23, 2.4), (26, 2.75), (None, 2.6)]
# Length of the longest line of the agency name (the profile may put a preferred break "\n").
AGENCY_CHARS = 'agency.name_caps.split("\\n")|map("length")|max'


def add_agency_rules(cell) -> None:
    """One rule paragraph per band of AGENCY_RULE_BANDS, each inside its Jinja branch."""
    add_par(cell, "RG Logic", "{%p set agency_chars = " + AGENCY_CHARS + " %}")
    for index, (chars, width_cm) in enumerate(AGENCY_RULE_BANDS):
        keyword = "if" if index == 0 else "elif"
        tag = "{%p else %}" if chars is None else f"{{%p {keyword} agency_chars <= {chars} %}}"
        add_par(cell, "RG Logic", tag)
        add_rule(cell, Emu((HEADER_LEFT - Cm(width_cm)) // 2))
    add_par(cell, "RG Logic", "{%p endif %}")


def build_header_block(doc) -> None:
    """Agency / national motto on row 1, number / place-date on row 2 (kept on one line)."""
    widths = [HEADER_LEFT, HEADER_RIGHT]
    table = doc.add_table(rows=2, cols=2)
    layout_table(table, widths, margin_twips=0, borders=False)
    left, right = table.rows[0].cells
    fill_cell(left, [("RG Agency Parent", "{{ agency.parent }}"),
                     ("RG Agency Name", "{{ agency.name_caps }}")])
    add_agency_rules(left)
    fill_cell(right, [("RG National Name", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                      ("RG Motto", "Độc lập - Tự do - Hạnh phúc")])
    add_rule(right, Emu((HEADER_RIGHT - MOTTO_RULE) // 2))
    number, place = table.rows[1].cells
    fill_cell(number, [("RG Number Line", "{{ doc.number_line }}")])
    fill_cell(place, [("RG Place Date", "{{ doc.place }}, {{ doc.date|header_date }}")])
    for cell in table.rows[1].cells:
        set_cell_top_margin(cell, 160)


def build_title_block(doc) -> None:
    """Document type, summary line with its short rule, optional addressee."""
    add_par(doc, "RG Doc Type", "BÁO CÁO")
    add_par(doc, "RG Summary", "Kết quả {{ campaign.name }} năm {{ campaign.year }}")
    # Rule 6 cm ≈ 0.36 of the 16.5 cm text width.
    add_rule(doc, Emu((TEXT_WIDTH - Cm(6)) // 2))
    add_par(doc, "RG Logic", "{%p if doc.addressee %}")
    add_par(doc, "RG Addressee", "Kính gửi: {{ doc.addressee }}")
    add_par(doc, "RG Logic", "{%p endif %}")


# --------------------------------------------------------------------------- body


def add_list(doc, loop: str, item: str, empty: str | None = PLACEHOLDER) -> None:
    """One body paragraph per list item; a for-else prints ``empty`` for an empty list.

    The default placeholder is highlighted so that nobody signs a report with it.
    """
    add_par(doc, "RG Logic", "{%p for " + loop + " %}")
    add_par(doc, "RG Body", item)
    if empty is not None:
        add_par(doc, "RG Logic", "{%p else %}")
        highlight = {"highlight_color": WD_COLOR_INDEX.YELLOW} if empty == PLACEHOLDER else {}
        add_par(doc, "RG Body", empty, **highlight)
    add_par(doc, "RG Logic", "{%p endfor %}")


def build_opening_and_part_one(doc) -> None:
    """Opening citation, data window, and I. direction and deployment."""
    opening = add_par(doc, "RG Body", (
        "Thực hiện {{ campaign.guidance }}, {{ agency.full_name }} báo cáo kết quả tổ chức "
        "{{ campaign.name }} năm {{ campaign.year }} như sau:"))
    # Air between the title block and the text, whether or not a Kính gửi line is printed.
    opening.paragraph_format.space_before = Pt(12)
    add_par(doc, "RG Body", "Số liệu báo cáo tính từ ngày {{ period.start|short_date }} "
                            "đến ngày {{ period.end|short_date }}.")
    add_par(doc, "RG Heading 1", "I. CÔNG TÁC CHỈ ĐẠO, TRIỂN KHAI")
    add_par(doc, "RG Body", (
        "Ngay sau khi nhận được hướng dẫn, {{ agency.name }} đã tham mưu triển khai Tháng hành "
        "động năm {{ campaign.year }} trên địa bàn {{ agency.province }} với chủ đề "
        "“{{ campaign.theme }}”; đồng thời hướng dẫn các sở, ban, ngành, đoàn thể và các địa "
        "phương xây dựng kế hoạch, tổ chức các hoạt động hưởng ứng thiết thực, phù hợp với điều "
        "kiện thực tế."))
    add_par(doc, "RG Body", (
        "Đến nay, {{ plans|ratio }} đã xây dựng và ban hành kế hoạch triển khai Tháng hành động"
        "{% if totals.budget %}; tổng kinh phí thực hiện tại các địa phương là "
        "{{ totals.budget|money }}{% endif %}."))


def build_province_level(doc) -> None:
    """II.1: the provincial activities, one dash paragraph each, or a 'none reported' line."""
    add_par(doc, "RG Heading 1", "II. KẾT QUẢ THỰC HIỆN")
    add_par(doc, "RG Heading 2", "1. Cấp tỉnh")
    add_par(doc, "RG Logic", "{%p if province_activities %}")
    add_par(doc, "RG Body", (
        "{{ agency.name }} đã chủ trì, phối hợp với các cơ quan, đơn vị liên quan đẩy mạnh công "
        "tác tuyên truyền, nâng cao nhận thức về bình đẳng giới và phòng ngừa, ứng phó với bạo "
        "lực trên cơ sở giới; các hoạt động chính gồm:"))
    add_list(doc, "a in province_activities", "- {{ a }}", empty=None)
    add_par(doc, "RG Logic", "{%p else %}")
    add_par(doc, "RG Body", "Trong thời gian báo cáo, không có hoạt động cấp tỉnh được tổng hợp.")
    add_par(doc, "RG Logic", "{%p endif %}")


MEDIA_SENTENCE = (
    "- Truyền thông trên các phương tiện thông tin đại chúng và tại cộng đồng: "
    "{{ totals.media_activities|qty }} hoạt động, tiếp cận "
    "{{ totals.media_male|by_sex(totals.media_female, \"lượt người\") }}"
    "{% if totals.broadcasts or totals.online_posts %}; trong đó có"
    "{% if totals.broadcasts %} {{ totals.broadcasts|qty }} buổi tuyên truyền qua hệ thống "
    "loa phát thanh{% if broadcast_units %} ({{ broadcast_units }}){% endif %}{% endif %}"
    "{% if totals.broadcasts and totals.online_posts %} và{% endif %}"
    "{% if totals.online_posts %} {{ totals.online_posts|qty }} tin, bài đăng tải trên "
    "trang thông tin điện tử, mạng xã hội{% if online_post_units %} ({{ online_post_units }})"
    "{% endif %}{% endif %}{% endif %}."
)


def build_local_level(doc) -> None:
    """II.2: aggregated local results; the heading names no tier (no districts after 2025)."""
    add_par(doc, "RG Heading 2", "2. Tại các địa phương")
    add_par(doc, "RG Body", "Các địa phương đã tổ chức các hoạt động hưởng ứng bằng nhiều hình "
                            "thức phù hợp với điều kiện thực tế; kết quả chủ yếu như sau:")
    add_par(doc, "RG Body", (
        "- Tổ chức phát động, kiểm tra, giám sát: {{ totals.launch_events|qty }} cuộc, thu hút "
        "{{ totals.launch_male|by_sex(totals.launch_female, \"lượt người\") }} tham gia."))
    add_par(doc, "RG Body", MEDIA_SENTENCE)
    add_par(doc, "RG Logic", "{%p if totals.training_classes %}")
    add_par(doc, "RG Body", (
        "- Tập huấn, bồi dưỡng: {{ totals.training_classes|qty }} lớp về bình đẳng giới và "
        "phòng ngừa, ứng phó với bạo lực trên cơ sở giới cho "
        "{{ totals.training_male|by_sex(totals.training_female, \"lượt người\") }}."))
    add_par(doc, "RG Logic", "{%p endif %}")
    add_par(doc, "RG Logic", "{%p if highlights %}")
    add_par(doc, "RG Body", "Một số địa phương có cách làm sáng tạo, hiệu quả:")
    add_list(doc, "h in highlights", "- {{ h.unit|capfirst }}: {{ h.text }}", empty=None)
    add_par(doc, "RG Logic", "{%p endif %}")


def build_assessment_and_closing(doc) -> None:
    """III. assessment, IV. proposals, and the closing line ending with ./."""
    add_par(doc, "RG Heading 1", "III. ĐÁNH GIÁ CHUNG")
    add_par(doc, "RG Heading 2", "1. Ưu điểm")
    add_list(doc, "s in assessment.strengths", "{{ s }}")
    add_par(doc, "RG Heading 2", "2. Tồn tại, hạn chế và nguyên nhân")
    add_list(doc, "s in assessment.limitations", "{{ s }}")
    add_par(doc, "RG Heading 1", "IV. ĐỀ XUẤT, KIẾN NGHỊ")
    add_list(doc, "s in assessment.proposals", "{{ s }}")
    closing = add_par(doc, "RG Body", (
        "Trên đây là báo cáo kết quả {{ campaign.name }} năm {{ campaign.year }} "
        "của {{ agency.full_name }}./."))
    # Keep the last sentence on the page of the signature block.
    closing.paragraph_format.keep_with_next = True


# --------------------------------------------------------------------------- signature


def build_signature(doc) -> None:
    """Recipients on the left, authority / title / room for seal / name on the right."""
    widths = [Cm(5.4), Emu(TEXT_WIDTH - Cm(5.4))]
    table = doc.add_table(rows=1, cols=2)
    layout_table(table, widths, margin_twips=0, borders=False)
    set_row_flags(table.rows[0])
    left, right = table.rows[0].cells
    fill_cell(left, [("RG Recipients Heading", "Nơi nhận:"),
                     ("RG Logic", "{%p for r in recipients %}"),
                     ("RG Recipient", "- {{ r }}{% if loop.last %}.{% else %};{% endif %}"),
                     ("RG Logic", "{%p endfor %}")])
    room_for_seal = [("RG Sign Name", "")] * 4
    fill_cell(right, [("RG Logic", "{%p if signer.authority %}"),
                      ("RG Sign Title", "{{ signer.authority }}"),
                      ("RG Logic", "{%p endif %}"),
                      ("RG Sign Title", "{{ signer.title }}"),
                      *room_for_seal,
                      ("RG Sign Name", "{{ signer.name }}")])
    for cell in table.rows[0].cells:
        set_cell_top_margin(cell, 120)


# --------------------------------------------------------------------------- appendix

# Appendix table columns: (header text, width in mm, data cell style, data cell text).
COLUMNS = [
    ("STT", 10, "RG Table Center", "{{ u.no }}"),
    ("Đơn vị", 42, "RG Table Text", "{{ u.name|capfirst }}"),
    ("Kế hoạch", 15, "RG Table Center", "{% if u.plan %}x{% endif %}"),
    ("Kinh phí (đồng)", 27, "RG Table Number", "{{ u.budget|num }}"),
    ("Số cuộc", 14, "RG Table Number", "{{ u.launch_events|num }}"),
    ("Nam", 15, "RG Table Number", "{{ u.launch_male|num }}"),
    ("Nữ", 15, "RG Table Number", "{{ u.launch_female|num }}"),
    ("Số hoạt động", 16, "RG Table Number", "{{ u.media_activities|num }}"),
    ("Nam", 16, "RG Table Number", "{{ u.media_male|num }}"),
    ("Nữ", 16, "RG Table Number", "{{ u.media_female|num }}"),
    ("Loa phát thanh (buổi)", 17, "RG Table Number", "{{ u.broadcasts|num }}"),
    ("Tin, bài trực tuyến", 17, "RG Table Number", "{{ u.online_posts|num }}"),
    ("Số lớp", 13, "RG Table Number", "{{ u.training_classes|num }}"),
    ("Nam", 14, "RG Table Number", "{{ u.training_male|num }}"),
    ("Nữ", 15, "RG Table Number", "{{ u.training_female|num }}"),
]
# Header groups over columns: (first column, last column, text) on the first header row.
GROUPS = [(4, 6, "Phát động, kiểm tra, giám sát"), (7, 11, "Truyền thông"), (12, 14, "Tập huấn")]
HEADER_ROWS = 3


def _merge(table, top, left, bottom, right, text: str) -> None:
    """Merge a header block and write its text once, centred vertically."""
    cell = table.cell(top, left).merge(table.cell(bottom, right))
    fill_cell(cell, [("RG Table Head", text)])
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def build_appendix_header(table) -> None:
    """Three header rows: groups, their sub-columns, and the 'trong đó' split of media."""
    for index in (0, 1, 2, 3):
        _merge(table, 0, index, 2, index, COLUMNS[index][0])
    for first, last, text in GROUPS:
        _merge(table, 0, first, 0, last, text)
    for index in (4, 5, 6, 7, 8, 9, 12, 13, 14):
        _merge(table, 1, index, 2, index, COLUMNS[index][0])
    _merge(table, 1, 10, 1, 11, "Trong đó")
    for index in (10, 11):
        _merge(table, 2, index, 2, index, COLUMNS[index][0])
    for row in table.rows[:HEADER_ROWS]:
        set_row_flags(row, header=True)


def build_appendix_rows(table) -> None:
    """docxtpl row loop (tags in rows of their own) and the bold totals row."""
    loop_open, data, loop_close, totals = table.rows[HEADER_ROWS:]
    for row, tag in ((loop_open, "{%tr for u in units %}"), (loop_close, "{%tr endfor %}")):
        merged = row.cells[0].merge(row.cells[-1])
        fill_cell(merged, [("RG Logic", tag)])
    for cell, (_, _, style, text) in zip(data.cells, COLUMNS):
        fill_cell(cell, [(style, text)])
    set_row_flags(data)
    label = totals.cells[0].merge(totals.cells[1])
    fill_cell(label, [("RG Table Center", "Tổng cộng")])
    fill_cell(totals.cells[2], [("RG Table Center", "{{ plans.done }}")])
    for cell, (_, _, style, text) in list(zip(totals.cells, COLUMNS))[3:]:
        fill_cell(cell, [(style, text.replace("u.", "totals."))])
    set_row_flags(totals)
    for cell in totals.cells:
        for run in cell.paragraphs[0].runs:
            run.font.bold = True


def build_appendix(doc) -> None:
    """Landscape section: label, title, reference line, table of figures by unit, note."""
    add_par(doc, "RG Appendix Label", "Phụ lục")
    add_par(doc, "RG Appendix Title",
            "Số liệu kết quả {{ campaign.name }} năm {{ campaign.year }} theo đơn vị")
    add_par(doc, "RG Appendix Subtitle", (
        "(Kèm theo Báo cáo số {% if doc.number %}{{ doc.number }}{% else %}      {% endif %}"
        "/{{ doc.symbol }} {{ doc.date|header_date }} của {{ agency.full_name }})"))
    # The column widths must add up to the landscape text width, or the table overhangs.
    assert sum(column[1] for column in COLUMNS) == LANDSCAPE_TEXT_MM
    table = doc.add_table(rows=HEADER_ROWS + 4, cols=len(COLUMNS))
    layout_table(table, [Mm(c[1]) for c in COLUMNS], margin_twips=57, borders=True)
    build_appendix_header(table)
    build_appendix_rows(table)
    add_par(doc, "RG Table Note", (
        "Ghi chú: cột “Kế hoạch” đánh dấu x khi đơn vị đã xây dựng kế hoạch; các cột Nam, Nữ "
        "là số lượt người tham gia hoặc được tiếp cận."))


# --------------------------------------------------------------------------- sections


def _page_field(paragraph) -> None:
    """A PAGE field as begin/instr/separate/result/end runs (what Word itself writes)."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None),
                       (None, "2"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            node = OxmlElement("w:fldChar")
            node.set(qn("w:fldCharType"), kind)
        else:
            node = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            node.set(qn("xml:space"), "preserve")
            node.text = text
        run._r.append(node)


def setup_sections(doc) -> None:
    """Portrait A4 body without a number on page 1; landscape appendix numbered too."""
    body, appendix = doc.sections
    for section, landscape in ((body, False), (appendix, True)):
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape \
            else (Mm(210), Mm(297))
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin = Mm(20) if landscape else Mm(30)
        section.right_margin = Mm(15)
        section.header_distance = section.footer_distance = Mm(10)
    body.different_first_page_header_footer = True
    first = body.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].style = doc.styles["RG Page Number"]
    header = body.header
    header.is_linked_to_previous = False
    header.paragraphs[0].style = doc.styles["RG Page Number"]
    _page_field(header.paragraphs[0])
    # The appendix inherits the numbered header and numbers its first page as well.
    appendix.different_first_page_header_footer = False
    appendix.header.is_linked_to_previous = True
    appendix.start_type = WD_SECTION.NEW_PAGE


def fix_page_sizes(doc) -> None:
    """Write the exact twips of A4 (python-docx rounds mm to EMU, Word wants 11906×16838)."""
    for section in doc.sections:
        size = section._sectPr.find(qn("w:pgSz"))
        landscape = section.orientation == WD_ORIENT.LANDSCAPE
        size.set(qn("w:w"), "16838" if landscape else "11906")
        size.set(qn("w:h"), "11906" if landscape else "16838")


def tidy_package(doc) -> None:
    """Drop the stale Word 2010 style copy and the thumbnail image; set neutral properties."""
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rel_id)
    # python-docx's stock package carries a JPEG preview; the template must hold no image.
    package_rels = doc.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            package_rels.pop(rel_id)
    props = doc.core_properties
    props.title = "Báo cáo kết quả Tháng hành động vì bình đẳng giới (mẫu)"
    props.subject = "Mẫu báo cáo theo Nghị định 30/2020/NĐ-CP"
    props.author = props.last_modified_by = "reportgen"
    props.language = LANGUAGE
    props.keywords = "reportgen; docxtpl"
    props.comments = "Sinh bởi doc_templates/tools/build_gender_equality_template.py"


def build(output: Path = OUTPUT) -> Path:
    """Assemble the whole template and save it to ``output``."""
    doc = Document()
    configure_defaults(doc)
    replace_theme_fonts(doc)
    add_styles(doc)
    build_header_block(doc)
    build_title_block(doc)
    build_opening_and_part_one(doc)
    build_province_level(doc)
    build_local_level(doc)
    build_assessment_and_closing(doc)
    build_signature(doc)
    doc.add_section(WD_SECTION.NEW_PAGE)
    # add_section put the body's section break in a new empty paragraph; shrink it so that it
    # cannot push a blank line (or page) after the signature block.
    break_paragraph = doc.sections[0]._sectPr.getparent().getparent()
    Paragraph(break_paragraph, doc._body).style = doc.styles["RG Section Break"]
    build_appendix(doc)
    setup_sections(doc)
    fix_page_sizes(doc)
    tidy_package(doc)
    output.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(output))
    return output


if __name__ == "__main__":
    print(build(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT))
