"""Errors of the report pipeline, each with a stable code and a Vietnamese message.

``ReportError`` is the one base. A ``Problem`` is one finding about the data (with its sheet
and cell); ``DataError`` carries all the problems found in one pass, so the officer sees every
mistake at once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One finding about the input: an error stops the job, a warning does not."""

    code: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    severity: str = "error"

    def as_dict(self) -> dict:
        """A JSON-ready dict without the empty fields."""
        return {k: v for k, v in asdict(self).items() if v is not None}


class ReportError(Exception):
    """Base of the pipeline's errors: ``code`` for scripts, ``message`` for people."""

    code = "report_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def problems(self) -> list[Problem]:
        return [Problem(self.code, self.message)]


class CatalogError(ReportError):
    """An unknown report kind, province, or a year the data files say nothing about."""

    code = "unknown_item"


class PeriodError(ReportError):
    """A reporting period that cannot be parsed or does not fit the report kind."""

    code = "invalid_period"


class TemplateError(ReportError):
    """A template that cannot be rendered: syntax, undefined name, forbidden access."""

    code = "template_error"


class DataError(ReportError):
    """The uploaded workbook has errors; ``found`` lists every problem, warnings included."""

    code = "invalid_data"

    def __init__(self, found: list[Problem]) -> None:
        errors = [p for p in found if p.severity == "error"]
        super().__init__(f"Dữ liệu có {len(errors)} lỗi cần sửa.")
        self.found = found

    def problems(self) -> list[Problem]:
        return [p for p in self.found if p.severity == "error"]

    def warnings(self) -> list[Problem]:
        return [p for p in self.found if p.severity != "error"]
