"""The report kinds shipped as data besides the Action Month for gender equality.

Each sample is compiled by the real pipeline into a .docx that is read back: the sample's key
totals (worked out by hand from ``doc_templates/tools/build_samples.py``), the agency, number
symbol and title for each period and province, Decree 30 conformance, and a unit (or
indicator) missing from the data shown as not reported, never as 0.
"""

from __future__ import annotations

import io
from datetime import date
from functools import cache

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from tasks.report.conformance import check_document, format_findings
from tasks.report.context import ReportOptions
from tasks.report.errors import DataError, PeriodError
from tasks.report.input_workbook import make_input_workbook
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest, resolve
from tasks.settings import REPO_ROOT
from tests.conftest import docx_text

CATALOG = Catalog(REPO_ROOT / "doc_templates")
NEW_KINDS = ("gender-equality-periodic", "children-month", "gender-equality-targets",
             "domestic-violence-month")


def sample(slug: str) -> bytes:
    return CATALOG.kind(slug).sample_path.read_bytes()


@cache
def moved(slug: str, province: str, period: str) -> bytes:
    """The sample's figures in the blank workbook of another province and period: the units
    sheets' rows given to that province's first units in order, the other sheets copied (an
    activity log's unit names mapped the same way). The sample names Hòa Bình's districts,
    which a commune-level period refuses."""
    kind = CATALOG.kind(slug)
    r = resolve(CATALOG, ReportRequest(slug, province, period))
    blank = load_workbook(io.BytesIO(make_input_workbook(r.kind, r.province, r.period)))
    source = load_workbook(io.BytesIO(sample(slug)))
    home = resolve(CATALOG, ReportRequest(slug, kind.sample_province, kind.sample_period))
    # The province of the period has more units than the sample's: the first ones take them.
    names = {u.name: v.name for u, v in zip(home.province.units, r.province.units,
                                            strict=False)}
    for spec in kind.sheets:
        if spec.name not in source.sheetnames:
            continue
        rows = list(source[spec.name].iter_rows(min_row=3, values_only=True))
        target = blank[spec.name]
        unit = next((n for n, c in enumerate(spec.columns) if c.type == "unit"), None)
        for number, values in enumerate(rows, start=3):
            for column, value in enumerate(values, start=1):
                if spec.layout == "units" and column - 1 == unit:
                    continue  # the blank's own unit names stay
                if column - 1 == unit:
                    value = names.get(value, value)
                target.cell(row=number, column=column, value=value)
    out = io.BytesIO()
    blank.save(out)
    return out.getvalue()


def compile_bytes(slug: str, province: str, period: str, data: bytes | None = None,
                  day: date | None = None, number: str | None = None):
    request = ReportRequest(slug, province, period, ReportOptions(number, day))
    if data is None:
        kind = CATALOG.kind(slug)
        data = sample(slug) if province == kind.sample_province else \
            moved(slug, province, period)
    return compile_report(CATALOG, request, data)


@cache
def rendered(slug: str, province: str, period: str, day: date | None = None) -> bytes:
    return compile_bytes(slug, province, period, day=day).document


def text_of(slug: str, province: str, period: str, day: date | None = None) -> str:
    return docx_text(rendered(slug, province, period, day))


def edited(slug: str, sheet: str, key: str, edits: dict[str, object]) -> bytes:
    """The sample with the row whose key column reads ``key`` edited by column code
    (``None`` empties a cell; ``"*"`` empties every cell of the row but the key)."""
    book = load_workbook(io.BytesIO(sample(slug)))
    ws = book[sheet]
    codes = [c.value for c in ws[2]]
    row = next(r for r in ws.iter_rows(min_row=3) if r[0].value == key)
    for code, value in edits.items():
        targets = row[1:] if code == "*" else [row[codes.index(code)]]
        for cell in targets:
            cell.value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def appendix_rows(data: bytes) -> list[list[str]]:
    """The cell texts of every row of the appendix tables (after the signature table)."""
    document = docx.Document(io.BytesIO(data))
    rows = []
    for table in document.tables[2:]:
        rows += [[cell.text for cell in row.cells] for row in table.rows]
    return rows


def agency_lines(data: bytes) -> list[str]:
    """The lines of the issuing agency's name in the header (its line breaks kept)."""
    cell = docx.Document(io.BytesIO(data)).tables[0].rows[0].cells[0]
    return cell.paragraphs[1].text.split("\n")


