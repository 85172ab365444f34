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


_PLAIN_TYPES = (bool, int, float, Decimal, date, type(None))


def sanitize(value):
    """A copy of ``value`` holding only plain data, with XML-illegal characters removed.

    Raises ``TypeError`` for anything that is not a dict, list, tuple, str, number, bool,
    date or None: templates must not see objects with methods.
    """
    kind = type(value)  # exact types first: this runs once per value of a large context
    if kind is str:
        return strip_xml_illegal(value)
    if kind is dict:
        return {k if type(k) is str else str(k): sanitize(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [sanitize(v) for v in value]
    if kind in _PLAIN_TYPES or isinstance(value, str | dict | list | tuple | _PLAIN_TYPES):
        return _subclass(value)
    raise TypeError(f"template context may not hold {type(value).__name__}")


def _subclass(value):
    """Subclasses of the plain types (a str enum, an OrderedDict) as their plain base."""
    if isinstance(value, str):
        return strip_xml_illegal(str(value))
    if isinstance(value, dict):
        return sanitize(dict(value))
    if isinstance(value, list | tuple):
        return [sanitize(v) for v in value]
    return value


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
