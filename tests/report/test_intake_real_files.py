"""Workbooks as officers' programs really write them: Excel/openpyxl, LibreOffice (XLSX, ODS),
CSV in the encodings Windows produces, and the quirks people add (merged headers, blank rows,
hidden columns, formulas, numbers typed as text, NFD names, legacy-font text)."""

from __future__ import annotations

import codecs
import io
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import date

import pytest
from openpyxl import Workbook

from tasks.report.intake import validate_upload
from tasks.report.kinds import Catalog
from tasks.report.request import ReportRequest
from tasks.report.workbook import read_workbook
from tasks.settings import REPO_ROOT
from tests.report.intake_files import (
    LOG_HEADER,
    UNITS,
    cp1258,
    entries,
    libreoffice_xlsx,
    ods,
    replace_parts,
    xlsx,
)

UNIT_HEADER = ["Đơn vị", "Có kế hoạch", "Kinh phí (đồng)", "Số cuộc phát động, kiểm tra, giám sát",
               "Phát động - Nam", "Phát động - Nữ"]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(REPO_ROOT / "doc_templates")


def check(catalog, data: bytes):
    return validate_upload(catalog, ReportRequest("gender-equality-month", "hoa-binh", "2023"),
                           data)


def codes(found) -> set[tuple]:
    return {(p.code, p.sheet, p.cell) for p in found}


def unit_rows(budget=1_000_000, events=2, male=10, female=30):
    return [[u, "Có", budget, events, male, female] for u in UNITS]


def test_log_from_openpyxl_with_every_date_and_number_style(catalog):
    rows = [["huyện Lạc Sơn", "Phát động", date(2023, 11, 20), 1, 10, 30, "x"],
            ["huyện Lạc Sơn", "Kiểm tra, giám sát", "21/11/2023", "2", "1.090", " 34 ", ""],
            ["huyện Lạc Thủy", "phat thanh loa", "2023-11-22", "1,090", None, None, None],
            ["huyện Lạc Thủy", "media", 45252, None, 5, 6, None]]
    result = check(catalog, xlsx({"Hoạt động": [LOG_HEADER, *rows]}))
    assert result.errors == []
    totals = result.summary["figures"]["totals"]
    assert (totals["launch_events"], totals["launch_male"], totals["launch_female"]) == \
        (3, 1100, 64)
    assert (totals["broadcasts"], totals["media_activities"], totals["media_male"]) == \
        (1090, 1091, 5)
    assert result.summary["activity_logs"] == {"activities": {
        "rows": 4, "categories": {"launch": 1, "inspection": 1, "broadcast": 1, "media": 1}}}


def test_libreoffice_xlsx_with_shared_strings_dates_and_cached_formulas(catalog):
    rows = [[u, "Có", 1_000_000, ("=", "1+1", 2), 10, 30] for u in UNITS]
    data = libreoffice_xlsx("Đơn vị", [UNIT_HEADER, *rows])
    assert "xl/sharedStrings.xml" in entries(data)  # the shape LibreOffice writes
    result = check(catalog, data)
    assert result.errors == []
    assert result.summary["figures"]["totals"]["launch_events"] == 20  # the formula's stored result


def test_ods_as_libreoffice_writes_it_with_merged_header_and_hidden_column(catalog):
    header = [["Đơn vị", "Có kế hoạch", "Kinh phí (đồng)", "Số cuộc phát động, kiểm tra, giám sát",
               ("span", "Phát động", 2)], [None, None, None, None, "Nam", "Nữ"]]
    rows = [[unicodedata.normalize("NFD", u), "x", 1000, 1, 2, 3] for u in UNITS]
    result = check(catalog, ods({"Đơn vị": [*header, *rows]}, hidden_column=3))
    assert result.errors == []
    assert result.summary["file_type"] == "ods"
    assert result.summary["figures"]["totals"]["launch_female"] == 30
    assert ("hidden_column", "Đơn vị", "C2") in codes(result.warnings)


def _soffice_convert(source: bytes, suffix: str, target: str, tmp_path) -> bytes:
    """``source`` saved by LibreOffice Calc itself as ``target``.

    Skips the test only where LibreOffice is not installed; a conversion that fails or
    produces nothing fails the test, with what LibreOffice said.
    """
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    path = tmp_path / f"in.{suffix}"
    path.write_bytes(source)
    out = tmp_path / "out"
    command = [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
               "--convert-to", target, "--outdir", str(out), str(path)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"LibreOffice did not convert to {target} within 120 s")
    produced = out / f"in.{target}"
    if done.returncode != 0 or not produced.exists():
        said = (done.stdout + done.stderr).decode(errors="replace")[-2000:]
        pytest.fail(f"LibreOffice failed to convert to {target} (exit {done.returncode}): {said}")
    return produced.read_bytes()


@pytest.mark.slow
@pytest.mark.parametrize("target", ["ods", "xlsx"])
def test_files_saved_by_libreoffice_itself(catalog, tmp_path, target):
    source = xlsx({"Đơn vị": [UNIT_HEADER, *unit_rows()]})
    converted = _soffice_convert(source, "xlsx", target, tmp_path)
    result = check(catalog, converted)
    assert result.errors == []
    assert result.summary["figures"]["totals"]["launch_male"] == 100


def _csv(rows: list[list], delimiter: str, newline: str) -> str:
    return newline.join(delimiter.join(str(v) for v in row) for row in rows) + newline


LOG_ROWS = [LOG_HEADER[:6], *[[u, "Phát động", "20/11/2023", 1, 2, 3] for u in UNITS]]