def signer_lines(data: bytes) -> list[str]:
    """The printed lines of the signer's cell of the signature table, in order."""
    document = docx.Document(io.BytesIO(data))
    table = next(t for t in document.tables
                 if t.rows[0].cells[0].text.startswith("Nơi nhận"))
    return [p.text for p in table.rows[0].cells[-1].paragraphs if p.text.strip()]


def row_of(rows: list[list[str]], name: str) -> list[str]:
    return next(r for r in rows if r[1].startswith(name))


def test_the_catalog_serves_every_shipped_kind_and_refuses_none():
    assert CATALOG.refused == {}
    assert set(NEW_KINDS) | {"gender-equality-month"} <= set(CATALOG.kinds)


@pytest.mark.parametrize(("slug", "province", "period", "day"), [
    ("gender-equality-periodic", "hoa-binh", "2025-H1", date(2025, 6, 20)),
    ("gender-equality-periodic", "phu-tho", "2025", date(2025, 12, 16)),
    ("children-month", "hoa-binh", "2024", date(2024, 7, 5)),
    ("children-month", "phu-tho", "2025", date(2025, 7, 5)),
    ("children-month", "hoa-binh", "2025", date(2025, 6, 28)),
    ("gender-equality-targets", "hoa-binh", "2024", date(2025, 1, 15)),
    ("gender-equality-targets", "phu-tho", "2025", date(2026, 1, 12)),
    ("domestic-violence-month", "hoa-binh", "2025", date(2025, 6, 27)),
    ("domestic-violence-month", "phu-tho", "2025", date(2025, 7, 8)),
    ("domestic-violence-month", "hoa-binh", "2022", date(2022, 7, 5)),
])
def test_each_kind_renders_a_decree_30_document_for_both_provinces(slug, province, period, day):
    findings = check_document(rendered(slug, province, period, day))
    # An unsigned draft is warned about (no signer's name); nothing else may be found.
    assert [f.code for f in findings] == ["signature.no_name"], format_findings(findings)


# --------------------------------------------------------------------------- periodic


def test_periodic_first_half_is_issued_by_the_department_of_home_affairs_with_its_totals():
    text = text_of("gender-equality-periodic", "hoa-binh", "2025-H1", date(2025, 6, 20))
    assert "SỞ NỘI VỤ" in text and "/BC-SNV" in text
    assert "Kết quả công tác bình đẳng giới và vì sự tiến bộ của phụ nữ6 tháng đầu năm 2025" \
        in text  # the summary breaks before the period
    assert "Tháng hành động" not in text.split("III. ĐÁNH GIÁ CHUNG")[0]
    assert "Số liệu báo cáo tính từ ngày 15/12/2024 đến ngày 14/6/2025. 9/10 huyện, thành phố " \
           "đã gửi số liệu; chưa có: huyện Yên Thủy." in text
    for expected in (
        "9/10 huyện, thành phố đã ban hành kế hoạch", "8/10 huyện, thành phố đã kiện toàn Ban",
        "các Ban đã tổ chức 13 cuộc họp",
        "123 hoạt động, tiếp cận 33.150 lượt người (15.250 nam, 17.900 nữ)",
        "14 lớp cho 1.235 lượt người (473 nam, 762 nữ)", "29 văn bản",
        "phát hiện 08 vụ (6/10 huyện, thành phố, chi tiết tại Phụ lục); hỗ trợ 08 người",
        "Kinh phí thực hiện tại các địa phương: 305 triệu đồng.",
        "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ 6 THÁNG CUỐI NĂM 2025",
    ):
        assert expected in text, expected


def test_periodic_log_feeds_the_units_sheet():
    rows = appendix_rows(rendered("gender-equality-periodic", "hoa-binh", "2025-H1",
                                  date(2025, 6, 20)))
    # huyện Mai Châu: plan, Ban and budget on "Đơn vị", everything else from "Hoạt động".
    assert row_of(rows, "Huyện Mai Châu")[2:] == [
        "x", "x", "1", "20.000.000", "9", "950", "1.200", "1", "30", "45", "2", "1", "1"]


