"""The report against its period: a plausible date, and a title that names the same period.

Rules, all errors:

- ``date.window``: the header date falls before the period starts, or more than a year after
  it ends (a results report is written during or after its window, and is due within weeks
  of its end; a year later it is a report of the wrong period). A draft's blank date passes;
  its year, when written, must lie within those bounds too.
- ``date.mismatch``: the header does not carry the report date the caller asked for.
- ``title.period``: the summary line names another period than the report's: another year,
  "6 tháng đầu năm" in an annual report, "quý II" in a six-month one; or it names an action
  month ("Tháng hành động") while the period is longer than such a campaign (which runs for
  about a month, e.g. 15/11–15/12): a Decree 09/2019 six-month or annual report is never
  the Action Month's report.

The period is ``Expected`` when the caller knows it (the job pipeline, ``reportgen check
--period``). Without it the period is the one the summary line names, read generously:
"năm 2023" may be the Decree 09/2019 year (15/12/2022–14/12/2023), a campaign inside it or
the calendar year, so it stands for 15/12/2022–31/12/2023. Then only a date outside that
window, or a title that contradicts itself ("Tháng hành động … 6 tháng đầu năm 2025"), is
reported.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from tasks.report.conformance.dates import WrittenDate, read_place_date
from tasks.report.conformance.layout import Layout
from tasks.report.conformance.text import paragraph_text, squeeze
from tasks.report.errors import Finding

CAMPAIGN_WORDS = re.compile(r"tháng hành động", re.IGNORECASE)
# The longest window an action month's report covers, in days (a month and its margins).
CAMPAIGN_DAYS = 62
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_PHRASES = (
    ("range", re.compile(r"từ ngày (\d{1,2})/(\d{1,2})/(\d{4}) đến ngày (\d{1,2})/(\d{1,2})/"
                         r"(\d{4})", re.IGNORECASE)),
    ("half", re.compile(r"(?:6|sáu) tháng (đầu|cuối) năm (\d{4})", re.IGNORECASE)),
    ("quarter", re.compile(r"quý (IV|III|II|I|[1-4]) năm (\d{4})", re.IGNORECASE)),
    ("month", re.compile(r"tháng (\d{1,2}) năm (\d{4})", re.IGNORECASE)),
    ("year", re.compile(r"năm (\d{4})", re.IGNORECASE)),
)


@dataclass(frozen=True)
class PeriodPhrase:
    """A period as words name it: ``form`` ("year", "half", "quarter", "month", "range"),
    ``year``, ``part`` (1–2 for a half, 1–4 for a quarter, 1–12 for a month, else 0), the
    bounds of a range, and the words themselves."""

    form: str
    year: int
    part: int
    text: str
    start: date | None = None
    end: date | None = None

    @property
    def key(self) -> tuple:
        return self.form, self.year, self.part, self.start, self.end

    def window(self) -> tuple[date, date]:
        """The widest window a report so named may cover: from the earliest start of a
        Decree 09/2019 window of that name to the end of its calendar span."""
        y, part = self.year, self.part
        if self.form == "range":
            return self.start, self.end
        if self.form == "half":
            return (date(y - 1, 12, 15), date(y, 6, 30)) if part == 1 else \
                (date(y, 6, 15), date(y, 12, 31))
        if self.form == "quarter":
            return _from_15th(y, 3 * part - 2), _month_end(y, 3 * part)
        if self.form == "month":
            return _from_15th(y, part), _month_end(y, part)
        return date(y - 1, 12, 15), date(y, 12, 31)


def _from_15th(year: int, month: int) -> date:
    return date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def one_year_after(day: date) -> date:
    """The same day a year later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 2, 28)


def read_phrase(text: str) -> PeriodPhrase | None:
    """The period a title or label names (the most specific form found); None when none."""
    for form, pattern in _PHRASES:
        m = pattern.search(text)
        if m is None:
            continue
        try:
            return _phrase(form, m)
        except ValueError:  # "tháng 13 năm 2023", "ngày 31/02/…": not a period
            continue
    return None


def _phrase(form: str, m: re.Match) -> PeriodPhrase:
    g = m.groups()
    if form == "range":
        start, end = (date(int(g[2]), int(g[1]), int(g[0])),
                      date(int(g[5]), int(g[4]), int(g[3])))
        return PeriodPhrase(form, end.year, 0, m.group(0), start, end)
    if form == "half":
        return PeriodPhrase(form, int(g[1]), 1 if g[0].lower() == "đầu" else 2, m.group(0))
    if form == "quarter":
        part = int(g[0]) if g[0].isdigit() else _ROMAN[g[0].upper()]
        return PeriodPhrase(form, int(g[1]), part, m.group(0))
    if form == "month":
        month = int(g[0])
        if not 1 <= month <= 12:
            raise ValueError(month)
        return PeriodPhrase(form, int(g[1]), month, m.group(0))
    return PeriodPhrase(form, int(g[0]), 0, m.group(0))


