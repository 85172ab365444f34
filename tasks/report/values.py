"""Cell values as officers type them, parsed into what the report needs.

Each parser returns the value or raises ``ValueProblem`` with a stable code and a Vietnamese
message; the caller adds the sheet and cell.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from tasks.report.text import ascii_key, clean

_GROUPED = re.compile(r"^\d{1,3}([.,\u00a0 ]\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^-?\d+([.,]\d+)?$")
_TRUE = {"1", "x", "co", "yes", "true", "dung", "v"}
_FALSE = {"0", "khong", "no", "false", "sai", "-"}
APPROX = {"tren": "trên", "gan": "gần", "khoang": "khoảng"}


class ValueProblem(ValueError):
    """A cell value that does not fit its column."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_count(value: Any) -> int:
    """A non-negative whole number; blank means 0. Accepts "1.090", "1,090", " 34 "."""
    if value is None:
        return 0
    if isinstance(value, bool) or isinstance(value, datetime | date):
        raise ValueProblem("not_a_number", f"«{value}» không phải là số.")
    if isinstance(value, int | float | Decimal):
        return _whole(Decimal(str(value)), value)
    text = clean(str(value))
    if _PLAIN.match(text):
        return int(text)
    if _GROUPED.match(text):
        return int(re.sub(r"\D", "", text))
    if _DECIMAL.match(text):
        try:
            return _whole(Decimal(text.replace(",", ".")), value)
        except InvalidOperation:
            pass
    raise ValueProblem("not_a_number", f"«{value}» không phải là số.")


def _whole(number: Decimal, shown: Any) -> int:
    if number < 0:
        raise ValueProblem("negative_number", f"Số «{shown}» âm; chỉ nhận số không âm.")
    if number != number.to_integral_value():
        raise ValueProblem("not_whole_number",
                           f"«{shown}» có phần thập phân; cột này chỉ nhận số nguyên.")
    return int(number)


def parse_flag(value: Any) -> bool:
    """Yes/no: 1/0, x, Có/Không (any case, with or without diacritics); blank means no."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    key = ascii_key(str(value))
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueProblem("not_a_flag", f"«{value}» không hợp lệ; ghi Có/Không, x hoặc 1/0.")


def parse_text(value: Any) -> str:
    """Text, NFC and trimmed; numbers are written without a trailing ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.day}/{value.month}/{value.year}"
    return clean(str(value))


def parse_approx(value: Any) -> str:
    """One of "trên", "gần", "khoảng", or "" when blank."""
    if value is None:
        return ""
    key = ascii_key(str(value))
    if key in APPROX:
        return APPROX[key]
    raise ValueProblem("not_an_approximation",
                       f"«{value}» không hợp lệ; ghi «trên», «gần», «khoảng» hoặc để trống.")