def test_periodic_unit_without_figures_reads_not_reported_never_zero():
    rows = appendix_rows(rendered("gender-equality-periodic", "hoa-binh", "2025-H1",
                                  date(2025, 6, 20)))
    missing = row_of(rows, "Huyện Yên Thủy")
    assert missing[1] == "Huyện Yên Thủy\nChưa báo cáo"
    assert set(missing[2:]) == {"-"}
    totals = next(r for r in rows if r[0] == "Tổng cộng")
    assert totals[2:] == ["9", "8", "13", "305.000.000", "123", "15.250", "17.900", "14", "473",
                          "762", "29", "8", "8"]


def test_periodic_annual_report_of_phu_tho_looks_to_the_next_year():
    text = text_of("gender-equality-periodic", "phu-tho", "2025", date(2025, 12, 16))
    assert "UBND TỈNH PHÚ THỌ" in text and "SỞ NỘI VỤ" in text and "/BC-SNV" in text
    assert "vì sự tiến bộ của phụ nữnăm 2025" in text
    assert "IV. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2026" in text
    assert "9/148 xã, phường đã gửi số liệu" in text


def test_periodic_refuses_a_quarter_naming_the_forms_it_accepts():
    with pytest.raises(PeriodError) as e:
        compile_bytes("gender-equality-periodic", "hoa-binh", "2023-Q4")
    assert e.value.code == "period_not_allowed"
    assert "YYYY-H1 hoặc YYYY-H2" in e.value.message and "cả năm" in e.value.message


# --------------------------------------------------------------------------- children


def test_children_2024_is_the_labour_department_citing_the_ministry_without_a_dateless_number():
    text = text_of("children-month", "hoa-binh", "2024", date(2024, 7, 5))
    assert agency_lines(rendered("children-month", "hoa-binh", "2024", date(2024, 7, 5))) == \
        ["SỞ LAO ĐỘNG - THƯƠNG BINH", "VÀ XÃ HỘI"]
    assert "/BC-SLĐTBXH" in text
    assert "Kết quả Tháng hành động vì trẻ em năm 2024" in text
    assert "Thực hiện hướng dẫn của Bộ Lao động - Thương binh và Xã hội, Sở Lao động" in text
    assert "982" not in text
    assert "“Hành động thiết thực, ưu tiên nguồn lực cho trẻ em”" in text
    for expected in (
        "10/10 huyện, thành phố đã xây dựng và ban hành kế hoạch",
        "Tổ chức 106 hoạt động, sự kiện hưởng ứng Tháng hành động, thu hút 22.600 lượt người "
        "(10.300 nam, 12.300 nữ) tham gia.",
        "Tổ chức 06 diễn đàn trẻ em (6/10 huyện, thành phố, chi tiết tại Phụ lục)",
        "tặng 2.170 suất quà cho trẻ em, trị giá 915,5 triệu đồng; trao 239 suất học bổng, "
        "trị giá 227 triệu đồng.",
        "Hỗ trợ 1.066 trẻ em có hoàn cảnh đặc biệt (518 trẻ em trai, 548 trẻ em gái).",
        "Vận động nguồn lực chăm lo cho trẻ em: 2,17 tỷ đồng.",
    ):
        assert expected in text, expected


@pytest.mark.parametrize(("province", "day", "place"), [
    ("phu-tho", date(2025, 7, 5), "UBND TỈNH PHÚ THỌ"),
    ("hoa-binh", None, "UBND TỈNH HÒA BÌNH"),  # issued on the window's last day, 30/6/2025
])
def test_children_2025_is_issued_by_the_department_of_health(province, day, place):
    text = text_of("children-month", province, "2025", day)
    assert place in text and "SỞ Y TẾ" in text and "/BC-SYT" in text
    assert "Kính gửi: Bộ Y tế (Cục Bà mẹ và Trẻ em)" in text
    assert "Thực hiện hướng dẫn của Bộ Y tế," in text
    assert "“Ưu tiên nguồn lực hoàn thành các mục tiêu vì trẻ em”" in text


def test_children_unit_without_figures_is_not_reported_and_not_summed():
    data = edited("children-month", "Đơn vị", "huyện Kim Bôi", {"*": None})
    compiled = compile_bytes("children-month", "hoa-binh", "2024", data, date(2024, 7, 5))
    text = docx_text(compiled.document)
    assert "9/10 huyện, thành phố đã gửi số liệu; chưa có: huyện Kim Bôi." in text
    assert "Tổ chức 96 hoạt động, sự kiện" in text  # 106 less Kim Bôi's 10
    assert "9/10 huyện, thành phố đã xây dựng" in text
    row = row_of(appendix_rows(compiled.document), "Huyện Kim Bôi")
    assert row[1] == "Huyện Kim Bôi\nChưa báo cáo" and set(row[2:]) == {"-"}
    assert [w.code for w in compiled.warnings] == ["missing_units"]


