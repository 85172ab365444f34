"""The whole pipeline as plain functions: resolve a request, then compile it into a .docx.

``resolve`` checks what can be checked without the data (kind, province, period, report date,
issuing agency) and is what the front end calls before accepting a job. ``examine`` reads,
validates and computes the figures; ``compile_report`` renders them. One pipeline serves every
kind: what differs between kinds is data (``kinds``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from tasks.report.clock import VIETNAM, now_in_vietnam
from tasks.report.conformance import ConformanceError, Expected, check_document
from tasks.report.context import ReportOptions, common_context, dated_inside
from tasks.report.errors import DataError, Problem, ReportError, TemplateError
from tasks.report.figures import compute_figures, coverage
from tasks.report.kinds import Campaign, Catalog, ReportKind
from tasks.report.period import ReportingPeriod, parse_period
from tasks.report.properties import core_xml
from tasks.report.provinces import Agency, ProvinceAtDate, ProvinceProfile
from tasks.report.render import render_docx
from tasks.report.sheets import Workbook
from tasks.report.validate import Dataset, Validator
from tasks.report.workbook import read_workbook

Progress = Callable[[str, int], None]
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
        """The document's file name: readable Vietnamese, no path separators."""
        name = f"Báo cáo {self.kind.short_title} {self.period.text} - {self.province.name}.docx"
        return name.replace("/", "-").replace("..", "-")


@dataclass(frozen=True)
class CompiledReport:
    """A rendered report: the .docx, its file name, the data's warnings, and what the
    Decree 30 checker found in the document (``Finding`` dicts with their severity)."""

    document: bytes
    filename: str
    warnings: list[Problem]
    findings: list[dict] = field(default_factory=list)


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
    province = profile.at(issue_day(profile, period, request.options.report_date))
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


def _ignore(_stage: str, _progress: int) -> None:
    pass


@dataclass
class Examined:
    """What ``examine`` found: the workbook, the dataset, the figures and every problem."""

    book: Workbook
    dataset: Dataset
    figures: dict
    coverage: dict | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def examine(resolved: ResolvedRequest, data: bytes, progress: Progress = _ignore) -> Examined:
    """Read, validate and compute the figures of ``data``.

    The same steps serve validation before submitting and the job itself. Raises
    ``IntakeError`` when the file is refused or cannot be read at all.
    """
    book = read_workbook(data)
    progress("validating", 30)
    dataset = Validator(resolved.kind, resolved.province, resolved.period).run(book)
    progress("aggregating", 50)
    problems = list(dataset.problems)
    # Computed even when the data has errors: the validation summary shows what was read.
    figures, found = compute_figures(resolved.kind, dataset, resolved.province)
    if not any(p.code == "no_data" for p in problems):
        problems += found  # an empty file gets one error, not a warning per missing section
    if dated_inside(resolved.period, resolved.options.report_date):
        day = resolved.options.report_date
        problems.append(Problem(
            "report_inside_period", f"Báo cáo ký ngày {day:%d/%m/%Y}, trước khi kỳ số liệu kết "
            f"thúc ({resolved.period.end:%d/%m/%Y}): văn bản ghi số liệu tính đến ngày "
            f"{day:%d/%m/%Y}.", None, None, "warning"))
    cover = coverage(resolved.kind, dataset, resolved.province)
    return Examined(book, dataset, figures, cover, problems)


def build_context(resolved: ResolvedRequest, examined: Examined) -> dict:
    """The whole template context: the common part and the kind's figures."""
    context = common_context(resolved.kind, resolved.province, resolved.agency,
                             resolved.period, resolved.campaign, resolved.options,
                             examined.coverage)
    context.update(examined.figures)
    return context


def _properties(resolved: ResolvedRequest, context: dict) -> bytes:
    """The report's own document properties: its title, the issuing agency, its date (the
    report date at the start of the working day in Vietnam, else now)."""
    day = resolved.options.report_date
    when = datetime.combine(day, time(8), VIETNAM) if day else now_in_vietnam()
    properties = context["doc"]["properties"]
    return core_xml(properties["title"], properties["subject"], properties["author"], when)


def compile_report(
    catalog: Catalog, request: ReportRequest, data: bytes,
    progress: Progress = _ignore, template: Path | bytes | None = None,
) -> CompiledReport:
    """Read, validate, compute and render one report.

    ``template`` is the .docx to render with (a path or its bytes); ``None`` means the kind's
    shipped template. Raises ``DataError`` with every problem of the workbook, ``CatalogError``
    / ``PeriodError`` / ``ReportError`` for a request that does not resolve, ``IntakeError``
    for an unreadable file, ``TemplateError`` when rendering fails.
    """
    resolved = resolve(catalog, request)
    progress("reading", 10)
    examined = examine(resolved, data, progress)
    if examined.errors:
        raise DataError(examined.problems)
    context = build_context(resolved, examined)
    progress("rendering", 70)
    document = render_docx(template or resolved.kind.template_path, context,
                           _properties(resolved, context))
    progress("checking", 85)
    expected = Expected.of(resolved.period, resolved.options.report_date)
    try:
        findings = [f.as_dict() for f in check_document(document, expected)]
    except ConformanceError as e:  # the renderer wrote what the checker cannot read
        raise TemplateError(f"Văn bản lập ra không đọc lại được: {e.message}",
                            "template_output") from e
    return CompiledReport(document, resolved.filename, examined.problems, findings)
