"""What the file readers produce: sheets of rows, their limits, and the intake error.

Every reader (XLSX, ODS, CSV) returns ``Sheet`` objects whose cells are numbers, text, dates,
booleans, a ``CellError`` (a formula whose result is an error, see ``cell_errors``) or
``None`` for a blank. Blank has one definition, applied here for every reader: an empty cell,
or text of nothing but white space (NBSP and line breaks included) and invisible characters
(``text.BLANK_CHARACTERS``). Other text is left as typed (the column parsers clean it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tasks.report.errors import ReportError
from tasks.report.text import BLANK_CHARACTERS, clean

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


def thousands(n: int) -> str:
    """``n`` with the Vietnamese thousands separator: 1048576 → "1.048.576"."""
    return f"{n:,}".replace(",", ".")


def too_many_rows(sheet: str) -> IntakeError:
    return IntakeError(f"Trang «{sheet}» có quá {thousands(MAX_ROWS)} dòng; hãy tách tệp.",
                       "too_many_rows")


def too_many_columns(sheet: str, where: str = "") -> IntakeError:
    at = f" (ô {where})" if where else ""
    return IntakeError(f"Trang «{sheet}» có dữ liệu vượt quá {MAX_COLUMNS} cột{at}.",
                       "too_many_columns")


def keep_rows(sheet: Sheet, rows: Iterable[list[Any]], first: int = 1,
              overrides: dict[tuple[int, int], Any] | None = None) -> None:
    """Append the non-blank ``rows`` (numbered from ``first``) to ``sheet``.

    Blank cells become ``None`` (see the module docstring). ``overrides`` replaces the values
    of some cells, by (row, column) 1-based: what a reader found in the file that its parser
    reads wrongly (an error cell read as blank or 0, text whose line breaks were lost); it
    is applied before a row is judged blank, so a row of error cells is kept. Raises
    ``IntakeError`` past ``MAX_ROWS`` rows or ``MAX_COLUMNS`` filled columns.
    """
    by_row: dict[int, list[tuple[int, Any]]] = {}
    for (row, column), value in (overrides or {}).items():
        by_row.setdefault(row, []).append((column, value))
    append, text, strip, blank = sheet.rows.append, str, str.strip, BLANK_CHARACTERS
    for number, row in enumerate(rows, first):
        if number > MAX_ROWS:
            raise too_many_rows(sheet.name)
        # One comprehension per row, the cheapest way found to apply the blank rule to every
        # cell of a 100.000-row log: strip() stops at the first other character, and calling
        # it through the class saves the method lookup (about 25 ms per 100.000 rows).
        values = [None if v.__class__ is text and not strip(v, blank) else v for v in row]
        if by_row and number in by_row:
            _override(values, by_row[number])
        size = len(values)
        if size > MAX_COLUMNS:
            if values[MAX_COLUMNS:].count(None) != size - MAX_COLUMNS:
                raise too_many_columns(sheet.name)
            del values[MAX_COLUMNS:]
            size = MAX_COLUMNS
        if values.count(None) != size:
            append((number, values))


def _override(values: list[Any], cells: list[tuple[int, Any]]) -> None:
    for column, value in cells:
        if column > len(values):
            values.extend([None] * (column - len(values)))
        blank = value.__class__ is str and not value.strip(BLANK_CHARACTERS)
        values[column - 1] = None if blank else value


def sheet_name(name: str) -> str:
    """A sheet name as shown in messages: NFC, single spaces."""
    return clean(name)