# --------------------------------------------------------------------------- targets


def test_targets_report_counts_data_and_reached_indicators_by_area():
    text = text_of("gender-equality-targets", "hoa-binh", "2024", date(2025, 1, 15))
    assert "/BC-SLĐTBXH" in text
    assert "Kết quả thực hiện mục tiêu quốc gia về bình đẳng giới năm 2024" in text
    assert "Nghị quyết số 28/NQ-CP ngày 03/3/2021 của Chính phủ" in text
    assert "Năm 2024, trong 10 chỉ tiêu của Chiến lược được theo dõi, có số liệu của 9/10 chỉ " \
           "tiêu (chưa có số liệu: chỉ tiêu 6.1). Trong 04 chỉ tiêu có mục tiêu và số liệu để " \
           "đánh giá, 2/4 chỉ tiêu đạt, chưa đạt: chỉ tiêu 2.1 và 2.2." in text
    for expected in (
        "1. Lĩnh vực chính trị", "6. Lĩnh vực văn hóa, thông tin",
        "có lãnh đạo chủ chốt là nữ: 61,5%, năm trước 55,2%; mục tiêu ít nhất 60%: đạt.",
        "trong tổng số lao động nữ có việc làm: 55,1%, năm trước 58,4%; mục tiêu dưới 30%: "
        "chưa đạt.",
        "vùng đồng bào dân tộc thiểu số: 91,2% (nam 93%, nữ 89,4%), năm trước 90,1%; chưa có "
        "mục tiêu để đánh giá.",
        "Tỷ số giới tính khi sinh: 112,8 bé trai/100 bé gái",
        "nâng cao nhận thức về bình đẳng giới: chưa có số liệu.",
        "IV. NHIỆM VỤ, GIẢI PHÁP NĂM 2025",
    ):
        assert expected in text, expected


def test_targets_appendix_shows_reached_not_reached_and_no_data():
    rows = appendix_rows(rendered("gender-equality-targets", "hoa-binh", "2024",
                                  date(2025, 1, 15)))
    by_code = {r[0]: r for r in rows}
    assert by_code["1.1"][2:] == ["%", "≥ 60", "55,2", "61,5", "", "", "Đạt"]
    assert by_code["2.2"][2:] == ["%", "< 30", "58,4", "55,1", "", "", "Chưa đạt"]
    assert by_code["5.1"][2:] == ["%", "-", "90,1", "91,2", "93", "89,4", "Chưa có mục tiêu"]
    assert by_code["6.1"][2:] == ["%", "-", "-", "-", "", "", "Chưa có số liệu"]
    assert "0" not in by_code["6.1"]
    area = next(r for r in rows if r[0].startswith("2. Lĩnh vực"))
    assert set(area) == {"2. Lĩnh vực kinh tế, lao động"}  # one merged cell across the row


@pytest.mark.parametrize(("code", "value", "status"), [
    ("2.2", 30, "Chưa đạt"),   # "dưới 30%": 30% is not below
    ("2.2", 29.9, "Đạt"),
    ("2.3", 27, "Đạt"),        # "ít nhất 27%": 27% is enough
    ("2.3", 26.9, "Chưa đạt"),
])
def test_targets_compare_in_the_direction_of_each_indicator(code, value, status):
    data = edited("gender-equality-targets", "Chỉ tiêu", code, {"value": value})
    compiled = compile_bytes("gender-equality-targets", "hoa-binh", "2024", data)
    assert {r[0]: r for r in appendix_rows(compiled.document)}[code][-1] == status


def test_targets_for_phu_tho_are_issued_by_the_department_of_home_affairs():
    text = text_of("gender-equality-targets", "phu-tho", "2025", date(2026, 1, 12))
    assert "UBND TỈNH PHÚ THỌ" in text and "SỞ NỘI VỤ" in text and "/BC-SNV" in text
    assert "trên địa bàn tỉnh Phú Thọ năm 2025" in text


# --------------------------------------------------------------------------- domestic violence


