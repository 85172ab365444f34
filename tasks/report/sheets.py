"""What the file readers produce: sheets of rows, their limits, and the intake error.

Every reader (XLSX, ODS, CSV) returns ``Sheet`` objects whose cells are numbers, text, dates,
booleans or ``None`` for a blank; text is left as typed (the column parsers clean it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tasks.report.errors import ReportError
from tasks.report.text import clean

MAX_ROWS = 200_000
MAX_COLUMNS = 200
# Cells a sheet may span (rows × columns of its used area): readers that build a dense grid
# (calamine) allocate this many slots whatever the file size, so it is checked before reading.
MAX_AREA = 6_000_000


class IntakeError(ReportError):
    """The uploaded file cannot be read as a data workbook (or is refused before reading)."""

    code = "unreadable_file"


@dataclass
class Sheet:
    """One sheet: its name and its non-empty rows as (row number, values).

    ``merged`` holds merged ranges as 0-based ((row, col), (row, col)) pairs; ``hidden_columns``
    1-based column numbers; ``formula_cells`` the formula cells without a stored result, by
    (row, column) 1-based, each with its reference ("D7").
    """

    name: str
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)
    hidden_columns: set[int] = field(default_factory=set)
    formula_cells: dict[tuple[int, int], str] = field(default_factory=dict)


@dataclass
class Workbook:
    """What was read: the detected file type ("xlsx", "ods", "csv") and the sheets in order."""

    file_type: str
    sheets: list[Sheet]


def _thousands(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def too_many_rows(sheet: str) -> IntakeError:
    return IntakeError(f"Trang «{sheet}» có quá {_thousands(MAX_ROWS)} dòng; hãy tách tệp.",
                       "too_many_rows")


def too_many_columns(sheet: str, where: str = "") -> IntakeError:
    at = f" (ô {where})" if where else ""
    return IntakeError(f"Trang «{sheet}» có dữ liệu vượt quá {MAX_COLUMNS} cột{at}.",
                       "too_many_columns")


_BLANK = {"": None}


def keep_rows(sheet: Sheet, rows: Iterable[list[Any]], first: int = 1) -> None:
    """Append the non-blank ``rows`` (numbered from ``first``) to ``sheet``.

    Empty strings become ``None``; a cell of spaces only is kept as typed (the column parsers
    read it as blank), since checking every cell for it here would cost more than it saves.
    Raises ``IntakeError`` past ``MAX_ROWS`` rows or ``MAX_COLUMNS`` filled columns.
    """
    blank, append = _BLANK.get, sheet.rows.append
    for number, row in enumerate(rows, first):
        if number > MAX_ROWS:
            raise too_many_rows(sheet.name)
        values = list(map(blank, row, row))  # "" → None, in C rather than per cell
        size = len(values)
        if size > MAX_COLUMNS:
            if values[MAX_COLUMNS:].count(None) != size - MAX_COLUMNS:
                raise too_many_columns(sheet.name)
            del values[MAX_COLUMNS:]
            size = MAX_COLUMNS
        if values.count(None) != size:
            append((number, values))


def sheet_name(name: str) -> str:
    """A sheet name as shown in messages: NFC, single spaces."""
    return clean(name)
