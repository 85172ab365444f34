"""Errors of the report pipeline, each with a stable code and a Vietnamese message.

``ReportError`` is the one base. What the checks find comes in two shapes, each with a stable
``code``, a Vietnamese ``message`` and a ``severity``, differing in where they point: a
``Problem`` is about the data (its sheet and cell), a ``Finding`` about a Word document (a
template the lint reads, a report the Decree 30 checker reads: its element and location).
``DataError`` carries all the problems found in one pass, so the officer sees every mistake at
once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    """One finding about the input: an error stops the job, a warning does not."""

    code: str
    message: str
    sheet: str | None = None
    cell: str | None = None
    severity: str = ERROR

    def as_dict(self) -> dict:
        """A JSON-ready dict without the empty fields."""
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Finding:
    """One finding about a Word document: a template's lint, or a deviation from Decree
    30/2020/NĐ-CP, Appendix I (the rules: docs/format-rules.md) that the conformance checker
    found in a report.

    ``code`` names the rule (stable, for scripts and tests), ``message`` says in Vietnamese
    what is wrong, ``location`` where a person finds it (a part of the file, with the
    paragraph, row or cell where that applies; "" for the whole file). The Decree 30
    checker also names the ``element`` concerned (``"header.motto"``,
    ``"body.paragraph[12]"``) and grades its findings: ``severity`` is ``"error"`` for what
    must be fixed before the report is issued and ``"warning"`` for what a draft may still
    lack (a highlighted placeholder, the signer's name). The lint's findings are all errors:
    each refuses the template.
    """

    code: str
    message: str
    element: str = ""
    location: str = ""
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict:
        """A JSON-ready dict: code, message, element, location, severity."""
        return asdict(self)


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
        errors = [p for p in found if p.severity == ERROR]
        super().__init__(f"Dữ liệu có {len(errors)} lỗi cần sửa.")
        self.found = found

    def problems(self) -> list[Problem]:
        return [p for p in self.found if p.severity == ERROR]

    def warnings(self) -> list[Problem]:
        return [p for p in self.found if p.severity != ERROR]