def test_domestic_violence_2025_cites_the_decision_and_the_letter_with_its_totals():
    data = rendered("domestic-violence-month", "hoa-binh", "2025", date(2025, 6, 27))
    text = docx_text(data)
    # Broken before "VÀ", never inside "DU LỊCH" as the column would wrap it.
    assert agency_lines(data) == ["SỞ VĂN HÓA, THỂ THAO", "VÀ DU LỊCH"]
    assert "/BC-SVHTTDL" in text
    assert "Thực hiện Quyết định số 363/QĐ-TTg ngày 08/3/2016 của Thủ tướng Chính phủ và Công " \
           "văn số 1513/BVHTTDL-VHCSGĐTV ngày 10/4/2025 của Bộ Văn hóa, Thể thao và Du lịch" \
        in text
    assert "“Chấm dứt bạo lực, vun đắp yêu thương”" in text
    assert "Số liệu báo cáo tính từ ngày 1/6/2025 đến ngày 27/6/2025." in text
    for expected in (
        "Tổ chức 71 hoạt động hưởng ứng", "thu hút 19.750 lượt người (8.950 nam, 10.800 nữ)",
        "Thực hiện 244 tin, bài, buổi phát thanh", "88 mô hình, câu lạc bộ",
        "Phát hiện 12 vụ bạo lực gia đình (7/10 huyện, thành phố, chi tiết tại Phụ lục).",
        "Hỗ trợ 12 nạn nhân: theo giới tính, 02 nam và 10 nữ; theo nhóm tuổi, 02 trẻ em dưới "
        "16 tuổi, 09 người từ 16 đến dưới 60 tuổi và 01 người từ 60 tuổi trở lên.",
        "tư vấn, hỗ trợ tâm lý, pháp lý 24 lượt; bố trí nơi tạm lánh cho 03 nạn nhân; 03 quyết "
        "định cấm tiếp xúc; xử phạt vi phạm hành chính 04 vụ với tổng số tiền 9,25 triệu đồng.",
    ):
        assert expected in text, expected
    labels = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs
              if p.text.startswith("Phụ lục")]
    assert labels == ["Phụ lục I", "Phụ lục II"]


def test_domestic_violence_appendices_show_a_unit_without_figures_in_both():
    data = edited("domestic-violence-month", "Đơn vị", "huyện Tân Lạc", {"*": None})
    compiled = compile_bytes("domestic-violence-month", "hoa-binh", "2025", data,
                             date(2025, 6, 27))
    rows = [r for r in appendix_rows(compiled.document) if r[1].startswith("Huyện Tân Lạc")]
    assert len(rows) == 2  # one row in Phụ lục I, one in Phụ lục II
    for row in rows:
        assert row[1] == "Huyện Tân Lạc\nChưa báo cáo" and set(row[2:]) == {"-"}
    text = docx_text(compiled.document)
    assert "Phát hiện 10 vụ bạo lực gia đình" in text  # 12 less Tân Lạc's 2
    assert "Hỗ trợ 10 nạn nhân: theo giới tính, 01 nam và 09 nữ" in text


def test_domestic_violence_victims_split_by_age_must_match_the_split_by_sex():
    data = edited("domestic-violence-month", "Đơn vị", "thành phố Hòa Bình",
                  {"victims": None, "victims_adults": 1})
    with pytest.raises(DataError) as e:
        compile_bytes("domestic-violence-month", "hoa-binh", "2025", data)
    problems = e.value.problems()
    assert [(p.code, p.sheet) for p in problems] == [("inconsistent_total", "Đơn vị")]
    assert "«Nạn nhân - Trẻ em dưới 16 tuổi», «Nạn nhân - Từ 16 đến dưới 60 tuổi», «Nạn nhân - " \
        "Từ 60 tuổi trở lên» (1 + 1 + 0)" in problems[0].message
    assert "victims_" not in problems[0].message


def test_domestic_violence_2022_has_no_letter_and_cites_the_ministry():
    text = text_of("domestic-violence-month", "hoa-binh", "2022")
    assert "Quyết định số 363/QĐ-TTg ngày 08/3/2016 của Thủ tướng Chính phủ và hướng dẫn của " \
           "Bộ Văn hóa, Thể thao và Du lịch" in text
    assert "“Gia đình bình an - Xã hội hạnh phúc”" in text


def test_domestic_violence_for_phu_tho_2025_is_its_culture_department():
    text = text_of("domestic-violence-month", "phu-tho", "2025", date(2025, 7, 8))
    assert "UBND TỈNH PHÚ THỌ" in text and "SỞ VĂN HÓA" in text and "/BC-SVHTTDL" in text
    assert "Kính gửi: Bộ Văn hóa, Thể thao và Du lịch (Cục Văn hóa cơ sở, Gia đình và Thư viện)" \
        in text


