"""Formula results that are errors (#DIV/0!, #N/A, Err:502 …): how each format marks them.

A formula whose result is an error has no value: calamine reads such a cell as an empty
string in XLSX and, in ODS, as the number LibreOffice stores beside the error (0), so without
a look at the file itself it would count as blank or zero. The readers find these cells
(XLSX ``t="e"``, ODS ``calcext:value-type="error"`` or an error text under a formula, CSV
the error text Excel and LibreOffice export) and put a ``CellError`` in their place; every
column parser refuses it, so the validator names the sheet, the cell and the error.

Sources: ECMA-376 Part 1, §18.18.11 ST_CellType ("e": cell containing an error) and
§18.17.4.4 (the error values); Microsoft support, "How to correct a #… error" pages for the
newer values (#SPILL!, #CALC!, #GETTING_DATA …); LibreOffice Help, "Error Codes in
LibreOffice Calc" (Err:501 … Err:539, shown as text "Err:5xx").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.report.sheets import IntakeError, thousands

# What each error means, for the officer who has to fix the formula.
_MEANINGS = {
    "#DIV/0!": "chia cho 0",
    "#N/A": "không tìm thấy giá trị, thường do hàm tra cứu như VLOOKUP",
    "#VALUE!": "sai kiểu giá trị trong công thức",
    "#REF!": "công thức trỏ tới ô hoặc trang đã bị xóa",
    "#NAME?": "tên hàm hoặc tên vùng không tồn tại",
    "#NUM!": "số không hợp lệ",
    "#NULL!": "hai vùng không giao nhau",
    "#SPILL!": "kết quả mảng bị ô khác chặn",
    "#CALC!": "lỗi tính toán",
    "#GETTING_DATA": "dữ liệu đang được tải, chưa có kết quả",
    "#FIELD!": "trường dữ liệu không tồn tại",
    "#BLOCKED!": "nguồn dữ liệu bị chặn",
    "#CONNECT!": "không kết nối được nguồn dữ liệu",
    "#BUSY!": "dữ liệu đang được tính",
    "#UNKNOWN!": "kiểu dữ liệu không được hỗ trợ",
    "#PYTHON!": "lỗi công thức Python",
    "#EXTERNAL!": "lỗi nguồn dữ liệu bên ngoài",
}
EXCEL_ERRORS = frozenset(_MEANINGS)
# The error text alone, as a cell shows it: a known Excel error or LibreOffice's "Err:5xx".
_ERROR_TEXT = re.compile(r"#(?:DIV/0!|N/A|VALUE!|REF!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA"
                         r"|FIELD!|BLOCKED!|CONNECT!|BUSY!|UNKNOWN!|PYTHON!|EXTERNAL!)|Err:\d{3}")
# Past this many error cells in one sheet the file is refused as a whole: each is recorded
# by its position until then, and a sheet of errors is a sheet to fix first.
MAX_ERROR_CELLS = 100_000


@dataclass(frozen=True, slots=True)
class CellError:
    """A cell whose formula gave an error: ``text`` as the spreadsheet shows it ("#DIV/0!")."""

    text: str

    def __str__(self) -> str:
        return self.text

    def message(self) -> str:
        """The Vietnamese explanation of the error, for the problem list."""
        meaning = _MEANINGS.get(self.text)
        if meaning is None and self.text.startswith("Err:"):
            meaning = "lỗi tính toán của LibreOffice"
        shown = f" {self.text}" if self.text else ""
        why = f" ({meaning})" if meaning else ""
        return (f"Ô có công thức báo lỗi{shown}{why}, không có giá trị để tính. Hãy sửa "
                "công thức hoặc nhập số liệu trực tiếp rồi tải lên lại.")


def is_error_text(text: str) -> bool:
    """Whether ``text`` is exactly an error value as a spreadsheet shows it."""
    return _ERROR_TEXT.fullmatch(text) is not None


def error_cells_past_cap(sheet: str | None, first: str, error: str) -> IntakeError:
    """The ``IntakeError`` for a sheet with more than ``MAX_ERROR_CELLS`` error cells."""
    where = f"Trang «{sheet}»" if sheet else "Một trang tính"
    return IntakeError(f"{where} có hơn {thousands(MAX_ERROR_CELLS)} ô công thức báo lỗi "
                       f"(ô đầu tiên: {first}, {error}); hãy sửa công thức rồi tải lên lại.",
                       "formula_error")
