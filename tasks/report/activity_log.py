"""The activity log ("Hoạt động"): one row per activity, summed into the per-unit figures.

Each row names a unit, a kind of activity, its date, a quantity (how many events, sessions or
posts; blank means one), men and women reached. The kind table in ``kind.toml`` (the log
sheet's ``keys``) says which figures a kind feeds: ``count`` figures grow by the quantity,
``amount`` by the quantity as money, ``male``/``female`` by the people, ``flag`` is set.

When the workbook also has the per-unit sheet ("Đơn vị"), the log gives the figures its rows
feed and "Đơn vị" keeps the rest (plan, budget, highlights, any figure no log row of that unit
feeds). A figure filled in on both for one unit is an error naming both cells, unless the two
agree: then it is counted once, with a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from tasks.report.errors import Problem
from tasks.report.formatting import by_sex
from tasks.report.kinds import SheetSpec
from tasks.report.provinces import Unit
from tasks.report.records import TOTAL_ROW, Record
from tasks.report.text import ascii_key
from tasks.report.values import ValueProblem, parse_text

if TYPE_CHECKING:
    from tasks.report.validate import Dataset


@dataclass
class UnitTotals:
    """What the log says about one unit: summed figures and the first log cell behind each."""

    unit: Unit
    row: int
    unit_cell: str
    figures: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)


@dataclass
class LogTotals:
    """The whole log: totals by unit name, and how many rows of each kind."""

    sheet: str
    units: dict[str, UnitTotals] = field(default_factory=dict)
    kinds: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    plans: dict[str, list[tuple[str, int]]] = field(default_factory=dict, repr=False)


def kind_parser(spec: SheetSpec) -> Callable[[Any], dict | str]:
    """A parser of the log's activity column: the kind (by code or label), "" when blank."""
    kinds = {ascii_key(k["code"]): k for k in spec.keys}
    kinds.update({ascii_key(k["label"]): k for k in spec.keys})
    names = ", ".join(k["label"] for k in spec.keys)
    seen: dict[Any, dict | str | ValueProblem] = {}

    def parse(raw: Any) -> dict | str:
        found = seen.get(raw)
        if found is None:
            text = parse_text(raw)
            found = kinds.get(ascii_key(text), "") if text else ""
            if text and not found:
                found = ValueProblem("unknown_activity",
                                     f"Loại hoạt động «{text}» không hợp lệ; chọn một trong: "
                                     f"{names}.")
            seen[raw] = found
        if isinstance(found, ValueProblem):
            # A fresh exception each time: re-raising one object would grow its traceback.
            raise ValueProblem(found.code, found.message)
        return found

    return parse


def _outside(day: date | None, window: tuple[date, date] | None) -> bool:
    return bool(day and window and not window[0] <= day <= window[1])


def read_log(sheet: str, columns: list[tuple], rows: Iterable[tuple[int, dict, list]],
             window: tuple[date, date] | None, problems: list[Problem]) -> LogTotals:
    """Sum the parsed rows of a log sheet by unit and kind, reporting what is off."""
    letters = {c[0]: c[4] for c in columns}
    quantity_at = next((c[1] for c in columns if c[0] == "quantity"), None)
    log = LogTotals(sheet)
    for number, values, raw in rows:
        unit, kind = values.get("unit"), values.get("activity")
        if unit is TOTAL_ROW:
            problems.append(Problem("total_row_ignored", "Dòng tổng cộng được bỏ qua: tổng do "
                                    "hệ thống tự tính.", sheet, f"{letters['unit']}{number}",
                                    "warning"))
            continue
        if _outside(values.get("date"), window):
            problems.append(Problem(
                "date_outside_period", f"Ngày {values['date']:%d/%m/%Y} nằm ngoài kỳ báo cáo "
                f"({window[0]:%d/%m/%Y} – {window[1]:%d/%m/%Y}); hoạt động vẫn được tính.",
                sheet, f"{letters['date']}{number}", "warning"))
        male, female = values.get("male") or 0, values.get("female") or 0
        participants = values.get("participants") or 0
        if participants and (male or female) and male + female != participants:
            problems.append(Problem(
                "inconsistent_total", f"Tổng số người {participants} khác tổng nam + nữ "
                f"({by_sex(male, female)}).", sheet, f"{letters['participants']}{number}"))
        if not unit or not kind:
            continue  # already reported as wrong or missing
        given = quantity_at is not None and quantity_at < len(raw) and raw[quantity_at] is not None
        quantity = (values.get("quantity") or 0) if given else 1
        _add(log, unit, kind, (quantity, male, female), f"{letters['activity']}{number}",
             f"{letters['unit']}{number}", number)
    return log


def _plan(kind: dict) -> list[tuple[str, int]]:
    """Which figures a kind feeds, each with what feeds it: 0 quantity, 1 men, 2 women."""
    plan = [(figure, 0) for figure in kind.get("count", ())]
    if "amount" in kind:
        plan.append((kind["amount"], 0))
    plan += [(kind[key], which) for key, which in (("male", 1), ("female", 2)) if key in kind]
    return plan


def _add(log: LogTotals, unit: Unit, kind: dict, amounts: tuple[int, int, int], cell: str,
         unit_cell: str, number: int) -> None:
    totals = log.units.get(unit.name)
    if totals is None:
        totals = log.units[unit.name] = UnitTotals(unit, number, unit_cell)
    figures, sources = totals.figures, totals.sources
    code = kind["code"]
    plan = log.plans.get(code)
    if plan is None:
        plan = log.plans[code] = _plan(kind)
    for figure, which in plan:
        figures[figure] = figures.get(figure, 0) + amounts[which]
        if figure not in sources:
            sources[figure] = cell
    if "flag" in kind:
        figures[kind["flag"]] = True
        sources.setdefault(kind["flag"], cell)
    log.kinds[code] = log.kinds.get(code, 0) + 1
    log.rows += 1


def merge_into_units(data: Dataset, labels: dict[str, str]) -> None:
    """Fold the log's totals into the per-unit table (created when the log stands alone)."""
    log = data.log
    if log is None:
        return
    table = data.tables.setdefault("units", [])
    by_name = {r.values["unit"].name: r for r in table if r.values.get("unit")}
    for name, totals in log.units.items():
        record = by_name.get(name)
        if record is None:
            cells = {"unit": totals.unit_cell, **totals.sources}
            table.append(Record(log.sheet, totals.row, {"unit": totals.unit, **totals.figures},
                                cells, set(totals.figures)))
            continue
        for figure, value in totals.figures.items():
            if figure in record.given:
                data.problems.append(_both(record, figure, value, totals, log.sheet, labels))
            else:
                record.values[figure] = value


def _both(record: Record, figure: str, value: Any, totals: UnitTotals, log_sheet: str,
          labels: dict[str, str]) -> Problem:
    label = labels.get(figure, figure)
    where = (f"«{label}» của {totals.unit.name} có ở cả trang «{record.sheet}» (ô "
             f"{record.cells[figure]}) và trang «{log_sheet}» (từ ô {totals.sources[figure]})")
    if record.values.get(figure) == value:
        return Problem("figure_in_both", f"{where}, hai nơi khớp nhau nên chỉ tính một lần.",
                       record.sheet, record.cells[figure], "warning")
    ours = _shown(record.values.get(figure))
    return Problem("figure_in_both", f"{where}, hai nơi khác nhau ({ours} và {_shown(value)}). "
                   "Mỗi số liệu chỉ ghi ở một nơi.", record.sheet, record.cells[figure])


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return "trống" if value is None else str(value)
