"""The data workbook an officer downloads, fills in and uploads back, for any kind.

Headers in Vietnamese with the machine codes on the row below; a units sheet has one row per
unit of the date already named, an items sheet one row per indicator (code, name, measure and
target filled in), a notes sheet its sections; Excel validation on every typed column (lists
come from a hidden "Danh mục" sheet, since an inline list cannot hold labels with commas such
as "Kiểm tra, giám sát"), and an instructions sheet written from the kind's own definition.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tasks.report.kind_schema import ITEM_PREFILLED, SheetDef
from tasks.report.kinds import ReportKind
from tasks.report.period import ReportingPeriod
from tasks.report.provinces import ProvinceAtDate

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_GIVEN_FILL = PatternFill("solid", fgColor="F2F2F2")
_CODE_FONT = Font(color="808080", size=9, italic=True)
_ROWS_FOR_ROWS = 50
_ROWS_FOR_LOG = 5_000
_ROWS_PER_SECTION = 5
_WHOLE = {"count", "money"}
_NUMERIC = {"count", "money", "number"}
_WIDE = {"text", "unit", "rule", "item", "category", "note"}
LISTS = "Danh mục"
INSTRUCTIONS = "Hướng dẫn"
_DATE_FORMAT = "dd/mm/yyyy"


def _header(ws, spec: SheetDef) -> None:
    for pos, column in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=pos, value=column.label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.cell(row=2, column=pos, value=column.code).font = _CODE_FONT
        ws.column_dimensions[get_column_letter(pos)].width = 34 if column.type in _WIDE else 14
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "B3"


def _lists(book: Workbook, kind: ReportKind, province: ProvinceAtDate) -> dict[str, str]:
    """Write the hidden list sheet; the range formula of each list by column type (and by
    sheet key for the categories of each log)."""
    ws = book.create_sheet(LISTS)
    ws.sheet_state = "hidden"
    columns = {
        "rule": [r.label for r in kind.rules],
        "unit": [u.name for u in province.units],
        "item": [i.code for i in kind.items],
        "approx": ["trên", "gần", "khoảng"],
        "flag": ["Có", "Không"],
    }
    for spec in kind.sheets:
        if spec.layout == "log":
            columns[f"category:{spec.key}"] = [c.label for c in spec.categories]
    formulas = {}
    for pos, (name, labels) in enumerate(columns.items(), start=1):
        letter = get_column_letter(pos)
        for row, label in enumerate(labels, start=1):
            ws.cell(row=row, column=pos, value=label)
        formulas[name] = f"'{LISTS}'!${letter}$1:${letter}${max(len(labels), 1)}"
    return formulas


def _rule(column, spec: SheetDef, lists: dict[str, str],
          period: ReportingPeriod) -> DataValidation | None:
    if column.type in _WHOLE:
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=True, showErrorMessage=True,
                              error="Nhập số nguyên không âm.", errorTitle="Sai số liệu")
    if column.type == "number":
        return DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=True, showErrorMessage=True,
                              error="Nhập số không âm.", errorTitle="Sai số liệu")
    if column.type == "date":
        s, e = period.start, period.end
        # A warning, not a stop: an activity may be logged late; the upload says the same.
        return DataValidation(type="date", operator="between", allow_blank=True,
                              formula1=f"DATE({s.year},{s.month},{s.day})",
                              formula2=f"DATE({e.year},{e.month},{e.day})",
                              showErrorMessage=True, errorStyle="warning",
                              errorTitle="Ngoài kỳ báo cáo",
                              error=f"Ngày nên nằm trong kỳ {s:%d/%m/%Y} – {e:%d/%m/%Y}.")
    name = f"category:{spec.key}" if column.type == "category" else column.type
    if name in lists:
        # Units may be typed in any spelling the matcher accepts ("Lạc Sơn", "H. Lạc Sơn").
        return DataValidation(type="list", formula1=lists[name], allow_blank=True,
                              showErrorMessage=column.type != "unit",
                              error="Chọn một mục trong danh sách.")
    return None


def _validations(ws, spec: SheetDef, last_row: int, lists: dict[str, str],
                 period: ReportingPeriod) -> None:
    for pos, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(pos)
        rule = _rule(column, spec, lists, period)
        if rule is None:
            continue
        rule.add(f"{letter}3:{letter}{last_row}")
        ws.add_data_validation(rule)
        number_format = "#,##0" if column.type in _WHOLE else "#,##0.##" \
            if column.type == "number" else _DATE_FORMAT if column.type == "date" else None
        if number_format:
            for (cell,) in ws.iter_rows(min_row=3, max_row=min(last_row, 2 + 200),
                                        min_col=pos, max_col=pos):
                cell.number_format = number_format
            # Rows past the prepared ones take the format from the column's own style.
            ws.column_dimensions[letter].number_format = number_format


def _fill(ws, spec: SheetDef, column_type: str, values: list) -> None:
    pos = next(n for n, c in enumerate(spec.columns, start=1) if c.type == column_type)
    for row, value in enumerate(values, start=3):
        ws.cell(row=row, column=pos, value=value)


def _last_row(ws, spec: SheetDef, kind: ReportKind, province: ProvinceAtDate) -> int:
    if spec.layout == "units":
        _fill(ws, spec, "unit", [u.name for u in province.units])
        return 2 + len(province.units)
    if spec.layout == "items":
        _fill(ws, spec, "item", [i.code for i in kind.items])
        given = {"label": lambda i: i.label, "measure": lambda i: i.measure,
                 "target": lambda i: i.target}
        assert set(given) == ITEM_PREFILLED  # what validation ignores as not given
        for pos, column in enumerate(spec.columns, start=1):
            if column.code in given:
                for row, item in enumerate(kind.items, start=3):
                    cell = ws.cell(row=row, column=pos, value=given[column.code](item))
                    cell.fill = _GIVEN_FILL
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        return 2 + len(kind.items)
    if spec.layout == "notes":
        labels = [s.label for s in spec.sections for _ in range(_ROWS_PER_SECTION)]
        pos = next(n for n, c in enumerate(spec.columns, start=1) if c.code == "key")
        for row, label in enumerate(labels, start=3):
            ws.cell(row=row, column=pos, value=label)
        return 2 + len(labels)
    return 2 + (_ROWS_FOR_LOG if spec.layout == "log" else _ROWS_FOR_ROWS)


def _sheet_help(kind: ReportKind, spec: SheetDef) -> list[str]:
    """What to do in one sheet, in the officer's words."""
    lines = {
        "units": [f"Trang «{spec.name}»: mỗi đơn vị một dòng (tên đã điền sẵn theo danh mục của "
                  "kỳ), nhập số tổng của cả kỳ; không thêm dòng tổng cộng. Ô số để trống được "
                  "tính là 0; đơn vị không ghi số nào được coi là chưa báo cáo."],
        "log": [f"Trang «{spec.name}»: nhật ký, mỗi hoạt động một dòng; hệ thống tự cộng theo "
                "đơn vị. «Số lượng» để trống = 1. Các loại hoạt động: "
                + "; ".join(c.label for c in spec.categories) + ".",
                "Một số liệu của một đơn vị chỉ ghi ở một nơi (nhật ký hoặc trang đơn vị); ghi "
                "cả hai nơi mà khác nhau là lỗi."],
        "rows": [f"Trang «{spec.name}»: mỗi hoạt động một dòng; chọn loại trong danh sách."],
        "notes": [f"Trang «{spec.name}»: mỗi ý một dòng, ghi mục ở cột đầu ("
                  + ", ".join(s.label for s in spec.sections) + "); mục để trống thành chỗ "
                  "đánh dấu vàng trong báo cáo."],
        "items": [f"Trang «{spec.name}»: mỗi chỉ tiêu một dòng (mã, tên, đơn vị đo, chỉ tiêu đã "
                  "điền sẵn); nhập số của năm trước và năm nay. Ô để trống là chưa có số liệu, "
                  "không phải 0."],
    }[spec.layout]
    required = [c.label for c in spec.columns if c.required]
    if required:
        lines.append("  Cột bắt buộc: " + ", ".join(required) + ".")
    return lines


