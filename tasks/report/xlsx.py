"""Reading XLSX workbooks: calamine where it is safe, openpyxl where it is not.

Every file first passes the archive gate (``archive_guard``) with a scan of each worksheet part
(``sheet_scan``). Then calamine (Rust, about ten times faster than openpyxl) reads the values,
taking each formula's stored result. calamine builds a dense grid and uses its own ZIP and XML
code, so it only ever sees archives the gate passed and sheets whose extent the scan bounded
from explicit cell references. calamine reads a cell whose formula gave an error as an empty
string: the scan found those cells, and they reach the rows as ``CellError``. A sheet with cells
that carry no reference cannot be bounded that way: such workbooks (rare; no common program
writes them) go to openpyxl, which stores cells sparsely, under a smaller cell cap, and which
then also tells formula and error cells apart.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from xml.etree.ElementTree import ParseError

import openpyxl
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from openpyxl.utils.exceptions import InvalidFileException
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from tasks.report.archive_guard import Entry, check_archive, check_entries, read_part
from tasks.report.cell_errors import MAX_ERROR_CELLS, CellError, error_cells_past_cap
from tasks.report.sheet_scan import XlsxSheetScan, extent_refusal, within_caps
from tasks.report.sheets import IntakeError, Sheet, keep_rows, sheet_name

MAX_FALLBACK_CELLS = 500_000
_REL_ID = "}id"


def _corrupt(detail: object) -> IntakeError:
    return IntakeError(f"Không đọc được bảng tính: {detail}", "corrupt_file")


def _xml(data: bytes, entries: list[Entry], name: str):
    raw = read_part(data, entries, name)
    if raw is None:
        raise _corrupt(f"thiếu phần «{name}»")
    try:
        return fromstring(raw)
    except (ParseError, DefusedXmlException) as e:
        raise _corrupt(f"phần «{name}» hỏng ({e})") from e


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sheet_parts(data: bytes, entries: list[Entry]) -> list[tuple[str, str]]:
    """(sheet name, part path) of every sheet, in workbook order, from workbook.xml and its rels."""
    book = _xml(data, entries, "xl/workbook.xml")
    rels = _xml(data, entries, "xl/_rels/workbook.xml.rels")
    targets = {r.get("Id"): r.get("Target", "") for r in rels if _local(r.tag) == "Relationship"}
    parts = []
    for element in book.iter():
        if _local(element.tag) != "sheet":
            continue
        rel = next((v for k, v in element.attrib.items() if k.endswith(_REL_ID)), None)
        target = targets.get(rel, "")
        if not target.lower().endswith(".xml"):
            raise _corrupt(f"trang «{element.get('name', '')}» trỏ tới «{target}»")
        path = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join("xl", target))
        parts.append((element.get("name", ""), path))
    return parts


def _refuse_macros(data: bytes, entries: list[Entry]) -> None:
    types = read_part(data, entries, "[Content_Types].xml") or b""
    if b"macroEnabled" in types or b"ms-excel.sheet.binary" in types:
        raise IntakeError("Tệp Excel có macro (.xlsm) hoặc dạng nhị phân (.xlsb), không nhận; "
                          "hãy lưu lại dạng .xlsx thường (Excel Workbook).", "macro_enabled")


def read_xlsx(data: bytes) -> list[Sheet]:
    """The sheets of an XLSX file; ``IntakeError`` when it is refused or cannot be read."""
    entries = check_entries(data)
    _refuse_macros(data, entries)
    parts = sheet_parts(data, entries)
    names = {path: sheet_name(name) for name, path in parts}
    # Every XML part is scanned as a possible sheet, not only the ones the relationships name
    # as resolved here: calamine resolves them its own way ("xl/worksheets/../x.xml" is a
    # legal member name), and a sheet it reads must never have escaped the scan.
    scans = check_archive(data, entries, lambda n: XlsxSheetScan(names.get(n))
                          if n.lower().endswith(".xml") else None)
    by_name = {name: scans.get(path) for name, path in parts}
    if all(s.explicit or s.cells == 0 for s in scans.values()):
        sheets = _read_calamine(data, by_name)
    else:
        sheets = _read_openpyxl(data, by_name, sum(s.cells for s in scans.values()))
    return sheets


def _read_calamine(data: bytes, scans: dict[str, XlsxSheetScan | None]) -> list[Sheet]:
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            sheets = []
            for meta in book.sheets_metadata:
                if meta.typ != SheetTypeEnum.WorkSheet:
                    continue
                source = book.get_sheet_by_name(meta.name)
                sheet = Sheet(sheet_name(meta.name), merged=source.merged_cell_ranges or [])
                scan = scans.get(meta.name)
                keep_rows(sheet, source.to_python(skip_empty_area=False),
                          overrides=scan.errors if scan else None)
                _attach(sheet, scan)
                sheets.append(sheet)
            return sheets
    except (CalamineError, ValueError, OverflowError) as e:
        raise _corrupt(e) from e


def _attach(sheet: Sheet, scan: XlsxSheetScan | None) -> None:
    if scan is not None:
        sheet.hidden_columns = scan.hidden_columns
        sheet.formula_cells = scan.formula_cells


def _load(data: bytes, data_only: bool):
    try:
        return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only, keep_links=False,
                                      keep_vba=False, rich_text=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError,
            OSError) as e:
        raise _corrupt(e) from e


def _read_openpyxl(data: bytes, scans: dict[str, XlsxSheetScan | None],
                   cells: int) -> list[Sheet]:
    if cells > MAX_FALLBACK_CELLS:
        raise IntakeError("Bảng tính ghi ô không kèm địa chỉ và có quá nhiều ô; hãy mở bằng "
                          "Excel hoặc LibreOffice, lưu lại rồi tải lên.", "sheet_too_large")
    values = _load(data, data_only=True)
    formulas = _load(data, data_only=False)
    sheets = []
    for ws in values.worksheets:
        sheet = Sheet(sheet_name(ws.title))
        rows, columns, errors = _held_cells(ws, sheet.name)
        typed = formulas[ws.title]
        formula_rows, formula_columns, _ = _held_cells(typed, sheet.name)
        # openpyxl keeps cells sparse, but iterating rows walks the whole rectangle.
        for extent in ((rows, columns), (formula_rows, formula_columns)):
            if not within_caps(*extent):
                raise extent_refusal(sheet.name, *extent)
        sheet.merged = [((r.min_row - 1, r.min_col - 1), (r.max_row - 1, r.max_col - 1))
                        for r in ws.merged_cells.ranges]
        if rows:
            keep_rows(sheet, ws.iter_rows(max_row=rows, max_col=columns, values_only=True),
                      overrides=errors)
        scan = scans.get(ws.title)
        sheet.hidden_columns = scan.hidden_columns if scan else set()
        sheet.formula_cells = {
            (c.row, c.column): c.coordinate
            for row in (typed.iter_rows(max_row=formula_rows, max_col=formula_columns)
                        if formula_rows else ())
            for c in row if c.data_type == "f" and ws[c.coordinate].value is None}
        sheets.append(sheet)
    return sheets


def _held_cells(ws, sheet: str) -> tuple[int, int, dict[tuple[int, int], CellError]]:
    """The last row and column holding a value, and the cells whose formula gave an error.

    ``max_row`` would count styled empty cells too; openpyxl's sparse cell store
    (``_cells``) is the only way to see the cells it holds without walking the rectangle.
    """
    rows = columns = 0
    errors: dict[tuple[int, int], CellError] = {}
    for (row, column), cell in ws._cells.items():
        if cell.value is None:
            continue
        rows, columns = max(rows, row), max(columns, column)
        if cell.data_type == "e":
            if len(errors) >= MAX_ERROR_CELLS:
                raise error_cells_past_cap(sheet, cell.coordinate, str(cell.value))
            errors[(row, column)] = CellError(str(cell.value).strip())
    return rows, columns, errors
