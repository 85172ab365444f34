"""The data workbook an officer downloads, fills in and uploads back.

Headers in Vietnamese with the machine codes on the row below, one row per unit of the date
already named, the activity log as the other way to give the same figures, Excel validation on
every typed column (lists come from a hidden "Danh mục" sheet, since an inline list cannot hold
labels with commas such as "Kiểm tra, giám sát"), and an instructions sheet.
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
_ROWS_FOR_LOG = 5_000
_NUMERIC = {"count", "money"}
_WIDE = {"text", "unit", "activity", "log_activity", "note"}
LISTS = "Danh mục"
_DATE_FORMAT = "dd/mm/yyyy"


def _header(ws, spec: SheetSpec) -> None:
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
    """Write the hidden list sheet; the range formula of each list by column type."""
    ws = book.create_sheet(LISTS)
    ws.sheet_state = "hidden"
    columns = {
        "activity": [a["label"] for a in kind.activities],
        "log_activity": [k["label"] for s in kind.sheets if s.layout == "log" for k in s.keys],
        "unit": [u.name for u in province.units],
        "approx": ["trên", "gần", "khoảng"],
        "flag": ["Có", "Không"],
    }
    formulas = {}
    for pos, (type_, labels) in enumerate(columns.items(), start=1):
        letter = get_column_letter(pos)
        for row, label in enumerate(labels, start=1):
            ws.cell(row=row, column=pos, value=label)
        formulas[type_] = f"'{LISTS}'!${letter}$1:${letter}${max(len(labels), 1)}"
    return formulas


def _rule(column, lists: dict[str, str], period: ReportingPeriod) -> DataValidation | None:
    if column.type in _NUMERIC:
        return DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0",
                              allow_blank=True, showErrorMessage=True,
                              error="Nhập số nguyên không âm.", errorTitle="Sai số liệu")
    if column.type == "date":
        s, e = period.start, period.end
        # A warning, not a stop: an activity may be logged late; the upload says the same.
        return DataValidation(type="date", operator="between", allow_blank=True,
                              formula1=f"DATE({s.year},{s.month},{s.day})",
                              formula2=f"DATE({e.year},{e.month},{e.day})",
                              showErrorMessage=True, errorStyle="warning",
                              errorTitle="Ngoài kỳ báo cáo",
                              error=f"Ngày nên nằm trong kỳ {s:%d/%m/%Y} – {e:%d/%m/%Y}.")
    if column.type in lists:
        # Units may be typed in any spelling the matcher accepts ("Lạc Sơn", "H. Lạc Sơn").
        return DataValidation(type="list", formula1=lists[column.type], allow_blank=True,
                              showErrorMessage=column.type != "unit",
                              error="Chọn một mục trong danh sách.")
    return None


def _validations(ws, spec: SheetSpec, last_row: int, lists: dict[str, str],
                 period: ReportingPeriod) -> None:
    for pos, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(pos)
        rule = _rule(column, lists, period)
        if rule is None:
            continue
        rule.add(f"{letter}3:{letter}{last_row}")
        ws.add_data_validation(rule)
        number_format = "#,##0" if column.type in _NUMERIC else \
            _DATE_FORMAT if column.type == "date" else None
        if number_format:
            for (cell,) in ws.iter_rows(min_row=3, max_row=min(last_row, 2 + 200),
                                        min_col=pos, max_col=pos):
                cell.number_format = number_format
            # Rows past the prepared ones take the format from the column's own style.
            ws.column_dimensions[letter].number_format = number_format


_INSTRUCTIONS = [
    "",
    "Có hai cách nhập số liệu của các đơn vị (chọn một, hoặc kết hợp theo quy tắc bên dưới):",
    "Cách 1 - trang «Đơn vị»: mỗi đơn vị một dòng, nhập số tổng của cả kỳ.",
    "- Tên đơn vị đã điền sẵn theo danh mục tại ngày cuối kỳ; không thêm dòng tổng cộng.",
    "- Ô số để trống được tính là 0; chỉ nhập số nguyên không âm.",
    "- Cột «Có kế hoạch»: chọn Có hoặc Không.",
    "Cách 2 - trang «Hoạt động»: mỗi hoạt động một dòng (nhật ký); hệ thống tự cộng theo đơn vị.",
    "- Chọn đơn vị và loại hoạt động trong danh sách; ngày ghi dd/mm/yyyy.",
    "- «Số lượng»: số cuộc, buổi, lớp hoặc tin bài của dòng đó (để trống = 1); với loại "
    "«Kinh phí» là số tiền (đồng).",
    "- «Nam», «Nữ»: số người tham gia hoặc được tiếp cận; «Tổng số người» (nếu ghi) phải bằng "
    "Nam + Nữ.",
    "- Phát động, Kiểm tra giám sát → số cuộc phát động; Phát thanh loa, Tin bài trực tuyến → "
    "cũng tính vào hoạt động truyền thông.",
    "Dùng cả hai trang: trang «Hoạt động» cho các số liệu hoạt động, trang «Đơn vị» cho kế hoạch, "
    "kinh phí, hoạt động nổi bật. Một số liệu của một đơn vị chỉ ghi ở một nơi; ghi cả hai nơi "
    "mà khác nhau là lỗi.",
    "",
    "Trang «Cấp tỉnh»: mỗi hoạt động cấp tỉnh một dòng; chọn loại hoạt động trong danh sách.",
    "Trang «Đánh giá»: mỗi ý một dòng; có thể thêm nhiều dòng cho cùng một mục.",
    "Không đổi tên trang, không xóa hai dòng tiêu đề (dòng mã cột màu xám giữ nguyên).",
    "Lưu tệp dạng .xlsx (không đặt mật khẩu, không macro); có thể kiểm tra trước khi gửi.",
]


def _instructions(book: Workbook, kind: ReportKind, province: ProvinceAtDate,
                  period: ReportingPeriod) -> None:
    ws = book.create_sheet("Hướng dẫn")
    lines = [kind.title, f"{province.era.province} - kỳ báo cáo {period.label} "
             f"(từ {period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y})", *_INSTRUCTIONS]
    for row, text in enumerate(lines, start=1):
        bold = row == 1 or text.startswith(("Cách ", "Có hai cách"))
        cell = ws.cell(row=row, column=1, value=text)
        cell.font = Font(bold=bold)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 120


def _last_row(ws, spec: SheetSpec, province: ProvinceAtDate) -> int:
    if spec.key == "units":
        for row, unit in enumerate(province.units, start=3):
            ws.cell(row=row, column=1, value=unit.name)
        return 2 + len(province.units)
    if spec.layout == "keyvalue":
        for row, entry in enumerate(spec.keys, start=3):
            ws.cell(row=row, column=1, value=entry["label"])
        return 2 + len(spec.keys) * 5
    return 2 + (_ROWS_FOR_LOG if spec.layout == "log" else _ROWS_FOR_ACTIVITIES)


def make_input_workbook(kind: ReportKind, province: ProvinceAtDate,
                        period: ReportingPeriod) -> bytes:
    """An empty data workbook of ``kind`` with the units of ``province`` filled in."""
    book = Workbook()
    book.remove(book.active)
    sheets = [(spec, book.create_sheet(spec.name)) for spec in kind.sheets]
    _instructions(book, kind, province, period)
    lists = _lists(book, kind, province)
    for spec, ws in sheets:
        _header(ws, spec)
        _validations(ws, spec, _last_row(ws, spec, province), lists, period)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
