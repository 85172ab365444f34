"""Reporting periods: parse what users type into a data window, in the forms a kind accepts.

Forms (``ReportingPeriod.form``) and what they cover, inclusive at both ends:

- ``campaign``: ``2023`` is that year's campaign window, from the kind's campaigns file
  (the Action Month: 15/11–15/12/2023);
- ``year``: ``2023`` is the annual window of Decree 09/2019/NĐ-CP, Điều 12: 15/12/2022–14/12/2023;
- ``calendar_year``: ``2023`` is 1/1–31/12/2023 (annual statistics such as targets);
- ``half``: ``2023-H1`` (15/12/2022–14/6/2023), ``2023-H2`` (15/6–14/12/2023), Decree 09;
- ``quarter``: ``2023-Q4`` (15/9–14/12/2023), Decree 09: from the 15th of the month before;
- ``month``: ``2023-11`` (15/10–14/11/2023), Decree 09;
- ``range``: ``2023-11-15..2023-12-15``, at most a year.

A kind accepts at most one of the three year forms, since a bare year must mean one thing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from tasks.report.errors import PeriodError

FORMS = ("campaign", "year", "calendar_year", "half", "quarter", "month", "range")
YEAR_FORMS = ("campaign", "year", "calendar_year")
# What a period means without a kind to say otherwise: the Decree 09 windows and a range.
DECREE_FORMS = ("year", "half", "quarter", "month", "range")
SYNTAX = "YYYY | YYYY-Qn | YYYY-H1 | YYYY-H2 | YYYY-MM | YYYY-MM-DD..YYYY-MM-DD"
_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# ASCII digits only (re.A): "٢٠٢٣" or "２０２３" would be read by int() yet stored as typed.
_PATTERNS = [
    ("range", re.compile(r"^(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})$", re.A)),
    # Any digit after Q or H, so that "2025-Q5" is told it names no quarter.
    ("quarter", re.compile(r"^(\d{4})-Q(\d)$", re.I | re.A)),
    ("half", re.compile(r"^(\d{4})-H(\d)$", re.I | re.A)),
    ("month", re.compile(r"^(\d{4})-(\d{1,2})$", re.A)),
    ("year", re.compile(r"^(\d{4})$", re.A)),
]
# How each form is written and what it covers, for the messages that list accepted forms.
FORM_HELP = {
    "campaign": "YYYY (đợt của năm đó{years})",
    "year": "YYYY (cả năm theo Nghị định 09/2019: 15/12 năm trước – 14/12)",
    "calendar_year": "YYYY (năm dương lịch: 1/1 – 31/12)",
    "half": "YYYY-H1 hoặc YYYY-H2 (6 tháng: 15/12 – 14/6; 15/6 – 14/12)",
    "quarter": "YYYY-Q1 … YYYY-Q4 (quý, từ ngày 15 của tháng trước quý)",
    "month": "YYYY-MM (tháng, từ ngày 15 của tháng trước)",
    "range": "YYYY-MM-DD..YYYY-MM-DD (từ ngày … đến ngày …, không quá một năm)",
}


@dataclass(frozen=True)
class ReportingPeriod:
    """A data window, inclusive at both ends, with the text that names it.

    ``text`` is the period as written canonically ("2023-Q4"), ``form`` one of ``FORMS``,
    ``label`` how a report names it ("quý IV năm 2023", "6 tháng đầu năm 2025").
    """

    text: str
    form: str
    year: int
    start: date
    end: date
    label: str


def describe_forms(forms: Iterable[str], campaign_years: Iterable[int] = ()) -> str:
    """The accepted forms in words, for messages: "YYYY-H1 hoặc YYYY-H2 (…); YYYY (…)"."""
    years = sorted(campaign_years)
    shown = f": {', '.join(map(str, years))}" if years else ""
    return "; ".join(FORM_HELP[f].format(years=shown) for f in forms)


def form_examples(forms: Iterable[str], year: int,
                  campaigns: Mapping[int, tuple[date, date]] | None = None,
                  campaign_name: str = "") -> list[tuple[str, str]]:
    """For the form's hint: (period as typed, what it covers) of each of ``forms``, in their
    order, with ``year`` as the example ("2025-H1", "6 tháng đầu năm"); a campaign form shows
    its latest campaign year and window."""
    campaigns = campaigns or {}
    found: list[tuple[str, str]] = []
    for form in forms:
        if form == "campaign" and campaigns:
            latest = max(campaigns)
            start, end = campaigns[latest]
            name = f"{campaign_name} năm {latest}" if campaign_name else f"đợt năm {latest}"
            found.append((str(latest), f"{name}, từ {start:%d/%m} đến {end:%d/%m/%Y}"))
        elif form == "campaign":
            found.append((str(year), "đợt của năm đó"))
        elif form == "year":
            found.append((str(year), "cả năm"))
        elif form == "calendar_year":
            found.append((str(year), "năm dương lịch, 1/1–31/12"))
        elif form == "half":
            found += [(f"{year}-H1", "6 tháng đầu năm"), (f"{year}-H2", "6 tháng cuối năm")]
        elif form == "quarter":
            found.append((f"{year}-Q4", "quý IV; Q1 … Q4"))
        elif form == "month":
            found.append((f"{year}-11", "tháng 11"))
        elif form == "range":
            found.append((f"{year}-11-15..{year}-12-15", "từ ngày … đến ngày …"))
    return found


def _from_15th(year: int, month: int) -> date:
    """Decree 09 windows open on the 15th of the month before (year, month)."""
    return date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)


def _parse_iso(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise PeriodError(f"Ngày «{text}» không hợp lệ (dạng YYYY-MM-DD).") from e


def parse_period(
    text: str, forms: Iterable[str] = DECREE_FORMS,
    campaigns: Mapping[int, tuple[date, date]] | None = None,
) -> ReportingPeriod:
    """Parse ``text`` into a period of one of ``forms``.

    ``campaigns`` maps a year to its campaign window, used when ``forms`` holds "campaign".
    Raises ``PeriodError``: ``invalid_period`` for text no form reads,
    ``period_not_allowed`` for a form the kind does not accept (the message lists those it
    does), ``unknown_campaign_year`` for a campaign year without data.
    """
    accepted = tuple(f for f in FORMS if f in set(forms))
    campaigns = campaigns or {}
    raw = (text or "").strip()
    for syntax, pattern in _PATTERNS:
        m = pattern.match(raw)
        if not m:
            continue
        # A period that names no real window (month 13, quarter 5, Feb 30, a range ending
        # before it starts) is invalid whatever the kind accepts; only a real one of a form
        # the kind does not take is "not allowed".
        _CHECKS.get(syntax, _no_check)(raw, m)
        form = _year_form(accepted) if syntax == "year" else syntax
        if form not in accepted:
            raise PeriodError(
                f"Loại báo cáo này không nhận kỳ «{raw}». Các kỳ nhận được: "
                f"{describe_forms(accepted, campaigns)}.", "period_not_allowed")
        return _BUILDERS[form](raw, m, campaigns)
    raise PeriodError(
        f"Kỳ báo cáo «{raw}» không đúng dạng. Dùng một trong: "
        f"{describe_forms(accepted or FORMS, campaigns)}.", "invalid_period")


def _no_check(_raw, _m) -> None:
    return None


def _check_quarter(raw, m) -> None:
    if not 1 <= int(m.group(2)) <= 4:
        raise PeriodError(f"Kỳ «{raw}»: quý {m.group(2)} không có (quý từ Q1 đến Q4).")


def _check_half(raw, m) -> None:
    if int(m.group(2)) not in (1, 2):
        raise PeriodError(f"Kỳ «{raw}»: không có nửa năm H{m.group(2)} (chỉ có H1 và H2).")


def _check_month(raw, m) -> None:
    month = int(m.group(2))
    if not 1 <= month <= 12:
        raise PeriodError(f"Kỳ «{raw}»: tháng {month} không có (tháng từ 1 đến 12).")


def _check_range(raw, m) -> None:
    start, end = _parse_iso(m.group(1)), _parse_iso(m.group(2))
    if end < start:
        raise PeriodError(f"Kỳ «{raw}»: ngày kết thúc trước ngày bắt đầu.")
    if (end - start).days > 366:
        raise PeriodError(f"Kỳ «{raw}» dài hơn một năm.")


_CHECKS = {"quarter": _check_quarter, "half": _check_half, "month": _check_month,
           "range": _check_range}


def _year_form(accepted: tuple[str, ...]) -> str:
    return next((f for f in YEAR_FORMS if f in accepted), "year")


def _campaign(raw, m, campaigns) -> ReportingPeriod:
    year = int(m.group(1))
    if year not in campaigns:
        known = ", ".join(str(y) for y in sorted(campaigns)) or "chưa có năm nào"
        raise PeriodError(f"Chưa có dữ liệu đợt của năm {year} (các năm đã có: {known}).",
                          "unknown_campaign_year")
    start, end = campaigns[year]
    return ReportingPeriod(raw, "campaign", year, start, end, f"năm {year}")


def _year(raw, m, _campaigns) -> ReportingPeriod:
    year = int(m.group(1))
    return ReportingPeriod(raw, "year", year, date(year - 1, 12, 15), date(year, 12, 14),
                           f"năm {year}")


def _calendar_year(raw, m, _campaigns) -> ReportingPeriod:
    year = int(m.group(1))
    return ReportingPeriod(raw, "calendar_year", year, date(year, 1, 1), date(year, 12, 31),
                           f"năm {year}")


def _quarter(raw, m, _campaigns) -> ReportingPeriod:
    year, q = int(m.group(1)), int(m.group(2))
    first, last = 3 * q - 2, 3 * q
    return ReportingPeriod(raw.upper(), "quarter", year, _from_15th(year, first),
                           date(year, last, 14), f"quý {_ROMAN[q]} năm {year}")


def _half(raw, m, _campaigns) -> ReportingPeriod:
    year, h = int(m.group(1)), int(m.group(2))
    if h == 1:
        return ReportingPeriod(raw.upper(), "half", year, date(year - 1, 12, 15),
                               date(year, 6, 14), f"6 tháng đầu năm {year}")
    return ReportingPeriod(raw.upper(), "half", year, date(year, 6, 15), date(year, 12, 14),
                           f"6 tháng cuối năm {year}")


def _month(raw, m, _campaigns) -> ReportingPeriod:
    year, month = int(m.group(1)), int(m.group(2))
    return ReportingPeriod(f"{year}-{month:02d}", "month", year, _from_15th(year, month),
                           date(year, month, 14), f"tháng {month} năm {year}")


def _range(raw, m, _campaigns) -> ReportingPeriod:
    start, end = _parse_iso(m.group(1)), _parse_iso(m.group(2))  # checked by _check_range
    label = (f"từ ngày {start.day}/{start.month}/{start.year} "
             f"đến ngày {end.day}/{end.month}/{end.year}")
    return ReportingPeriod(raw, "range", end.year, start, end, label)


_BUILDERS = {"campaign": _campaign, "year": _year, "calendar_year": _calendar_year,
             "quarter": _quarter, "half": _half, "month": _month, "range": _range}
