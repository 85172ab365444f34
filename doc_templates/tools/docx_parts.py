"""The parts every report template shares, laid out per Decree 30/2020/NĐ-CP, Appendix I.

Used by ``build_templates.py`` to write each kind's ``template.docx``: named "RG …" styles,
the two-row header table (agency | national motto; number | place and date), the title block,
body paragraphs with docxtpl tags, the signature block, and appendices in their own landscape
sections with their own page numbers. The layout rules (margins, sizes, the three rules, page
numbers) are in docs/format.md; the generated reports are checked against them by
``tasks.report.conformance``.

Rules kept so that docxtpl can render the files:
- every ``{{ }}`` / ``{% %}`` tag is written whole inside one run;
- ``{%p %}`` / ``{%tr %}`` tags sit alone in their own paragraph / table row;
- formatting lives in the named styles (runs carry direct formatting only for the yellow
  placeholder and bold totals), so an officer who retypes a sentence in Word does not split a
  tag across differently formatted runs.
"""

from __future__ import annotations

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph

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
    fill_cell(place, [("RG Place Date", "{{ doc.date_line }}")])
    for cell in table.rows[1].cells:
        set_cell_top_margin(cell, 160)


# The rule under the summary line is 1/3–1/2 of its longest line. The line's length comes from
# the kind and the period, so the template holds one rule per band of that length in
# characters (14 pt bold ≈ 0,22 cm a character) and Jinja keeps the one that fits:
# (up to n characters, rule width in cm), ≈ 40 % of the line.
SUMMARY_RULE_BANDS = [(30, 2.3), (38, 3.0), (46, 3.7), (54, 4.4), (62, 5.0), (None, 5.8)]
SUMMARY_CHARS = 'report.summary.split("\\n")|map("length")|max'


