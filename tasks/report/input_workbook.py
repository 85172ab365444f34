"""The data workbook an officer downloads, fills in and uploads back.

Headers in Vietnamese with the machine codes on the row below, one row per unit of the date
already named, Excel validation on every number column, and an instructions sheet.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tasks.report.kinds import ReportKind, SheetSpec
from tasks.report.period import ReportingPeriod
from tasks.report.provinces import ProvinceAtDate

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_CODE_FONT = Font(color="808080", size=9, italic=True)
_ROWS_FOR_ACTIVITIES = 50
_NUMERIC = {"count", "money"}


def _header(ws, spec: SheetSpec) -> None:
    for pos, column in enumerate(spec.columns, start=1):
        cell = ws.cell(row=1, column=pos, value=column.label)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        ws.cell(row=2, column=pos, value=column.code).font = _CODE_FONT
        width = 34 if column.type in ("text", "unit", "activity") else 14
        ws.column_dimensions[get_column_letter(pos)].width = width
    ws.row_dimensions[1].height = 45
    ws.freeze_panes = "B3"


def _validations(ws, spec: SheetSpec, last_row: int, kind: ReportKind) -> None:
    for pos, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(pos)
        area = f"{letter}3:{letter}{last_row}"
        if column.type in _NUMERIC:
            rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                                  allow_blank=True, showErrorMessage=True,
                                  error="Nhập số nguyên không âm.", errorTitle="Sai số liệu")
            for row in ws.iter_rows(min_row=3, max_row=last_row, min_col=pos, max_col=pos):
                row[0].number_format = "#,##0"
        elif column.type == "flag":
            rule = DataValidation(type="list", formula1='"Có,Không"', allow_blank=True)
        elif column.type == "activity":
            labels = ",".join(a["label"] for a in kind.activities)
            rule = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
        elif column.type == "approx":
            rule = DataValidation(type="list", formula1='"trên,gần,khoảng"', allow_blank=True)
        else:
            continue
        rule.add(area)
        ws.add_data_validation(rule)


def _instructions(book: Workbook, kind: ReportKind, province: ProvinceAtDate,
                  period: ReportingPeriod) -> None:
    ws = book.create_sheet("Hướng dẫn")
    lines = [
        kind.title,
        f"{province.era.province} - kỳ báo cáo {period.label} "
        f"(từ {period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y})",
        "",
        "Cách điền:",
        "- Không đổi tên trang, không xóa hai dòng tiêu đề (dòng mã cột màu xám giữ nguyên).",
        "- Mỗi đơn vị một dòng; tên đơn vị đã điền sẵn theo danh mục tại ngày cuối kỳ.",
        "- Ô số để trống được tính là 0; chỉ nhập số nguyên không âm, không nhập dòng tổng cộng.",
        "- Cột «Có kế hoạch»: chọn Có hoặc Không.",
        "- Trang «Cấp tỉnh»: mỗi hoạt động cấp tỉnh một dòng; chọn loại hoạt động trong danh sách.",
        "- Trang «Đánh giá»: mỗi ý một dòng; có thể thêm nhiều dòng cho cùng một mục.",
    ]
    for row, text in enumerate(lines, start=1):
        ws.cell(row=row, column=1, value=text).font = Font(bold=row == 1)
    ws.column_dimensions["A"].width = 110


def make_input_workbook(kind: ReportKind, province: ProvinceAtDate,
                        period: ReportingPeriod) -> bytes:
    """An empty data workbook of ``kind`` with the units of ``province`` filled in."""
    book = Workbook()
    book.remove(book.active)
    for spec in kind.sheets:
        ws = book.create_sheet(spec.name)
        _header(ws, spec)
        if spec.key == "units":
            for row, unit in enumerate(province.units, start=3):
                ws.cell(row=row, column=1, value=unit.name)
            last_row = 2 + len(province.units)
        elif spec.layout == "keyvalue":
            for row, entry in enumerate(spec.keys, start=3):
                ws.cell(row=row, column=1, value=entry["label"])
            last_row = 2 + len(spec.keys) * 5
        else:
            last_row = 2 + _ROWS_FOR_ACTIVITIES
        _validations(ws, spec, last_row, kind)
    _instructions(book, kind, province, period)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
