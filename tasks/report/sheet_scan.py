"""Streaming pre-scans of sheet XML, run by the archive gate before any parser reads a sheet.

A reader that builds a dense grid (calamine) allocates rows × columns of the used area, and
openpyxl's read-only mode trusts ``<dimension>``: a 2 KB file naming cell XFD1048576 would ask
for billions of cells. These scans find the real extent from the bytes, with byte counts and
regular expressions that have a literal prefix (fast), and refuse a sheet past the caps. The
XLSX scan also lists formula cells that carry no stored result, and hidden columns.
"""

from __future__ import annotations

import re

from openpyxl.utils import column_index_from_string

from tasks.report.sheets import MAX_AREA, MAX_COLUMNS, MAX_ROWS, IntakeError

MAX_ROW_BYTES = 16 * 1024 * 1024  # one row's XML; real rows are a few kilobytes
_ROOT = re.compile(rb"<(?:(\w+):)?worksheet\b")
_DIMENSION = rb'<%sdimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"'
_COL = rb"<%scol\b([^>]*)>"
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_PREFIXED_CELL = re.compile(rb":c[\s>/]")
_ANY_CELL = re.compile(rb"<(?:[\w.-]+:)?c[\s>/]")


def sheet_bomb(message: str) -> IntakeError:
    return IntakeError(message, "sheet_too_large")


class RowAligned:
    """Hands ``_scan`` whole rows only: bytes after the last row end wait for the next chunk."""

    row_end = b""

    def __init__(self) -> None:
        self._carry = b""

    def _start(self, first: bytes) -> None:
        """Learn the namespace prefix from the first chunk."""

    def feed(self, chunk: bytes) -> None:
        if not self.row_end:
            self._start(chunk)
        buffer = self._carry + chunk if self._carry else chunk
        cut = buffer.rfind(self.row_end)
        if cut < 0:
            if len(buffer) > MAX_ROW_BYTES:
                raise sheet_bomb("Một dòng của bảng tính lớn bất thường; không đọc.")
            self._carry = buffer
            return
        cut += len(self.row_end)
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
    ``formula_cells`` maps (row, column) to the reference of each formula cell without a result.
    """

    def __init__(self) -> None:
        super().__init__()
        self.max_row = self.max_column = self.cells = 0
        self.explicit = True
        self.formula_cells: dict[tuple[int, int], str] = {}
        self.hidden_columns: set[int] = set()

    def _start(self, first: bytes) -> None:
        root = _ROOT.search(first[:4096])
        p = self.p = (root.group(1) + b":") if root and root.group(1) else b""
        self.explicit = not p  # a prefixed sheet (rare) is bounded by openpyxl instead
        self.row_end = b"</" + p + b"row>"
        self._plain = b"<" + p + b'c r="'
        self._cell_row = re.compile(b"<" + p + rb'c r="[A-Za-z]{1,3}(\d{1,7})"')
        self._wide = re.compile(b"<" + p + rb'c r="([A-Za-z]{2,3})\d')
        self._odd = re.compile(b"<" + p + rb'c(?:[>/\t\n\r]| (?!r="))')
        self._dimension = re.compile(_DIMENSION % p)
        self._col = re.compile(_COL % p)
        self._formula = re.compile(b"<" + p + rb"f[ >/]")
        self._value = re.compile(b"<" + p + rb"v>([^<]*)<")
        self._ref = re.compile(b"<" + p + rb'c r="([A-Z]+)(\d+)"')

    def _scan(self, buffer: bytes) -> None:
        if self.max_row == 0 and b"dimension" in buffer[:8192]:
            self._check_dimension(buffer[:8192])
        if b"<" + self.p + b"cols>" in buffer:
            self._hidden(buffer)
        # Cells hold their own row in their reference, and calamine places them by it.
        rows = self._cell_row.findall(buffer)
        if self.explicit and (len(rows) != buffer.count(self._plain)
                              or self._odd.search(buffer) or _PREFIXED_CELL.search(buffer)):
            self.explicit = False
        if not self.explicit:  # counted only for the openpyxl fallback's cap
            self.cells += len(_ANY_CELL.findall(buffer))
        self.max_row = max(self.max_row, max(map(int, rows), default=0))
        if self.max_column < 26 and rows:
            self.max_column = 26  # one-letter columns: bounded without looking at each cell
        for letters in set(self._wide.findall(buffer)):
            self.max_column = max(self.max_column,
                                  column_index_from_string(letters.decode().upper()))
        self._check_extent()
        if self._formula.search(buffer):
            self._formulas(buffer)

    def _check_dimension(self, head: bytes) -> None:
        found = self._dimension.search(head)
        if found and found.group(3):
            column = column_index_from_string(found.group(3).decode())
            row = int(found.group(4))
            if column > MAX_COLUMNS or row > MAX_ROWS or column * row > MAX_AREA:
                ref = f"{found.group(1).decode()}{found.group(2).decode()}:" \
                      f"{found.group(3).decode()}{row}"
                raise sheet_bomb(f"Trang tính khai báo vùng dữ liệu {ref}, vượt giới hạn "
                            f"{MAX_ROWS:,} dòng × {MAX_COLUMNS} cột; không đọc.".replace(",", "."))

    def _check_extent(self) -> None:
        rows = self.max_row
        if rows > MAX_ROWS:
            raise sheet_bomb(f"Trang tính có dữ liệu tới dòng {rows:,}, vượt giới hạn {MAX_ROWS:,} "
                        "dòng; hãy tách tệp.".replace(",", "."))
        if self.max_column > MAX_COLUMNS:
            raise sheet_bomb(f"Trang tính có dữ liệu tới cột thứ {self.max_column}, vượt giới hạn "
                        f"{MAX_COLUMNS} cột.")
        if rows * max(self.max_column, 1) > MAX_AREA:
            raise sheet_bomb("Vùng dữ liệu của trang tính quá lớn (số dòng × số cột); "
                             "hãy tách tệp.")

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

    def finish(self) -> XlsxSheetScan:
        """The scan once the part has been read whole."""
        if self._carry:
            self._scan(self._carry)
            self._carry = b""
        return self