def build_title_block(doc) -> None:
    """Document type, summary line with its short rule, optional addressee."""
    add_par(doc, "RG Doc Type", "BÁO CÁO")
    add_par(doc, "RG Summary", "{{ report.summary }}")
    add_par(doc, "RG Logic", "{%p set summary_chars = " + SUMMARY_CHARS + " %}")
    for index, (chars, width_cm) in enumerate(SUMMARY_RULE_BANDS):
        keyword = "if" if index == 0 else "elif"
        tag = "{%p else %}" if chars is None else f"{{%p {keyword} summary_chars <= {chars} %}}"
        add_par(doc, "RG Logic", tag)
        add_rule(doc, Emu((TEXT_WIDTH - Cm(width_cm)) // 2))
    add_par(doc, "RG Logic", "{%p endif %}")
    add_par(doc, "RG Logic", "{%p if doc.addressee %}")
    add_par(doc, "RG Addressee", "Kính gửi: {{ doc.addressee }}")
    add_par(doc, "RG Logic", "{%p endif %}")


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


def fix_page_sizes(doc) -> None:
    """Write the exact twips of A4 (python-docx rounds mm to EMU, Word wants 11906×16838)."""
    for section in doc.sections:
        size = section._sectPr.find(qn("w:pgSz"))
        landscape = section.orientation == WD_ORIENT.LANDSCAPE
        size.set(qn("w:w"), "16838" if landscape else "11906")
        size.set(qn("w:h"), "11906" if landscape else "16838")




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


def write_body(doc, blocks) -> None:
    """Write body ``blocks``: ("h1" | "h2" | "h3" | "p", text), ("if", condition),
    ("else",), ("endif",), ("list", loop, item[, empty]) or ("notes", expression) — the
    paragraphs of a narrative section, or the yellow placeholder when it is empty."""
    styles = {"h1": "RG Heading 1", "h2": "RG Heading 2", "h3": "RG Heading 3", "p": "RG Body"}
    for block in blocks:
        kind = block[0]
        if kind in styles:
            add_par(doc, styles[kind], block[1])
        elif kind == "if":
            add_par(doc, "RG Logic", "{%p if " + block[1] + " %}")
        elif kind == "else":
            add_par(doc, "RG Logic", "{%p else %}")
        elif kind == "endif":
            add_par(doc, "RG Logic", "{%p endif %}")
        elif kind == "list":
            add_list(doc, block[1], block[2], *block[3:])
        elif kind == "notes":
            add_list(doc, f"s in {block[1]}", "{{ s }}")
        else:
            raise ValueError(f"unknown body block {block!r}")


def build_opening(doc) -> None:
    """The kind's opening sentence, the data window and which units sent figures."""
    opening = add_par(doc, "RG Body", "{{ report.opening }}")
    # Air between the title block and the text, whether or not a Kính gửi line is printed.
    opening.paragraph_format.space_before = Pt(12)
    add_par(doc, "RG Body", "{{ period.window }}{% if coverage.total %} "
                            "{{ coverage.text }}{% endif %}")


def build_closing(doc) -> None:
    closing = add_par(doc, "RG Body", "{{ report.closing }}")
    # Keep the last sentence on the page of the signature block.
    closing.paragraph_format.keep_with_next = True


# --------------------------------------------------------------------------- appendix

# Cell padding of appendix tables: 1,8 mm each side keeps numbers off the borders.
CELL_MARGIN_TWIPS = 100


def _merge(table, top, left, bottom, right, text: str) -> None:
    """Merge a header block and write its text once, centred vertically."""
    cell = table.cell(top, left).merge(table.cell(bottom, right))
    fill_cell(cell, [("RG Table Head", text)])
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def write_header_rows(table, paths: list[tuple[str, ...]]) -> int:
    """Header rows from each column's path of labels ("Truyền thông", "Nam"); returns how many.

    Columns sharing a label at a level (with labels below it) are merged across; a column
    whose path ends early spans down to the last header row.
    """
    depth = max(len(p) for p in paths)
    for level in range(depth):
        column = 0
        while column < len(paths):
            path = paths[column]
            if len(path) <= level:
                column += 1
                continue
            if len(path) == level + 1:
                _merge(table, level, column, depth - 1, column, path[level])
                column += 1
                continue
            last = column
            while last + 1 < len(paths) and paths[last + 1][:level + 1] == path[:level + 1] \
                    and len(paths[last + 1]) > level + 1:
                last += 1
            _merge(table, level, column, level, last, path[level])
            column = last + 1
    for row in table.rows[:depth]:
        set_row_flags(row, header=True)
    return depth


def write_table(doc, columns: list, loop: str, totals: list[str] | None, width_mm: int) -> None:
    """A docxtpl table: header rows from the columns' label paths, one row per item of
    ``loop`` (``{%tr for … %}``), and an optional bold totals row.

    ``columns`` holds (label path, width in mm, cell style, cell text); ``totals`` the totals
    row's cell texts (the first two cells are merged for its label).
    """
    paths = [c[0] for c in columns]
    depth = max(len(p) for p in paths)
    assert sum(c[1] for c in columns) == width_mm, "columns must fill the text width"
    rows = depth + 3 + (1 if totals else 0)
    table = doc.add_table(rows=rows, cols=len(columns))
    layout_table(table, [Mm(c[1]) for c in columns], CELL_MARGIN_TWIPS, borders=True)
    write_header_rows(table, paths)
    loop_open, data, loop_close = table.rows[depth:depth + 3]
    for row, tag in ((loop_open, "{%tr for " + loop + " %}"), (loop_close, "{%tr endfor %}")):
        merged = row.cells[0].merge(row.cells[-1])
        fill_cell(merged, [("RG Logic", tag)])
    for cell, (_path, _width, style, text) in zip(data.cells, columns):
        fill_cell(cell, [(style, text)])
    set_row_flags(data)
    if totals:
        row = table.rows[-1]
        label = row.cells[0].merge(row.cells[1])
        fill_cell(label, [("RG Table Center", totals[0])])
        for cell, text, column in list(zip(row.cells, totals, columns))[2:]:
            fill_cell(cell, [(column[2], text)])
        set_row_flags(row)
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.bold = True


def start_appendix(doc, label: str, title: str, landscape: bool = True) -> None:
    """A new section for an appendix: its label (Phụ lục, Phụ lục I …), title, the "(Kèm theo
    Báo cáo số …)" line with a short rule under it."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    # add_section put the previous section's break in a new empty paragraph; shrink it so
    # that it cannot push a blank line (or page) after the signature block.
    break_paragraph = doc.sections[-2]._sectPr.getparent().getparent()
    Paragraph(break_paragraph, doc._body).style = doc.styles["RG Section Break"]
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    add_par(doc, "RG Appendix Label", label)
    add_par(doc, "RG Appendix Title", title)
    subtitle = add_par(doc, "RG Appendix Subtitle", "(Kèm theo {{ doc.reference }})")
    text_mm = LANDSCAPE_TEXT_MM if landscape else 165
    # The rule sits right under the line; the space before the table comes after the rule.
    subtitle.paragraph_format.space_after = Pt(0)
    rule = add_rule(doc, Emu((Mm(text_mm) - Cm(4)) // 2))
    rule.paragraph_format.space_after = Pt(12)


# --------------------------------------------------------------------------- sections


def _numbered_header(section, doc) -> None:
    """The section numbers its own pages from 1, centred in the header, none on its first."""
    section.different_first_page_header_footer = True
    first = section.first_page_header
    first.is_linked_to_previous = False
    first.paragraphs[0].style = doc.styles["RG Page Number"]
    header = section.header
    header.is_linked_to_previous = False
    header.paragraphs[0].style = doc.styles["RG Page Number"]
    _page_field(header.paragraphs[0])
    start = OxmlElement("w:pgNumType")
    start.set(qn("w:start"), "1")
    section._sectPr.append(start)


def setup_sections(doc) -> None:
    """A4 portrait body, landscape appendices; every part numbers its own pages."""
    for section in doc.sections:
        landscape = section.orientation == WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape \
            else (Mm(210), Mm(297))
        section.top_margin, section.bottom_margin = Mm(20), Mm(20)
        section.left_margin = Mm(20) if landscape else Mm(30)
        section.right_margin = Mm(15)
        section.header_distance = section.footer_distance = Mm(10)
        _numbered_header(section, doc)


def tidy_package(doc) -> None:
    """Drop the stale Word 2010 style copy and the thumbnail image; the document properties
    (title, subject, author) are filled from the report when it renders."""
    for rel_id, rel in list(doc.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            doc.part.drop_rel(rel_id)
    # python-docx's stock package carries a JPEG preview; the template must hold no image.
    package_rels = doc.part.package.rels
    for rel_id, rel in list(package_rels.items()):
        if rel.reltype.endswith("/metadata/thumbnail"):
            package_rels.pop(rel_id)
    props = doc.core_properties
    props.title = "{{ doc.properties.title }}"
    props.subject = "{{ doc.properties.subject }}"
    props.author = "{{ doc.properties.author }}"
    props.language = LANGUAGE


def new_document():
    """An empty document with the decree's defaults and the RG styles."""
    from docx import Document

    doc = Document()
    configure_defaults(doc)
    replace_theme_fonts(doc)
    add_styles(doc)
    return doc


def first_page(doc) -> None:
    """Header block and title block, as every report opens."""
    build_header_block(doc)
    build_title_block(doc)


def finish(doc, output) -> None:
    """Sections, exact page sizes, neutral properties; save to ``output``."""
    setup_sections(doc)
    fix_page_sizes(doc)
    tidy_package(doc)
    output.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(output))
