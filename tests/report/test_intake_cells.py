"""Cells the readers must not take at face value (issue 10): formula errors, blanks of spaces,
multi-line text, styled empty cells far down a sheet. Every input is built here, in the shape
Excel, LibreOffice or a CSV export gives it; every outcome is the error with its cell, or the
figure the report prints."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date

import pytest
from docx.oxml.ns import qn
from lxml import etree
from openpyxl import Workbook

from tasks.report.context import ReportOptions
from tasks.report.errors import DataError
from tasks.report.intake import validate_upload
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest
from tasks.report.sheets import MAX_ROWS
from tasks.report.workbook import IntakeError, read_workbook
from tasks.settings import REPO_ROOT
from tests.conftest import SAMPLE, docx_text
from tests.report.intake_files import (
    LOG_HEADER,
    UNITS,
    entries,
    error_cell,
    ods,
    replace_parts,
    rezip,
    with_cells,
    xlsx,
)

REQUEST = ReportRequest("gender-equality-month", "hoa-binh", "2023",
                        ReportOptions(report_date=date(2023, 12, 4)))
UNITS_SHEET = "xl/worksheets/sheet1.xml"  # «Đơn vị», the first sheet of the sample


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(REPO_ROOT / "doc_templates")


def check(catalog, data: bytes):
    return validate_upload(catalog, REQUEST, data)


def codes(found) -> set[tuple]:
    return {(p.code, p.sheet, p.cell) for p in found}


def unit_labels(catalog) -> list[str]:
    return [c.label for c in catalog.kind("gender-equality-month").sheet("units").columns]


def province_labels(catalog) -> list[str]:
    return [c.label for c in catalog.kind("gender-equality-month").sheet("province").columns]


# ---- 1. formula results that are errors ----------------------------------------------------

def test_sample_with_three_error_cells_is_refused_naming_each(catalog):
    # Before: "Dữ liệu hợp lệ", and a report of 331 triệu đồng instead of 361, 30 cuộc
    # instead of 34 (calamine reads an error cell as an empty string).
    data = with_cells(SAMPLE.read_bytes(), {
        "C4": error_cell("C4", "#VALUE!", "C3*B4"),
        "D5": error_cell("D5", "#DIV/0!", "D4/0"),
        "E6": error_cell("E6", "#N/A", 'VLOOKUP("x",A1:B2,2,0)'),
    })
    result = check(catalog, data)
    assert codes(result.errors) == {("formula_error", "Đơn vị", "C4"),
                                    ("formula_error", "Đơn vị", "D5"),
                                    ("formula_error", "Đơn vị", "E6")}
    by_cell = {p.cell: p.message for p in result.errors}
    assert "#VALUE!" in by_cell["C4"] and "Kinh phí (đồng)" in by_cell["C4"]
    assert "#DIV/0!" in by_cell["D5"] and "chia cho 0" in by_cell["D5"]
    assert "#N/A" in by_cell["E6"]
    with pytest.raises(DataError) as caught:
        compile_report(catalog, REQUEST, data)
    assert {p.cell for p in caught.value.problems()} == {"C4", "D5", "E6"}


def _all_sheets(catalog) -> bytes:
    units = [unit_labels(catalog)] + [[u, "Có", 1000, 2, 3, 4] + [None] * 8 + ["ghi chú"]
                                      for u in UNITS]
    log = [LOG_HEADER, [UNITS[0], "Khác", date(2023, 11, 20), 2, 5, 6, "x"]]
    province = [province_labels(catalog),
                ["Tập huấn", "tập huấn", 1, "lớp", "khoảng", 80, None, None, "cán bộ", "UNICEF"]]
    return xlsx({"Đơn vị": units, "Hoạt động": log, "Cấp tỉnh": province})


@pytest.mark.parametrize("sheet, part, ref, kind", [
    ("Đơn vị", "sheet1", "A3", "unit"),
    ("Đơn vị", "sheet1", "B4", "flag"),
    ("Đơn vị", "sheet1", "C5", "money"),
    ("Đơn vị", "sheet1", "D6", "count"),
    ("Đơn vị", "sheet1", "O7", "text"),
    ("Hoạt động", "sheet2", "A2", "unit"),
    ("Hoạt động", "sheet2", "B2", "log activity"),
    ("Hoạt động", "sheet2", "C2", "date"),
    ("Hoạt động", "sheet2", "D2", "count"),
    ("Cấp tỉnh", "sheet3", "A2", "activity"),
    ("Cấp tỉnh", "sheet3", "E2", "approximation"),
    ("Cấp tỉnh", "sheet3", "J2", "text"),
])
def test_an_error_cell_is_an_error_in_every_column_type(catalog, sheet, part, ref, kind):
    data = _all_sheets(catalog)
    assert check(catalog, data).errors == []
    broken = with_cells(data, {ref: error_cell(ref, "#REF!", "#REF!+1")},
                        part=f"xl/worksheets/{part}.xml")
    result = check(catalog, broken)
    assert codes(result.errors) == {("formula_error", sheet, ref)}, kind
    assert "#REF!" in result.errors[0].message


def _ods_cell(body: str, **attributes: str) -> str:
    attrs = " ".join(f'{k.replace("_", ":", 1).replace("_", "-")}="{v}"'
                     for k, v in attributes.items())
    return f"<table:table-cell {attrs}>{body}</table:table-cell>"


def _ods_text(text: str) -> str:
    return _ods_cell(f"<text:p>{text}</text:p>", office_value_type="string",
                     calcext_value_type="string")


def _ods_number(value: int) -> str:
    return _ods_cell(f"<text:p>{value}</text:p>", office_value_type="float",
                     office_value=str(value), calcext_value_type="float")


def test_ods_error_cells_in_each_shape_writers_use(catalog):
    header = unit_labels(catalog)[:6]
    rows = [header] + [[u, "Có", 1000, 2, 3, 4] for u in UNITS[:9]]
    # The tenth unit: LibreOffice's shapes (an empty string or a 0 beside calcext's "error")
    # and, without calcext, the error text alone under a formula.
    last = "".join([
        _ods_text(UNITS[9]), _ods_text("Có"),
        _ods_cell("<text:p>#DIV/0!</text:p>", table_formula="of:=[.C2]/0",
                  office_value_type="string", office_string_value="",
                  calcext_value_type="error"),
        _ods_cell("<text:p>Err:502</text:p>", table_formula="of:=SQRT(-1)",
                  office_value_type="float", office_value="0", calcext_value_type="error"),
        _ods_cell("<text:p>#N/A</text:p>", table_formula="of:=NA()",
                  office_value_type="string", office_string_value="#N/A"),
        _ods_number(4),
    ])
    data = ods({"Đơn vị": rows}, raw_rows=f"<table:table-row>{last}</table:table-row>")
    sheet = read_workbook(data).sheets[0]
    assert [str(v) for v in sheet.rows[-1][1][2:5]] == ["#DIV/0!", "Err:502", "#N/A"]
    result = check(catalog, data)
    assert codes(result.errors) == {("formula_error", "Đơn vị", "C11"),
                                    ("formula_error", "Đơn vị", "D11"),
                                    ("formula_error", "Đơn vị", "E11")}
    assert "LibreOffice" in next(p.message for p in result.errors if p.cell == "D11")


def test_a_formula_whose_result_is_the_text_of_an_error_is_text(catalog):
    # ="#N/A" in LibreOffice: calcext says string; the cell is text, not an error.
    header = province_labels(catalog)[:2]
    cell = _ods_cell("<text:p>#N/A</text:p>", table_formula='of:="#N/A"',
                     office_value_type="string", office_string_value="#N/A",
                     calcext_value_type="string")
    data = ods({"Cấp tỉnh": [header]},
               raw_rows=f"<table:table-row>{_ods_text('Khác')}{cell}</table:table-row>")
    assert read_workbook(data).sheets[0].rows[-1][1][:2] == ["Khác", "#N/A"]


def test_csv_exported_error_values_are_errors(catalog):
    text = ("Đơn vị;Loại hoạt động;Ngày;Số lượng;Nam;Nữ\r\n"
            "huyện Lạc Sơn;Phát động;20/11/2023;#DIV/0!;1;2\r\n"
            "#N/A;Phát động;20/11/2023;1;1;2\r\n"
            "huyện Lạc Thủy;Phát động;20/11/2023;Err:502;1;2\r\n"
            "huyện Mai Châu;Phát động;20/11/2023;1;#1 nhóm;2\r\n")
    result = check(catalog, text.encode())
    assert {(c, cell) for c, _s, cell in codes(result.errors)} == {
        ("formula_error", "D2"), ("formula_error", "A3"), ("formula_error", "D4"),
        ("not_a_number", "E5")}


def test_error_cells_of_a_sheet_without_cell_references(catalog):
    data = with_cells(xlsx({"Đơn vị": [unit_labels(catalog)[:6],
                                       *[[u, "Có", 1000, 2, 3, 4] for u in UNITS]]}),
                      {"D4": error_cell("D4", "#NUM!")})
    sheet = entries(data)[UNITS_SHEET]
    bare = re.sub(rb' r="[A-Z]+\d+"', b"", sheet)  # read through openpyxl
    result = check(catalog, replace_parts(data, {UNITS_SHEET: bare}))
    assert codes(result.errors) == {("formula_error", "Đơn vị", "D4")}


@pytest.mark.slow
@pytest.mark.parametrize("target", ["ods", "xlsx"])
def test_errors_in_files_libreoffice_itself_saved(catalog, tmp_path, target):
    from tests.report.test_intake_real_files import _soffice_convert

    book = Workbook()
    ws = book.active
    ws.title = "Đơn vị"
    ws.append(unit_labels(catalog)[:6])
    for u in UNITS:
        ws.append([u, "Có", 1000, 2, 3, 4])
    ws["C3"], ws["D4"] = "=1/0", "=NA()"
    out = io.BytesIO()
    book.save(out)
    converted = _soffice_convert(out.getvalue(), "xlsx", target, tmp_path)
    result = check(catalog, converted)
    assert codes(result.errors) == {("formula_error", "Đơn vị", "C3"),
                                    ("formula_error", "Đơn vị", "D4")}


# ---- 2. one definition of blank ------------------------------------------------------------

BLANKS = [None, " ", "\u00a0", "\u200b", " \t\u00a0\u200b\u2060 ", "\n"]


def _log_with_blank_quantities() -> list[list]:
    rows = [[UNITS[7], "Phát động", date(2023, 11, 20), blank, 1, 2] for blank in BLANKS]
    return [LOG_HEADER[:6], *rows, [UNITS[7], "Phát động", date(2023, 11, 21), 3, 0, 0]]


def _as_csv(rows: list[list]) -> bytes:
    lines = [";".join("" if v is None else f"{v:%d/%m/%Y}" if isinstance(v, date) else
                      f'"{v}"' if isinstance(v, str) else str(v) for v in row) for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


@pytest.mark.parametrize("build", [
    lambda rows: xlsx({"Hoạt động": rows}),
    lambda rows: ods({"Hoạt động": rows}),
    _as_csv,
], ids=["xlsx", "ods", "csv"])
def test_a_quantity_of_spaces_counts_as_blank_not_zero(catalog, build):
    # "Số lượng" blank means one activity; a cell of spaces, NBSP or zero-width characters is
    # blank too (it used to count as 0 while an empty cell counted as 1).
    data = build(_log_with_blank_quantities())
    result = check(catalog, data)
    assert result.errors == []
    assert result.summary["figures"]["totals"]["launch_events"] == len(BLANKS) + 3
    assert "9 cuộc" in docx_text(compile_report(catalog, REQUEST, data).document)


def test_every_reader_delivers_none_for_a_blank_cell():
    rows = [["a", "b"], *[[blank, "x"] for blank in BLANKS[1:]]]
    # In ODS also a cell of nothing but a line break, which is read from the cell's XML.
    broken = _ods_cell("<text:p> <text:line-break/><text:tab/></text:p>",
                       office_value_type="string")
    blanks = len(BLANKS) - 1
    for data, count in ((xlsx({"S": rows}), blanks), (_as_csv(rows), blanks),
                        (ods({"S": rows}, raw_rows=f"<table:table-row>{broken}"
                                                   f"{_ods_text('x')}</table:table-row>"),
                         blanks + 1)):
        sheet = read_workbook(data).sheets[0]
        assert [values[:2] for _n, values in sheet.rows[1:]] == [[None, "x"]] * count


def test_a_blank_of_invisible_characters_is_not_a_figure_given_twice(catalog):
    # «Đơn vị» leaves huyện Lạc Sơn's launch count "blank" (a zero-width space) and the log
    # gives it: one source, not a conflict between 0 and 2.
    header = unit_labels(catalog)[:6]
    units = [header] + [[u, "Có", 1000, 2, 3, 4] for u in UNITS]
    units[8][3:6] = ["\u200b", "\u00a0", " "]
    log = [LOG_HEADER[:6], [UNITS[7], "Phát động", date(2023, 11, 20), 2, 30, 40]]
    result = check(catalog, xlsx({"Đơn vị": units, "Hoạt động": log}))
    assert result.errors == [] and not [p for p in result.warnings
                                        if p.code == "figure_in_both"]
    assert (result.summary["figures"]["totals"]["launch_events"],
            result.summary["figures"]["totals"]["launch_male"]) == (2 * 9 + 2, 3 * 9 + 30)


# ---- 5. multi-line cells --------------------------------------------------------------------

def test_ods_line_breaks_tabs_and_paragraphs_are_read_as_such():
    cells = "".join([
        _ods_cell("<text:p>xe lưu động<text:line-break/>cổ động</text:p>",
                  office_value_type="string"),
        _ods_cell("<text:p>Nam<text:tab/>Nữ</text:p>", office_value_type="string"),
        _ods_cell("<text:p>dòng 1</text:p><text:p>dòng 2</text:p>", office_value_type="string"),
        _ods_cell('<office:annotation><text:p>ghi chú</text:p></office:annotation><text:p>'
                  '<text:span text:style-name="T1">đậm</text:span> a<text:s text:c="2"/>b'
                  '<text:line-break/>&amp; c</text:p>', office_value_type="string"),
    ])
    data = ods({"S": [["a", "b", "c", "d"]]}, raw_rows=f"<table:table-row>{cells}"
               "</table:table-row>")
    assert read_workbook(data).sheets[0].rows[-1][1] == [
        "xe lưu động\ncổ động", "Nam\tNữ", "dòng 1\ndòng 2", "đậm a  b\n& c"]


def _highlight_lines(document: bytes, first: str) -> list[str]:
    """The lines (split at Word line breaks) of the paragraph that contains ``first``."""
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(document)).read("word/document.xml"))
    for paragraph in body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in paragraph.iter(qn("w:t")))
        if first in text:
            lines, current = [], ""
            for node in paragraph.iter(qn("w:t"), qn("w:br")):
                if node.tag == qn("w:br"):
                    lines.append(current)
                    current = ""
                else:
                    current += node.text or ""
            return [*lines, current]
    raise AssertionError(f"no paragraph holds {first!r}")


def _units_with_highlight(catalog, highlight: str, unit_text: str = UNITS[9]) -> list[list]:
    header = unit_labels(catalog)
    rows = [header] + [[u, "Có", 1000, 2, 3, 4] + [None] * 9 for u in UNITS]
    rows[10][0], rows[10][14] = unit_text, highlight
    return rows


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "csv"])
def test_line_breaks_in_a_text_cell_reach_the_report_as_line_breaks(catalog, fmt):
    text = "tuyên truyền bằng xe lưu động\r\ncổ động Tháng hành động\n\n- treo băng rôn"
    # The unit's name broken over two lines still names it.
    rows = _units_with_highlight(catalog, text, "huyện\nLạc  Thủy")
    if fmt == "xlsx":
        data = xlsx({"Đơn vị": rows})
    elif fmt == "csv":
        data = "\r\n".join(";".join(f'"{v}"' if v is not None else "" for v in row)
                           for row in rows).encode()
    else:
        ods_text = text.replace("\r\n", "<text:line-break/>").replace("\n\n", "</text:p><text:p>")
        cell = _ods_cell(f"<text:p>{ods_text}</text:p>", office_value_type="string")
        lead = "".join([_ods_cell("<text:p>huyện</text:p><text:p>Lạc Thủy</text:p>",
                                  office_value_type="string"), _ods_text("Có"),
                        *(_ods_number(v) for v in (1000, 2, 3, 4)),
                        '<table:table-cell table:number-columns-repeated="8"/>'])
        data = ods({"Đơn vị": rows[:10]},
                   raw_rows=f"<table:table-row>{lead}{cell}</table:table-row>")
    result = check(catalog, data)
    assert result.errors == [], result.errors
    document = compile_report(catalog, REQUEST, data).document
    assert _highlight_lines(document, "xe lưu động") == [
        "- Huyện Lạc Thủy: tuyên truyền bằng xe lưu động", "cổ động Tháng hành động",
        "- treo băng rôn."]


def test_a_header_typed_on_two_lines_still_names_its_column(catalog):
    header = unit_labels(catalog)[:6]
    header[3] = "Số cuộc phát động,\nkiểm tra,\ngiám sát"
    result = check(catalog, xlsx({"Đơn vị": [header, *[[u, "Có", 1, 2, 3, 4] for u in UNITS]]}))
    assert result.errors == [] and result.summary["figures"]["totals"]["launch_events"] == 20


# ---- 8. styled empty cells far down a sheet -------------------------------------------------

def _styled_to_the_last_row(data: bytes, through: int, whole_rows: bool = False) -> bytes:
    """The units sheet of ``data`` as Excel and WPS save a sheet whose whole columns A:Z were
    formatted: the declared dimension reaches row 1.048.576, rows 13 to ``through`` hold
    styled empty cells (or, ``whole_rows``, are styled rows without cells), and so does the
    sheet's last row."""
    parts = entries(data)
    sheet = parts[UNITS_SHEET]
    sheet = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:Z1048576"/>', sheet)
    if whole_rows:
        styled = b"".join(b'<row r="%d" s="1" customFormat="1"/>' % n
                          for n in range(13, through + 1))
    else:
        styled = b"".join(b'<row r="%d" s="1" customFormat="1"><c r="A%d" s="1"/>'
                          b'<c r="Z%d" s="1"/></row>' % (n, n, n) for n in range(13, through + 1))
    last = (b'<row r="1048576" s="1" customFormat="1"><c r="A1048576" s="1"/>'
            b'<c r="Z1048576" s="1"/></row>')
    parts[UNITS_SHEET] = sheet.replace(b"</sheetData>", styled + last + b"</sheetData>")
    return rezip(parts)


