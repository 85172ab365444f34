"""``validate_upload``: every problem of a workbook at once, as the worker would find them."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from docx.oxml.ns import qn
from lxml import etree
from openpyxl import load_workbook

from tasks.report.context import ReportOptions
from tasks.report.errors import CatalogError, DataError
from tasks.report.intake import validate_upload
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest
from tasks.settings import REPO_ROOT
from tests.conftest import SAMPLE
from tests.report.intake_files import UNITS, xlsx

REQUEST = ReportRequest("gender-equality-month", "hoa-binh", "2023",
                        ReportOptions(report_date=date(2023, 12, 4)))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(REPO_ROOT / "doc_templates")


def _broken() -> bytes:
    header = ["Đơn vị", "Kinh phí (đồng)", "Số cuộc phát động, kiểm tra, giám sát",
              "Phát động - Nam", "Phát động - Nữ", "Ghi chú riêng"]
    rows = [[u, 1000, 1, 2, 3, None] for u in UNITS[:8]]
    rows[1] = [UNITS[1], "nhiều", -2, 1.5, "ba", None]
    rows[2] = ["huyện Kim Boi", 1, 1, 1, 1, None]
    rows[3] = [UNITS[0], 1, 1, 1, 1, None]
    province = [["Hoạt động", "Số người tham gia", "Nam", "Nữ"], ["Tập huấn", 80, 30, 40]]
    return xlsx({"Đơn vị": [header, *rows], "Cấp tỉnh": province,
                 "Đánh giá": [["Nội dung"], ["Tốt"]]})


def test_every_problem_is_reported_at_once_with_sheet_and_cell(catalog):
    result = validate_upload(catalog, REQUEST, _broken())
    assert not result.valid
    errors = {(p.code, p.sheet, p.cell) for p in result.errors}
    assert errors == {
        ("not_a_number", "Đơn vị", "B3"),
        ("negative_number", "Đơn vị", "C3"),
        ("not_whole_number", "Đơn vị", "D3"),
        ("not_a_number", "Đơn vị", "E3"),
        ("unknown_unit", "Đơn vị", "A4"),
        ("duplicate_unit", "Đơn vị", "A5"),
        ("inconsistent_total", "Cấp tỉnh", "B2"),
        ("missing_column", "Đánh giá", None),
    }
    warnings = {(p.code, p.sheet, p.cell) for p in result.warnings}
    assert ("unknown_column", "Đơn vị", "F1") in warnings
    assert ("missing_units", "Đơn vị", None) in warnings
    by_code = {p.code: p for p in result.errors}
    assert "huyện Kim Bôi" in by_code["unknown_unit"].message  # the closest name
    assert "A2" in by_code["duplicate_unit"].message
    assert all(p.message and not p.message.isascii() for p in result.errors)


def test_the_worker_finds_the_same_errors(catalog):
    with pytest.raises(DataError) as caught:
        compile_report(catalog, REQUEST, _broken())
    worker = {(p.code, p.sheet, p.cell) for p in caught.value.problems()}
    checked = {(p.code, p.sheet, p.cell) for p in validate_upload(catalog, REQUEST,
                                                                 _broken()).errors}
    assert worker == checked


def test_sample_is_valid_and_summarised(catalog):
    result = validate_upload(catalog, REQUEST, SAMPLE.read_bytes())
    assert result.valid and result.as_dict()["errors"] == []
    summary = result.summary
    assert summary["file_type"] == "xlsx"
    assert summary["units"] == {"reported": 10, "total": 10}
    assert summary["figures"]["totals"]["budget"] == 361_000_000
    assert summary["figures"]["totals"]["media_female"] == 62_783
    assert summary["figures"]["province_activities"] == 4
    assert summary["period"] == {"start": "2023-11-15", "end": "2023-12-15", "label": "năm 2023"}


def test_unreadable_file_is_an_invalid_result_not_an_exception(catalog):
    result = validate_upload(catalog, REQUEST, b"PK\x03\x04broken")
    assert not result.valid
    assert [p.code for p in result.errors] == ["corrupt_file"]


def test_request_that_does_not_resolve_raises(catalog):
    with pytest.raises(CatalogError):
        validate_upload(catalog, ReportRequest("gender-equality-month", "atlantis", "2023"),
                        SAMPLE.read_bytes())


FORMULA_LIKE = ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1", "-2+3", '=HYPERLINK("http://x","y")']


def test_formula_looking_text_reaches_the_document_as_literal_text(catalog):
    book = load_workbook(SAMPLE)
    sheet = book["Cấp tỉnh"]
    for row, text in enumerate(FORMULA_LIKE, start=7):
        sheet.cell(row=row, column=1, value="Khác")
        cell = sheet.cell(row=row, column=2, value=text)
        cell.data_type = "s"  # text, as Excel stores what is typed after an apostrophe
    out = io.BytesIO()
    book.save(out)
    assert validate_upload(catalog, REQUEST, out.getvalue()).valid
    document = compile_report(catalog, REQUEST, out.getvalue()).document
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(document)).read("word/document.xml"))
    texts = [t.text or "" for t in body.iter(qn("w:t"))]
    for literal in FORMULA_LIKE:
        assert any(literal in t for t in texts)  # plain run text, inert in Word
    fields = [e.text or "" for e in body.iter(qn("w:instrText"))]
    fields += [e.get(qn("w:instr"), "") for e in body.iter(qn("w:fldSimple"))]
    assert not any("calc" in f or "SUM" in f for f in fields)
