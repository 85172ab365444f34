"""Streaming pre-scans of sheet XML, run by the archive gate before any parser reads a sheet.

A reader that builds a dense grid (calamine) allocates rows × columns of the area its cells
span: a 2 KB file with a value in cell XFD1048576 would ask for billions of cells. These scans
find that extent from the bytes, with byte counts and regular expressions that have a literal
prefix (fast), and refuse a sheet past the caps, naming it. Only cells that hold something
count: calamine skips styled empty cells (a format applied to whole columns down to row
1.048.576, as Excel and WPS users do) and never reads ``<dimension>``, so neither may refuse
a sheet. The XLSX scan also lists formula cells that carry no stored result, formula cells
whose result is an error (read as blank by calamine), and hidden columns.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import unescape

from openpyxl.utils import column_index_from_string, get_column_letter

from tasks.report.cell_errors import MAX_ERROR_CELLS, CellError, error_cells_past_cap
from tasks.report.sheets import MAX_AREA, MAX_COLUMNS, MAX_ROWS, IntakeError, thousands

MAX_ROW_BYTES = 16 * 1024 * 1024  # one row's XML; real rows are a few kilobytes
_ROOT = re.compile(rb"<(?:(\w+):)?worksheet\b")
_COL = rb"<%scol\b([^>]*)>"
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_ANY_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s>/]")


def sheet_bomb(message: str) -> IntakeError:
    return IntakeError(message, "sheet_too_large")


def within_caps(rows: int, columns: int) -> bool:
    """Whether a used area of ``rows`` × ``columns`` may be read."""
    return rows <= MAX_ROWS and columns <= MAX_COLUMNS and rows * max(columns, 1) <= MAX_AREA


def extent_refusal(sheet: str | None, rows: int, columns: int) -> IntakeError:
    """The ``sheet_too_large`` error for a sheet whose values reach row ``rows``, column
    ``columns`` (1-based), naming the sheet when it is known."""
    where = f"Trang «{sheet}»" if sheet else "Một trang tính"
    if rows > MAX_ROWS:
        return sheet_bomb(f"{where} có dữ liệu tới dòng {thousands(rows)}, vượt giới hạn "
                          f"{thousands(MAX_ROWS)} dòng; hãy tách tệp.")
    if columns > MAX_COLUMNS:
        return sheet_bomb(f"{where} có dữ liệu tới cột thứ {columns}, vượt giới hạn "
                          f"{MAX_COLUMNS} cột.")
    return sheet_bomb(f"Vùng dữ liệu của {where[0].lower()}{where[1:]} quá lớn (số dòng × "
                      "số cột); hãy tách tệp.")


class RowAligned:
    """Hands ``_scan`` whole rows only: bytes after the last row end wait for the next chunk.

    A run of rows written without an end tag (``<row r="9" s="1" customFormat="1"/>``, a
    format on whole rows) holds no row end: the buffer is then cut before its last row start,
    every row before that being whole.
    """

    row_end = b""
    row_start = b""

    def __init__(self) -> None:
        self._carry = b""

    def _start(self, first: bytes) -> None:
        """Learn the namespace prefix from the first chunk."""

    def feed(self, chunk: bytes) -> None:
        if not self.row_end:
            self._start(chunk)
        buffer = self._carry + chunk if self._carry else chunk
        cut = buffer.rfind(self.row_end)
        if cut >= 0:
            cut += len(self.row_end)
        elif self.row_start:
            cut = buffer.rfind(self.row_start)
        if cut <= 0:
            if len(buffer) > MAX_ROW_BYTES:
                raise sheet_bomb("Một dòng của bảng tính lớn bất thường; không đọc.")
            self._carry = buffer
            return
        self._carry = buffer[cut:]
        self._scan(buffer[:cut])

    def _scan(self, buffer: bytes) -> None:
        raise NotImplementedError


class XlsxSheetScan(RowAligned):
    """What the bytes of one worksheet part say about its extent, formulas and hidden columns.

    ``explicit`` is true when every cell is written ``<c r="A1"…`` (as Excel, LibreOffice and
    openpyxl write them), so that the references found bound the grid calamine will build.
    calamine also places cells it finds under another namespace prefix, with other white space
    or without a reference; such a sheet is not explicit, and goes to the openpyxl fallback.
    ``formula_cells`` maps (row, column) to the reference of each formula cell without a result;
    ``errors`` maps (row, column) to a ``CellError`` for each cell whose type is error
    (``t="e"``). ``sheet`` is the sheet's name, for messages (``None`` when no sheet names it).
    """

    def __init__(self, sheet: str | None = None) -> None:
        super().__init__()
        self.sheet = sheet
        self.max_row = self.max_column = self.cells = 0
        self.explicit = True
        self.formula_cells: dict[tuple[int, int], str] = {}
        self.errors: dict[tuple[int, int], CellError] = {}
        self.hidden_columns: set[int] = set()

    def _start(self, first: bytes) -> None:
        root = _ROOT.search(first[:4096])
        p = self.p = (root.group(1) + b":") if root and root.group(1) else b""
        self.explicit = not p  # a prefixed sheet (rare) is bounded by openpyxl instead
        self.row_end = b"</" + p + b"row>"
        self.row_start = b"<" + p + b"row"
        self._plain = b"<" + p + b'c r="'
        self._cell_row = re.compile(b"<" + p + rb'c r="[A-Za-z]{1,3}(\d{1,7})"')
        self._wide = re.compile(b"<" + p + rb'c r="([A-Za-z]{2,3})\d')
        self._odd = re.compile(b"<" + p + rb'c(?:[>/\t\n\r]| (?!r="))')
        # A cell that holds something: not self-closing, its first child a value, an inline
        # string or a formula.
        self._valued = re.compile(b"<" + p + rb'c r="([A-Za-z]{1,3})(\d{1,7})"[^>]*?(?<!/)>\s*<'
                                  + p + rb"(?:v|is|f)[\s>/]")
        self._col = re.compile(_COL % p)
        self._formula = re.compile(b"<" + p + rb"f[ >/]")
        self._value = re.compile(b"<" + p + rb"v>([^<]*)<")
        self._ref = re.compile(b"<" + p + rb'c r="([A-Z]+)(\d+)"')
        self._error = re.compile(b"<" + p + rb'c r="([A-Z]+)(\d+)"[^>]*? t="e"[^>]*>')

    def _scan(self, buffer: bytes) -> None:
        if b"<" + self.p + b"cols>" in buffer:
            self._hidden(buffer)
        # Cells hold their own row in their reference, and calamine places them by it.
        rows = self._cell_row.findall(buffer)
        if self.explicit and (len(rows) != buffer.count(self._plain)
                              or self._odd.search(buffer) or _PREFIXED_CELL.search(buffer)):
            self.explicit = False
        if not self.explicit:  # counted only for the openpyxl fallback's cap
            self.cells += len(_ANY_CELL.findall(buffer))
        # First a bound from every cell, which costs nothing more than finding them; only a
        # part past the caps by that bound is looked at cell by cell, since empty styled
        # cells count there but are never read.
        max_row = max(self.max_row, max(map(int, rows), default=0))
        max_column = max(self.max_column, 26) if rows else self.max_column
        for letters in set(self._wide.findall(buffer)):
            max_column = max(max_column, column_index_from_string(letters.decode().upper()))
        if not within_caps(max_row, max_column):
            max_row, max_column = self.max_row, self.max_column
            for letters, row in self._valued.findall(buffer):
                max_row = max(max_row, int(row))
                max_column = max(max_column, column_index_from_string(letters.decode().upper()))
        self.max_row, self.max_column = max_row, max_column
        if not within_caps(max_row, max_column):
            raise extent_refusal(self.sheet, max_row, max_column)
        if self._formula.search(buffer):
            self._formulas(buffer)
        if b' t="e"' in buffer:
            self._errors(buffer)

    def _hidden(self, buffer: bytes) -> None:
        for attributes in self._col.findall(buffer):
            values = dict(_ATTR.findall(attributes))
            if values.get(b"hidden") in (b"1", b"true"):
                low = int(values.get(b"min", b"1"))
                high = min(int(values.get(b"max", low)), MAX_COLUMNS)
                self.hidden_columns.update(range(low, high + 1))

    def _formulas(self, buffer: bytes) -> None:
        """Record formula cells whose result was never stored (``<v>`` missing or empty)."""
        p = self.p
        for found in self._formula.finditer(buffer):
            start = buffer.rfind(b"<" + p + b'c r="', 0, found.start())
            end = buffer.find(b"</" + p + b"c>", found.start())
            ref = self._ref.match(buffer, start) if start >= 0 and end >= 0 else None
            if ref is None:
                continue
            typed_text = b't="str"' in buffer[start:buffer.find(b">", start)]
            value = self._value.search(buffer, found.start(), end + 1)
            if value is None or (not value.group(1) and not typed_text):
                column = column_index_from_string(ref.group(1).decode())
                self.formula_cells[(int(ref.group(2)), column)] = (ref.group(1)
                                                                   + ref.group(2)).decode()

    def _errors(self, buffer: bytes) -> None:
        """Record the cells of type error, with the error their ``<v>`` holds ("#N/A")."""
        for found in self._error.finditer(buffer):
            value = None
            if not found.group(0).endswith(b"/>"):
                end = buffer.find(b"</" + self.p + b"c>", found.end())
                value = self._value.search(buffer, found.end(), end + 1) if end >= 0 else None
            text = unescape(value.group(1).decode("utf-8", "replace")).strip() if value else ""
            if len(self.errors) >= MAX_ERROR_CELLS:
                (row, column), first = next(iter(self.errors.items()))
                raise error_cells_past_cap(self.sheet, f"{get_column_letter(column)}{row}",
                                           first.text)
            column = column_index_from_string(found.group(1).decode())
            self.errors[(int(found.group(2)), column)] = CellError(text)

    def finish(self) -> XlsxSheetScan:
        """The scan once the part has been read whole."""
        if self._carry:
            self._scan(self._carry)
            self._carry = b""
        return self
