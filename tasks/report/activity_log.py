"""The activity log (a sheet of layout "log"): one row per activity, summed into a units sheet.

Each row names a unit, a category of activity, its date, a quantity (how many events,
sessions or posts; blank means one), men and women reached. The categories (``categories`` of
the log sheet in ``kind.toml``) say which figures of the target units sheet (``into``) a row
feeds: ``count`` figures grow by the quantity, ``amount`` by the quantity as money,
``male``/``female`` by the people, ``flag`` is set. The columns with a role are found by code:
``quantity``, ``male``, ``female``, ``date`` (checked when the kind loads).

When the workbook also has the units sheet, the log gives the figures its rows feed and the
units sheet keeps the rest (plan, budget, highlights, any figure no log row of that unit
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
from tasks.report.kind_schema import CategoryDef, SheetDef
from tasks.report.provinces import Unit
from tasks.report.records import TOTAL_ROW, Record, is_blank
from tasks.report.text import ascii_key
from tasks.report.values import COUNT_LIMIT, ValueProblem, parse_text

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
    """One log sheet: totals by unit name, and how many rows of each category."""

    sheet: str
    into: str
    units: dict[str, UnitTotals] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    plans: dict[str, list[tuple[str, int]]] = field(default_factory=dict, repr=False)


def category_parser(spec: SheetDef) -> Callable[[Any], CategoryDef | str]:
    """A parser of the log's category column: the category (by code or label), "" if blank."""
    categories = {ascii_key(k.code): k for k in spec.categories}
    categories.update({ascii_key(k.label): k for k in spec.categories})
    names = ", ".join(k.label for k in spec.categories)
    seen: dict[Any, CategoryDef | str | ValueProblem] = {}

    def parse(raw: Any) -> CategoryDef | str:
        found = seen.get(raw)
        if found is None:
            text = parse_text(raw)
            found = categories.get(ascii_key(text), "") if text else ""
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


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _outside(day: date | None, window: tuple[date, date] | None) -> bool:
    return bool(day and window and not window[0] <= day <= window[1])


def read_log(spec: SheetDef, sheet: str, columns: list[tuple],
             rows: Iterable[tuple[int, dict, list]], window: tuple[date, date] | None,
             problems: list[Problem]) -> LogTotals:
    """Sum the parsed rows of the log sheet ``spec`` by unit and category.

    ``columns`` are (code, position, parser, label, letter) of the columns found; ``rows``
    (row number, parsed values, raw cells). Problems are appended to ``problems``.
    """
    letters = {c[0]: c[4] for c in columns}
    unit_code = next(c.code for c in spec.columns if c.type == "unit")
    category_code = next(c.code for c in spec.columns if c.type == "category")
    quantity_at = next((c[1] for c in columns if c[0] == "quantity"), None)
    quantity_label = next((c[3] for c in columns if c[0] == "quantity"), "")
    sums = [(c, group) for c in spec.columns if c.code in letters for group in c.sum_groups]
    log = LogTotals(sheet, spec.into or "")
    for number, values, raw in rows:
        unit, category = values.get(unit_code), values.get(category_code)
        if unit is TOTAL_ROW:
            problems.append(Problem("total_row_ignored", "Dòng tổng cộng được bỏ qua: tổng do "
                                    "hệ thống tự tính.", sheet, f"{letters[unit_code]}{number}",
                                    "warning"))
            continue
        if _outside(values.get("date"), window):
            # The report says its figures run from the window's first day to its last: an
            # activity dated elsewhere would be a figure it cannot vouch for.
            problems.append(Problem(
                "date_outside_period", f"Ngày {values['date']:%d/%m/%Y} nằm ngoài kỳ báo cáo "
                f"({window[0]:%d/%m/%Y} – {window[1]:%d/%m/%Y}): báo cáo chỉ tính hoạt động "
                "trong kỳ. Sửa lại ngày cho đúng hoặc xóa dòng này.",
                sheet, f"{letters['date']}{number}"))
        male, female = values.get("male") or 0, values.get("female") or 0
        for column, group in sums:
            total = values.get(column.code) or 0
            parts = [values.get(p) or 0 for p in group]
            if total and any(parts) and sum(parts) != total:
                problems.append(Problem(
                    "inconsistent_total", f"«{column.label}» {total} khác tổng "
                    f"({by_sex(*parts) if len(parts) == 2 else sum(parts)}).", sheet,
                    f"{letters[column.code]}{number}"))
        if not unit or not category:
            continue  # already reported as wrong or missing
        given = quantity_at is not None and quantity_at < len(raw) and \
            not is_blank(raw[quantity_at])
        quantity = (values.get("quantity") or 0) if given else 1
        if category.count and quantity > COUNT_LIMIT:
            problems.append(Problem(
                "number_too_large", f"{quantity_label}: số «{_grouped(quantity)}» quá lớn cho "
                f"hoạt động «{category.label}»: giá trị tối đa là {_grouped(COUNT_LIMIT)}. "
                "Kiểm tra lại số đã nhập.", sheet, f"{letters['quantity']}{number}"))
            quantity = 0  # like any wrong cell: reported, its row still names its unit
        _add(log, unit, category, (quantity, male, female),
             f"{letters[category_code]}{number}", f"{letters[unit_code]}{number}", number)
    return log


def _plan(category: CategoryDef) -> list[tuple[str, int]]:
    """Which figures a category feeds, each with what feeds it: 0 quantity, 1 men, 2 women."""
    plan = [(figure, 0) for figure in category.count]
    if category.amount:
        plan.append((category.amount, 0))
    plan += [(code, which) for code, which in ((category.male, 1), (category.female, 2))
             if code]
    return plan


def _add(log: LogTotals, unit: Unit, category: CategoryDef, amounts: tuple[int, int, int],
         cell: str, unit_cell: str, number: int) -> None:
    totals = log.units.get(unit.name)
    if totals is None:
        totals = log.units[unit.name] = UnitTotals(unit, number, unit_cell)
    figures, sources = totals.figures, totals.sources
    plan = log.plans.get(category.code)
    if plan is None:
        plan = log.plans[category.code] = _plan(category)
    for figure, which in plan:
        figures[figure] = figures.get(figure, 0) + amounts[which]
        if figure not in sources:
            sources[figure] = cell
    if category.flag:
        figures[category.flag] = True
        sources.setdefault(category.flag, cell)
    log.categories[category.code] = log.categories.get(category.code, 0) + 1
    log.rows += 1


def merge_into_units(data: Dataset, log: LogTotals, target: SheetDef) -> None:
    """Fold the log's totals into the units sheet ``target`` (created when the log stands
    alone)."""
    key = next(c.code for c in target.columns if c.type == "unit")
    labels = {c.code: c.label for c in target.columns}
    table = data.tables.setdefault(target.key, [])
    by_name = {r.values[key].name: r for r in table if r.values.get(key)}
    for name, totals in log.units.items():
        record = by_name.get(name)
        if record is None:
            cells = {key: totals.unit_cell, **totals.sources}
            table.append(Record(log.sheet, totals.row, {key: totals.unit, **totals.figures},
                                cells, {key, *totals.figures}))
            continue
        for figure, value in totals.figures.items():
            if figure in record.given:
                data.problems.append(_both(record, figure, value, totals, log.sheet, labels))
            else:
                record.values[figure] = value
                record.given.add(figure)


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
