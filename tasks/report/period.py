"""Reporting periods: parse what users type into the data window of Decree 09/2019.

Accepted: ``2023`` (the year; a report kind may map it to its campaign window), ``2023-Q4``,
``2023-H2``, ``2023-11`` and an explicit ``2023-11-15..2023-12-15``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from tasks.report.errors import PeriodError

SYNTAX = "YYYY | YYYY-Qn | YYYY-H1 | YYYY-H2 | YYYY-MM | YYYY-MM-DD..YYYY-MM-DD"
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_FORMS = [
    ("range", re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$")),
    ("quarter", re.compile(r"^(\d{4})-Q([1-4])$", re.I)),
    ("half", re.compile(r"^(\d{4})-H([12])$", re.I)),
    ("month", re.compile(r"^(\d{4})-(\d{1,2})$")),
    ("year", re.compile(r"^(\d{4})$")),
]


@dataclass(frozen=True)
class ReportingPeriod:
    """A data window, inclusive at both ends, with the text that names it."""

    text: str
    kind: str
    year: int
    start: date
    end: date
    label: str


def _from_15th(year: int, month: int) -> date:
    """Decree 09 windows open on the 15th of the month before (year, month)."""
    return date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)


def _parse_iso(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise PeriodError(f"Ngày «{text}» không hợp lệ (dạng YYYY-MM-DD).") from e


def parse_period(
    text: str, year_windows: Mapping[int, tuple[date, date]] | None = None
) -> ReportingPeriod:
    """Parse ``text`` into a ReportingPeriod.

    ``year_windows`` maps a year to the window a bare year means for the report kind (the
    Action Month, for instance); a year absent from it means the Decree 09 year. Raises
    ``PeriodError`` with a Vietnamese message for anything else.
    """
    raw = (text or "").strip()
    for kind, pattern in _FORMS:
        m = pattern.match(raw)
        if m:
            return _BUILDERS[kind](raw, m, year_windows or {})
    raise PeriodError(
        f"Kỳ báo cáo «{raw}» không đúng dạng. Dùng một trong: {SYNTAX}.", "invalid_period"
    )


def _year(raw, m, windows) -> ReportingPeriod:
    year = int(m.group(1))
    if year in windows:
        start, end = windows[year]
        return ReportingPeriod(raw, "campaign", year, start, end, f"năm {year}")
    return ReportingPeriod(raw, "year", year, date(year - 1, 12, 15), date(year, 12, 14),
                           f"năm {year}")


def _quarter(raw, m, _windows) -> ReportingPeriod:
    year, q = int(m.group(1)), int(m.group(2))
    first, last = 3 * q - 2, 3 * q
    return ReportingPeriod(raw.upper(), "quarter", year, _from_15th(year, first),
                           date(year, last, 14), f"quý {_ROMAN[q]} năm {year}")


def _half(raw, m, _windows) -> ReportingPeriod:
    year, h = int(m.group(1)), int(m.group(2))
    if h == 1:
        return ReportingPeriod(raw.upper(), "half", year, date(year - 1, 12, 15),
                               date(year, 6, 14), f"6 tháng đầu năm {year}")
    return ReportingPeriod(raw.upper(), "half", year, date(year, 6, 15), date(year, 12, 14),
                           f"6 tháng cuối năm {year}")


def _month(raw, m, _windows) -> ReportingPeriod:
    year, month = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(f"Tháng {month} trong kỳ «{raw}» không hợp lệ.")
    return ReportingPeriod(f"{year}-{month:02d}", "month", year, _from_15th(year, month),
                           date(year, month, 14), f"tháng {month} năm {year}")


def _range(raw, m, _windows) -> ReportingPeriod:
    start, end = _parse_iso(m.group(1)), _parse_iso(m.group(2))
    if end < start:
        raise PeriodError(f"Kỳ «{raw}»: ngày kết thúc trước ngày bắt đầu.")
    if (end - start).days > 366:
        raise PeriodError(f"Kỳ «{raw}» dài hơn một năm.")
    label = (f"từ ngày {start.day}/{start.month}/{start.year} "
             f"đến ngày {end.day}/{end.month}/{end.year}")
    return ReportingPeriod(raw, "range", end.year, start, end, label)


_BUILDERS = {"range": _range, "quarter": _quarter, "half": _half, "month": _month, "year": _year}
