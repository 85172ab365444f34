"""Trying out an uploaded kind version before it may serve: in a worker, never in the web.

A version is accepted only when its template passes the lint and its sample renders, with the
report's optional fields filled and empty, and with one unit missing from the data, into
documents that pass the Decree 30 checker. What fails comes back as findings (file or part,
code, Vietnamese message), so the admin sees why the version was refused.
"""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from tasks.report.context import ReportOptions
from tasks.report.errors import CatalogError, ReportError
from tasks.report.kind_problems import KindProblem
from tasks.report.kinds import Catalog, ReportKind
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest, resolve
from tasks.report.template_lint import lint_template
from tasks.runtime import Runtime
from tasks.store import StoreError


def _finding(file: str, key: str, code: str, message: str) -> dict:
    return KindProblem(file, key, code, message).as_dict()


def without_first_unit(kind: ReportKind, sample: bytes) -> bytes | None:
    """The sample with the first unit's figures cleared (the unit then has not reported);
    ``None`` for a kind whose sample has no units sheet."""
    spec = next((s for s in kind.sheets if s.layout == "units"), None)
    book = load_workbook(io.BytesIO(sample))
    if spec is None or spec.name not in book.sheetnames:
        return None
    sheet = book[spec.name]
    codes = [c.value for c in sheet[2]]
    unit = next(c.code for c in spec.columns if c.type == "unit")
    if unit not in codes:
        return None
    row = next((r for r in sheet.iter_rows(min_row=3) if r[codes.index(unit)].value), None)
    if row is None:
        return None
    for position, cell in enumerate(row):
        if position != codes.index(unit):
            cell.value = None
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cases(catalog: Catalog, kind: ReportKind) -> list[tuple[str, ReportRequest, bytes]]:
    """What the trial renders: (what it is, request, data)."""
    sample = kind.sample_path.read_bytes()
    period = resolve(catalog, ReportRequest(kind.slug, kind.sample_province,
                                            kind.sample_period)).period
    filled = ReportOptions(report_number="12", report_date=period.end + timedelta(days=5),
                           signer_name="Nguyễn Văn A", signer_title="Phó Giám đốc")
    cases = [("số liệu mẫu, đủ số, ngày, người ký", filled, sample),
             ("số liệu mẫu, để trống số, ngày, người ký", ReportOptions(), sample)]
    missing = without_first_unit(kind, sample)
    if missing is not None:
        cases.append(("số liệu mẫu thiếu một đơn vị", filled, missing))
    return [(what, ReportRequest(kind.slug, kind.sample_province, kind.sample_period, options),
             data) for what, options, data in cases]


def try_version(runtime: Runtime, slug: str, sha256: str) -> list[dict]:
    """Every finding of version ``sha256`` of ``slug``; an empty list means it may serve."""
    try:
        catalog = runtime.kinds.pinned(slug, sha256)
    except CatalogError as e:
        refused = [p for problems in _refusals(runtime, slug, sha256) for p in problems]
        return [p.as_dict() for p in refused] or [_finding("", "", e.code, e.message)]
    kind = catalog.kind(slug)
    template = kind.template_path.read_bytes()
    findings = [_finding(kind.definition.template, f.location, f.code, f.message)
                for f in lint_template(template, kind.context_names)]
    if findings:
        return findings
    for what, request, data in _cases(catalog, kind):
        try:
            compiled = compile_report(catalog, request, data)
        except ReportError as e:
            findings += [_finding(kind.definition.template, what, p.code, p.message)
                         for p in e.problems()]
            continue
        # The Decree 30 checker's errors refuse the version; its warnings (a placeholder in a
        # draft, no signer) are what drafts are expected to have.
        findings += [_finding(kind.definition.template, f"{what}: {f['location']}", f["code"],
                              f["message"]) for f in compiled.findings
                     if f["severity"] == "error"]
    return findings


def _refusals(runtime: Runtime, slug: str, sha256: str) -> list[list[KindProblem]]:
    """Why the version's folder did not load (read again, to report it)."""
    try:
        folder = runtime.kinds.folder(slug, sha256)
    except (StoreError, ReportError):
        return []  # the caller reports the error it already has
    return list(Catalog(runtime.settings.templates_dir, [folder]).refused.values())