@pytest.mark.parametrize("through, whole_rows", [
    (12, False), (MAX_ROWS + 50_000, False), (600_000, True),
], ids=["last-row", "every-row", "row-styles"])
def test_formatted_whole_columns_do_not_make_a_sheet_too_large(catalog, through, whole_rows):
    data = _styled_to_the_last_row(SAMPLE.read_bytes(), through, whole_rows)
    result = check(catalog, data)
    assert result.errors == []
    assert result.summary["sheets"][0] == {"name": "Đơn vị", "rows": 12}
    totals = result.summary["figures"]["totals"]
    assert (totals["budget"], totals["launch_events"]) == (361_000_000, 34)
    if through == 12:  # the figures read back from the report once
        text = docx_text(compile_report(catalog, REQUEST, data).document)
        assert "361 triệu đồng" in text and "34 cuộc" in text


def test_ods_with_a_style_on_whole_columns_is_read(catalog):
    header = unit_labels(catalog)[:6]
    styled = ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
              'table:style-name="ce1" table:number-columns-repeated="26"/></table:table-row>')
    data = ods({"Đơn vị": [header, *[[u, "Có", 1, 2, 3, 4] for u in UNITS]]}, raw_rows=styled)
    result = check(catalog, data)
    assert result.errors == [] and result.summary["figures"]["totals"]["launch_events"] == 20


