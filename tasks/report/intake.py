"""Validation before submitting: read, validate and aggregate an upload, without rendering.

``validate_upload`` runs the same reading, validation and aggregation as ``compile_report`` and
returns every problem at once with a summary of what was understood, so the officer can fix the
workbook before a job is queued (the worker validates again).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tasks.report.errors import Problem
from tasks.report.kinds import Catalog
from tasks.report.pipeline import ReportRequest, ResolvedRequest, examine, resolve
from tasks.report.records import reported_units
from tasks.report.sheets import IntakeError, Workbook
from tasks.report.validate import Dataset


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
        "units": {"reported": len(reported_units(dataset.tables.get("units", []))),
                  "total": len(resolved.province.units)},
        "totals": dict(specific.get("totals", {})),
        "activity_log": {"rows": log.rows, "kinds": dict(log.kinds)} if log else None,
        "province_activities": len(specific.get("province_activities", [])),
    }
