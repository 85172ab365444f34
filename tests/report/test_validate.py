"""Validation of data workbooks: every problem at once, each with its sheet and cell."""

from __future__ import annotations

import csv
import io
import unicodedata
from datetime import date

import pytest

from tasks.report.kinds import Catalog
from tasks.report.validate import Validator
from tasks.report.workbook import IntakeError, read_workbook
from tasks.settings import REPO_ROOT
from tests.report.intake_files import cp1258, xlsx

HEADER = ["Đơn vị", "Có kế hoạch", "Kinh phí (đồng)", "Số cuộc phát động, kiểm tra, giám sát",
          "Phát động - Nam", "Phát động - Nữ"]
UNITS = ["thành phố Hòa Bình", "huyện Đà Bắc", "huyện Lương Sơn", "huyện Kim Bôi",
         "huyện Cao Phong", "huyện Tân Lạc", "huyện Mai Châu", "huyện Lạc Sơn",
         "huyện Yên Thủy", "huyện Lạc Thủy"]


@pytest.fixture(scope="module")
def validator():
    catalog = Catalog(REPO_ROOT / "doc_templates")
    kind = catalog.kind("gender-equality-month")
    return Validator(kind, catalog.province("hoa-binh").at(date(2023, 12, 15)))


def full_rows(**overrides) -> list[list]:
    rows = [[name, "Có", 1_000_000, 1, 2, 3] for name in UNITS]
    for index, row in overrides.items():
        rows[int(index[1:])] = row
    return rows


def problems(validator, data: bytes) -> set[tuple]:
    found = validator.run(read_workbook(data)).problems
    return {(p.code, p.sheet, p.cell, p.severity) for p in found}


def test_clean_workbook_has_no_problems(validator):
    data = validator.run(read_workbook(xlsx({"Đơn vị": [HEADER, *full_rows()]})))
    assert data.problems == []
    assert len(data.tables["units"]) == 10
    assert data.tables["units"][0].values["budget"] == 1_000_000


def test_every_error_is_reported_at_once_with_its_cell(validator):
    rows = full_rows(r0=["thành phố Hòa Bình", "Có", -5, 1, 2, 3],
                     r1=["huyện Đà Bắc", "có lẽ", 1, "ba", 2, 3],
                     r2=["huyện Lương Sơn", "x", 1, 2.5, 2, 3])
    found = problems(validator, xlsx({"Đơn vị": [HEADER, *rows]}))
    assert ("negative_number", "Đơn vị", "C2", "error") in found
    assert ("not_a_flag", "Đơn vị", "B3", "error") in found
    assert ("not_a_number", "Đơn vị", "D3", "error") in found
    assert ("not_whole_number", "Đơn vị", "D4", "error") in found


def test_unknown_and_duplicate_units(validator):
    rows = full_rows(r0=["huyện Lạc Sonn", "Có", 1, 1, 2, 3],
                     r1=["huyện Lạc Thủy", "Có", 1, 1, 2, 3])
    data = validator.run(read_workbook(xlsx({"Đơn vị": [HEADER, *rows]})))
    by_code = {p.code: p for p in data.problems}
    assert by_code["unknown_unit"].cell == "A2"
    assert "huyện Lạc Sơn" in by_code["unknown_unit"].message
    assert by_code["duplicate_unit"].cell == "A11"
    assert by_code["missing_units"].severity == "warning"


def test_title_row_numbers_as_text_nfd_names_and_a_total_row(validator):
    rows = [[unicodedata.normalize("NFD", name.replace("Thủy", "Thuỷ")), "x", "1.000.000",
             " 34 ", "1,090", None] for name in UNITS]
    sheet = [["BÁO CÁO SỐ LIỆU THÁNG HÀNH ĐỘNG"], [], HEADER, *rows, ["Tổng cộng", None, 1]]
    data = validator.run(read_workbook(xlsx({"units": sheet})))
    assert [p.code for p in data.problems] == ["total_row_ignored"]
    values = data.tables["units"][-1].values
    assert values["unit"].name == "huyện Lạc Thủy"
    assert (values["budget"], values["launch_events"], values["launch_male"],
            values["launch_female"]) == (1_000_000, 34, 1090, 0)


def test_a_workbook_without_any_sheet_of_the_kind_is_an_error_naming_them(validator):
    found = problems(validator, xlsx({"Don vi huyen": [HEADER, *full_rows()]}))
    assert found == {("no_known_sheet", None, None, "error"),
                     ("unknown_sheet", "Don vi huyen", None, "warning")}


def test_an_empty_workbook_is_one_no_data_error(validator):
    import openpyxl
    out = io.BytesIO()
    openpyxl.Workbook().save(out)  # one sheet, no cell
    assert problems(validator, out.getvalue()) == {("no_data", None, None, "error")}


def test_the_sample_with_its_units_sheet_renamed_is_refused_naming_both_sheets(validator):
    """The sample's activity log sheet is there but empty: it cannot stand in for the units
    sheet, so the renamed sheet is a warning and the missing units sheet an error, never a
    report of 0/10 units."""
    import openpyxl
    book = openpyxl.load_workbook(REPO_ROOT / "doc_templates/gender-equality-month/sample.xlsx")
    book["Đơn vị"].title = "Don vi huyen"
    out = io.BytesIO()
    book.save(out)
    found = problems(validator, out.getvalue())
    assert ("missing_sheet", "Đơn vị", None, "error") in found
    assert ("unknown_sheet", "Don vi huyen", None, "warning") in found
    assert not {p for p in found if p[0] == "no_data"}


def test_missing_sheet_and_missing_column(validator):
    only_province = xlsx({"Cấp tỉnh": [["Hoạt động", "Số lượng"], ["Tờ rơi", 5]]})
    assert ("missing_sheet", "Đơn vị", None, "error") in problems(validator, only_province)
    found = problems(validator, xlsx({"Đơn vị": [HEADER[1:], [1, 2, 3, 4, 5]]}))
    assert ("missing_column", "Đơn vị", None, "error") in found


def test_unknown_column_is_a_warning(validator):
    found = problems(validator, xlsx({"Đơn vị": [HEADER + ["Ghi chú riêng"], *full_rows()]}))
    assert found == {("unknown_column", "Đơn vị", "G1", "warning")}


def test_csv_with_semicolons_and_bom(validator):
    text = ";".join(HEADER) + "\r\n" + "\r\n".join(
        f"{name};Có;1.000.000;1;2;3" for name in UNITS)
    data = validator.run(read_workbook(("\ufeff" + text).encode("utf-8")))
    assert data.problems == []
    assert data.tables["units"][3].values["budget"] == 1_000_000


def test_csv_in_cp1258_with_quoted_commas_is_decoded(validator):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows([name, "Không", 0, 2, 0, 0] for name in UNITS)
    data = validator.run(read_workbook(cp1258(buffer.getvalue())))
    assert data.problems == []
    assert data.tables["units"][9].values["unit"].name == "huyện Lạc Thủy"
    assert data.tables["units"][9].values["launch_events"] == 2


@pytest.mark.parametrize("data, code", [
    (b"", "empty_file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "unsupported_file_type"),
    (b"\x7fELF\x02\x01\x01\x00" + b"\0" * 100, "unsupported_file_type"),
    (b"PK\x03\x04garbage", "corrupt_file"),
])
def test_unreadable_files_are_refused_by_content(data, code):
    with pytest.raises(IntakeError) as caught:
        read_workbook(data)
    assert caught.value.code == code
