"""A report a department head signs as it comes out: dates, coverage, missing units, wording
(the cases of the issue "A report the department head signs", read back from the .docx)."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tasks.report.context import ReportOptions, header_name, signature
from tasks.report.errors import ReportError
from tasks.report.input_workbook import make_input_workbook
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest, resolve
from tasks.report.sentences import row_sentence
from tasks.settings import REPO_ROOT
from tests.conftest import SAMPLE, docx_text

KIND = "gender-equality-month"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(REPO_ROOT / "doc_templates")


def render(catalog, data=None, period="2023", province="hoa-binh", **options):
    request = ReportRequest(KIND, province, period, ReportOptions(**options))
    return compile_report(catalog, request, data or SAMPLE.read_bytes())


def sample_without(*units: str) -> bytes:
    """The sample with the rows of ``units`` emptied (their names kept, as the blank has)."""
    book = load_workbook(SAMPLE)
    sheet = book["Đơn vị"]
    for row in sheet.iter_rows(min_row=3):
        if row[0].value in units:
            for cell in row[1:]:
                cell.value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_without_a_date_the_clerk_fills_it_in(catalog):
    text = docx_text(render(catalog).document)
    blank = "\u00a0" * 5
    assert f"Hòa Bình, ngày{blank}tháng{blank}năm 2023" in text
    assert "2026" not in text
    assert "Số liệu báo cáo tính từ ngày 15/11/2023 đến ngày 15/12/2023." in text


@pytest.mark.parametrize("day", [date(2023, 11, 14), date(2024, 12, 16), date(2026, 11, 30)])
def test_a_date_before_the_window_or_a_year_after_it_is_refused(catalog, day):
    with pytest.raises(ReportError) as caught:
        resolve(catalog, ReportRequest(KIND, "hoa-binh", "2023",
                                       ReportOptions(report_date=day)))
    assert caught.value.code == "report_date_out_of_range"
    assert "15/11/2023" in caught.value.message and "15/12/2023" in caught.value.message


def test_a_report_signed_inside_its_window_says_so_and_warns(catalog):
    report = render(catalog, report_date=date(2023, 12, 4))
    text = docx_text(report.document)
    assert "Số liệu báo cáo tính từ ngày 15/11/2023 đến ngày 4/12/2023." in text
    assert "đến ngày 15/12/2023" not in text
    assert "report_inside_period" in {w.code for w in report.warnings}


def test_units_that_sent_nothing_are_named_and_never_zero(catalog):
    report = render(catalog, sample_without("huyện Kim Bôi"), report_date=date(2023, 12, 18))
    text = docx_text(report.document)
    assert "9/10 huyện, thành phố đã gửi số liệu; chưa có: huyện Kim Bôi." in text
    table = docx.Document(io.BytesIO(report.document)).tables[-1]
    row = next(r for r in table.rows if r.cells[1].text.startswith("Huyện Kim Bôi"))
    cells = [c.text for c in row.cells]
    # Once, under the name: a narrow figure column would break it over three lines; "-" in
    # every other cell, as the note under the table explains.
    assert cells[1] == "Huyện Kim Bôi\nChưa báo cáo" and set(cells[2:]) == {"-"}
    assert "“-” là chưa có số liệu" in text
    totals = [c.text for c in table.rows[-1].cells]
    assert totals[3] == "326.000.000"  # 361 − Kim Bôi's 35 million: the units that reported
    assert "Tổng cộng tính trên 9/10 huyện, thành phố đã gửi số liệu" in text
    assert "missing_units" in {w.code for w in report.warnings}
    assert "9/10 huyện, thành phố đã xây dựng" in text  # a plan nobody reported is not a plan


def test_the_body_points_to_the_appendix_which_numbers_its_own_pages(catalog):
    data = render(catalog, report_date=date(2023, 12, 18)).document
    assert "chi tiết tại Phụ lục kèm theo" in docx_text(data)
    appendix = docx.Document(io.BytesIO(data)).sections[-1]
    assert appendix._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert appendix.different_first_page_header_footer


def test_a_letter_without_a_known_date_is_cited_without_its_number(catalog):
    text = docx_text(render(catalog, period="2024", report_date=date(2024, 12, 20)).document)
    assert "4893" not in text
    assert "Thực hiện hướng dẫn của Bộ Lao động - Thương binh và Xã hội, Sở" in text


def test_kinh_gui_names_the_handling_unit(catalog):
    text = docx_text(render(catalog, report_date=date(2023, 12, 18)).document)
    assert "Kính gửi: Bộ Lao động - Thương binh và Xã hội (Vụ Bình đẳng giới)" in text


def test_the_title_breaks_between_phrases_never_inside_a_word(catalog):
    document = docx.Document(io.BytesIO(render(catalog).document))
    summary = next(p for p in document.paragraphs if p.text.startswith("Kết quả Tháng"))
    assert summary._p.xpath(".//w:br")
    assert summary.text.split("\n") == [
        "Kết quả Tháng hành động vì bình đẳng giới và phòng ngừa,",
        "ứng phó với bạo lực trên cơ sở giới năm 2023"]


@pytest.mark.parametrize(("name", "lines"), [
    ("SỞ VĂN HÓA, THỂ THAO VÀ DU LỊCH", ["SỞ VĂN HÓA, THỂ THAO", "VÀ DU LỊCH"]),
    ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", ["SỞ LAO ĐỘNG - THƯƠNG BINH", "VÀ XÃ HỘI"]),
    ("SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG", ["SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"]),
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", ["SỞ GIÁO DỤC VÀ ĐÀO TẠO"]),  # fits one line
    ("SỞ Y TẾ", ["SỞ Y TẾ"]),
    ("SỞ VĂN HÓA\nTHỂ THAO VÀ DU LỊCH", ["SỞ VĂN HÓA", "THỂ THAO VÀ DU LỊCH"]),  # the profile's
])
def test_the_agency_name_breaks_before_va_never_inside_a_word(name, lines):
    assert header_name(name).split("\n") == lines


def test_the_document_properties_are_the_reports(catalog):
    report = render(catalog, report_date=date(2023, 12, 18))
    props = docx.Document(io.BytesIO(report.document)).core_properties
    assert props.title.startswith("Báo cáo Kết quả Tháng hành động")
    assert props.author == props.last_modified_by == \
        "Sở Lao động - Thương binh và Xã hội tỉnh Hòa Bình"
    assert (props.created.date(), props.modified.date()) == (date(2023, 12, 18),) * 2
    assert "(mẫu)" not in props.title and "python-docx" not in props.comments


RULE = {"verb": "Tổ chức", "noun": "lễ", "connector": "cho", "code": "launch", "label": "x"}


@pytest.mark.parametrize("values, expected", [
    ({"quantity": 1, "description": "Lễ phát động Tháng hành động"},
     "Tổ chức 01 Lễ phát động Tháng hành động."),
    ({"quantity": 2, "description": "phát động tại 3 xã"}, "Tổ chức 02 lễ phát động tại 3 xã."),
    ({"quantity": 1, "description": "tập huấn cho cán bộ cấp xã", "participants": 150},
     "Tổ chức 01 lễ tập huấn cho cán bộ cấp xã, với 150 người tham gia."),
    ({"quantity": 1, "description": "tập huấn", "participants": 150,
      "target_group": "cán bộ cấp xã"}, "Tổ chức 01 lễ tập huấn cho 150 cán bộ cấp xã."),
])
def test_sentences_never_say_a_word_twice(values, expected):
    from tasks.report.kind_schema import RuleDef

    assert row_sentence(RuleDef(**RULE), values) == expected


def test_a_long_list_of_places_becomes_a_count_with_the_appendix(catalog):
    r = resolve(catalog, ReportRequest(KIND, "phu-tho", "2025"))
    book = load_workbook(io.BytesIO(make_input_workbook(r.kind, r.province, r.period)))
    sheet = book["Đơn vị"]
    codes = [c.value for c in sheet[2]]
    for row in list(sheet.iter_rows(min_row=3))[:67]:
        row[codes.index("broadcasts")].value = 2
        row[codes.index("media_activities")].value = 2
    out = io.BytesIO()
    book.save(out)
    text = docx_text(render(catalog, out.getvalue(), "2025", "phu-tho").document)
    assert "134 buổi tuyên truyền qua hệ thống loa phát thanh (67/148 xã, phường, chi tiết " \
           "tại Phụ lục)" in text
    assert "xã Hy Cương, " not in text.split("Phụ lục")[0]


@pytest.mark.parametrize(("authority", "title", "expected"), [
    # A collective body's TM. line stays whoever signs for it.
    ("TM. ỦY BAN NHÂN DÂN", "Chủ tịch", ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    ("TM. ỦY BAN NHÂN DÂN", "Phó Chủ tịch", ("TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH")),
    # A head named after TL. / TUQ. in the profile is found the same way.
    ("TL. GIÁM ĐỐC", "Giám đốc", ("", "GIÁM ĐỐC")),
    ("TUQ. GIÁM ĐỐC", "Phó Giám đốc", ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
    ("KT. CHỦ TỊCH", "Q. Chủ tịch", ("", "Q. CHỦ TỊCH")),
    ("KT. CHỦ TỊCH", "Chánh Văn phòng", ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")),
    # No delegated authority in the profile: nothing to derive, the profile's line is kept.
    ("", "Chánh Văn phòng", ("", "CHÁNH VĂN PHÒNG")),
])
def test_the_authority_line_follows_the_signers_title(authority, title, expected):
    signer = signature({"authority": authority, "title": "PHÓ GIÁM ĐỐC", "name": ""},
                       ReportOptions(signer_title=title))
    assert (signer["authority"], signer["title"]) == expected


@pytest.mark.parametrize("title", ["KT. Giám đốc", "TL. Giám đốc", "tuq. Giám đốc",
                                   "TM. Ủy ban nhân dân", "KT Giám đốc", " kt.Giám đốc"])
def test_a_title_typed_with_an_authority_is_refused(title):
    with pytest.raises(ReportError) as raised:
        ReportOptions.from_dict({"signer_title": title})
    assert raised.value.code == "invalid_signer"
    assert "thẩm quyền ký (KT., TL. …) do hệ thống ghi" in str(raised.value)


def test_a_name_starting_like_an_authority_is_a_name():
    assert ReportOptions.from_dict({"signer_name": "Tlinh Kt"}).signer_name == "Tlinh Kt"