def test_a_sheet_with_values_past_the_row_cap_is_refused_naming_it():
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="%d"><c r="B%d">'
             b"<v>2</v></c></row></sheetData></worksheet>" % (MAX_ROWS + 1, MAX_ROWS + 1))
    data = replace_parts(xlsx({"Nhật ký, năm 2023": [["x"]]}), {UNITS_SHEET: sheet})
    with pytest.raises(IntakeError) as caught:
        read_workbook(data)
    assert caught.value.code == "sheet_too_large"
    assert caught.value.message == ("Trang «Nhật ký, năm 2023» có dữ liệu tới dòng 200.001, vượt "
                                    "giới hạn 200.000 dòng; hãy tách tệp.")


def test_an_ods_sheet_with_values_past_the_row_cap_is_refused_naming_it():
    filled = ('<table:table-row table:number-rows-repeated="200001"><table:table-cell '
              'office:value-type="float" office:value="1"/></table:table-row>')
    with pytest.raises(IntakeError) as caught:
        read_workbook(ods({"Nhật ký, năm 2023": [["x"]]}, raw_rows=filled))
    assert caught.value.message == ("Trang «Nhật ký, năm 2023» có dữ liệu tới dòng 200.002, vượt "
                                    "giới hạn 200.000 dòng; hãy tách tệp.")


