"""The whole pipeline as plain functions: a resolved request and its examined data compiled
into a .docx.

The flow reads in one direction: ``request`` (what was asked, resolved against the catalog)
→ ``intake`` (the upload read, validated, its figures computed) → here (the context built,
rendered, checked against Decree 30). One pipeline serves every kind: what differs between
kinds is data (``kinds``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path

from tasks.report.clock import VIETNAM, now_in_vietnam
from tasks.report.conformance import ConformanceError, Expected, check_document
from tasks.report.context import common_context
from tasks.report.errors import DataError, Problem, TemplateError
from tasks.report.intake import Examined, Progress, examine, no_progress
from tasks.report.kinds import Catalog
from tasks.report.properties import core_xml
from tasks.report.render import render_docx
from tasks.report.request import ReportRequest, ResolvedRequest, resolve


@dataclass(frozen=True)
class CompiledReport:
    """A rendered report: the .docx, its file name, the data's warnings, and what the
    Decree 30 checker found in the document (``Finding`` dicts with their severity)."""

    document: bytes
    filename: str
    warnings: list[Problem]
    findings: list[dict] = field(default_factory=list)


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
    progress: Progress = no_progress, template: Path | bytes | None = None,
    accepted: Callable[[], None] | None = None,
) -> CompiledReport:
    """Read, validate, compute and render one report.

    ``template`` is the .docx to render with (a path or its bytes); ``None`` means the kind's
    shipped template. ``accepted`` is called once the data passed validation, before
    rendering (the worker announces it to the submission waiting for its answer).
    Raises ``DataError`` with every problem of the workbook, ``CatalogError``
    / ``PeriodError`` / ``ReportError`` for a request that does not resolve, ``IntakeError``
    for an unreadable file, ``TemplateError`` when rendering fails.
    """
    resolved = resolve(catalog, request)
    progress("reading", 10)
    examined = examine(resolved, data, progress)
    if examined.errors:
        raise DataError(examined.problems)
    if accepted is not None:
        accepted()
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