@dataclass(frozen=True)
class _Period:
    start: date
    end: date
    name: str  # how messages name it: "«năm 2023» (15/11/2023–15/12/2023)"
    from_title: bool


def _period(layout: Layout, title: PeriodPhrase | None) -> _Period | None:
    expected = layout.expected
    if expected.period_start and expected.period_end:
        start, end = expected.period_start, expected.period_end
        label = f"«{expected.period_label}» " if expected.period_label else ""
        return _Period(start, end, f"{label}({start:%d/%m/%Y}–{end:%d/%m/%Y})", False)
    if title is not None:
        start, end = title.window()
        return _Period(start, end, f"«{title.text}» ghi ở trích yếu (hiểu rộng nhất: "
                                   f"{start:%d/%m/%Y}–{end:%d/%m/%Y})", True)
    return None


def check(layout: Layout) -> list[Finding]:
    """The header date and the summary line against the report's period."""
    summary = squeeze(paragraph_text(layout.summary)) if layout.summary is not None else ""
    title = read_phrase(summary)
    period = _period(layout, title)
    return _dates(layout, period) + _title(layout, summary, title, period)


def _header_date(layout: Layout) -> tuple[object, WrittenDate | None]:
    dated = next(iter(layout.roles.get("place_date", [])), None)
    if dated is None:
        return None, None
    return dated, read_place_date(squeeze(paragraph_text(dated)))


def _dates(layout: Layout, period: _Period | None) -> list[Finding]:
    p, written = _header_date(layout)
    if p is None or written is None:
        return []  # no date line, or one the header rules already report as malformed
    found = []

    def add(code: str, message: str) -> None:
        found.append(Finding(code, message, layout.name(p), layout.where(p)))

    wanted = layout.expected.report_date
    if wanted is not None and written.day != wanted:
        add("date.mismatch", f"Ngày ở đầu văn bản ({written.text()}) khác ngày báo cáo đã chọn "
                             f"({wanted:%d/%m/%Y}).")
    if period is None:
        return found
    latest = one_year_after(period.end)
    if written.day is not None:
        if written.day < period.start:
            add("date.window", f"Ngày báo cáo {written.text()} trước ngày bắt đầu của kỳ báo "
                               f"cáo {period.name}.")
        elif written.day > latest:
            add("date.window", f"Ngày báo cáo {written.text()} muộn hơn một năm sau ngày kết "
                               f"thúc của kỳ báo cáo {period.name}.")
    elif written.year is not None and not period.start.year <= written.year <= latest.year:
        add("date.window", f"Năm của ngày báo cáo ({written.year}) nằm ngoài kỳ báo cáo "
                           f"{period.name} và một năm sau đó.")
    return found


def _title(layout: Layout, summary: str, title: PeriodPhrase | None,
           period: _Period | None) -> list[Finding]:
    if layout.summary is None:
        return []
    problems = []
    campaign = CAMPAIGN_WORDS.search(summary) is not None
    if period is not None and period.from_title:
        if campaign and title.form in ("half", "quarter"):
            problems.append(f"Trích yếu vừa nói về «Tháng hành động» vừa ghi kỳ «{title.text}».")
    elif period is not None:
        problems += _against_expected(layout, title, period)
        days = (period.end - period.start).days + 1
        if campaign and days > CAMPAIGN_DAYS:
            problems.append(f"Trích yếu nói về «Tháng hành động» nhưng kỳ báo cáo {period.name} "
                            f"dài {days} ngày, không phải kỳ của một tháng hành động.")
    return [Finding("title.period", problem, "title.summary", layout.where(layout.summary))
            for problem in problems]


def _against_expected(layout: Layout, title: PeriodPhrase | None,
                      period: _Period) -> list[str]:
    """Where the title's period differs from the expected one: another named period when
    the label names one, else a window that does not hold the report's."""
    if title is None:
        return []
    label = layout.expected.period_label
    named = read_phrase(label) if label else None
    if named is not None and named.form != "range":
        differs = named.key != title.key
    else:
        low, high = title.window()
        differs = not low <= period.start <= period.end <= high
    return [f"Trích yếu ghi «{title.text}» nhưng kỳ báo cáo là {period.name}."] if differs \
        else []
