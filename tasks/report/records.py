"""Validated rows (``Record``) and the checks that look across rows of the per-unit table.

A record keeps its parsed values by column code, where each came from (``cells``, built on
demand) and which cells were filled in (``given``): a blank count cell reads as 0, yet "not
given" matters when the same figure also comes from the activity log.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tasks.report.errors import Problem
from tasks.report.formatting import by_sex
from tasks.report.provinces import ProvinceAtDate

if TYPE_CHECKING:
    from tasks.report.validate import Dataset

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
        given = {c[0] for c in columns if c[1] < len(raw) and not _blank(raw[c[1]])}
        return cls(sheet, row, values, CellRefs(letters, row), given)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def row_is_blank(raw: list[Any]) -> bool:
    """Whether every cell of a row is empty or spaces only."""
    return all(_blank(v) for v in raw)


def check_totals(records: list[Record]) -> list[Problem]:
    """Rows where a typed number of participants differs from men + women."""
    problems = []
    for r in records:
        male, female = r.values.get("male") or 0, r.values.get("female") or 0
        given = r.values.get("participants") or 0
        if given and (male or female) and male + female != given:
            problems.append(Problem(
                "inconsistent_total",
                f"Số người tham gia {given} khác tổng nam + nữ ({by_sex(male, female)}).",
                r.sheet, r.cells.get("participants")))
    return problems


def check_units(data: Dataset) -> None:
    """Drop typed totals rows (warning) and report units listed twice."""
    if "units" not in data.tables:
        return
    seen: dict[str, Record] = {}
    kept = []
    for record in data.tables["units"]:
        unit = record.values.get("unit")
        if unit is TOTAL_ROW:
            data.problems.append(Problem(
                "total_row_ignored", "Dòng tổng cộng được bỏ qua: tổng do hệ thống tự tính.",
                record.sheet, record.cells["unit"], "warning"))
            continue
        kept.append(record)
        if not unit:
            continue
        if unit.name in seen:
            first = seen[unit.name].cells["unit"]
            data.problems.append(Problem(
                "duplicate_unit", f"Đơn vị «{unit.name}» đã có ở ô {first}.",
                record.sheet, record.cells["unit"]))
        seen.setdefault(unit.name, record)
    data.tables["units"] = kept


def reported_units(records: list[Record]) -> set[str]:
    """Names of the units with at least one figure (a row left blank has not reported)."""
    return {r.values["unit"].name for r in records
            if r.values.get("unit") and any(v for c, v in r.values.items() if c != "unit")}


def check_missing_units(data: Dataset, province: ProvinceAtDate) -> None:
    """Warn about the units that sent nothing."""
    reported = reported_units(data.tables["units"])
    missing = [u.name for u in province.units if u.name not in reported]
    if missing:
        shown = ", ".join(missing[:SHOWN_MISSING])
        if len(missing) > SHOWN_MISSING:
            shown += f" và {len(missing) - SHOWN_MISSING} đơn vị khác"
        data.problems.append(Problem(
            "missing_units", f"Chưa có số liệu của {len(missing)}/{len(province.units)} "
            f"đơn vị: {shown}.", data.sheet_names.get("units") or data.sheet_names.get(
                "activities"), None, "warning"))
