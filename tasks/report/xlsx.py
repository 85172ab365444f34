"""Reading XLSX workbooks: calamine where it is safe, openpyxl where it is not.

Every file first passes the archive gate (``archive_guard``) with a scan of each worksheet part
(``sheet_scan``). Then calamine (Rust, about ten times faster than openpyxl) reads the values,
taking each formula's stored result. calamine builds a dense grid and uses its own ZIP and XML
code, so it only ever sees archives the gate passed and sheets whose extent the scan bounded
from explicit cell references. A sheet with cells that carry no reference cannot be bounded
that way: such workbooks (rare; no common program writes them) go to openpyxl, which stores
cells sparsely, under a smaller cell cap, and which then also tells formula cells apart.
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
from tasks.report.sheet_scan import XlsxSheetScan
from tasks.report.sheets import (
    MAX_AREA,
    MAX_COLUMNS,
    MAX_ROWS,
    IntakeError,
    Sheet,
    keep_rows,
    sheet_name,
)

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
    # Every XML part is scanned as a possible sheet, not only the ones the relationships name
    # as resolved here: calamine resolves them its own way ("xl/worksheets/../x.xml" is a
    # legal member name), and a sheet it reads must never have escaped the scan.
    scans = check_archive(data, entries, lambda n: XlsxSheetScan()
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
                keep_rows(sheet, source.to_python(skip_empty_area=False))
                _attach(sheet, scans.get(meta.name))
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
        # openpyxl keeps cells sparse, but iterating rows walks the whole rectangle.
        if ws.max_row > MAX_ROWS or ws.max_column > MAX_COLUMNS or \
                ws.max_row * ws.max_column > MAX_AREA:
            raise IntakeError(f"Trang «{ws.title}» có vùng dữ liệu vượt giới hạn "
                              f"{MAX_ROWS:,} dòng × {MAX_COLUMNS} cột.".replace(",", "."),
                              "sheet_too_large")
        sheet = Sheet(sheet_name(ws.title))
        sheet.merged = [((r.min_row - 1, r.min_col - 1), (r.max_row - 1, r.max_col - 1))
                        for r in ws.merged_cells.ranges]
        keep_rows(sheet, ws.iter_rows(values_only=True))
        scan = scans.get(ws.title)
        sheet.hidden_columns = scan.hidden_columns if scan else set()
        sheet.formula_cells = {
            (c.row, c.column): c.coordinate for row in formulas[ws.title].iter_rows()
            for c in row if c.data_type == "f" and ws[c.coordinate].value is None}
        sheets.append(sheet)
    return sheets
