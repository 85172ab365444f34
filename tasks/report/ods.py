"""Reading ODS spreadsheets (LibreOffice's own format) with calamine, after the archive gate.

ODS compresses runs of identical rows and cells into one element with a repeat count: LibreOffice
ends every sheet with "1.048.568 empty rows" that way, which is harmless, while a *filled* cell
repeated a million times would make calamine build a grid of billions of cells. The scan below
walks the rows of ``content.xml`` and bounds the area that holds values before calamine runs.

It also finds the cells calamine reads wrongly, whose right value then replaces calamine's
(``keep_rows``' overrides): a formula whose result is an error (LibreOffice stores it as
``calcext:value-type="error"`` beside an empty string or a 0, which calamine takes) becomes a
``CellError``; text with line breaks or tabs inside a paragraph, which calamine drops, is
read from the cell's XML (``ods_text``).
"""

from __future__ import annotations

import io
import re
from xml.sax.saxutils import unescape

from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from tasks.report.archive_guard import check_archive, check_entries, read_part
from tasks.report.cell_errors import (
    MAX_ERROR_CELLS,
    CellError,
    error_cells_past_cap,
    is_error_text,
)
from tasks.report.ods_text import cell_text
from tasks.report.sheet_scan import RowAligned, extent_refusal, sheet_bomb, within_caps
from tasks.report.sheets import (
    MAX_AREA,
    MAX_COLUMNS,
    IntakeError,
    Sheet,
    keep_rows,
    sheet_name,
    thousands,
)

ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_TABLE_NS = re.compile(rb'xmlns:(\w+)="urn:oasis:names:tc:opendocument:xmlns:table:1\.0"')
_NAME = re.compile(rb':name="([^"]*)"')
_ROWS = re.compile(rb'number-rows-repeated="(\d+)"')
_COLUMNS = re.compile(rb'number-columns-repeated="(\d+)"')
_SPAN = re.compile(rb'number-(columns|rows)-spanned="(\d+)"')
_VALUE_TYPES = re.compile(rb'value-type="([\w-]+)"')
_NAMESPACES = re.compile(rb'xmlns:\w+="[^"]*"')
# A line break or a tab inside a paragraph: "…:tab" followed by a space, "/" or ">" (never
# "…:table").
_BREAKS = re.compile(rb":(?:line-break|tab)[\s/>]")
HEADER_ROWS = 20  # merged cells are recorded in the rows where headers live
# Cells whose text is read from the XML (line breaks, tabs): a real sheet has a few.
MAX_TEXT_FIXES = 100_000


