"""The activity log sheet: one row per activity, summed into the figures the report prints."""

from __future__ import annotations

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from tasks.report.context import ReportOptions
from tasks.report.errors import DataError
from tasks.report.intake import validate_upload
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest
from tasks.settings import REPO_ROOT
from tests.conftest import SAMPLE, docx_text
from tests.report.intake_files import LOG_HEADER, UNITS, xlsx

# Dated after the window closes, so the report speaks of the whole window (no warning).
REQUEST = ReportRequest("gender-equality-month", "hoa-binh", "2023",
                        ReportOptions(report_date=date(2023, 12, 18)))
FIGURES = ["launch_events", "launch_male", "launch_female", "media_activities", "media_male",
           "media_female", "broadcasts", "online_posts"]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(REPO_ROOT / "doc_templates")


def _split(kind: str, unit: str, quantity: int, male: int, female: int) -> list[list]:
    """Two log rows that add up to the given figures; the second leaves quantity blank (= 1)."""
    if quantity == 0:
        return []
    if quantity == 1:
        return [[unit, kind, date(2023, 11, 20), None, male, female]]
    return [[unit, kind, date(2023, 11, 20), quantity - 1, male // 2, female // 2],
            [unit, kind, "01/12/2023", None, male - male // 2, female - female // 2]]


def _log_from_sample() -> tuple[bytes, list[list]]:
    """The sample workbook with its activity figures moved from «Đơn vị» into the log."""
    book = load_workbook(SAMPLE)
    units = book["Đơn vị"]
    codes = [c.value for c in units[2]]
    log = []
    for row in units.iter_rows(min_row=3):
        v = {code: cell.value or 0 for code, cell in zip(codes, row, strict=False)}
        unit = v["unit"]
        log += _split("Phát động", unit, v["launch_events"], v["launch_male"], v["launch_female"])
        plain = v["media_activities"] - v["broadcasts"] - v["online_posts"]
        log += _split("Truyền thông", unit, plain, v["media_male"], v["media_female"])
        log += _split("Phát thanh loa", unit, v["broadcasts"], 0, 0)
        log += _split("tin, bai truc tuyen", unit, v["online_posts"], 0, 0)
        for code in FIGURES:
            row[codes.index(code)].value = None  # «Đơn vị» keeps plan, budget, highlights
    sheet = book["Hoạt động"]
    for r, values in enumerate(log, start=3):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), log


def test_log_beside_units_sheet_reproduces_the_seed_report(catalog):
    data, log = _log_from_sample()
    assert len(log) > 40
    result = validate_upload(catalog, REQUEST, data)
    assert result.errors == [] and result.warnings == []
    text = docx_text(compile_report(catalog, REQUEST, data).document)
    for figure in ("10/10 huyện, thành phố", "361 triệu đồng", "34 cuộc", "1.090 nam, 3.410 nữ",
                   "384 hoạt động", "56.805 nam, 62.783 nữ", "220 buổi",
                   "huyện Lạc Sơn và huyện Lạc Thủy"):
        assert figure in text


def test_log_alone_with_plan_rows_and_missing_units_in_the_ratio(catalog):
    rows = [[u, "Xây dựng kế hoạch", date(2023, 11, 16), None, None, None] for u in UNITS[:7]]
    rows += [[UNITS[0], "Kinh phí", date(2023, 11, 16), 25_000_000, None, None],
             [UNITS[1], "Tập huấn", date(2023, 11, 30), 2, 40, 60]]
    data = xlsx({"Hoạt động": [LOG_HEADER[:6], *rows]})
    result = validate_upload(catalog, REQUEST, data)
    assert result.errors == []
    missing = next(w for w in result.warnings if w.code == "missing_units")
    assert "3/10" in missing.message and "huyện Lạc Thủy" in missing.message
    text = docx_text(compile_report(catalog, REQUEST, data).document)
    assert "7/10 huyện, thành phố" in text
    assert "25 triệu đồng" in text


def test_a_figure_in_both_sheets_is_an_error_naming_both_cells(catalog):
    units = [["Đơn vị", "Số cuộc phát động, kiểm tra, giám sát", "Phát động - Nam"],
             ["huyện Lạc Sơn", 5, 10], ["huyện Lạc Thủy", 2, None]]
    log = [LOG_HEADER[:6], ["huyện Lạc Sơn", "Phát động", "20/11/2023", 3, 10, 0],
           ["huyện Lạc Thủy", "Kiểm tra, giám sát", "20/11/2023", 2, 4, 4]]
    result = validate_upload(catalog, REQUEST, xlsx({"Đơn vị": units, "Hoạt động": log}))
    errors = [(p.code, p.sheet, p.cell) for p in result.errors]
    assert errors == [("figure_in_both", "Đơn vị", "B2")]
    assert "«Hoạt động» (từ ô B2)" in result.errors[0].message
    assert "5 và 3" in result.errors[0].message
    agreeing = {(p.code, p.cell) for p in result.warnings}
    assert ("figure_in_both", "C2") in agreeing and ("figure_in_both", "B3") in agreeing
    assert result.summary["figures"]["totals"]["launch_male"] == 14  # 10 counted once, plus 4


def test_dates_outside_the_period_are_errors_with_their_cell(catalog):
    log = [LOG_HEADER[:6], [UNITS[0], "Phát động", "14/11/2023", 1, 1, 1],
           [UNITS[1], "Phát động", date(2023, 12, 16), 1, 1, 1],
           [UNITS[2], "Phát động", "2023-12-15", 1, 1, 1],
           [UNITS[3], "Phát động", "15/11/2023", 1, 1, 1]]
    result = validate_upload(catalog, REQUEST, xlsx({"Hoạt động": log}))
    outside = {(p.code, p.sheet, p.cell) for p in result.errors}
    assert outside == {("date_outside_period", "Hoạt động", "C2"),
                       ("date_outside_period", "Hoạt động", "C3")}
    assert not [p for p in result.warnings if p.code == "date_outside_period"]
    message = result.errors[0].message
    assert "15/11/2023 – 15/12/2023" in message and "chỉ tính hoạt động trong kỳ" in message
    assert "Sửa lại ngày" in message and "xóa dòng" in message


@pytest.mark.parametrize("day", [date(2023, 1, 1), "01/03/2024", date(2023, 11, 14),
                                 "16/12/2023"])
def test_an_activity_dated_before_or_after_the_window_refuses_the_report(catalog, day):
    log = [LOG_HEADER[:6], [UNITS[0], "Tập huấn", "20/11/2023", 1, 10, 10],
           [UNITS[0], "Tập huấn", day, 2, 20, 20]]
    data = xlsx({"Hoạt động": log})
    result = validate_upload(catalog, REQUEST, data)
    assert [(p.code, p.sheet, p.cell) for p in result.errors] == [
        ("date_outside_period", "Hoạt động", "C3")]
    with pytest.raises(DataError) as caught:
        compile_report(catalog, REQUEST, data)
    assert {p.cell for p in caught.value.problems()} == {"C3"}


@pytest.mark.parametrize("quantity", [10**9 + 1, 1e20, "100000000000000000000"])
def test_a_count_of_activities_past_a_billion_is_refused(catalog, quantity):
    log = [LOG_HEADER[:6], [UNITS[0], "Tập huấn", "20/11/2023", quantity, 10, 10]]
    result = validate_upload(catalog, REQUEST, xlsx({"Hoạt động": log}))
    assert [(p.code, p.sheet, p.cell) for p in result.errors] == [
        ("number_too_large", "Hoạt động", "D2")]
    assert "1.000.000.000" in result.errors[0].message


def test_a_log_amount_may_pass_a_billion_but_not_a_million_billion_dong(catalog):
    log = [LOG_HEADER[:6], [UNITS[0], "Kinh phí", "20/11/2023", 2_500_000_000, None, None]]
    result = validate_upload(catalog, REQUEST, xlsx({"Hoạt động": log}))
    assert result.errors == []
    log[1][3] = 1e30
    result = validate_upload(catalog, REQUEST, xlsx({"Hoạt động": log}))
    assert [(p.code, p.cell) for p in result.errors] == [("number_too_large", "D2")]
    assert "1e+30" in result.errors[0].message
    assert "1.000.000.000.000.000 đồng" in result.errors[0].message


def test_every_bad_log_cell_is_reported_at_once(catalog):
    header = [*LOG_HEADER[:6], "Tổng số người"]
    log = [header, [UNITS[0], "Bay lượn", "20/11/2023", 1, 1, 1, None],
           ["huyện Lạc Sonn", "Phát động", "31/02/2023", -1, 1.5, "mười", None],
           [UNITS[2], "Tập huấn", "hôm qua", 1, 10, 20, 31],
           [None, "Phát động", None, 1, None, None, None],
           ["Tổng cộng", None, None, 3, 12, 21, None]]
    result = validate_upload(catalog, REQUEST, xlsx({"Hoạt động": log}))
    found = {(p.code, p.cell) for p in result.errors}
    assert found == {("unknown_activity", "B2"), ("unknown_unit", "A3"), ("not_a_date", "C3"),
                     ("negative_number", "D3"), ("not_whole_number", "E3"),
                     ("not_a_number", "F3"), ("not_a_date", "C4"), ("inconsistent_total", "G4"),
                     ("missing_value", "A5")}
    unknown = next(p for p in result.errors if p.code == "unknown_unit")
    assert "huyện Lạc Sơn" in unknown.message
    kinds = next(p for p in result.errors if p.code == "unknown_activity")
    assert "Phát thanh loa" in kinds.message
    assert ("total_row_ignored", "A6") in {(p.code, p.cell) for p in result.warnings}


def test_neither_the_units_sheet_nor_the_log_is_an_error_naming_both(catalog):
    result = validate_upload(catalog, REQUEST, xlsx({"Cấp tỉnh": [["Hoạt động"], ["Tờ rơi"]]}))
    missing = [p for p in result.errors if p.code == "missing_sheet"]
    assert len(missing) == 1
    assert "«Đơn vị»" in missing[0].message and "«Hoạt động»" in missing[0].message


def test_many_identical_problems_are_counted_after_the_first_hundred(catalog):
    log = [LOG_HEADER[:6], *[[UNITS[0], "Phát động", "20/11/2023", "x", 1, 1]] * 250]
    result = validate_upload(catalog, REQUEST, xlsx({"Hoạt động": log}))
    listed = [p for p in result.errors if p.code == "not_a_number"]
    assert len(listed) == 101
    assert listed[-1].cell is None and "Còn 150 ô khác" in listed[-1].message
