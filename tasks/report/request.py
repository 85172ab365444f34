"""A report request and its resolution against the catalog, before any data is read.

``resolve`` checks what can be checked without the data (kind, province, period, report date,
issuing agency); the front end calls it before accepting a job, and ``recent_periods`` offers
the periods a kind and province accept. Nothing here reads a workbook or renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from tasks.report.context import ReportOptions
from tasks.report.errors import CatalogError, ReportError
from tasks.report.kinds import Campaign, Catalog, ReportKind
from tasks.report.period import ReportingPeriod, parse_period
from tasks.report.provinces import Agency, ProvinceAtDate, ProvinceProfile

# A report may be dated up to a year after its window closes (late annual summaries), never
# before the window opens.
LATEST_REPORT = timedelta(days=366)
# When a province's profile starts just after a window closes (a merger), the new province
# issues the report of that window: up to this long after it.
SUCCESSION_GRACE = timedelta(days=92)



@dataclass(frozen=True)
class ReportRequest:
    """What the user asked for, as typed."""

    template: str
    province: str
    period: str
    options: ReportOptions = field(default_factory=ReportOptions)


@dataclass(frozen=True)
class ResolvedRequest:
    """A request checked against the catalog: kind, period, province and agency at the
    issue date, campaign (``None`` for a kind without campaigns)."""

    kind: ReportKind
    period: ReportingPeriod
    province: ProvinceAtDate
    agency: Agency
    campaign: Campaign | None
    options: ReportOptions

    @property
    def filename(self) -> str:
        """The document's file name: readable Vietnamese (the period as its label, "6 tháng
        đầu năm 2025", not "2025-H1"), no path separators."""
        name = f"Báo cáo {self.kind.short_title} {self.period.label} - {self.province.name}.docx"
        return name.replace("/", "-").replace("..", "-")


def check_report_date(day: date | None, period: ReportingPeriod) -> None:
    """Refuse a report date before the window opens or more than a year after it closes."""
    if day is None:
        return
    if day < period.start or day > period.end + LATEST_REPORT:
        raise ReportError(
            f"Ngày báo cáo {day:%d/%m/%Y} không hợp với kỳ {period.label} (số liệu từ "
            f"{period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y}): ngày báo cáo phải từ ngày "
            f"đầu kỳ đến không quá một năm sau ngày cuối kỳ.", "report_date_out_of_range")


def issue_day(profile: ProvinceProfile, period: ReportingPeriod, day: date | None) -> date:
    """The date the report speaks from: its date, else the end of its window.

    A province whose profile starts just after the window (a successor) issues the report
    from its first day.
    """
    if day is not None:
        return day
    first = profile.first_day
    if period.end < first <= period.end + SUCCESSION_GRACE:
        return first
    return period.end


def resolve(catalog: Catalog, request: ReportRequest) -> ResolvedRequest:
    """Check the request against the catalog.

    Raises ``CatalogError`` (unknown kind or province, province not in force on the issue
    date, no agency for the kind's field), ``PeriodError`` (malformed period, a form the kind
    does not accept, a campaign year without data) or ``ReportError``
    (``report_date_out_of_range``).
    """
    kind = catalog.kind(request.template)
    profile = catalog.province(request.province, kind)
    period = parse_period(request.period, kind.forms, kind.campaign_windows())
    check_report_date(request.options.report_date, period)
    day = request.options.report_date
    try:
        province = profile.at(issue_day(profile, period, day))
    except CatalogError as e:
        last = profile.last_day
        if day is None or not period.end <= last < day:
            raise
        # The window lies inside the profile; only the date given falls after it: say how
        # the report can still be issued rather than send the officer to the successor.
        raise CatalogError(f"Tỉnh {profile.name} (hồ sơ đến ngày {last:%d/%m/%Y}) không ban "
                           f"hành văn bản ngày {day:%d/%m/%Y}. Báo cáo kỳ {period.label} của tỉnh "
                           f"{profile.name} lập được với ngày báo cáo đến {last:%d/%m/%Y}, hoặc "
                           "để trống ngày báo cáo.", e.code) from e
    agency = province.agency(kind.field)
    campaign = kind.campaigns.get(period.year) if period.form == "campaign" else None
    return ResolvedRequest(kind, period, province, agency, campaign, request.options)


def _candidates(kind: ReportKind, today: date) -> list[str]:
    """Periods of the kind's forms, most recent first, around ``today``."""
    years = range(today.year, today.year - 4, -1)
    found: list[str] = []
    for form in kind.forms:
        if form == "campaign":
            found += [str(y) for y in sorted(kind.campaigns, reverse=True)]
        elif form in ("year", "calendar_year"):
            found += [str(y) for y in years]
        elif form == "half":
            found += [f"{y}-H{h}" for y in years for h in (2, 1)]
        elif form == "quarter":
            found += [f"{y}-Q{q}" for y in years for q in (4, 3, 2, 1)]
        elif form == "month":
            found += [f"{y}-{m:02d}" for y in years for m in range(12, 0, -1)]
    return found


def recent_periods(catalog: Catalog, slug: str, province: str, today: date,
                   limit: int = 6) -> list[str]:
    """The most recent periods of ``slug``, as typed ("2025-H1"), that have begun by
    ``today`` and that ``province`` can report on, newest first (at most ``limit``); [] when
    the kind or the province is unknown."""
    try:
        kind = catalog.kind(slug)
    except ReportError:
        return []
    found: list[str] = []
    for text in _candidates(kind, today):
        try:
            resolved = resolve(catalog, ReportRequest(slug, province, text))
        except ReportError:
            continue
        if resolved.period.start <= today:
            found.append(text)
            if len(found) == limit:
                break
    return found