def test_the_checker_reads_each_of_two_appendices():
    document = docx.Document(io.BytesIO(rendered("domestic-violence-month", "hoa-binh", "2025",
                                                 date(2025, 6, 27))))
    references = [p for p in document.paragraphs if p.text.startswith("(Kèm theo")]
    assert len(references) == 2
    references[1]._element.getparent().remove(references[1]._element)
    out = io.BytesIO()
    document.save(out)
    found = [f for f in check_document(out.getvalue()) if f.code != "signature.no_name"]
    assert [(f.code, f.element, f.location) for f in found] == [
        ("appendix.missing", "appendix.reference", "Phụ lục (phần 3)")]


# --------------------------------------------------------------------------- signature


@pytest.mark.parametrize("slug", sorted(CATALOG.kinds))
@pytest.mark.parametrize(("title", "lines"), [
    ("GIÁM ĐỐC", ["GIÁM ĐỐC", "Nguyễn Văn A"]),
    ("Giám đốc", ["GIÁM ĐỐC", "Nguyễn Văn A"]),
    ("giam doc", ["GIAM DOC", "Nguyễn Văn A"]),
    ("Phó Giám đốc", ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A"]),
    ("pho giam doc", ["KT. GIÁM ĐỐC", "PHO GIAM DOC", "Nguyễn Văn A"]),
    (None, ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn A"]),
    # An acting head signs as the head: no authority line, his title as typed.
    ("Q. Giám đốc", ["Q. GIÁM ĐỐC", "Nguyễn Văn A"]),
    ("Quyền Giám đốc", ["QUYỀN GIÁM ĐỐC", "Nguyễn Văn A"]),
    # Any other officer signs by the head's order (thừa lệnh), never KT.
    ("Chánh Văn phòng", ["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "Nguyễn Văn A"]),
    ("Trưởng phòng Gia đình", ["TL. GIÁM ĐỐC", "TRƯỞNG PHÒNG GIA ĐÌNH", "Nguyễn Văn A"]),
    ("Phó Chánh Văn phòng", ["TL. GIÁM ĐỐC", "PHÓ CHÁNH VĂN PHÒNG", "Nguyễn Văn A"]),
])
def test_the_head_signs_without_kt_and_a_deputy_on_his_behalf(slug, title, lines):
    kind = CATALOG.kind(slug)
    request = ReportRequest(slug, kind.sample_province, kind.sample_period,
                            ReportOptions(signer_name="Nguyễn Văn A", signer_title=title))
    compiled = compile_report(CATALOG, request, sample(slug))
    assert signer_lines(compiled.document) == lines
    assert check_document(compiled.document) == [], format_findings(
        check_document(compiled.document))


@pytest.mark.parametrize(("title", "listed"), [
    ("Giám đốc", False), ("Q. Giám đốc", False),  # the head signs: not sent to himself
    ("Phó Giám đốc", True), ("Chánh Văn phòng", True), (None, True),
])
def test_the_head_is_a_recipient_unless_he_signs(title, listed):
    slug = "gender-equality-month"
    kind = CATALOG.kind(slug)
    request = ReportRequest(slug, kind.sample_province, kind.sample_period,
                            ReportOptions(signer_name="Nguyễn Văn A", signer_title=title))
    text = docx_text(compile_report(CATALOG, request, sample(slug)).document)
    assert ("- Giám đốc Sở;" in text) is listed
    assert "- UBND tỉnh (để báo cáo);" in text and "- Lưu: VT" in text


@pytest.mark.parametrize("slug", sorted(CATALOG.kinds))
def test_the_stt_column_holds_its_heading_on_one_line(slug):
    # 10 mm less the cell margins broke "STT" as "ST/T"; 12 mm holds it at 11 pt bold.
    document = docx.Document(io.BytesIO(rendered(slug, CATALOG.kind(slug).sample_province,
                                                 CATALOG.kind(slug).sample_period)))
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "STT"]
    assert tables or slug == "gender-equality-targets"  # its indicators are numbered "Mã"
    for table in tables:
        first = table._tbl.tblGrid.findall(qn("w:gridCol"))[0]
        assert int(first.get(qn("w:w"))) >= 680  # twips: 12 mm
