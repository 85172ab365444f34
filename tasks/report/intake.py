"""Validation before submitting: read, validate and aggregate an upload, without rendering.

``validate_upload`` runs the same reading, validation and aggregation as ``compile_report`` and
returns every problem at once with a summary of what was understood, so the officer can fix the
workbook before a job is queued (the worker validates again).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tasks.report.errors import Problem
from tasks.report.kinds import Catalog
from tasks.report.pipeline import CONTEXT_BUILDERS, ReportRequest, ResolvedRequest, resolve
from tasks.report.sheets import IntakeError, Workbook
from tasks.report.validate import Dataset, Validator
from tasks.report.workbook import read_workbook


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


def examine(resolved: ResolvedRequest, data: bytes) -> tuple[Workbook, Dataset, dict,
                                                              list[Problem]]:
    """Read, validate and aggregate ``data``: the workbook, dataset, kind context, problems.

    Raises ``IntakeError`` when the file is refused or cannot be read at all.
    """
    book = read_workbook(data)
    dataset = Validator(resolved.kind, resolved.province, resolved.period).run(book)
    specific, problems = CONTEXT_BUILDERS[resolved.kind.slug](dataset, resolved.province)
    return book, dataset, specific, dataset.problems + problems


def validate_upload(catalog: Catalog, request: ReportRequest, data: bytes) -> ValidationResult:
    """Every problem of ``data`` for ``request``, and what the report would be built from.

    Raises ``CatalogError`` / ``PeriodError`` for a request that does not resolve; a file that
    cannot be read is an invalid result (its one error says why), not an exception.
    """
    resolved = resolve(catalog, request)
    try:
        book, dataset, specific, found = examine(resolved, data)
    except IntakeError as e:
        return ValidationResult(e.problems(), [], {"file_type": None})
    errors = [p for p in found if p.severity == "error"]
    warnings = [p for p in found if p.severity != "error"]
    return ValidationResult(errors, warnings, _summary(resolved, book, dataset, specific))


def _summary(resolved: ResolvedRequest, book: Workbook, dataset: Dataset,
             specific: dict) -> dict:
    log = dataset.log
    return {
        "file_type": book.kind,
        "sheets": [{"name": s.name, "rows": len(s.rows)} for s in book.sheets],
        "period": {"start": resolved.period.start.isoformat(),
                   "end": resolved.period.end.isoformat()},
        "units": {"reported": len(specific.get("units", [])),
                  "total": len(resolved.province.units)},
        "totals": dict(specific.get("totals", {})),
        "activity_log": {"rows": log.rows, "kinds": dict(log.kinds)} if log else None,
        "province_activities": len(specific.get("province_activities", [])),
    }
