"""The Decree 30 checker on real reports: they conform, and each rule catches its mutation.

Every mutation test starts from the real seed report (rendered by the pipeline from the sample
workbook, signed), changes one thing with python-docx/lxml, and asserts the finding's code and
element.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Callable
from datetime import date

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from openpyxl import load_workbook

from tasks.report import pipeline
from tasks.report.conformance import (
    ConformanceError,
    Expected,
    Finding,
    check_document,
    format_findings,
)
from tasks.report.conformance.period_fit import read_phrase
from tasks.report.context import ReportOptions
from tasks.report.input_workbook import make_input_workbook
from tasks.report.kinds import Catalog
from tasks.report.period import parse_period
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest, resolve
from tasks.settings import REPO_ROOT
from tests.conftest import SAMPLE

KIND = "gender-equality-month"
SEED_OPTIONS = ReportOptions(report_number="5", report_date=date(2023, 12, 4),
                             signer_name="Nguyễn Văn A")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(REPO_ROOT / "doc_templates")


def _compile(catalog, options: ReportOptions = SEED_OPTIONS) -> bytes:
    request = ReportRequest(KIND, "hoa-binh", "2023", options)
    return compile_report(catalog, request, SAMPLE.read_bytes()).document


@pytest.fixture(scope="module")
def seed(catalog) -> bytes:
    return _compile(catalog)


@pytest.fixture(scope="module")
def unsigned(catalog) -> bytes:
    """The seed report as a draft: no signer's name under the title."""
    return _compile(catalog, ReportOptions(report_number="5", report_date=date(2023, 12, 4)))


