"""Validation before submitting: read, validate and compute an upload, without rendering.

``validate_upload`` runs the same reading, validation and computation as ``compile_report`` and
returns every problem at once with a summary of what was understood (for any kind: the
figures it declares, as numbers), so the officer can fix the workbook before a job is queued.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from tasks.report.errors import Problem
from tasks.report.kinds import Catalog
from tasks.report.pipeline import Examined, ReportRequest, ResolvedRequest, examine, resolve
from tasks.report.sheets import IntakeError


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