class OdsContentScan(RowAligned):
    """Per table: the last row and column holding a value, merged header cells, hidden columns,
    and ``overrides`` (by table name, then (row, column) 1-based): a ``CellError`` for each
    cell whose formula gave an error, the text of each cell with line breaks or tabs."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, Sheet] = {}
        self.overrides: dict[str, dict[tuple[int, int], object]] = {}
        self._table: Sheet | None = None
        self._row = self._column = self.cells = 0
        self._errors = self._texts = 0
        self._breaks = False

    def _start(self, first: bytes) -> None:
        found = _TABLE_NS.search(first)
        t = (found.group(1) if found else b"table") + b":"
        self.row_end = b"</" + t + b"table-row>"
        self.row_start = b"<" + t + b"table-row"
        self._cell_end = b"</" + t + b"table-cell>"
        self._namespaces = b" ".join(_NAMESPACES.findall(first[:65536]))
        self._items = re.compile(
            b"<" + t + rb"table(?P<table>[\s>])|<" + t
            + rb"table-(?P<kind>row|column)(?=[\s/>])(?P<attrs>[^>]*?)(?P<end>/?)>")
        self._cell = re.compile(b"<" + t + rb"(?:covered-)?table-cell(?=[\s/>])([^>]*?)(/?)>")

    def _scan(self, buffer: bytes) -> None:
        self._breaks = _BREAKS.search(buffer) is not None
        for item in self._items.finditer(buffer):
            if item.group("table"):
                name = _NAME.search(buffer, item.start(), buffer.find(b">", item.start()))
                self._table = Sheet(unescape(name.group(1).decode()) if name else "")
                self.tables[self._table.name] = self._table
                self._row = self._column = 0
                continue
            attrs = item.group("attrs")
            if item.group("kind") == b"column":
                self._columns(attrs)
            elif item.group("end"):
                self._row += _repeat(_ROWS, attrs)
            else:
                self._cells(buffer, item.end(), buffer.find(self.row_end, item.end()), attrs)

    def _columns(self, attrs: bytes) -> None:
        count = min(_repeat(_COLUMNS, attrs), MAX_COLUMNS)
        if b'visibility="collapse"' in attrs and self._table is not None:
            self._table.hidden_columns.update(range(self._column + 1, self._column + count + 1))
        self._column += count

    def _cells(self, buffer: bytes, start: int, end: int, attrs: bytes) -> None:
        repeat, column, width, filled = _repeat(_ROWS, attrs), 0, 0, 0
        special = []
        for cell in self._cell.finditer(buffer, start, end):
            cell_attrs, closed = cell.groups()
            count = _repeat(_COLUMNS, cell_attrs)
            if not closed or b"value-type" in cell_attrs:
                width, filled = column + count, filled + count
                self._note(cell_attrs, column)
                if not closed and (self._breaks or b"formula=" in cell_attrs):
                    special.append((cell, column, count))
            column += count
        self._row += repeat
        if width:
            self.cells += filled * repeat
            if not within_caps(self._row, width) or self.cells > MAX_AREA:
                name = self._table.name if self._table is not None else None
                if within_caps(self._row, width):
                    raise sheet_bomb(f"Trang «{name}» có quá {thousands(MAX_AREA)} ô có dữ "
                                     "liệu; không đọc.")
                raise extent_refusal(name, self._row, width)
        for cell, column, count in special:
            self._special(buffer, cell, end, range(self._row - repeat + 1, self._row + 1),
                          range(column + 1, column + count + 1))

    def _note(self, attrs: bytes, column: int) -> None:
        """Keep merged header cells and formulas that carry no value."""
        if self._table is None:
            return
        row = self._row + 1
        if row <= HEADER_ROWS and b"spanned" in attrs:
            spans = {k: int(v) for k, v in _SPAN.findall(attrs)}
            last = (row - 2 + spans.get(b"rows", 1), column - 1 + spans.get(b"columns", 1))
            self._table.merged.append(((row - 1, column), last))
        if b"formula=" in attrs and b"value-type" not in attrs:
            self._table.formula_cells[(row, column + 1)] = f"{get_column_letter(column + 1)}{row}"

    def _special(self, buffer: bytes, cell: re.Match, row_end: int, rows: range,
                 columns: range) -> None:
        """Record the right value of a cell calamine reads wrongly, if it is one."""
        if self._table is None:
            return
        attrs = cell.group(1)
        close = buffer.find(self._cell_end, cell.end(), row_end)
        content = buffer[cell.end():close if close >= 0 else row_end]
        types = _VALUE_TYPES.findall(attrs)
        value: object = None
        # LibreOffice marks the error (calcext); other writers leave only its text.
        if b"formula=" in attrs and (b"error" in types or len(types) == 1 and (
                b"#" in content or b"Err:" in content)):
            text = (cell_text(content, self._namespaces) or "").strip()
            if b"error" in types or is_error_text(text):
                value = CellError(text)
        if value is None and b"string" in types and _BREAKS.search(content):
            value = cell_text(content, self._namespaces)
        if value is None:
            return
        found = self.overrides.setdefault(self._table.name, {})
        for row in rows:
            for column in columns:
                self._count(value, row, column)
                found[(row, column)] = value

    def _count(self, value: object, row: int, column: int) -> None:
        if isinstance(value, CellError):
            self._errors += 1
            if self._errors > MAX_ERROR_CELLS:
                raise error_cells_past_cap(self._table.name,
                                           f"{get_column_letter(column)}{row}", value.text)
        else:
            self._texts += 1
            if self._texts > MAX_TEXT_FIXES:
                raise sheet_bomb(f"Trang «{self._table.name}» có quá nhiều ô nhiều dòng; "
                                 "không đọc.")

    def finish(self) -> OdsContentScan:
        """The scan once ``content.xml`` has been read whole."""
        if self._carry:
            self._scan(self._carry)
            self._carry = b""
        return self


def _repeat(pattern: re.Pattern, attrs: bytes) -> int:
    found = pattern.search(attrs) if b"repeated" in attrs else None
    return int(found.group(1)) if found else 1


def read_ods(data: bytes) -> list[Sheet]:
    """The sheets of an ODS file; ``IntakeError`` when it is refused or cannot be read."""
    entries = check_entries(data)
    manifest = read_part(data, entries, "META-INF/manifest.xml") or b""
    if b"encryption-data" in manifest:
        raise IntakeError("Tệp ODS có mật khẩu; hãy lưu lại không đặt mật khẩu.",
                          "encrypted_workbook")
    scans = check_archive(data, entries,
                          lambda n: OdsContentScan() if n == "content.xml" else None)
    scan = scans.get("content.xml")
    if scan is None:
        raise IntakeError("Tệp ODS thiếu phần nội dung (content.xml).", "corrupt_file")
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            sheets = []
            for name in book.sheet_names:
                known = scan.tables.get(name, Sheet(name))
                sheet = Sheet(sheet_name(name), merged=known.merged,
                              hidden_columns=known.hidden_columns,
                              formula_cells=known.formula_cells)
                keep_rows(sheet, book.get_sheet_by_name(name).to_python(skip_empty_area=False),
                          overrides=scan.overrides.get(name))
                sheets.append(sheet)
            return sheets
    except (CalamineError, ValueError, OverflowError) as e:
        raise IntakeError(f"Không đọc được tệp ODS: {e}", "corrupt_file") from e
