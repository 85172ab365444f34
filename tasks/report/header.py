"""Finding a sheet's header row and which column holds what.

Headers are matched on their Vietnamese label (any case, spacing, NFC/NFD, tone placement,
with or without diacritics) or on the machine code. Officers often draw two-row headers with a
merged group cell above ("Phát động" over "Nam" | "Nữ"): a merged cell's value counts in every
cell it covers, a sub-header may be read together with its group ("Phát động - Nam"), and a
column named only in the upper row (blank below) keeps that name.
"""

from __future__ import annotations

from typing import Any

from tasks.report.kind_schema import SheetDef
from tasks.report.sheets import Sheet
from tasks.report.text import ascii_key, name_key

HEADER_SCAN_ROWS = 10


def _lookup(spec: SheetDef) -> dict[str, str]:
    """Every accepted spelling key of ``spec``'s columns, mapped to the column code."""
    found: dict[str, str] = {}
    for col in reversed(spec.columns):  # the first column wins a shared key
        found.update({col.code: col.code, name_key(col.label): col.code,
                      ascii_key(col.label): col.code})
    return found


def column_code(header: Any, lookup: dict[str, str], group: Any = None) -> str | None:
    """The code of the column ``header`` names (alone or under ``group``), or ``None``."""
    if not isinstance(header, str):
        return None
    candidates = [header]
    if isinstance(group, str) and group != header:
        candidates.append(f"{group} - {header}")
    for text in candidates:
        code = lookup.get(name_key(text)) or lookup.get(ascii_key(text))
        if code:
            return code
    return None


def header_rows(sheet: Sheet) -> list[tuple[int, list[Any]]]:
    """The first rows of ``sheet`` with each merged cell's value copied over its whole range."""
    rows = [(number, list(values)) for number, values in sheet.rows[:HEADER_SCAN_ROWS]]
    if not sheet.merged:
        return rows
    by_number = dict(rows)
    for (top, left), (bottom, right) in sheet.merged:
        first = by_number.get(top + 1)
        value = first[left] if first is not None and left < len(first) else None
        if value is None:
            continue
        for number in range(top + 1, bottom + 2):
            row = by_number.get(number)
            if row is None:
                continue
            row.extend([None] * (right + 1 - len(row)))
            for column in range(left, right + 1):
                if row[column] is None:
                    row[column] = value
    return rows


def find_header(sheet: Sheet, spec: SheetDef) -> tuple[int, dict[int, str]] | None:
    """The header row (index in ``sheet.rows``) and its column positions, or ``None``."""
    best: tuple[int, dict[int, str]] | None = None
    rows = header_rows(sheet)
    lookup = _lookup(spec)
    for index, (number, values) in enumerate(rows):
        above = rows[index - 1][1] if index and rows[index - 1][0] == number - 1 else []
        found: dict[int, str] = {}
        for pos, value in enumerate(values):
            group = above[pos] if pos < len(above) else None
            # Under a two-row header, a column named only in the upper row is blank below.
            code = column_code(value, lookup, group) if value is not None else \
                column_code(group, lookup)
            if code and code not in found.values():
                found[pos] = code
        if found and (best is None or len(found) > len(best[1])):
            best = (index, found)
    return best


def is_code_row(values: list[Any], positions: dict[int, str]) -> bool:
    """Whether ``values`` is the grey row of column codes the downloaded workbook carries."""
    return all(isinstance(values[pos], str) and values[pos].strip() == code
               for pos, code in positions.items() if pos < len(values))
