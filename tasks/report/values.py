"""Cell values as officers type them, parsed into what the report needs.

Each parser returns the value or raises ``ValueProblem`` with a stable code and a Vietnamese
message; the caller adds the sheet and cell. The common cases (a number from a spreadsheet,
plain digits from a CSV, a real date) take a fast path without regular expressions, since a
log of 100.000 activities passes every cell through here. Every parser refuses a
``CellError`` (a formula whose result is an error) with the code ``formula_error``: such a
cell has no value, and reading it as blank would print a wrong figure.
"""

from __future__ import annotations

import functools
import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from tasks.report.cell_errors import CellError
from tasks.report.legacy_fonts import legacy_encoding, legacy_message
from tasks.report.text import ascii_key, clean, clean_lines

_GROUPED = re.compile(r"^\d{1,3}([.,\u00a0 ]\d{3})+$")
_PLAIN = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^-?\d+([.,]\d+)?$")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_TRUE = {"1", "x", "co", "yes", "true", "dung", "v"}
_FALSE = {"0", "khong", "no", "false", "sai", "-"}
APPROX = {"tren": "trên", "gan": "gần", "khoang": "khoảng"}
# Excel counts days from 30/12/1899 (its serial 60 is the 29/02/1900 that never was).
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_LAST = 2_958_465  # 31/12/9999
# The largest figure a cell may hold. Past 2^53 a spreadsheet's number is a float that no
# longer holds the digits typed (1e30 reads as 1000000000000000019884935838656), and no
# province counts a billion of anything or spends a million billion đồng: such a cell is a
# typing slip, refused rather than summed.
COUNT_LIMIT = 10**9
MONEY_LIMIT = 10**15
NUMBER_LIMIT = 10**15


