"""Intake: read, validate and compute an upload, without rendering.

``examine`` is the one path from the uploaded bytes to checked figures: the job runs it
before rendering, and ``validate_upload`` runs it before submitting and returns every problem
at once with a summary of what was understood (for any kind: the figures it declares, as
numbers), so the officer can fix the workbook before a job is queued.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tasks.report.context import dated_inside
from tasks.report.errors import Problem
from tasks.report.figures import compute_figures, coverage
from tasks.report.kinds import Catalog
from tasks.report.request import ReportRequest, ResolvedRequest, resolve
from tasks.report.sheets import IntakeError, Workbook
from tasks.report.validate import Dataset, Validator
from tasks.report.workbook import read_workbook

# Called with a stage name and a percentage as the work goes on.
Progress = Callable[[str, int], None]


def no_progress(_stage: str, _progress: int) -> None:
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


def examine(resolved: ResolvedRequest, data: bytes, progress: Progress = no_progress) -> Examined:
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


@dataclass(frozen=True)
class ValidationResult:
    """Errors (the job would fail), warnings (it would not) and a summary of the data."""

    errors: list[Problem]
    warnings: list[Problem]
    summary: dict = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        """The JSON body of ``POST /api/v1/validate``."""
        return {"valid": self.valid, "errors": [p.as_dict() for p in self.errors],
                "warnings": [p.as_dict() for p in self.warnings], "summary": self.summary}


def validate_upload(catalog: Catalog, request: ReportRequest, data: bytes) -> ValidationResult:
    """Every problem of ``data`` for ``request``, and what the report would be built from.

    Raises ``CatalogError`` / ``PeriodError`` / ``ReportError`` for a request that does not
    resolve; a file that cannot be read is an invalid result (its one error says why), not an
    exception.
    """
    resolved = resolve(catalog, request)
    try:
        examined = examine(resolved, data)
    except IntakeError as e:
        return ValidationResult(e.problems(), [], {"file_type": None})
    errors = [p for p in examined.problems if p.severity == "error"]
    warnings = [p for p in examined.problems if p.severity != "error"]
    return ValidationResult(errors, warnings, _summary(resolved, examined))


def _plain(value: Any) -> Any:
    """A figure as JSON numbers: sums and counts as they are, lists and tables by size."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return len(value)
    if isinstance(value, dict):
        shown = {k: _plain(v) for k, v in value.items() if not isinstance(v, str)}
        return {k: v for k, v in shown.items() if v is not None or k in ("value", "share")}
    return None


def _summary(resolved: ResolvedRequest, examined: Examined) -> dict:
    dataset, cover = examined.dataset, examined.coverage
    return {
        "file_type": examined.book.file_type,
        "sheets": [{"name": s.name, "rows": len(s.rows)} for s in examined.book.sheets],
        "period": {"start": resolved.period.start.isoformat(),
                   "end": resolved.period.end.isoformat(), "label": resolved.period.label},
        "agency": resolved.agency.name,
        "units": {"reported": cover["reported"], "total": cover["total"]} if cover else None,
        "missing_units": cover["missing"] if cover else [],
        "figures": {name: _plain(value) for name, value in examined.figures.items()},
        "activity_logs": {key: {"rows": log.rows, "categories": dict(log.categories)}
                          for key, log in dataset.logs.items()},
    }
