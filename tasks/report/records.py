"""Validated rows (``Record``) and the checks that look across the rows of one sheet.

A record keeps its parsed values by column code, where each came from (``cells``, built on
demand) and which cells were filled in (``given``): a blank count cell reads as 0, yet "not
given" matters twice — a unit row with nothing but its name has not reported (its figures are
unknown, never zero), and a figure given both in a units sheet and in the activity log must
agree.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from tasks.report.errors import Problem
from tasks.report.formatting import by_sex
from tasks.report.kind_schema import SheetDef

TOTAL_ROW = "__total__"
SHOWN_MISSING = 20


class CellRefs(Mapping):
    """Cell references ("D7") of one row by column code, formatted only when asked for."""

    __slots__ = ("letters", "row")

    def __init__(self, letters: dict[str, str], row: int) -> None:
        self.letters = letters
        self.row = row

    def __getitem__(self, code: str) -> str:
        return f"{self.letters[code]}{self.row}"

    def __iter__(self) -> Iterator[str]:
        return iter(self.letters)

    def __len__(self) -> int:
        return len(self.letters)


@dataclass
class Record:
    """One data row: values by column code, the cell each came from, the codes filled in."""

    sheet: str
    row: int
    values: dict[str, Any]
    cells: Mapping[str, str]
    given: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, sheet: str, row: int, values: dict[str, Any], columns: list[tuple],
              raw: list[Any]) -> Record:
        """A record of ``values`` read from ``raw`` through ``columns`` (code, pos, …, letter)."""
        letters = {c[0]: c[4] for c in columns}
        given = {c[0] for c in columns if c[1] < len(raw) and not is_blank(raw[c[1]])}
        return cls(sheet, row, values, CellRefs(letters, row), given)

    def reported(self, key: str, prefilled: frozenset[str] = frozenset()) -> bool:
        """Whether the row holds anything besides its key column (the unit or indicator) and
        the ``prefilled`` columns the blank workbook writes itself."""
        return bool(self.given - {key} - prefilled)


def is_blank(value: Any) -> bool:
    """The one definition of a blank cell: nothing, or text of white space only."""
    return value is None or (isinstance(value, str) and not value.strip())


def row_is_blank(raw: list[Any]) -> bool:
    """Whether every cell of a row is blank."""
    return all(is_blank(v) for v in raw)


def check_sums(records: list[Record], spec: SheetDef) -> list[Problem]:
    """Rows where a column declared ``sum_of`` others differs from their sum.

    A given total must equal each split that has a figure in it. With several splits of one
    total (by sex, by age …), every split must come to the total, or when the total is blank
    to the first split filled in: there a blank split counts as 0 and is refused, since the
    report would print its parts as zeros beside a non-zero total.
    """
    problems = []
    labels = {c.code: c.label for c in spec.columns}

    def named(group: tuple[str, ...]) -> str:
        return ", ".join(f"«{labels.get(code, code)}»" for code in group)

    for column in spec.columns:
        groups = column.sum_groups
        several = len(groups) > 1
        for r in records if groups else ():
            given = r.values.get(column.code) if column.code in r.given else None
            sums = [(group, [r.values.get(p) or 0 for p in group]) for group in groups]
            if given:
                for group, parts in sums:
                    if (several or any(parts)) and sum(parts) != given:
                        problems.append(Problem(
                            "inconsistent_total", f"«{column.label}» {given} khác tổng các "
                            f"cột {named(group)} ({_shown_sum(parts)}).", r.sheet,
                            r.cells[column.code]))
                continue
            filled = [(group, parts) for group, parts in sums if any(parts)]
            if not several or not filled:
                continue
            first, first_parts = filled[0]
            for group, parts in sums:
                if group is not first and sum(parts) != sum(first_parts):
                    problems.append(Problem(
                        "inconsistent_total", f"Tổng các cột {named(group)} "
                        f"({_shown_sum(parts)}) khác tổng các cột {named(first)} "
                        f"({_shown_sum(first_parts)}).", r.sheet, _first_cell(r, group)))
    return problems


def _shown_sum(parts: list) -> str:
    """The parts as the message shows them: "30 người (10 nam, 20 nữ)" for a pair of counts."""
    if len(parts) == 2 and all(type(p) is int and p >= 0 for p in parts):
        return by_sex(*parts)
    return " + ".join(map(str, parts))


def _first_cell(record: Record, codes: tuple[str, ...]) -> str | None:
    return next((record.cells[c] for c in codes if c in record.cells), None)


def check_keys(records: list[Record], key: str, what: str) -> tuple[list[Record], list[Problem]]:
    """Drop typed totals rows (warning) and report keys listed twice; returns kept rows.

    ``key`` is the code of the unit or indicator column, ``what`` how messages call it.
    """
    problems = []
    seen: dict[str, Record] = {}
    kept = []
    for record in records:
        value = record.values.get(key)
        if value is TOTAL_ROW:
            problems.append(Problem(
                "total_row_ignored", "Dòng tổng cộng được bỏ qua: tổng do hệ thống tự tính.",
                record.sheet, record.cells[key], "warning"))
            continue
        kept.append(record)
        if not value:
            continue
        name = getattr(value, "name", None) or getattr(value, "label", "")
        if name in seen:
            first = seen[name].cells[key]
            problems.append(Problem(
                f"duplicate_{what}", f"«{name}» đã có ở ô {first}.", record.sheet,
                record.cells[key]))
        seen.setdefault(name, record)
    return kept, problems


def reported_units(records: list[Record], key: str) -> set[str]:
    """Names of the units whose row holds at least one figure (zero counts as a figure)."""
    return {r.values[key].name for r in records if r.values.get(key) and r.reported(key)}


def missing_units_problem(missing: list[str], total: int, sheet: str | None) -> Problem:
    """The warning naming the units that sent nothing (at most ``SHOWN_MISSING`` by name)."""
    shown = ", ".join(missing[:SHOWN_MISSING])
    if len(missing) > SHOWN_MISSING:
        shown += f" và {len(missing) - SHOWN_MISSING} đơn vị khác"
    return Problem("missing_units", f"Chưa có số liệu của {len(missing)}/{total} đơn vị: "
                   f"{shown}. Báo cáo ghi rõ các đơn vị này chưa báo cáo; số tổng chỉ tính các "
                   "đơn vị đã gửi số liệu.", sheet, None, "warning")
