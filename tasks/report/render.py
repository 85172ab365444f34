"""Rendering a Word template with a context: docxtpl's behaviour in a strict Jinja sandbox.

The environment (``template_env``) is sandboxed, strict and autoescaping; the template is
compiled once per version (``template_engine``). This module cleans the context and is what
the pipeline calls.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from tasks.report.errors import TemplateError
from tasks.report.template_engine import load_template
from tasks.report.template_env import capfirst, make_environment
from tasks.report.text import strip_xml_illegal

__all__ = ["capfirst", "make_environment", "render_docx", "sanitize"]


def sanitize(value):
    """A copy of ``value`` holding only plain data, with XML-illegal characters removed.

    Raises ``TypeError`` for anything that is not a dict, list, tuple, str, number, bool,
    date or None: templates must not see objects with methods.
    """
    if isinstance(value, str):
        return strip_xml_illegal(value)
    if isinstance(value, dict):
        return {str(k): sanitize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [sanitize(v) for v in value]
    if value is None or isinstance(value, bool | int | float | Decimal | date):
        return value
    raise TypeError(f"template context may not hold {type(value).__name__}")


def render_docx(template: Path | bytes, context: dict) -> bytes:
    """Render ``template`` (a path or the .docx bytes) with ``context``; return the .docx bytes.

    Raises ``TemplateError`` naming the cause and the part of the template: syntax
    (``template_syntax``), an undefined name (``template_undefined``), what the sandbox forbids
    (``template_forbidden``), a value a filter refuses (``template_value``), output over the
    size cap (``template_too_large``), or a file that is not a usable .docx.
    """
    try:
        plain = sanitize(context)
    except TypeError as e:
        raise TemplateError(f"Dữ liệu đưa vào mẫu không hợp lệ: {e}", "template_value") from e
    return load_template(template).render(plain)