@pytest.fixture(scope="module")
def phu_tho_2025(catalog) -> bytes:
    """The 2025 report of the merged province, from its blank workbook with two units filled."""
    resolved = resolve(catalog, ReportRequest(KIND, "phu-tho", "2025"))
    book = load_workbook(io.BytesIO(make_input_workbook(resolved.kind, resolved.province,
                                                        resolved.period)))
    sheet = book["Đơn vị"]
    codes = [c.value for c in sheet[2]]
    for row, values in {3: {"plan": "Có", "launch_events": 2, "launch_male": 10,
                            "launch_female": 30},
                        4: {"plan": "x", "media_activities": 5, "media_male": 100,
                            "media_female": 120}}.items():
        for code, value in values.items():
            sheet.cell(row=row, column=codes.index(code) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    options = ReportOptions(report_number="123", report_date=date(2025, 12, 5))
    return compile_report(catalog, ReportRequest(KIND, "phu-tho", "2025", options),
                          data).document


# --------------------------------------------------------------------------- helpers


def mutate(data: bytes, change: Callable, expected: Expected | None = None) -> list[Finding]:
    """Apply ``change`` to a copy of the document and check the result."""
    document = docx.Document(io.BytesIO(data))
    change(document)
    out = io.BytesIO()
    document.save(out)
    return check_document(out.getvalue(), expected)


def pairs(findings: list[Finding]) -> set[tuple[str, str]]:
    return {(f.code, f.element) for f in findings}


def text_of(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def find(document, starts: str) -> Paragraph:
    """The first paragraph anywhere in the body (tables too) whose text starts with ``starts``."""
    for p in document.element.body.iter(qn("w:p")):
        if text_of(p).startswith(starts):
            return Paragraph(p, document._body)
    raise AssertionError(f"no paragraph starts with {starts!r}")


def index_of(document, paragraph: Paragraph) -> int:
    return [p._p for p in document.paragraphs].index(paragraph._p)


def rule_paragraphs(document) -> list:
    """The RG Rule paragraphs: agency rule, motto rule, summary rule, in that order."""
    return [p for p in document.element.body.iter(qn("w:p"))
            if p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") is not None
            and p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}").get(qn("w:val")) == "RGRule"]


def set_text(paragraph: Paragraph, text: str) -> None:
    runs = paragraph.runs
    runs[0].text = text
    for run in runs[1:]:
        run._r.getparent().remove(run._r)


# --------------------------------------------------------------------------- conforming reports


def test_seed_report_conforms(seed):
    assert check_document(seed) == [], format_findings(check_document(seed))


def test_report_without_number_conforms(catalog):
    data = _compile(catalog, ReportOptions(report_date=date(2023, 12, 4),
                                           signer_name="Nguyễn Văn A"))
    assert "Số: " in docx.Document(io.BytesIO(data)).tables[0].cell(1, 0).text
    assert check_document(data) == [], format_findings(check_document(data))


def test_unsigned_draft_has_one_warning_and_no_error(unsigned):
    found = check_document(unsigned)
    assert [(f.code, f.element, f.severity) for f in found] == [
        ("signature.no_name", "signature.name", "warning")], format_findings(found)
    # What a job's warnings carry (the API's JSON): these keys, in this order.
    assert list(found[0].as_dict()) == ["code", "message", "element", "location", "severity"]


def test_phu_tho_2025_report_conforms(phu_tho_2025):
    found = check_document(phu_tho_2025)
    assert [f for f in found if f.is_error] == [], format_findings(found)


@pytest.mark.parametrize("agency", [
    "SỞ Y TẾ", "SỞ TÀI CHÍNH", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG",
    "SỞ VĂN HÓA, THỂ THAO\nVÀ DU LỊCH", "SỞ LAO ĐỘNG - THƯƠNG BINH\nVÀ XÃ HỘI",
])
def test_agency_rule_fits_any_agency_name(catalog, monkeypatch, agency):
    # The template picks the rule under the agency by the name's length; a profile may carry
    # another agency or a preferred line break.
    original = pipeline.common_context

    def with_agency(*args, **kwargs):
        context = original(*args, **kwargs)
        context["agency"]["name_caps"] = agency
        return context

    monkeypatch.setattr(pipeline, "common_context", with_agency)
    data = _compile(catalog)
    assert find(docx.Document(io.BytesIO(data)), agency.split("\n")[0]) is not None
    assert check_document(data) == [], format_findings(check_document(data))


# --------------------------------------------------------------------------- page

WIDER_RULE = {("rule.width", "rule.summary")}


def test_letter_paper_is_not_a4(seed):
    def letter(document):
        document.sections[0]._sectPr.find(qn("w:pgSz")).set(qn("w:w"), "12240")

    # A wider page also widens the rules drawn with indents: only the page is reported here.
    assert pairs(mutate(seed, letter)) - WIDER_RULE == {("page.size", "page.size")}


def test_a4_size_tolerates_rounding(seed):
    def rounded(document):
        document.sections[0]._sectPr.find(qn("w:pgSz")).set(qn("w:w"), "11916")

    assert mutate(seed, rounded) == []


@pytest.mark.parametrize("side, value", [("left_margin", 10), ("right_margin", 25),
                                         ("top_margin", 30), ("bottom_margin", 15)])
def test_margins_outside_the_legal_range(seed, side, value):
    def margin(document):
        setattr(document.sections[0], side, Mm(value))

    element = f"page.margin.{side.removesuffix('_margin')}"
    # A 10 mm margin also widens the rules drawn with indents: the margin is what must show.
    assert pairs(mutate(seed, margin)) - WIDER_RULE == {("page.margin", element)}


# Each side's legal range (Decree 30/2020, Appendix I, section II.1; docs/format-rules.md):
# both ends pass, and a value just past either end is flagged. The common slip is the left
# margin's floor written as 25 mm, the top and bottom margins' floor.
MARGIN_EDGES = {"left_margin": (30, 35, 25), "right_margin": (15, 20, 10),
                "top_margin": (20, 25, 15), "bottom_margin": (20, 25, 15)}


@pytest.mark.parametrize("side", MARGIN_EDGES)
def test_margins_at_the_ends_of_the_legal_range_pass(seed, side):
    for value in MARGIN_EDGES[side][:2]:
        def margin(document, value=value):
            setattr(document.sections[0], side, Mm(value))

        findings = pairs(mutate(seed, margin)) - WIDER_RULE
        assert ("page.margin", f"page.margin.{side.removesuffix('_margin')}") not in findings, \
            f"{side} = {value} mm is legal"


@pytest.mark.parametrize("side", MARGIN_EDGES)
def test_margins_just_outside_the_legal_range_are_flagged(seed, side):
    low, high, below = MARGIN_EDGES[side]
    for value in (below, low - 1, high + 1):
        def margin(document, value=value):
            setattr(document.sections[0], side, Mm(value))

        element = f"page.margin.{side.removesuffix('_margin')}"
        assert pairs(mutate(seed, margin)) - WIDER_RULE == {("page.margin", element)}, \
            f"{side} = {value} mm is not legal"


def test_appendix_on_a3_is_reported(seed):
    def a3(document):
        size = document.sections[-1]._sectPr.find(qn("w:pgSz"))
        size.set(qn("w:w"), "23811")
        size.set(qn("w:h"), "16838")

    assert pairs(mutate(seed, a3)) == {("page.size", "appendix.page")}


# --------------------------------------------------------------------------- page numbers


def test_missing_title_page_setting_numbers_page_one(seed):
    def no_title_pg(document):
        document.sections[0].different_first_page_header_footer = False

    assert pairs(mutate(seed, no_title_pg)) == {("page_number.first_page", "page.title_pg")}


def test_number_in_first_page_header(seed):
    def numbered_first(document):
        paragraph = document.sections[0].first_page_header.paragraphs[0]
        paragraph._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE ">'
                                      f'<w:r><w:t>1</w:t></w:r></w:fldSimple>'))

    assert pairs(mutate(seed, numbered_first)) == {("page_number.first_page",
                                                    "page_header.first")}


