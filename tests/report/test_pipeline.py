"""The pipeline as plain functions: the golden case and the dated resolution of provinces."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
from openpyxl import load_workbook

from tasks.report.context import ReportOptions
from tasks.report.errors import CatalogError, DataError, PeriodError
from tasks.report.input_workbook import make_input_workbook
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest, resolve
from tasks.settings import REPO_ROOT
from tests.conftest import SAMPLE, docx_text

KIND = "gender-equality-month"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(REPO_ROOT / "doc_templates")


@pytest.fixture(scope="module")
def seed_report(catalog):
    options = ReportOptions(report_number="5", report_date=date(2023, 12, 4),
                            signer_name="Nguyễn Văn A")
    request = ReportRequest(KIND, "hoa-binh", "2023", options)
    return compile_report(catalog, request, SAMPLE.read_bytes())


SEED_FIGURES = [
    "trên 5.000 tờ rơi",
    "01 lớp tập huấn nâng cao nhận thức",
    "cho 80 cán bộ",
    "50 đoàn viên thanh niên",
    "Phối hợp với Vụ Bình đẳng giới tổ chức 02 lớp tập huấn",
    "10/10 huyện, thành phố",
    "361 triệu đồng",
    "34 cuộc",
    "1.090 nam, 3.410 nữ",
    "384 hoạt động",
    "56.805 nam, 62.783 nữ",
    "220 buổi",
    "huyện Lạc Sơn và huyện Lạc Thủy",
]


@pytest.mark.parametrize("figure", SEED_FIGURES)
def test_seed_report_states_every_published_figure(seed_report, figure):
    assert figure in docx_text(seed_report.document)


def test_seed_report_header_and_closing(seed_report):
    text = docx_text(seed_report.document)
    assert "UBND TỈNH HÒA BÌNH" in text
    assert "Số: 05/BC-SLĐTBXH" in text
    assert "Hòa Bình, ngày 04 tháng 12 năm 2023" in text
    # Signed on 04/12/2023, inside its window: the figures run to the signing date.
    assert "Số liệu báo cáo tính từ ngày 15/11/2023 đến ngày 4/12/2023." in text
    assert "Công văn số 4076/LĐTBXH-BĐG ngày 27/9/2023" in text
    assert "./." in text
    assert "Nguyễn Văn A" in text
    assert "- Lưu: VT, BĐG." in text


def test_seed_appendix_totals_row_is_computed(seed_report):
    document = docx.Document(io.BytesIO(seed_report.document))
    appendix = document.tables[-1]
    totals = [c.text for c in appendix.rows[-1].cells]
    assert totals[0] == "Tổng cộng"
    assert "361.000.000" in totals and "1.090" in totals and "62.783" in totals
    names = [r.cells[1].text for r in appendix.rows if r.cells[0].text.isdigit()]
    assert names[0] == "Thành phố Hòa Bình" and names[-1] == "Huyện Lạc Thủy"
    assert len(names) == 10


def test_seed_report_is_a4_with_a_landscape_appendix(seed_report):
    sections = docx.Document(io.BytesIO(seed_report.document)).sections
    assert (sections[0].page_width, sections[0].page_height) == (7560310, 10692130)
    assert sections[0].different_first_page_header_footer
    assert sections[-1].page_width > sections[-1].page_height


def test_seed_filename_is_vietnamese(seed_report):
    assert seed_report.filename == \
        "Báo cáo Tháng hành động vì bình đẳng giới năm 2023 - Hòa Bình.docx"


def _filled_workbook(catalog, province: str, period: str, rows: dict[int, dict]) -> bytes:
    r = resolve(catalog, ReportRequest(KIND, province, period))
    book = load_workbook(io.BytesIO(make_input_workbook(r.kind, r.province, r.period)))
    sheet = book["Đơn vị"]
    codes = [c.value for c in sheet[2]]
    for row_number, values in rows.items():
        for code, value in values.items():
            sheet.cell(row=row_number, column=codes.index(code) + 1, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_2025_report_of_the_same_area_speaks_of_phu_tho_and_communes(catalog):
    data = _filled_workbook(catalog, "phu-tho", "2025", {
        3: {"plan": "Có", "launch_events": 2, "launch_male": 10, "launch_female": 30},
        4: {"plan": "x", "media_activities": 5, "media_male": 100, "media_female": 120},
    })
    request = ReportRequest(KIND, "phu-tho", "2025", ReportOptions(report_date=date(2025, 12, 5)))
    report = compile_report(catalog, request, data)
    text = docx_text(report.document)
    assert "Phú Thọ, ngày 05 tháng 12 năm 2025" in text
    assert "SỞ NỘI VỤ" in text
    assert "UBND TỈNH PHÚ THỌ" in text
    total = len(resolve(catalog, request).province.units)
    assert f"2/{total} xã, phường" in text
    assert "8935/BNV-CTTN&BĐG" in text
    assert any(w.code == "missing_units" for w in report.warnings)


def test_hoa_binh_after_the_merger_points_to_phu_tho(catalog):
    with pytest.raises(CatalogError) as caught:
        resolve(catalog, ReportRequest(KIND, "hoa-binh", "2025"))
    assert caught.value.code == "province_not_in_force"
    assert "địa bàn thuộc tỉnh Phú Thọ" in caught.value.message
    assert "phu-tho" not in caught.value.message


def test_a_june_2025_report_of_hoa_binh_dated_after_the_merger_says_how_to_issue_it(catalog):
    """The June campaign lies inside Hòa Bình's profile (to 30/06/2025); only a July date does
    not: the answer says which dates work, not to pick the successor (whose units differ)."""
    late = ReportOptions(report_date=date(2025, 7, 10))
    with pytest.raises(CatalogError) as caught:
        resolve(catalog, ReportRequest("domestic-violence-month", "hoa-binh", "2025", late))
    assert caught.value.code == "province_not_in_force"
    assert "không ban hành văn bản ngày 10/07/2025" in caught.value.message
    assert "ngày báo cáo đến 30/06/2025, hoặc để trống ngày báo cáo" in caught.value.message
    resolve(catalog, ReportRequest("domestic-violence-month", "hoa-binh", "2025"))  # blank date
    on_time = ReportOptions(report_date=date(2025, 6, 30))
    resolve(catalog, ReportRequest("domestic-violence-month", "hoa-binh", "2025", on_time))


def test_year_without_campaign_data_is_refused(catalog):
    with pytest.raises(PeriodError) as caught:
        resolve(catalog, ReportRequest(KIND, "hoa-binh", "2019"))
    assert caught.value.code == "unknown_campaign_year"
    assert "2023" in caught.value.message


def test_bad_period_is_refused(catalog):
    with pytest.raises(PeriodError):
        resolve(catalog, ReportRequest(KIND, "hoa-binh", "năm ngoái"))


def test_data_errors_name_their_cells(catalog):
    data = _filled_workbook(catalog, "hoa-binh", "2023", {
        3: {"launch_events": -2}, 4: {"media_male": "nhiều"}, 5: {"budget": 12.5},
    })
    with pytest.raises(DataError) as caught:
        compile_report(catalog, ReportRequest(KIND, "hoa-binh", "2023"), data)
    found = {(p.code, p.sheet, p.cell) for p in caught.value.problems()}
    assert ("negative_number", "Đơn vị", "D3") in found
    assert ("not_a_number", "Đơn vị", "H4") in found
    assert ("not_whole_number", "Đơn vị", "C5") in found