# ---- numbers past what a cell can vouch for ------------------------------------------------

@pytest.mark.parametrize("column, value, shown, limit", [
    ("C", 1e30, "1e+30", "1.000.000.000.000.000 đồng"),                # money, numeric cell
    ("C", "1000000000000000000000", "1000000000000000000000", "1.000.000.000.000.000 đồng"),
    ("C", "2.000.000.000.000.000", "2.000.000.000.000.000", "1.000.000.000.000.000 đồng"),
    ("D", 1e20, "1e+20", "1.000.000.000."),                             # count, numeric cell
    ("D", 1_000_000_001, "1.000.000.001", "1.000.000.000."),
    ("D", "100000000000000000000", "100000000000000000000", "1.000.000.000."),  # count, text
])
def test_a_number_too_large_to_be_a_figure_is_an_error_naming_the_limit(catalog, column, value,
                                                                         shown, limit):
    units = [unit_labels(catalog), [UNITS[0], "Có", 1000, 2, 3, 4]]
    units[1][ord(column) - ord("A")] = value
    result = check(catalog, xlsx({"Đơn vị": units}))
    assert codes(result.errors) == {("number_too_large", "Đơn vị", f"{column}2")}
    message = result.errors[0].message
    assert f"«{shown}» quá lớn" in message and f"tối đa là {limit}" in message
    assert "19884935838656" not in message


def test_the_largest_figures_allowed_are_summed_exactly(catalog):
    units = [unit_labels(catalog), [UNITS[0], "Có", 10**15, 10**9, 3, 4],
             [UNITS[1], "Có", "1.000.000.000.000.000", "1.000.000.000", 3, 4]]
    result = check(catalog, xlsx({"Đơn vị": units}))
    assert [p for p in result.errors if p.code == "number_too_large"] == []


def test_a_total_that_differs_from_its_parts_names_them_by_their_labels(catalog):
    province = [province_labels(catalog),
                ["Tập huấn", "tập huấn", 1, "lớp", None, 100, 40, 50, "cán bộ", "UNICEF"]]
    result = check(catalog, xlsx({"Cấp tỉnh": province}))
    total = [p for p in result.errors if p.code == "inconsistent_total"]
    assert codes(total) == {("inconsistent_total", "Cấp tỉnh", "F2")}
    assert "«Số người tham gia» 100 khác tổng các cột «Nam», «Nữ»" in total[0].message
    assert "male" not in total[0].message and "female" not in total[0].message
