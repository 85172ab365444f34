"""Admins upload a new version of a report kind's template; it must pass two gates first.

The lint (syntax, names, fields, links, macros, bombs) and a trial render of the kind's sample
in the sandbox. Only then is the version stored and made current; jobs already submitted keep
the version they pinned.
"""

from __future__ import annotations

from datetime import date

from service.errors import ApiError
from tasks.report.context import ReportOptions
from tasks.report.errors import DataError, ReportError
from tasks.report.pipeline import ReportRequest, compile_report
from tasks.report.template_lint import lint_template
from tasks.runtime import Runtime
from tasks.store import StoreError
from tasks.store.templates import Version

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024


def _rejected(message: str, details: list[dict]) -> ApiError:
    return ApiError(422, "template_rejected", message, details)


def accept_template(runtime: Runtime, slug: str, data: bytes, uploaded_by: str | None) -> Version:
    """Check ``data`` as a template of ``slug`` and make it current; ``ApiError`` when refused."""
    try:
        kind = runtime.catalog.kind(slug)
    except ReportError as e:
        raise ApiError.from_report_error(e, 404) from e
    if not data:  # a file was chosen (the form and the API check that): it is empty
        raise ApiError(422, "empty_file", "Tệp mẫu rỗng (0 byte): tệp đã chọn không có nội dung.")
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ApiError(413, "too_large", "Tệp mẫu vượt quá 20 MB.")
    findings = lint_template(data, set(kind.context_keys) or None)
    if findings:
        raise _rejected(f"Mẫu chưa dùng được: {len(findings)} vấn đề.",
                        [{"code": f.code, "message": f.message, "location": f.location}
                         for f in findings])
    request = ReportRequest(slug, kind.sample_province, kind.sample_period,
                            ReportOptions(report_number="1", report_date=date.today()))
    try:
        compile_report(runtime.catalog, request, kind.sample_path.read_bytes(), template=data)
    except DataError as e:  # the shipped sample is valid: this would be our own defect
        raise ApiError(500, "sample_invalid", e.message) from e
    except ReportError as e:
        raise _rejected("Mẫu không lập được báo cáo từ số liệu mẫu.",
                        [p.as_dict() for p in e.problems()]) from e
    try:
        return runtime.templates.add(slug, data, uploaded_by)
    except StoreError as e:
        raise ApiError(503, "storage_unavailable", "Máy chủ không lưu được tệp mẫu.") from e