class ValueProblem(ValueError):
    """A cell value that does not fit its column."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _refuse_error(value: Any) -> None:
    """Raise ``ValueProblem`` (``formula_error``) when ``value`` is a ``CellError``."""
    if value.__class__ is CellError:
        raise ValueProblem("formula_error", value.message())


def parse_count(value: Any) -> int:
    """A non-negative whole number up to ``COUNT_LIMIT``; blank means 0. Accepts "1.090",
    "1,090", " 34 ". Raises ``ValueProblem`` (``number_too_large`` past the limit)."""
    cls = value.__class__
    if cls is int and 0 <= value <= COUNT_LIMIT:
        return value
    if cls is float and 0 <= value <= COUNT_LIMIT and value.is_integer():
        return int(value)
    if value is None:
        return 0
    return _bounded(_slow_count(value), value, COUNT_LIMIT, "")


def parse_money(value: Any) -> int:
    """A sum of money in đồng: a count up to ``MONEY_LIMIT`` rather than ``COUNT_LIMIT``."""
    cls = value.__class__
    if cls is int and 0 <= value <= MONEY_LIMIT:
        return value
    if cls is float and 0 <= value <= MONEY_LIMIT and value.is_integer():
        return int(value)
    if value is None:
        return 0
    return _bounded(_slow_count(value), value, MONEY_LIMIT, " đồng")


def _bounded(number: int | Decimal, shown: Any, limit: int, unit: str) -> Any:
    """``number`` when at most ``limit``; else ``ValueProblem`` (``number_too_large``)."""
    if number <= limit:
        return number
    if isinstance(shown, float) and shown.is_integer() and shown < 2**53:
        shown = int(shown)
    if isinstance(shown, float):
        shown = repr(shown)  # "1e+30", not the digits the float made up
    if isinstance(shown, int):
        shown = f"{shown:,}".replace(",", ".")
    most = f"{limit:,}".replace(",", ".")
    raise ValueProblem("number_too_large", f"Số «{clean(str(shown))}» quá lớn: giá trị tối "
                       f"đa là {most}{unit}. Kiểm tra lại số đã nhập.")


def _slow_count(value: Any) -> int:
    if value.__class__ is str and value.isascii() and value.isdigit():
        return int(value)
    _refuse_error(value)
    if isinstance(value, bool | datetime | date | time | timedelta):
        raise ValueProblem("not_a_number", f"«{value}» không phải là số.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueProblem("not_a_number", f"«{value}» không phải là số.")
    if isinstance(value, int | float | Decimal):
        return _whole(Decimal(str(value)), value)
    text = clean(str(value))
    if not text:
        return 0
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
    if isinstance(shown, float) and shown.is_integer():
        shown = int(shown)  # spreadsheet readers give whole numbers as floats: show "-3"
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
    _refuse_error(value)
    key = ascii_key(str(value))
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueProblem("not_a_flag", f"«{value}» không hợp lệ; ghi Có/Không, x hoặc 1/0.")


def parse_text(value: Any) -> str:
    """Text, NFC and trimmed, its line breaks kept ("\\n" between lines, see
    ``text.clean_lines``); numbers are written without a trailing ".0".

    Raises ``ValueProblem`` (``legacy_encoding``) for text typed with a TCVN3 or VNI font.
    """
    if value is None:
        return ""
    if value.__class__ is str:
        text = clean_lines(value)
        encoding = legacy_encoding(text)
        if encoding:
            raise ValueProblem("legacy_encoding", legacy_message(text, encoding))
        return text
    _refuse_error(value)
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
    _refuse_error(value)
    key = ascii_key(str(value))
    if key in APPROX:
        return APPROX[key]
    raise ValueProblem("not_an_approximation",
                       f"«{value}» không hợp lệ; ghi «trên», «gần», «khoảng» hoặc để trống.")


def parse_date(value: Any) -> date | None:
    """A day: an Excel date (or its serial number), ``dd/mm/yyyy`` or ISO ``yyyy-mm-dd``.

    Blank means ``None``. Raises ``ValueProblem`` (``not_a_date``) for anything else.
    """
    cls = value.__class__
    if cls is date:
        return value
    if cls is datetime:
        return value.date()
    if value is None:
        return None
    if cls is str:
        return _text_date(value)
    if cls in (int, float) and 1 <= value <= _EXCEL_LAST:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    _refuse_error(value)
    raise ValueProblem("not_a_date", f"«{value}» không phải là ngày (ghi dd/mm/yyyy).")


# A log repeats the same few dozen dates over thousands of rows: each text is parsed once.
@functools.lru_cache(maxsize=4096)
def _text_date(value: str) -> date | None:
    text = clean(value)
    if not text:
        return None
    parts = text.split("/")
    if len(parts) == 3 and len(parts[2]) == 4 and text.replace("/", "").isdigit():
        try:  # dd/mm/yyyy, the usual way, without the regular expression
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            raise ValueProblem("not_a_date", f"«{value}» không phải là ngày.") from None
    match = _DAY_FIRST.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (match := _ISO.match(text)):
        parts = match.groups()
    try:
        if parts:
            return date(*map(int, parts))
    except ValueError:
        pass
    raise ValueProblem("not_a_date", f"«{value}» không phải là ngày (ghi dd/mm/yyyy).")


def parse_number(value: Any) -> Decimal | None:
    """A non-negative number that may have decimals (a rate, a percentage); blank is ``None``.

    Unlike a count, a blank here is not zero: an indicator left empty has no value yet.
    Accepts "75,8", "75.8", "1.090", "1.090,5". Raises ``ValueProblem`` (``not_a_number``,
    ``negative_number``, ``number_too_large`` past ``NUMBER_LIMIT``).
    """
    if value is None or value.__class__ is bool:
        if value is None:
            return None
        raise ValueProblem("not_a_number", f"«{value}» không phải là số.")
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueProblem("not_a_number", f"«{value}» không phải là số.")
        number = Decimal(str(value))
    else:
        text = clean(str(value)).replace("\u00a0", "").replace(" ", "").rstrip("%")
        if not text:
            return None
        number = _decimal_text(text, value)
    if number < 0:
        raise ValueProblem("negative_number", f"Số «{value}» âm; chỉ nhận số không âm.")
    return _bounded(number, value, NUMBER_LIMIT, "")


def _decimal_text(text: str, shown: Any) -> Decimal:
    """Vietnamese writing first: "." groups thousands, "," marks decimals; else the plain form."""
    if _GROUPED.match(text):
        text = re.sub(r"\D", "", text)
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+,\d+", text):
        text = text.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueProblem("not_a_number", f"«{shown}» không phải là số.") from None