def _instructions(book: Workbook, kind: ReportKind, province: ProvinceAtDate,
                  period: ReportingPeriod) -> None:
    ws = book.create_sheet(INSTRUCTIONS)
    lines = [kind.title, f"{province.era.province} - kỳ báo cáo {period.label} "
             f"(từ {period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y})", ""]
    for spec in kind.sheets:
        lines += _sheet_help(kind, spec)
    lines += ["", "Không đổi tên trang, không xóa hai dòng tiêu đề (dòng mã cột màu xám giữ "
              "nguyên). Ô có nhiều dòng (Alt+Enter) được giữ nguyên các dòng.",
              "Lưu tệp dạng .xlsx (không đặt mật khẩu, không macro); có thể kiểm tra trước khi "
              "gửi."]
    for row, text in enumerate(lines, start=1):
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = Font(bold=row == 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 120


def make_input_workbook(kind: ReportKind, province: ProvinceAtDate,
                        period: ReportingPeriod) -> bytes:
    """An empty data workbook of ``kind`` with the units (and indicators) filled in."""
    book = Workbook()
    book.remove(book.active)
    sheets = [(spec, book.create_sheet(spec.name)) for spec in kind.sheets]
    _instructions(book, kind, province, period)
    lists = _lists(book, kind, province)
    for spec, ws in sheets:
        _header(ws, spec)
        _validations(ws, spec, _last_row(ws, spec, kind, province), lists, period)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
