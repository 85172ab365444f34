"""Validation of a workbook against a report kind's sheets and a province's units.

It finds every problem in one pass (each with sheet, cell and a Vietnamese message) and turns
the rows into plain records keyed by column code, for any kind: sheets are read by their
layout (``kind_schema.Layout``), never by their key. A log sheet is aggregated into the units
sheet it feeds and may stand in for it (see ``activity_log``). Nothing here knows what the
report says.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import get_column_letter

from tasks.report import activity_log
from tasks.report.errors import Problem
from tasks.report.header import find_header, is_code_row
from tasks.report.kind_schema import ITEM_PREFILLED, SheetDef
from tasks.report.kinds import ReportKind
from tasks.report.period import ReportingPeriod
from tasks.report.provinces import ProvinceAtDate
from tasks.report.records import (
    TOTAL_ROW,
    Record,
    check_keys,
    check_sums,
    missing_units_problem,
    reported_units,
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
    parse_money,
    parse_number,
    parse_text,
)

__all__ = ["TOTAL_ROW", "Dataset", "Record", "Validator"]
# A unit cell saying "Tổng cộng" marks a totals row typed by hand: totals are computed instead.
_TOTAL_LABELS = {"tong cong", "tong", "cong", "total"}
# Sheets of the downloaded workbook that hold no data (instructions, the lists behind menus).
HELPER_SHEETS = {"huong dan", "danh muc"}
# Past this many findings of one kind on one sheet the rest are counted, not listed.
MAX_SAME_PROBLEMS = 100
_PARSERS = {"count": parse_count, "money": parse_money, "number": parse_number,
            "flag": parse_flag, "text": parse_text, "approx": parse_approx,
            "date": parse_date, "note": lambda raw: raw}
Column = tuple[str, int, Callable[[Any], Any], str, str]  # code, position, parser, label, letter


@dataclass
class Dataset:
    """The validated content of a workbook, plus every problem found.

    ``tables`` holds the records of units, rows and items sheets by sheet key; ``notes`` the
    paragraphs of notes sheets by sheet key and section code; ``logs`` what each log sheet
    summed; ``sheet_names`` the name each sheet had in the workbook.
    """

    tables: dict[str, list[Record]] = field(default_factory=dict)
    notes: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    sheet_names: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    logs: dict[str, activity_log.LogTotals] = field(default_factory=dict)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]


def _matches(text: str, spec: SheetDef) -> bool:
    wanted = {ascii_key(spec.name), ascii_key(spec.key), *(ascii_key(a) for a in spec.aliases)}
    return ascii_key(text) in wanted


def _csv_spec(sheet: Sheet, kind: ReportKind) -> SheetDef | None:
    """The sheet a CSV file holds: the one whose columns its header names best, if any."""
    best, score = None, 0
    for spec in kind.sheets:
        header = find_header(sheet, spec)
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


def _key_column(spec: SheetDef, column_type: str) -> str:
    return next(c.code for c in spec.columns if c.type == column_type)


class Validator:
    """Checks one workbook for one kind and one province at one date.

    ``period`` bounds the dates of an activity log (outside → warning).
    """

    def __init__(self, kind: ReportKind, province: ProvinceAtDate,
                 period: ReportingPeriod | None = None) -> None:
        self.kind = kind
        self.province = province
        self.window = (period.start, period.end) if period else None
        self.rules = {ascii_key(r.code): r for r in kind.rules}
        self.rules.update({ascii_key(r.label): r for r in kind.rules})
        self.items = {ascii_key(i.code): i for i in kind.items}
        self.items.update({ascii_key(i.label): i for i in kind.items})
        self._units: dict[Any, Any] = {}

    def run(self, book: Workbook) -> Dataset:
        data = Dataset()
        if not any(sheet.rows for sheet in book.sheets):
            data.problems.append(Problem(
                "no_data", "Bảng tính trống: không có ô nào có nội dung, không lập báo cáo từ "
                f"tệp này. Các trang cần có: {self._expected()}.", None))
            return data
        found = self._read_sheets(book, data)
        self._missing_sheets(found, data)
        for spec in self.kind.sheets:
            if spec.layout == "units" and spec.key in data.tables:
                records, problems = check_keys(data.tables[spec.key],
                                               _key_column(spec, "unit"), "unit")
                data.tables[spec.key] = records
                data.problems += problems
            elif spec.layout == "items" and spec.key in data.tables:
                records, problems = check_keys(data.tables[spec.key],
                                               _key_column(spec, "item"), "item")
                data.tables[spec.key] = records
                data.problems += problems
        for log in data.logs.values():
            activity_log.merge_into_units(data, log, self.kind.sheet(log.into))
        self._missing_units(data)
        self._missing_items(data)
        if found and not data.errors and not self._has_figures(data):
            data.problems.append(Problem(
                "no_data", "Bảng tính không có số liệu nào (các trang trống hoặc chỉ có tên "
                "đơn vị): không lập báo cáo từ tệp này.", None))
        data.problems = condense(data.problems)
        return data

    def _read_sheets(self, book: Workbook, data: Dataset) -> set[str]:
        """Read every sheet the kind knows; warn about the others; returns the keys found."""
        found: set[str] = set()
        if book.file_type == "csv" and book.sheets:
            spec = _csv_spec(book.sheets[0], self.kind)
            if spec is not None:
                found.add(spec.key)
                self._read_sheet(book.sheets[0], spec, data)
        else:
            for sheet in book.sheets:
                spec = next((s for s in self.kind.sheets if s.key not in found
                             and _matches(sheet.name, s)), None)
                if spec is not None:
                    found.add(spec.key)
                    self._read_sheet(sheet, spec, data)
                elif ascii_key(sheet.name) not in HELPER_SHEETS and sheet.rows:
                    data.problems.append(Problem(
                        "unknown_sheet", f"Trang «{sheet.name}» không phải trang của loại báo "
                        f"cáo này và được bỏ qua. Các trang được đọc: {self._expected()}.",
                        sheet.name, None, "warning"))
        if not found:
            where = "Tệp CSV" if book.file_type == "csv" else "Bảng tính"
            data.problems.append(Problem(
                "no_known_sheet", f"{where} không có trang nào của loại báo cáo này (hoặc tiêu "
                f"đề cột không khớp). Các trang cần có: {self._expected()}.", None))
        return found

    def _expected(self) -> str:
        return ", ".join(f"«{s.name}»" for s in self.kind.sheets)

    def _missing_sheets(self, found: set[str], data: Dataset) -> None:
        if not found:
            return
        for spec in self.kind.sheets:
            if not spec.required or spec.key in found:
                continue
            logs = [s for s in self.kind.sheets if s.layout == "log" and s.into == spec.key]
            if any(getattr(data.logs.get(log.key), "rows", 0) for log in logs):
                continue  # an activity log with rows stands in for the units sheet
            either = "".join(f" (hoặc trang «{log.name}»)" for log in logs)
            data.problems.append(Problem(
                "missing_sheet", f"Thiếu trang «{spec.name}»{either} trong bảng tính.", spec.name))

    def _missing_units(self, data: Dataset) -> None:
        units = [u.name for u in self.province.units]
        for spec in self.kind.sheets:
            if spec.layout != "units" or spec.key not in data.tables:
                continue
            reported = reported_units(data.tables[spec.key], _key_column(spec, "unit"))
            missing = [name for name in units if name not in reported]
            if missing:
                sheet = data.sheet_names.get(spec.key) or next(
                    (log.sheet for log in data.logs.values() if log.into == spec.key), None)
                data.problems.append(missing_units_problem(missing, len(units), sheet))

    def _missing_items(self, data: Dataset) -> None:
        for spec in self.kind.sheets:
            if spec.layout != "items" or spec.key not in data.tables:
                continue
            key = _key_column(spec, "item")
            given = {r.values[key].code for r in data.tables[spec.key]
                     if r.values.get(key) and r.reported(key, ITEM_PREFILLED)}
            missing = [i for i in self.kind.items if i.code not in given]
            if missing:
                shown = ", ".join(i.code for i in missing[:20])
                data.problems.append(Problem(
                    "missing_items", f"Chưa có số liệu của {len(missing)}/{len(self.kind.items)}"
                    f" chỉ tiêu: {shown}. Báo cáo ghi «Chưa có số liệu» cho các chỉ tiêu này.",
                    data.sheet_names.get(spec.key), None, "warning"))

    def _has_figures(self, data: Dataset) -> bool:
        for spec in self.kind.sheets:
            records = data.tables.get(spec.key, [])
            if spec.layout == "units" and reported_units(records, _key_column(spec, "unit")):
                return True
            if spec.layout == "items" and any(r.reported(_key_column(spec, "item"),
                                                         ITEM_PREFILLED)
                                              for r in records):
                return True
            if spec.layout == "rows" and records:
                return True
        return False

    def _read_sheet(self, sheet: Sheet, spec: SheetDef, data: Dataset) -> None:
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
        by_code = {c.code: c for c in spec.columns}
        labels = {pos: by_code[code].label for pos, code in positions.items()}
        self._header_findings(sheet, labels, header_row, header_values, data)
        body = sheet.rows[index + 1:]
        # The downloaded workbook repeats the column codes under the Vietnamese labels.
        while body and is_code_row(body[0][1], positions):
            body = body[1:]
        columns = self._columns(spec, positions)
        required = [c for c in columns if by_code[c[0]].required]
        rows = self._rows(sheet.name, columns, required, body, data.problems)
        if spec.layout == "log":
            data.logs[spec.key] = activity_log.read_log(spec, sheet.name, columns, rows,
                                                        self.window, data.problems)
        elif spec.layout == "notes":
            records = [Record.build(sheet.name, n, v, columns, raw) for n, v, raw in rows]
            data.notes[spec.key] = self._notes(sheet, spec, records, data)
        else:
            records = [Record.build(sheet.name, n, v, columns, raw) for n, v, raw in rows]
            data.problems.extend(check_sums(records, spec))
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

    def _columns(self, spec: SheetDef, positions: dict[int, str]) -> list[Column]:
        """Each used column with its parser, chosen once per sheet rather than per cell."""
        by_code = {c.code: c for c in spec.columns}
        columns = []
        for pos, code in sorted(positions.items()):
            column = by_code[code]
            if column.type == "unit":
                parser = self._unit
            elif column.type == "rule":
                parser = self._listed(self.rules, "unknown_activity", "Loại hoạt động",
                                      [r.label for r in self.kind.rules])
            elif column.type == "item":
                parser = self._listed(self.items, "unknown_item", "Chỉ tiêu",
                                      [i.code for i in self.kind.items])
            elif column.type == "category":
                parser = activity_log.category_parser(spec)
            elif spec.layout == "log" and code == "quantity":
                # A log's quantity is money for an "amount" category: bounded as money here,
                # as a count when its row feeds a count (see ``activity_log.read_log``).
                parser = parse_money
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
            missing = [c for c in required if values[c[0]] in ("", None)]
            if any(values[c[0]] is TOTAL_ROW for c in required):
                missing = []  # a typed totals row: dropped later with a warning
            elif missing and row_is_blank(raw):
                continue  # a row of spaces only
            for _code, pos, _parse, label, letter in missing:
                if pos < size and raw[pos] is not None and values[_code] is None:
                    continue  # the cell was wrong, already reported
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

    @staticmethod
    def _listed(entries: dict, code: str, what: str, names: list[str]) -> Callable[[Any], Any]:
        """A parser of a column whose cells name an entry of a declared list."""
        def parse(raw: Any):
            text = parse_text(raw)
            if not text:
                return ""
            entry = entries.get(ascii_key(text))
            if entry is None:
                raise ValueProblem(code, f"{what} «{text}» không hợp lệ; chọn một trong: "
                                   f"{', '.join(names)}.")
            return entry
        return parse

    def _notes(self, sheet, spec, records, data) -> dict[str, list[str]]:
        keys = {}
        for entry in spec.sections:
            keys[ascii_key(entry.code)] = entry.code
            keys[ascii_key(entry.label)] = entry.code
        notes: dict[str, list[str]] = {entry.code: [] for entry in spec.sections}
        for record in records:
            code = keys.get(ascii_key(record.values.get("key") or ""))
            if code is None:
                data.problems.append(Problem(
                    "unknown_key", f"Mục «{record.values.get('key')}» không được dùng; các mục: "
                    f"{', '.join(s.label for s in spec.sections)}.", sheet.name,
                    record.cells["key"], "warning"))
            elif record.values.get("value"):
                notes[code].append(record.values["value"])
        return notes