def test_default_header_without_page_field(seed):
    def unnumbered(document):
        paragraph = document.sections[0].header.paragraphs[0]
        for run in list(paragraph._p.iter(qn("w:r"))):
            paragraph._p.remove(run)

    assert pairs(mutate(seed, unnumbered)) == {("page_number.missing", "page_header.default")}


def test_page_number_must_be_centred(seed):
    def right(document):
        document.sections[0].header.paragraphs[0].alignment = 2  # right

    assert pairs(mutate(seed, right)) == {("format.align", "page_header.default")}


# --------------------------------------------------------------------------- fonts


def test_arial_in_one_run(seed):
    def arial(document):
        run = find(document, "Số liệu báo cáo").runs[0]
        run.font.name = "Arial"
        return run

    document = docx.Document(io.BytesIO(seed))
    index = index_of(document, find(document, "Số liệu báo cáo"))
    assert pairs(mutate(seed, arial)) == {("font.family", f"body.paragraph[{index}].run[0]")}


def test_doc_defaults_need_all_four_slots(seed):
    def no_east_asia(document):
        fonts = document.styles.element.find(qn("w:docDefaults")).find(
            f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
        del fonts.attrib[qn("w:eastAsia")]

    assert pairs(mutate(seed, no_east_asia)) == {("font.family", "styles.docDefaults")}


def test_style_in_use_with_another_font(seed):
    def body_in_arial(document):
        document.styles["RG Body"].font.name = "Arial"

    assert pairs(mutate(seed, body_in_arial)) == {("font.family", "style[RG Body]")}


def test_unused_style_font_is_not_a_finding(seed):
    def heading_in_arial(document):
        document.styles["Heading 1"].font.name = "Arial"

    assert mutate(seed, heading_in_arial) == []


def test_theme_font_in_a_style_in_use(seed):
    def themed(document):
        rpr = document.styles["RG Motto"].element.get_or_add_rPr()
        rpr.insert(0, parse_xml(f'<w:rFonts {nsdecls("w")} w:asciiTheme="majorHAnsi"/>'))

    assert pairs(mutate(seed, themed)) == {("font.theme", "style[RG Motto]")}


def test_coloured_text(seed):
    def red(document):
        find(document, "Độc lập").runs[0].font.color.rgb = docx.shared.RGBColor(0xC0, 0, 0)

    assert pairs(mutate(seed, red)) == {("font.color", "header.motto")}


# --------------------------------------------------------------------------- header


def test_motto_not_bold(seed):
    def regular(document):
        find(document, "Độc lập").runs[0].font.bold = False

    assert pairs(mutate(seed, regular)) == {("format.weight", "header.motto")}


def test_bold_character_style_cancels_bold_paragraph_style(seed):
    # Toggle properties combine by XOR across style types: bold style + bold character style
    # prints regular text.
    def toggled(document):
        style = document.styles.add_style("RG Strong", docx.enum.style.WD_STYLE_TYPE.CHARACTER)
        style.font.bold = True
        find(document, "Độc lập").runs[0].style = style

    assert pairs(mutate(seed, toggled)) == {("format.weight", "header.motto")}


def test_parent_agency_must_be_regular(seed):
    def bold(document):
        find(document, "UBND TỈNH").runs[0].font.bold = True

    assert pairs(mutate(seed, bold)) == {("format.weight", "header.parent_agency")}


def test_issuing_agency_in_small_letters(seed):
    def lower(document):
        set_text(find(document, "SỞ LAO ĐỘNG"), "Sở Lao động - Thương binh và Xã hội")

    assert ("format.case", "header.issuing_agency") in pairs(mutate(seed, lower))


def test_caps_property_counts_as_capitals(seed):
    def caps(document):
        paragraph = find(document, "SỞ LAO ĐỘNG")
        set_text(paragraph, "Sở Lao động - Thương binh và Xã hội")
        paragraph.runs[0].font.all_caps = True

    assert mutate(seed, caps) == []


@pytest.mark.parametrize("line", ["Số: 5/BC-SLĐTBXH", "Số: 005/BC-SLĐTBXH", "Số 05 BC-SLĐTBXH"])
def test_badly_written_number(seed, line):
    def numbered(document):
        set_text(find(document, "Số:"), line)

    found = pairs(mutate(seed, numbered))
    assert ("header.number", "header.number") in found
    # The appendix still cites "05/…", which may also be reported.
    assert found - {("header.number", "header.number")} <= {("appendix.reference",
                                                            "appendix.reference")}


def test_symbol_in_lower_case(seed):
    def lower(document):
        set_text(find(document, "Số:"), "Số: 05/bc-SLĐTBXH")

    found = pairs(mutate(seed, lower))
    assert ("header.symbol", "header.number") in found
    assert found - {("header.symbol", "header.number")} <= {("appendix.reference",
                                                            "appendix.reference")}


def test_place_and_date_not_italic(seed):
    def upright(document):
        find(document, "Hòa Bình, ngày").runs[0].font.italic = False

    assert pairs(mutate(seed, upright)) == {("format.slant", "header.place_date")}


@pytest.mark.parametrize("written", ["ngày 4 tháng 12 năm 2023", "ngày 04 tháng 03 năm 2023",
                                     "ngày 04 tháng 2 năm 2024", "ngày 30 tháng 02 năm 2024",
                                     "ngày 04/12/2023"])
def test_header_date_format(seed, written):
    def redated(document):
        set_text(find(document, "Hòa Bình, ngày"), f"Hòa Bình, {written}")

    assert ("date.format", "header.place_date") in pairs(mutate(seed, redated))


def test_date_line_in_another_row_than_the_number(seed):
    def moved(document):
        table = document.tables[0]
        dated = find(document, "Hòa Bình, ngày")._p
        table.cell(0, 1)._tc.append(copy.deepcopy(dated))
        dated.getparent().remove(dated)
        table.cell(1, 1)._tc.append(parse_xml(f"<w:p {nsdecls('w')}/>"))

    assert ("header.same_row", "header.place_date") in pairs(mutate(seed, moved))


def test_national_name_that_wraps(seed):
    # 13 pt is allowed, but in the 9 cm column the line breaks.
    def larger(document):
        find(document, "CỘNG HÒA").runs[0].font.size = Pt(13)

    assert pairs(mutate(seed, larger)) == {("header.wrap", "header.national_name")}


def test_misspelt_motto(seed):
    def dashes(document):
        set_text(find(document, "Độc lập"), "Độc lập – Tự do – Hạnh phúc")

    assert ("header.text", "header.motto") in pairs(mutate(seed, dashes))


# --------------------------------------------------------------------------- rules


def test_missing_motto_rule(seed):
    def erase(document):
        motto_rule = rule_paragraphs(document)[1]
        motto_rule.getparent().remove(motto_rule)

    assert pairs(mutate(seed, erase)) == {("rule.count", "rules"), ("rule.missing", "rule.motto")}


def test_a_fourth_rule(seed):
    def extra(document):
        summary_rule = rule_paragraphs(document)[2]
        summary_rule.addnext(copy.deepcopy(summary_rule))

    assert pairs(mutate(seed, extra)) == {("rule.count", "rules")}


def test_agency_rule_as_wide_as_the_column(seed):
    def wide(document):
        indent = rule_paragraphs(document)[0].find(f"{qn('w:pPr')}/{qn('w:ind')}")
        indent.set(qn("w:left"), "0")
        indent.set(qn("w:right"), "0")

    assert pairs(mutate(seed, wide)) == {("rule.width", "rule.issuing_agency")}


def test_motto_rule_half_as_wide(seed):
    def short(document):
        indent = rule_paragraphs(document)[1].find(f"{qn('w:pPr')}/{qn('w:ind')}")
        indent.set(qn("w:left"), "1700")
        indent.set(qn("w:right"), "1700")

    assert pairs(mutate(seed, short)) == {("rule.width", "rule.motto")}


def _line_shape(width_emu: int):
    return parse_xml(
        f'<w:r {nsdecls("w", "wp", "a")} '
        f'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<w:drawing><wp:inline><wp:extent cx="{width_emu}" cy="0"/>'
        f'<wp:docPr id="90" name="Rule"/><a:graphic><a:graphicData '
        f'uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>'
        f'<wps:cNvCnPr/><wps:spPr><a:prstGeom prst="line"><a:avLst/></a:prstGeom></wps:spPr>'
        f'<wps:bodyPr/></wps:wsp></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>')


@pytest.mark.parametrize("width_cm, expected", [(6.0, set()),
                                                (3.0, {("rule.width", "rule.summary")})])
def test_line_shape_counts_as_a_rule(seed, width_cm, expected):
    def shape(document):
        rule = Paragraph(rule_paragraphs(document)[2], document._body)
        rule.style = document.styles["RG Centered"]
        rule._p.append(_line_shape(int(width_cm * 360000)))

    assert pairs(mutate(seed, shape)) == expected


def test_underlined_text(seed):
    def underlined(document):
        find(document, "Số liệu báo cáo").add_run("   ").font.underline = True

    document = docx.Document(io.BytesIO(seed))
    index = index_of(document, find(document, "Số liệu báo cáo"))
    assert pairs(mutate(seed, underlined)) == {("rule.underline", f"body.paragraph[{index}]")}


def test_rule_typed_with_underscores(seed):
    def typed(document):
        rule = Paragraph(rule_paragraphs(document)[2], document._body)
        rule.style = document.styles["RG Centered"]
        rule.add_run("______________")

    assert pairs(mutate(seed, typed)) == {("rule.typed", "paragraph[2]"), ("rule.count", "rules"),
                                          ("rule.missing", "rule.summary")}


# --------------------------------------------------------------------------- title and body


def test_doc_type_not_bold(seed):
    def regular(document):
        find(document, "BÁO CÁO").runs[0].font.bold = False

    assert pairs(mutate(seed, regular)) == {("format.weight", "title.doc_type")}


def test_summary_aligned_left(seed):
    def left(document):
        find(document, "Kết quả Tháng").alignment = 0

    assert pairs(mutate(seed, left)) == {("format.align", "title.summary")}


def _body_index(seed: bytes, starts: str) -> int:
    document = docx.Document(io.BytesIO(seed))
    return index_of(document, find(document, starts))


@pytest.mark.parametrize("change, code", [
    (lambda p: setattr(p.paragraph_format, "alignment", 0), "format.align"),
    (lambda p: setattr(p.paragraph_format, "first_line_indent", Mm(5)), "format.indent"),
    (lambda p: setattr(p.paragraph_format, "first_line_indent", Mm(15)), "format.indent"),
    (lambda p: setattr(p.paragraph_format, "line_spacing", 2.0), "format.line_spacing"),
    (lambda p: setattr(p.paragraph_format, "line_spacing", Pt(30)), "format.line_spacing"),
    (lambda p: setattr(p.runs[0].font, "size", Pt(12)), "format.size"),
    (lambda p: setattr(p.paragraph_format, "space_after", Pt(2)), "format.spacing"),
])
def test_body_paragraph_format(seed, change, code):
    index = _body_index(seed, "Số liệu báo cáo")
    assert pairs(mutate(seed, lambda d: change(find(d, "Số liệu báo cáo")))) == {
        (code, f"body.paragraph[{index}]")}


def test_values_resolve_through_the_style_chain(seed):
    # RG Heading 1 is based on RG Body: a 12 pt RG Body makes every body paragraph and heading
    # too small, except where a paragraph sets its own size.
    def smaller(document):
        document.styles["RG Body"].font.size = Pt(12)
        find(document, "Số liệu báo cáo").runs[0].font.size = Pt(13)

    document = docx.Document(io.BytesIO(seed))
    found = mutate(seed, smaller)
    sized = {f.element for f in found if f.code == "format.size"}
    assert f"body.paragraph[{index_of(document, find(document, 'I. CÔNG TÁC'))}]" in sized
    assert f"body.paragraph[{index_of(document, find(document, 'Số liệu báo cáo'))}]" not in sized
    assert len(sized) > 20
    assert {f.code for f in found} == {"format.size"}


def test_spacing_can_come_from_the_next_paragraph(seed):
    def moved(document):
        paragraph = find(document, "Số liệu báo cáo")
        paragraph.paragraph_format.space_after = Pt(0)
        document.paragraphs[index_of(document, paragraph) + 1].paragraph_format.space_before \
            = Pt(6)

    assert mutate(seed, moved) == []


@pytest.mark.parametrize("starts, change, code", [
    ("I. CÔNG TÁC", lambda p: setattr(p.runs[0].font, "bold", False), "format.weight"),
    ("I. CÔNG TÁC", lambda p: set_text(p, "I. Công tác chỉ đạo, triển khai"), "format.case"),
    ("1. Cấp tỉnh", lambda p: setattr(p.runs[0].font, "bold", False), "format.weight"),
])
def test_headings(seed, starts, change, code):
    index = _body_index(seed, starts)
    assert pairs(mutate(seed, lambda d: change(find(d, starts)))) == {
        (code, f"body.paragraph[{index}]")}


def test_last_paragraph_without_closing_mark(seed):
    def unmarked(document):
        closing = find(document, "Trên đây là")
        set_text(closing, closing.text.removesuffix("./.") + ".")

    index = _body_index(seed, "Trên đây là")
    assert pairs(mutate(seed, unmarked)) == {("body.final_mark", f"body.paragraph[{index}]")}


# --------------------------------------------------------------------------- signature


def test_recipient_in_13_pt(seed):
    def larger(document):
        find(document, "- Giám đốc Sở").runs[0].font.size = Pt(13)

    assert pairs(mutate(seed, larger)) == {("format.size", "signature.recipients[2]")}


@pytest.mark.parametrize("starts, text, element", [
    ("- UBND tỉnh", "- UBND tỉnh (để báo cáo)", "signature.recipients[1]"),
    ("- UBND tỉnh", "UBND tỉnh (để báo cáo);", "signature.recipients[1]"),
    ("- Lưu:", "- Lưu: VT, BĐG;", "signature.recipients[3]"),
    ("- Lưu:", "- Giám đốc Sở.", "signature.recipients[3]"),
])
def test_recipient_punctuation(seed, starts, text, element):
    def rewritten(document):
        set_text(find(document, starts), text)

    assert pairs(mutate(seed, rewritten)) == {("signature.recipient", element)}


def test_recipients_heading_not_italic(seed):
    def upright(document):
        find(document, "Nơi nhận").runs[0].font.italic = False

    assert pairs(mutate(seed, upright)) == {("format.slant", "signature.recipients_heading")}


def test_signer_title_not_bold(seed):
    def regular(document):
        find(document, "KT. GIÁM ĐỐC").runs[0].font.bold = False

    assert pairs(mutate(seed, regular)) == {("format.weight", "signature.title[0]")}


def test_signer_name_not_bold(seed):
    def regular(document):
        find(document, "Nguyễn Văn A").runs[0].font.bold = False

    assert pairs(mutate(seed, regular)) == {("format.weight", "signature.name")}


# --------------------------------------------------------------------------- appendix


def test_appendix_label_not_bold(seed):
    def regular(document):
        find(document, "Phụ lục").runs[0].font.bold = False

    assert pairs(mutate(seed, regular)) == {("format.weight", "appendix.label")}


def test_appendix_title_not_in_capitals(seed):
    def lower(document):
        find(document, "Số liệu kết quả").style.font.all_caps = False

    assert pairs(mutate(seed, lower)) == {("format.case", "appendix.title")}


def test_appendix_reference_not_italic(seed):
    def upright(document):
        find(document, "(Kèm theo").runs[0].font.italic = False

    assert pairs(mutate(seed, upright)) == {("format.slant", "appendix.reference")}


@pytest.mark.parametrize("old, new", [("05/BC", "06/BC"),
                                      ("ngày 04 tháng 12 năm 2023", "ngày 4/12/2023"),
                                      ("ngày 04 tháng 12", "ngày 05 tháng 12")])
def test_appendix_reference_cites_this_report(seed, old, new):
    def recited(document):
        reference = find(document, "(Kèm theo")
        set_text(reference, reference.text.replace(old, new))

    assert pairs(mutate(seed, recited)) == {("appendix.reference", "appendix.reference")}


# --------------------------------------------------------------------------- API


def test_blank_document_reports_its_missing_parts():
    out = io.BytesIO()
    docx.Document().save(out)
    codes = {f.code for f in check_document(out.getvalue())}
    assert {"header.missing", "title.missing", "signature.missing", "page_number.missing",
            "page.size"} <= codes


def test_unreadable_bytes_raise_conformance_error():
    with pytest.raises(ConformanceError) as caught:
        check_document(b"not a word file")
    assert caught.value.code == "unreadable_document"


def test_format_findings_one_line_each(seed):
    def two(document):
        find(document, "Độc lập").runs[0].font.bold = False
        document.sections[0].left_margin = Mm(27)

    findings = mutate(seed, two)
    lines = format_findings(findings).splitlines()
    assert len(lines) == len(findings) == 2
    assert any(line.startswith("[format.weight] header.motto (Bảng tiêu đề") for line in lines)
    assert any("[page.margin] page.margin.left" in line and "27 mm" in line for line in lines)
    assert format_findings([]) == "Không có sai lệch so với Nghị định 30/2020/NĐ-CP."


# --------------------------------------------------------------------------- placeholders


def test_placeholders_left_in_the_report_are_warnings(phu_tho_2025):
    # The Phú Thọ workbook has no "Đánh giá" sheet: the template leaves its highlighted
    # placeholder under "Ưu điểm", "Tồn tại, hạn chế" and "Đề xuất, kiến nghị".
    document = docx.Document(io.BytesIO(phu_tho_2025))
    placeholders = [p for p in document.paragraphs if p.text.startswith("[Nội dung do")]
    found = [f for f in check_document(phu_tho_2025) if f.code == "placeholder.highlighted"]
    assert len(placeholders) == 3
    assert [f.element for f in found] == [f"body.paragraph[{index_of(document, p)}]"
                                          for p in placeholders]
    assert {f.severity for f in found} == {"warning"}
    assert "[Nội dung do đơn vị tổng hợp" in found[0].message


@pytest.mark.parametrize("mark", [
    lambda run: setattr(run.font, "highlight_color", docx.enum.text.WD_COLOR_INDEX.YELLOW),
    # LibreOffice and text pasted from the web colour the run's shading instead.
    lambda run: run._r.get_or_add_rPr().append(parse_xml(
        f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="FFFF00"/>')),
])
def test_highlighted_text_is_a_placeholder(seed, mark):
    def highlighted(document):
        mark(find(document, "Số liệu báo cáo").runs[0])

    index = _body_index(seed, "Số liệu báo cáo")
    found = mutate(seed, highlighted)
    assert [(f.code, f.element, f.severity) for f in found] == [
        ("placeholder.highlighted", f"body.paragraph[{index}]", "warning")]


def test_white_shading_is_not_a_highlight(seed):
    def white(document):
        find(document, "Số liệu báo cáo").runs[0]._r.get_or_add_rPr().append(parse_xml(
            f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="FFFFFF"/>'))

    assert mutate(seed, white) == []


# --------------------------------------------------------------------------- date and period

CAMPAIGN_2023 = Expected(date(2023, 11, 15), date(2023, 12, 15), "năm 2023", date(2023, 12, 4))


def redate(written: str) -> Callable:
    """Write ``written`` ("ngày 30 tháng 11 năm 2026") in the header and the appendix line."""
    def change(document):
        set_text(find(document, "Hòa Bình, ngày"), f"Hòa Bình, {written}")
        reference = find(document, "(Kèm theo")
        set_text(reference, reference.text.replace("ngày 04 tháng 12 năm 2023", written))
    return change


def test_seed_report_fits_its_period(seed):
    assert check_document(seed, CAMPAIGN_2023) == []


@pytest.mark.parametrize("written, expected", [
    ("ngày 30 tháng 11 năm 2026", CAMPAIGN_2023),  # the case: dated "today", 2026
    ("ngày 30 tháng 11 năm 2026", None),  # the title says "năm 2023": at most 31/12/2024
    ("ngày 01 tháng 10 năm 2023", Expected(date(2023, 11, 15), date(2023, 12, 15), "năm 2023")),
    ("ngày 16 tháng 12 năm 2024", Expected(date(2023, 11, 15), date(2023, 12, 15), "năm 2023")),
])
def test_report_date_outside_its_period(seed, written, expected):
    found = mutate(seed, redate(written), expected)
    window = [f for f in found if f.code == "date.window"]
    assert [(f.element, f.severity) for f in window] == [("header.place_date", "error")]
    assert written.split()[1] in window[0].location
    assert {f.code for f in found} <= {"date.window", "date.mismatch"}


@pytest.mark.parametrize("written, expected", [
    ("ngày 15 tháng 12 năm 2024", Expected(date(2023, 11, 15), date(2023, 12, 15), "năm 2023")),
    ("ngày 15 tháng 11 năm 2023", Expected(date(2023, 11, 15), date(2023, 12, 15), "năm 2023")),
    ("ngày 31 tháng 12 năm 2024", None),
])
def test_report_date_at_the_edges_of_its_window(seed, written, expected):
    assert mutate(seed, redate(written), expected) == []


@pytest.mark.parametrize("expected", [None, Expected(date(2023, 11, 15), date(2023, 12, 15),
                                                     "năm 2023")])
def test_draft_with_blank_date_conforms(seed, expected):
    # An undated draft leaves the day and month for the records office, as real drafts do.
    def blank(document):
        redate("ngày\u00a0\u00a0\u00a0\u00a0 tháng\u00a0\u00a0\u00a0\u00a0 năm 2023")(document)
        set_text(find(document, "Số:"), "Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-SLĐTBXH")
        reference = find(document, "(Kèm theo")
        set_text(reference, reference.text.replace("05/BC", "\u00a0\u00a0\u00a0\u00a0/BC"))

    assert mutate(seed, blank, expected) == []


def test_draft_dated_in_another_year(seed):
    found = mutate(seed, redate("ngày      tháng      năm 2026"),
                   Expected(date(2023, 11, 15), date(2023, 12, 15), "năm 2023"))
    assert pairs(found) == {("date.window", "header.place_date")}
    assert "2026" in next(f.message for f in found if f.code == "date.window")


@pytest.mark.parametrize("written", ["ngày 05 tháng 12 năm 2023", "ngày      tháng      năm 2023"])
def test_header_date_other_than_the_one_asked_for(seed, written):
    found = mutate(seed, redate(written), CAMPAIGN_2023)
    assert pairs(found) == {("date.mismatch", "header.place_date")}
    assert "04/12/2023" in found[0].message


@pytest.mark.parametrize("text, form, part", [
    ("2023", "year", 0), ("2023-Q4", "quarter", 4), ("2025-H1", "half", 1),
    ("2025-H2", "half", 2), ("2023-11", "month", 11), ("2023-11-15..2023-12-15", "range", 0),
])
def test_every_period_label_reads_back(text, form, part):
    # The labels the pipeline writes are the ones the title check reads, and the window read
    # from a label holds the period's own window.
    period = parse_period(text)
    phrase = read_phrase(f"Báo cáo kết quả công tác bình đẳng giới {period.label}")
    assert (phrase.form, phrase.year, phrase.part) == (form, period.year, part)
    low, high = phrase.window()
    assert low <= period.start <= period.end <= high


SUMMARY = ("Kết quả Tháng hành động vì bình đẳng giới và phòng ngừa, ứng phó với bạo lực trên "
           "cơ sở giới năm 2023")


def retitle(text: str) -> Callable:
    def change(document):
        set_text(find(document, "Kết quả Tháng"), text)
    return change


@pytest.mark.parametrize("title, period, campaign, phrases", [
    # Another year than the report's (the Action Month of 2023).
    (SUMMARY.replace("2023", "2024"), "2023", True, ["«năm 2024»"]),
    # A six-month title on an annual (Decree 09) report.
    ("Kết quả thực hiện công tác bình đẳng giới 6 tháng đầu năm 2023", "2023", False,
     ["«6 tháng đầu"]),
    # The Action Month's title on a Decree 09 annual report: a year is not an action month.
    (SUMMARY, "2023", False, ["«Tháng hành động»"]),
    # ... and on a six-month report: another period, and far longer than a month.
    (SUMMARY, "2023-H2", False, ["«năm 2023»", "«Tháng hành động»"]),
    # A quarter's title on a six-month report.
    ("Kết quả thực hiện công tác bình đẳng giới quý IV năm 2023", "2023-H2", False,
     ["«quý IV năm 2023»"]),
])
def test_title_that_contradicts_its_period(catalog, seed, title, period, campaign, phrases):
    kind = catalog.kind(KIND)
    parsed = parse_period(period, kind.forms, kind.campaign_windows()) if campaign \
        else parse_period(period)
    expected = Expected.of(parsed, date(2023, 12, 4))
    # A new title drawn over the rendered one keeps the rule drawn for the old one.
    found = [f for f in mutate(seed, retitle(title), expected) if f.code != "rule.width"]
    assert {(f.code, f.element, f.severity) for f in found} == {
        ("title.period", "title.summary", "error")}, format_findings(found)
    assert len(found) == len(phrases)
    for finding, phrase in zip(found, phrases, strict=True):
        assert phrase in finding.message


def test_campaign_title_fits_a_campaign_window_given_as_dates(seed):
    expected = Expected.of(parse_period("2023-11-15..2023-12-15"), date(2023, 12, 4))
    assert pairs(mutate(seed, retitle(SUMMARY), expected)) - WIDER_RULE == set()


def test_title_that_contradicts_itself(seed):
    # Without a period the checker can still see that an action month is not six months.
    title = SUMMARY.replace("năm 2023", "6 tháng đầu năm 2023")
    assert pairs(mutate(seed, retitle(title))) - WIDER_RULE == {("title.period", "title.summary")}


def test_title_of_another_year_without_a_period(seed):
    # Read from the text alone, a 2024 title makes the 04/12/2023 date too early.
    found = mutate(seed, retitle(SUMMARY.replace("2023", "2024")))
    assert pairs(found) - WIDER_RULE == {("date.window", "header.place_date")}


# --------------------------------------------------------------------------- templates


def test_template_whose_output_breaks_the_decree_yields_errors(catalog):
    # What an upload trial renders: the kind's template with Arial and a 10 mm left margin.
    resolved = resolve(catalog, ReportRequest(KIND, "hoa-binh", "2023"))
    template = docx.Document(str(resolved.kind.template_path))
    fonts = template.styles.element.find(qn("w:docDefaults")).find(
        f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), "Arial")
    template.styles["Normal"].font.name = "Arial"
    template.sections[0].left_margin = Mm(10)
    out = io.BytesIO()
    template.save(out)
    request = ReportRequest(KIND, "hoa-binh", "2023", SEED_OPTIONS)
    report = compile_report(catalog, request, SAMPLE.read_bytes(), template=out.getvalue())
    found = check_document(report.document, Expected.of(resolved.period, date(2023, 12, 4)))
    errors = {(f.code, f.element) for f in found if f.is_error}
    assert ("page.margin", "page.margin.left") in errors
    assert {("font.family", "styles.docDefaults"), ("font.family", "style[Normal]")} <= errors
    assert all(f.is_error for f in found), format_findings(found)
