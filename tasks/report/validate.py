"""Validation of a workbook against a report kind's sheets and a province's units.

It finds every problem in one pass (each with sheet, cell and a Vietnamese message) and turns
the rows into plain records keyed by column code. A sheet of layout ``log`` (one row per
activity) is aggregated into the per-unit figures of the kind's first table and may stand in
for it (see ``activity_log``). Nothing here knows what the report says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from openpyxl.utils import get_column_letter

from tasks.report import activity_log
from tasks.report.errors import Problem
from tasks.report.header import find_header, is_code_row
from tasks.report.kinds import ReportKind, SheetSpec
from tasks.report.period import ReportingPeriod
from tasks.report.provinces import ProvinceAtDate
from tasks.report.records import (
    TOTAL_ROW,
    Record,
    check_missing_units,
    check_totals,
    check_units,
    row_is_blank,
)
from tasks.report.sheets import Sheet, Workbook
from tasks.report.text import ascii_key
from tasks.report.values import (
    ValueProblem,
    parse_approx,
    parse_count,
    parse_date,
    parse_flag,
    parse_text,
)

__all__ = ["TOTAL_ROW", "Dataset", "Record", "Validator"]
# A unit cell saying "Tổng cộng" marks a totals row typed by hand: totals are computed instead.
_TOTAL_LABELS = {"tong cong", "tong", "cong", "total"}
# Past this many findings of one kind on one sheet the rest are counted, not listed.
MAX_SAME_PROBLEMS = 100
_PARSERS = {"count": parse_count, "money": parse_count, "flag": parse_flag,
            "text": parse_text, "approx": parse_approx, "date": parse_date,
            "note": lambda raw: raw}
Column = tuple[str, int, Callable[[Any], Any], str, str]  # code, position, parser, label, letter


@dataclass
class Dataset:
    """The validated content of a workbook, plus every problem found."""

    tables: dict[str, list[Record]] = field(default_factory=dict)
    notes: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    log: activity_log.LogTotals | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]


def _matches(text: str, spec: SheetSpec) -> bool:
    wanted = {ascii_key(spec.name), *(ascii_key(a) for a in spec.aliases)}
    return ascii_key(text) in wanted


def _csv_spec(sheet: Sheet, kind: ReportKind) -> SheetSpec:
    """The data sheet a CSV file holds: the one whose columns its header names best."""
    best, score = next(s for s in kind.sheets if s.layout == "table"), 0
    for spec in kind.sheets:
        header = find_header(sheet, spec) if spec.layout in ("table", "log") else None
        codes = set(header[1].values()) if header else set()
        if all(c.code in codes for c in spec.columns if c.required) and len(codes) > score:
            best, score = spec, len(codes)
    return best


def condense(problems: list[Problem]) -> list[Problem]:
    """The problems with at most ``MAX_SAME_PROBLEMS`` of each code per sheet, then a count."""
    seen: Counter = Counter()
    kept = []
    for p in problems:
        seen[p.code, p.sheet, p.severity] += 1
        if seen[p.code, p.sheet, p.severity] <= MAX_SAME_PROBLEMS:
            kept.append(p)
    for (code, sheet, severity), n in seen.items():
        if n > MAX_SAME_PROBLEMS:
            kept.append(Problem(code, f"Còn {n - MAX_SAME_PROBLEMS} ô khác cùng loại (chỉ liệt "
                                f"kê {MAX_SAME_PROBLEMS} ô đầu).", sheet, None, severity))
    return kept


def campaign_window(kind: ReportKind, province: ProvinceAtDate) -> tuple[date, date] | None:
    """The window of the campaign that ends on the province's date, when there is one."""
    return next(((c.start, c.end) for c in kind.campaigns.values() if c.end == province.day),
                None)