@pytest.mark.parametrize("encode", [
    lambda: codecs.BOM_UTF8 + _csv(LOG_ROWS, ";", "\r\n").encode(),
    lambda: _csv(LOG_ROWS, ",", "\n").encode(),
    lambda: cp1258(_csv(LOG_ROWS, ",", "\r\n")),
    lambda: _csv(LOG_ROWS, "\t", "\r\n").encode("utf-16"),  # Excel's "Unicode text"
], ids=["utf8-bom-semicolon-crlf", "utf8-comma-lf", "cp1258", "utf16-tab"])
def test_csv_activity_log_in_every_windows_encoding(catalog, encode):
    result = check(catalog, encode())
    assert result.errors == [], result.errors
    assert result.summary["file_type"] == "csv"
    assert result.summary["units"] == {"reported": 10, "total": 10}
    assert result.summary["figures"]["totals"]["launch_female"] == 30


def test_formula_without_stored_result_is_an_error_naming_its_cell(catalog):
    book = Workbook()
    ws = book.active
    ws.title = "Đơn vị"
    for row in [UNIT_HEADER, *unit_rows()]:
        ws.append(row)
    ws["D5"] = "=2+3"  # openpyxl stores the formula, never its result
    out = io.BytesIO()
    book.save(out)
    result = check(catalog, out.getvalue())
    assert codes(result.errors) == {("formula_without_value", "Đơn vị", "D5")}
    assert "công thức" in result.errors[0].message


def test_merged_two_row_header_blank_rows_and_a_title(catalog):
    book = Workbook()
    ws = book.active
    ws.title = "Đơn vị"
    ws.append(["BÁO CÁO SỐ LIỆU THÁNG HÀNH ĐỘNG NĂM 2023"])
    ws.merge_cells("A1:F1")
    ws.append(["Đơn vị", "Có kế hoạch", "Kinh phí (đồng)", "Số cuộc phát động, kiểm tra, giám sát",
               "Phát động", None])
    ws.append([None, None, None, None, "Nam", "Nữ"])
    for cells in ("A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2"):
        ws.merge_cells(cells)
    for i, row in enumerate(unit_rows(male=7, female=9)):
        ws.append(row)
        if i % 3 == 0:
            ws.append([])
    out = io.BytesIO()
    book.save(out)
    result = check(catalog, out.getvalue())
    assert result.errors == []
    totals = result.summary["figures"]["totals"]
    assert (totals["launch_male"], totals["launch_female"]) == (70, 90)


def test_hidden_column_is_read_and_pointed_out(catalog):
    book = Workbook()
    ws = book.active
    ws.title = "Đơn vị"
    for row in [UNIT_HEADER, *unit_rows(budget=5)]:
        ws.append(row)
    ws.column_dimensions["C"].hidden = True
    out = io.BytesIO()
    book.save(out)
    result = check(catalog, out.getvalue())
    assert ("hidden_column", "Đơn vị", "C1") in codes(result.warnings)
    assert result.summary["figures"]["totals"]["budget"] == 50


def test_nfd_old_tone_placement_and_nbsp_in_unit_names(catalog):
    names = [unicodedata.normalize("NFD", u.replace("Hòa", "Hoà").replace("Thủy", "Thuỷ"))
             .replace(" ", "\u00a0 ") for u in UNITS]
    rows = [[n, "Tập huấn", date(2023, 12, 1), 1, 1, 1] for n in names]
    result = check(catalog, xlsx({"Hoạt động": [LOG_HEADER[:6], *rows]}))
    assert result.errors == []
    assert result.summary["units"]["reported"] == 10


@pytest.mark.parametrize("text, encoding", [("huyÖn L¹c S¬n", "TCVN3"),
                                            ("huyeän Laïc Sôn", "VNI")])
def test_legacy_font_text_is_refused_with_its_cell(catalog, text, encoding):
    rows = [*unit_rows()]
    rows[7][0] = text
    result = check(catalog, xlsx({"Đơn vị": [UNIT_HEADER, *rows]}))
    assert codes(result.errors) == {("legacy_encoding", "Đơn vị", "A9")}
    assert encoding in result.errors[0].message and "bảng mã cũ" in result.errors[0].message


def test_legacy_text_in_a_provincial_description_is_refused(catalog):
    province = [["Hoạt động", "Nội dung", "Số lượng"], ["Tập huấn", "TËp huÊn c¸n bé", 1]]
    result = check(catalog, xlsx({"Đơn vị": [UNIT_HEADER, *unit_rows()], "Cấp tỉnh": province}))
    assert codes(result.errors) == {("legacy_encoding", "Cấp tỉnh", "B2")}


def test_cells_without_references_are_read_through_openpyxl(catalog):
    data = xlsx({"Đơn vị": [UNIT_HEADER, *unit_rows(events=4)]})
    sheet = entries(data)["xl/worksheets/sheet1.xml"]
    import re

    bare = re.sub(rb' r="[A-Z]+\d+"', b"", sheet)  # no cell says where it is
    assert b'<c r="' not in bare
    book = read_workbook(replace_parts(data, {"xl/worksheets/sheet1.xml": bare}))
    assert book.sheets[0].rows[3][1][:4] == ["huyện Lương Sơn", "Có", 1_000_000, 4]
    result = check(catalog, replace_parts(data, {"xl/worksheets/sheet1.xml": bare}))
    assert result.errors == [] and result.summary["figures"]["totals"]["launch_events"] == 40


def test_zip_written_with_data_descriptors_still_passes_the_gate(catalog):
    # Streaming writers put sizes after the data; the gate reads them from the directory.
    source = entries(xlsx({"Đơn vị": [UNIT_HEADER, *unit_rows()]}))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in source.items():
            with z.open(name, "w") as f:
                f.write(content)
    assert check(catalog, out.getvalue()).errors == []
