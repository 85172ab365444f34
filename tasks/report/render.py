"""Rendering a Word template with a context: docxtpl's behaviour in a strict Jinja sandbox.

The environment (``template_env``) is sandboxed, strict and autoescaping; the template is
compiled once per version (``template_engine``). This module cleans the context and is what
the pipeline calls.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from tasks.report.errors import TemplateError
from tasks.report.template_engine import load_template
from tasks.report.template_env import capfirst, make_environment
from tasks.report.text import strip_xml_illegal

__all__ = ["capfirst", "make_environment", "render_docx", "sanitize"]


_PLAIN_TYPES = (bool, int, float, Decimal, date, type(None))
_SCALARS = frozenset(_PLAIN_TYPES)  # exact types, kept as they are
# Bidirectional controls (embeddings, overrides, isolates, marks): invisible, they reorder the
# text around them, so a figure or a name could read differently from what was typed
# ("Trojan Source", CVE-2021-42574). Unicode's list: https://www.unicode.org/reports/tr9/.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def sanitize(value):
    """A copy of ``value`` holding only plain data: dicts with text keys, lists, text without
    XML-illegal characters or bidirectional controls, numbers, bools, dates, None.

    Subclasses become their plain base (a str enum its text, an ``OrderedDict`` a dict, an
    ``IntEnum`` its int; a ``datetime`` stays, being a date). Raises ``TypeError`` for anything
    else: templates must not see objects with methods of their own.
    """
    kind = type(value)  # exact types first: this runs once per value of a large context
    if kind is str:
        return _clean_text(value)
    if kind is dict:  # a table row's figures and printable texts without a call each
        return {k if type(k) is str else str(k):
                v if type(v) in _SCALARS or type(v) is str and v.isprintable() else sanitize(v)
                for k, v in value.items()}
    if kind is list or kind is tuple:
        return [sanitize(v) for v in value]
    if kind in _SCALARS:
        return value
    return _subclass(value)


def _clean_text(text: str) -> str:
    if text.isprintable():
        # The common case, Vietnamese included: the characters removed here (controls,
        # U+FFFE/U+FFFF, bidi controls) are all of Unicode's categories Cc, Cf or Cn, which
        # Python never counts as printable (a dict's printable texts are kept the same way).
        return text
    if text.isascii():
        return strip_xml_illegal(text)
    return _BIDI_CONTROLS.sub("", strip_xml_illegal(text))


def _subclass(value):
    """Subclasses of the plain types as their plain base; ``TypeError`` for other objects."""
    if isinstance(value, str):
        return _clean_text(str.__str__(value))
    if isinstance(value, dict):
        return sanitize(dict(value))
    if isinstance(value, list | tuple):
        return [sanitize(v) for v in value]
    if isinstance(value, int):  # an IntEnum (bool cannot be subclassed)
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Decimal):
        return Decimal(value)
    if isinstance(value, date):
        return value
    raise TypeError(f"template context may not hold {type(value).__name__}")


def render_docx(template: Path | bytes, context: dict, core: bytes | None = None) -> bytes:
    """Render ``template`` (a path or the .docx bytes) with ``context``; return the .docx bytes.

    ``core`` replaces the template's document properties (see ``properties.core_xml``).

    Raises ``TemplateError`` naming the cause and the part of the template: syntax
    (``template_syntax``), an undefined name (``template_undefined``), what the sandbox forbids
    (``template_forbidden``), a value a filter refuses (``template_value``), output over the
    size cap (``template_too_large``), or a file that is not a usable .docx.
    """
    try:
        plain = sanitize(context)
    except TypeError as e:
        raise TemplateError(f"Dữ liệu đưa vào mẫu không hợp lệ: {e}", "template_value") from e
    return load_template(template).render(plain, core)
