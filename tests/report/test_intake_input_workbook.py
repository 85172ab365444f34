"""The downloaded blank workbook: what Excel shows the officer, and that it comes back valid."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tasks.report.input_workbook import LISTS, make_input_workbook
from tasks.report.intake import validate_upload
from tasks.report.kinds import Catalog
from tasks.report.request import ReportRequest, resolve
from tasks.settings import REPO_ROOT

REQUEST = ReportRequest("gender-equality-month", "hoa-binh", "2023")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(REPO_ROOT / "doc_templates")


@pytest.fixture(scope="module")
def blank(catalog) -> bytes:
    r = resolve(catalog, REQUEST)
    return make_input_workbook(r.kind, r.province, r.period)


def _saved(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _list(book, formula: str) -> list[str]:
    column = formula.split("!$")[1].split("$")[0]
    return [c.value for c in book[LISTS][column] if c.value is not None]


def test_blank_as_downloaded_is_refused_only_for_holding_no_figure(catalog, blank):
    result = validate_upload(catalog, REQUEST, blank)
    assert [e.code for e in result.errors] == ["no_data"]
    assert {w.code for w in result.warnings} <= {"missing_units", "missing_section"}
    assert result.summary["units"] == {"reported": 0, "total": 10}  # unit names alone


def test_units_sheet_filled_with_numbers_is_accepted_as_is(catalog, blank):
    book = load_workbook(io.BytesIO(blank))
    sheet = book["Đơn vị"]
    codes = [c.value for c in sheet[2]]
    for row in sheet.iter_rows(min_row=3):
        row[codes.index("plan")].value = "Có"
        for code in ("budget", "launch_events", "launch_male", "media_female", "broadcasts"):
            row[codes.index(code)].value = 7
    result = validate_upload(catalog, REQUEST, _saved(book))
    assert result.errors == []
    assert {w.code for w in result.warnings} <= {"missing_section"}
    assert result.summary["figures"]["totals"]["broadcasts"] == 70


def test_activity_log_filled_from_its_drop_down_lists_is_accepted(catalog, blank):
    book = load_workbook(io.BytesIO(blank))
    sheet = book["Hoạt động"]
    rules = {str(v.sqref).split(":")[0][0]: v for v in sheet.data_validations.dataValidation}
    units, kinds = _list(book, rules["A"].formula1), _list(book, rules["B"].formula1)
    for row, (unit, kind) in enumerate(zip(units * 2, kinds * 3, strict=False), start=3):
        for column, value in enumerate([unit, kind, date(2023, 11, 20), 2, 3, 4], start=1):
            sheet.cell(row=row, column=column, value=value)
    result = validate_upload(catalog, REQUEST, _saved(book))
    assert result.errors == []
    assert result.summary["activity_logs"]["activities"]["rows"] == 20
    assert result.summary["units"]["reported"] == 10


def test_activity_log_sheet_carries_excel_validation_formats_and_frozen_headers(blank):
    book = load_workbook(io.BytesIO(blank))
    sheet = book["Hoạt động"]
    assert [c.value for c in sheet[1]][:3] == ["Đơn vị", "Loại hoạt động", "Ngày"]
    assert [c.value for c in sheet[2]][:4] == ["unit", "activity", "date", "quantity"]
    assert sheet.freeze_panes == "B3"
    assert sheet.column_dimensions["A"].width == 34 and sheet.column_dimensions["D"].width == 14
    rules = {str(v.sqref).split(":")[0][0]: v for v in sheet.data_validations.dataValidation}
    assert rules["C"].type == "date" and rules["C"].errorStyle == "warning"
    assert (rules["C"].formula1, rules["C"].formula2) == ("DATE(2023,11,15)", "DATE(2023,12,15)")
    assert (rules["D"].type, rules["D"].operator, rules["D"].formula1) == \
        ("whole", "greaterThanOrEqual", "0")
    assert str(rules["D"].sqref) == "D3:D5002"
    assert _list(book, rules["B"].formula1)[:3] == ["Phát động", "Kiểm tra, giám sát",
                                                    "Truyền thông"]
    assert sheet["C3"].number_format == "dd/mm/yyyy"
    assert sheet["E3"].number_format == "#,##0"
    assert book[LISTS].sheet_state == "hidden"


def test_province_activity_list_keeps_labels_with_commas_whole(blank):
    book = load_workbook(io.BytesIO(blank))
    rule = next(v for v in book["Cấp tỉnh"].data_validations.dataValidation
                if str(v.sqref).startswith("A3"))
    assert "Kiểm tra, giám sát" in _list(book, rule.formula1)


def test_instructions_explain_both_ways(blank):
    book = load_workbook(io.BytesIO(blank))
    text = "\n".join(str(c.value) for c in book["Hướng dẫn"]["A"] if c.value)
    assert "Trang «Đơn vị»: mỗi đơn vị một dòng" in text
    assert "Trang «Hoạt động»: nhật ký, mỗi hoạt động một dòng" in text
    assert "chỉ ghi ở một nơi" in text
    assert "từ 15/11/2023 đến 15/12/2023" in text


def test_communes_of_2025_fill_the_lists(catalog):
    r = resolve(catalog, ReportRequest("gender-equality-month", "phu-tho", "2025"))
    book = load_workbook(io.BytesIO(make_input_workbook(r.kind, r.province, r.period)))
    rule = next(v for v in book["Hoạt động"].data_validations.dataValidation
                if str(v.sqref).startswith("A3"))
    assert len(_list(book, rule.formula1)) == len(r.province.units) > 10
