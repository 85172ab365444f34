"""Rendering a Word template with a context: docxtpl in a strict Jinja sandbox.

The environment is sandboxed (no access to Python internals), autoescaping (``<`` and ``&``
in data cannot break the XML) and strict (an undefined name is an error, not a blank).
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from tasks.report.errors import TemplateError
from tasks.report.formatting import FILTERS
from tasks.report.text import strip_xml_illegal


def capfirst(value: str) -> str:
    """Upper-case the first letter only ("huyện Lạc Sơn" → "Huyện Lạc Sơn")."""
    value = str(value)
    return value[:1].upper() + value[1:]


def make_environment() -> SandboxedEnvironment:
    """The Jinja environment every template renders in; no loader, so no include/import."""
    env = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True, loader=None)
    env.filters.update(FILTERS)
    env.filters["capfirst"] = capfirst
    return env


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

    Raises ``TemplateError`` naming the cause: a syntax error, an undefined name, or an
    attempt to reach what the sandbox forbids.
    """
    source = io.BytesIO(template) if isinstance(template, bytes) else template
    doc = DocxTemplate(source)
    try:
        doc.render(sanitize(context), jinja_env=make_environment(), autoescape=True)
    except SecurityError as e:
        raise TemplateError(f"Mẫu báo cáo dùng thao tác bị cấm: {e}", "template_forbidden") from e
    except jinja2.UndefinedError as e:
        raise TemplateError(f"Mẫu báo cáo dùng biến không có: {e.message}",
                            "template_undefined") from e
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(f"Mẫu báo cáo sai cú pháp: {e.message}", "template_syntax") from e
    except (ValueError, TypeError) as e:
        raise TemplateError(f"Mẫu báo cáo không hiển thị được giá trị: {e}",
                            "template_value") from e
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
