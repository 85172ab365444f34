"""Validation of a workbook against a report kind's sheets and a province's units.

It finds every problem in one pass (each with sheet, cell and a Vietnamese message) and turns
the rows into plain records keyed by column code. Nothing here knows what the report says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from tasks.report.errors import Problem
from tasks.report.kinds import ReportKind, SheetSpec
from tasks.report.provinces import ProvinceAtDate
from tasks.report.text import ascii_key, name_key
from tasks.report.values import (
    ValueProblem, parse_approx, parse_count, parse_flag, parse_text,
)
from tasks.report.workbook import Sheet, Workbook

HEADER_SCAN_ROWS = 10
# A unit cell saying "Tổng cộng" marks a totals row typed by hand: totals are computed instead.
_TOTAL_LABELS = {"tong cong", "tong", "cong", "total"}
TOTAL_ROW = "__total__"
_PARSERS = {"count": parse_count, "money": parse_count, "flag": parse_flag,
            "text": parse_text, "approx": parse_approx}


@dataclass
class Record:
    """One data row: values by column code, and the cell each came from."""

    sheet: str
    row: int
    values: dict[str, Any]
    cells: dict[str, str]


@dataclass
class Dataset:
    """The validated content of a workbook, plus every problem found."""

    tables: dict[str, list[Record]] = field(default_factory=dict)
    notes: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]


def _matches(text: str, spec: SheetSpec) -> bool:
    wanted = {ascii_key(spec.name), *(ascii_key(a) for a in spec.aliases)}
    return ascii_key(text) in wanted


def _find_sheet(book: Workbook, spec: SheetSpec, first_table: bool) -> Sheet | None:
    if book.kind == "csv":
        # A CSV file holds one sheet: the kind's first table sheet.
        return book.sheets[0] if first_table else None
    return next((s for s in book.sheets if _matches(s.name, spec)), None)


def _column_code(header: Any, spec: SheetSpec) -> str | None:
    if not isinstance(header, str):
        return None
    folded, key = ascii_key(header), name_key(header)
    for col in spec.columns:
        if folded == col.code or key == name_key(col.label) or folded == ascii_key(col.label):
            return col.code
    return None


def _find_header(sheet: Sheet, spec: SheetSpec) -> tuple[int, dict[int, str]] | None:
    """The header row (index in ``sheet.rows``) and its column positions, or ``None``."""
    best: tuple[int, dict[int, str]] | None = None
    for index, (_number, values) in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        found: dict[int, str] = {}
        for pos, value in enumerate(values):
            code = _column_code(value, spec)
            if code and code not in found.values():
                found[pos] = code
        if found and (best is None or len(found) > len(best[1])):
            best = (index, found)
    return best


def _is_code_row(values: list[Any], positions: dict[int, str]) -> bool:
    return all(values[pos] == code for pos, code in positions.items() if pos < len(values))


class Validator:
    """Checks one workbook for one kind and one province at one date."""

    def __init__(self, kind: ReportKind, province: ProvinceAtDate) -> None:
        self.kind = kind
        self.province = province
        self.activities = {ascii_key(a["code"]): a for a in kind.activities}
        self.activities.update({ascii_key(a["label"]): a for a in kind.activities})

    def run(self, book: Workbook) -> Dataset:
        data = Dataset()
        first_table = next(s.key for s in self.kind.sheets if s.layout == "table")
        for spec in self.kind.sheets:
            sheet = _find_sheet(book, spec, spec.key == first_table)
            if sheet is None:
                if spec.required:
                    data.problems.append(Problem(
                        "missing_sheet", f"Thiếu trang «{spec.name}» trong bảng tính.", spec.name))
                continue
            self._read_sheet(sheet, spec, data)
        if "units" in data.tables:
            self._check_units(data)
        return data

    def _read_sheet(self, sheet: Sheet, spec: SheetSpec, data: Dataset) -> None:
        header = _find_header(sheet, spec)
        missing = [c for c in spec.columns if c.required
                   and (header is None or c.code not in header[1].values())]
        for col in missing:
            data.problems.append(Problem(
                "missing_column", f"Trang «{sheet.name}» thiếu cột «{col.label}» ({col.code}).",
                sheet.name))
        if header is None or missing:
            return
        index, positions = header
        data.sheet_names[spec.key] = sheet.name
        header_row, header_values = sheet.rows[index]
        for pos, value in enumerate(header_values):
            if value is not None and pos not in positions:
                data.problems.append(Problem(
                    "unknown_column", f"Cột «{value}» không được dùng và sẽ bị bỏ qua.",
                    sheet.name, f"{get_column_letter(pos + 1)}{header_row}", "warning"))
        body = sheet.rows[index + 1:]
        # The downloaded workbook repeats the column codes under the Vietnamese labels.
        while body and _is_code_row(body[0][1], positions):
            body = body[1:]
        records = [self._record(sheet, spec, positions, number, values, data)
                   for number, values in body]
        if spec.layout == "keyvalue":
            data.notes[spec.key] = self._notes(sheet, spec, records, data)
        else:
            data.tables[spec.key] = records

    def _record(self, sheet, spec, positions, number, values, data) -> Record:
        record = Record(sheet.name, number, {}, {})
        for pos, code in positions.items():
            column = spec.column(code)
            cell = f"{get_column_letter(pos + 1)}{number}"
            raw = values[pos] if pos < len(values) else None
            record.cells[code] = cell
            try:
                record.values[code] = self._parse(column.type, raw)
            except ValueProblem as p:
                data.problems.append(Problem(p.code, f"{column.label}: {p.message}",
                                             sheet.name, cell))
                record.values[code] = None
        for column in spec.columns:
            # "" (not None, which marks a value already reported as wrong) is a blank cell.
            if column.required and record.values.get(column.code) == "":
                data.problems.append(Problem(
                    "missing_value", f"Thiếu «{column.label}».", sheet.name,
                    record.cells[column.code]))
        return record

    def _parse(self, type_: str, raw: Any) -> Any:
        if type_ == "unit":
            return self._unit(raw)
        if type_ == "activity":
            return self._activity(raw)
        return _PARSERS[type_](raw)

    def _unit(self, raw: Any):
        text = parse_text(raw)
        if not text:
            return ""
        if ascii_key(text) in _TOTAL_LABELS:
            return TOTAL_ROW
        unit = self.province.match_unit(text)
        if unit is None:
            close = self.province.suggest(text)
            hint = f" Có phải: {', '.join(close)}?" if close else ""
            raise ValueProblem(
                "unknown_unit",
                f"«{text}» không có trong danh sách đơn vị của {self.province.era.province} "
                f"ngày {self.province.day:%d/%m/%Y}.{hint}")
        return unit

    def _activity(self, raw: Any) -> dict | str:
        text = parse_text(raw)
        if not text:
            return ""
        activity = self.activities.get(ascii_key(text))
        if activity is None:
            names = ", ".join(a["label"] for a in self.kind.activities)
            raise ValueProblem("unknown_activity",
                               f"Loại hoạt động «{text}» không hợp lệ; chọn một trong: {names}.")
        return activity

    def _notes(self, sheet, spec, records, data) -> dict[str, list[str]]:
        keys = {}
        for entry in spec.keys:
            keys[ascii_key(entry["code"])] = entry["code"]
            keys[ascii_key(entry["label"])] = entry["code"]
        notes: dict[str, list[str]] = {entry["code"]: [] for entry in spec.keys}
        for record in records:
            code = keys.get(ascii_key(record.values.get("key") or ""))
            if code is None:
                data.problems.append(Problem(
                    "unknown_key", f"Mục «{record.values.get('key')}» không được dùng.",
                    sheet.name, record.cells["key"], "warning"))
            elif record.values.get("value"):
                notes[code].append(record.values["value"])
        return notes

    def _check_units(self, data: Dataset) -> None:
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
        # A unit whose row is left entirely blank has not reported either.
        reported = {name for name, r in seen.items()
                    if any(v for code, v in r.values.items() if code != "unit")}
        missing = [u.name for u in self.province.units if u.name not in reported]
        if missing:
            shown = ", ".join(missing[:20]) + (f" và {len(missing) - 20} đơn vị khác"
                                              if len(missing) > 20 else "")
            data.problems.append(Problem(
                "missing_units", f"Chưa có số liệu của {len(missing)}/{len(self.province.units)} "
                f"đơn vị: {shown}.", data.sheet_names.get("units"), None, "warning"))
