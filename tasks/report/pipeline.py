"""The whole pipeline as plain functions: resolve a request, then compile it into a .docx.

``resolve`` checks what can be checked without the data (kind, province, period, campaign) and
is what the front end calls before accepting a job. ``compile_report`` does the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tasks.report import gender_equality
from tasks.report.context import ReportOptions, common_context
from tasks.report.errors import DataError, Problem
from tasks.report.kinds import Campaign, Catalog, ReportKind
from tasks.report.period import ReportingPeriod, parse_period
from tasks.report.provinces import ProvinceAtDate
from tasks.report.render import render_docx
from tasks.report.sheets import Workbook
from tasks.report.validate import Dataset, Validator
from tasks.report.workbook import read_workbook

Progress = Callable[[str, int], None]
# The code that turns a kind's validated data into its part of the context, by kind slug.
CONTEXT_BUILDERS = {"gender-equality-month": gender_equality.build_context}


@dataclass(frozen=True)
class ReportRequest:
    """What the user asked for, as typed."""

    template: str
    province: str
    period: str
    options: ReportOptions = field(default_factory=ReportOptions)


@dataclass(frozen=True)
class ResolvedRequest:
    """A request checked against the catalog: the kind, period, province and campaign."""

    kind: ReportKind
    period: ReportingPeriod
    province: ProvinceAtDate
    campaign: Campaign | None
    options: ReportOptions

    @property
    def filename(self) -> str:
        """The document's file name: readable Vietnamese, no path separators."""
        name = f"Báo cáo {self.kind.short_title} {self.period.text} - {self.province.name}.docx"
        return name.replace("/", "-").replace("..", "-")


@dataclass(frozen=True)
class CompiledReport:
    document: bytes
    filename: str
    warnings: list[Problem]


def resolve(catalog: Catalog, request: ReportRequest) -> ResolvedRequest:
    """Check the request against the catalog; raises ``CatalogError`` or ``PeriodError``."""
    kind = catalog.kind(request.template)
    profile = catalog.province(request.province, kind)
    period = parse_period(request.period, kind.year_windows())
    campaign = kind.campaign(period.year) if kind.year_means == "campaign" else None
    return ResolvedRequest(kind, period, profile.at(period.end), campaign, request.options)


def _ignore(_stage: str, _progress: int) -> None:
    pass


def examine(resolved: ResolvedRequest, data: bytes, progress: Progress = _ignore
            ) -> tuple[Workbook, Dataset, dict, list[Problem]]:
    """Read, validate and aggregate ``data``: the workbook, dataset, kind context, problems.

    The same steps serve validation before submitting and the job itself. Raises
    ``IntakeError`` when the file is refused or cannot be read at all.
    """
    book = read_workbook(data)
    progress("validating", 30)
    dataset = Validator(resolved.kind, resolved.province, resolved.period).run(book)
    progress("aggregating", 50)
    specific, problems = CONTEXT_BUILDERS[resolved.kind.slug](dataset, resolved.province)
    return book, dataset, specific, dataset.problems + problems


def compile_report(
    catalog: Catalog, request: ReportRequest, data: bytes,
    progress: Progress = _ignore, today: date | None = None,
    template: Path | bytes | None = None,
) -> CompiledReport:
    """Read, validate, aggregate and render one report.

    ``template`` is the .docx to render with (a path or its bytes); ``None`` means the kind's
    shipped template. Raises ``DataError`` with every problem of the workbook,
    ``CatalogError`` / ``PeriodError`` for a request that does not resolve, ``IntakeError``
    for an unreadable file, ``TemplateError`` when rendering fails.
    """
    resolved = resolve(catalog, request)
    progress("reading", 10)
    _book, _dataset, specific, found = examine(resolved, data, progress)
    if any(p.severity == "error" for p in found):
        raise DataError(found)
    context = common_context(resolved.kind, resolved.province, resolved.period,
                             resolved.campaign, resolved.options, today or date.today())
    context.update(specific)
    progress("rendering", 70)
    document = render_docx(template or resolved.kind.template_path, context)
    return CompiledReport(document, resolved.filename, found)