class Validator:
    """Checks one workbook for one kind and one province at one date.

    ``period`` bounds the dates of the activity log (outside → warning); without it, the
    campaign ending on the province's date does.
    """

    def __init__(self, kind: ReportKind, province: ProvinceAtDate,
                 period: ReportingPeriod | None = None) -> None:
        self.kind = kind
        self.province = province
        self.window = (period.start, period.end) if period else campaign_window(kind, province)
        self.activities = {ascii_key(a["code"]): a for a in kind.activities}
        self.activities.update({ascii_key(a["label"]): a for a in kind.activities})
        self._units: dict[Any, Any] = {}

    def run(self, book: Workbook) -> Dataset:
        data = Dataset()
        chosen = _csv_spec(book.sheets[0], self.kind) if book.kind == "csv" and book.sheets \
            else None
        found = set()
        for spec in self.kind.sheets:
            if chosen is not None:
                sheet = book.sheets[0] if spec is chosen else None
            else:
                sheet = next((s for s in book.sheets if _matches(s.name, spec)), None)
            if sheet is not None:
                found.add(spec.key)
                self._read_sheet(sheet, spec, data)
        self._missing_sheets(found, data)
        check_units(data)
        table = next(s for s in self.kind.sheets if s.layout == "table")
        activity_log.merge_into_units(data, {c.code: c.label for c in table.columns})
        if "units" in data.tables:
            check_missing_units(data, self.province)
        data.problems = condense(data.problems)
        return data

    def _missing_sheets(self, found: set[str], data: Dataset) -> None:
        logs = [s for s in self.kind.sheets if s.layout == "log"]
        for spec in self.kind.sheets:
            if not spec.required or spec.key in found:
                continue
            if spec.layout == "table" and any(log.key in found for log in logs):
                continue  # the activity log stands in for the per-unit table
            either = "".join(f" (hoặc trang «{log.name}»)" for log in logs
                             if spec.layout == "table")
            data.problems.append(Problem(
                "missing_sheet", f"Thiếu trang «{spec.name}»{either} trong bảng tính.", spec.name))

    def _read_sheet(self, sheet: Sheet, spec: SheetSpec, data: Dataset) -> None:
        header = find_header(sheet, spec)
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
        labels = {pos: spec.column(code).label for pos, code in positions.items()}
        self._header_findings(sheet, labels, header_row, header_values, data)
        body = sheet.rows[index + 1:]
        # The downloaded workbook repeats the column codes under the Vietnamese labels.
        while body and is_code_row(body[0][1], positions):
            body = body[1:]
        columns = self._columns(spec, positions)
        required = [c for c in columns if spec.column(c[0]).required]
        rows = self._rows(sheet.name, columns, required, body, data.problems)
        if spec.layout == "log":
            data.log = activity_log.read_log(sheet.name, columns, rows, self.window,
                                              data.problems)
        elif spec.layout == "keyvalue":
            records = [Record.build(sheet.name, n, v, columns, raw) for n, v, raw in rows]
            data.notes[spec.key] = self._notes(sheet, spec, records, data)
        else:
            records = [Record.build(sheet.name, n, v, columns, raw) for n, v, raw in rows]
            data.problems.extend(check_totals(records))
            data.tables[spec.key] = records

    def _header_findings(self, sheet, labels, header_row, header_values, data) -> None:
        """Unknown and hidden columns (warnings), formula cells without a result (errors)."""
        for pos, value in enumerate(header_values):
            if value is not None and pos not in labels:
                data.problems.append(Problem(
                    "unknown_column", f"Cột «{value}» không được dùng và sẽ bị bỏ qua.",
                    sheet.name, f"{get_column_letter(pos + 1)}{header_row}", "warning"))
        for pos, label in sorted(labels.items()):
            if pos + 1 in sheet.hidden_columns:
                data.problems.append(Problem(
                    "hidden_column", f"Cột «{label}» đang bị ẩn; số liệu trong cột vẫn được "
                    "tính.", sheet.name, f"{get_column_letter(pos + 1)}{header_row}", "warning"))
        for (row, column), ref in sorted(sheet.formula_cells.items()):
            if row > header_row and column - 1 in labels:
                data.problems.append(Problem(
                    "formula_without_value", "Ô có công thức nhưng tệp không lưu kết quả tính "
                    "(tệp do chương trình khác tạo ra). Hãy mở tệp bằng Excel hoặc LibreOffice, "
                    "lưu lại rồi tải lên, hoặc nhập số trực tiếp.", sheet.name, ref))

    def _columns(self, spec: SheetSpec, positions: dict[int, str]) -> list[Column]:
        """Each used column with its parser, chosen once per sheet rather than per cell."""
        columns = []
        for pos, code in sorted(positions.items()):
            column = spec.column(code)
            if column.type == "unit":
                parser = self._unit
            elif column.type == "activity":
                parser = self._activity
            elif column.type == "log_activity":
                parser = activity_log.kind_parser(spec)
            else:
                parser = _PARSERS[column.type]
            columns.append((code, pos, parser, column.label, get_column_letter(pos + 1)))
        return columns

    def _rows(self, sheet: str, columns: list[Column], required: list[Column], body,
              problems: list[Problem]) -> Iterator[tuple[int, dict[str, Any], list[Any]]]:
        """Parsed values of each row; a wrong cell is reported and its value set to ``None``."""
        for number, raw in body:
            size, values = len(raw), {}
            for code, pos, parse, label, letter in columns:
                try:
                    values[code] = parse(raw[pos] if pos < size else None)
                except ValueProblem as p:
                    problems.append(Problem(p.code, f"{label}: {p.message}", sheet,
                                            f"{letter}{number}"))
                    values[code] = None
            missing = [c for c in required if values[c[0]] == ""]
            if values.get("unit") is TOTAL_ROW:
                missing = []  # a typed totals row: dropped later with a warning
            elif missing and row_is_blank(raw):
                continue  # a row of spaces only
            for _code, _pos, _parse, label, letter in missing:
                problems.append(Problem("missing_value", f"Thiếu «{label}».", sheet,
                                        f"{letter}{number}"))
            yield number, values, raw

    def _unit(self, raw: Any):
        # Officers repeat the same few names over thousands of rows: match each spelling once.
        try:
            found = self._units[raw]
        except KeyError:
            try:
                found = self._units[raw] = self._match_unit(raw)
            except ValueProblem as p:
                found = self._units[raw] = p
        if isinstance(found, ValueProblem):
            # A fresh exception each time: re-raising one object would grow its traceback.
            raise ValueProblem(found.code, found.message)
        return found

    def _match_unit(self, raw: Any):
        text = parse_text(raw)
        if not text:
            return ""
        if ascii_key(text) in _TOTAL_LABELS:
            return TOTAL_ROW
        unit = self.province.match_unit(text)
        if unit is None:
            raise ValueProblem(*self.province.explain_unmatched(text))
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
