"""The Jinja environment report templates run in: sandboxed, immutable, strict, autoescaping.

Templates come from officers' Word files, so they are untrusted code. The sandbox refuses
Python internals (``__class__``, ``__globals__`` …), the immutable variant refuses methods that
change data (``list.append``), ``StrictUndefined`` makes a misspelt name an error rather than a
blank, autoescaping keeps ``<`` and ``&`` in data from breaking the XML, and ``loader=None``
means ``include``/``import``/``extends`` can never read a file. Constant folding is off, so a
hostile literal (``9**9**9``, ``'x'|center(10**9)``) cannot run while the template compiles;
``**`` and ``*`` are checked at run time against the limits below.
"""

from __future__ import annotations

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from tasks.report.errors import TemplateError
from tasks.report.formatting import FILTERS

# The largest integer ``a ** b`` may produce, in bits: far beyond any figure of a report.
MAX_POWER_BITS = 256
# The longest text or list ``x * n`` may produce.
MAX_REPEAT_LENGTH = 10_000


def capfirst(value: str) -> str:
    """Upper-case the first letter only ("huyện Lạc Sơn" → "Huyện Lạc Sơn")."""
    value = str(value)
    return value[:1].upper() + value[1:]


class ReportSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox, with ``**`` and ``*`` bounded so one tag cannot exhaust memory."""

    intercepted_binops = frozenset(["**", "*"])

    def call_binop(self, context, operator, left, right):
        """Apply ``operator``; raises ``TemplateError`` (``template_too_large``) past the limits."""
        if operator == "**" and _power_too_large(left, right):
            raise TemplateError(f"Mẫu báo cáo tính lũy thừa quá lớn ({left!r} ** {right!r}).",
                                "template_too_large")
        if operator == "*" and _repeat_too_long(left, right):
            raise TemplateError("Mẫu báo cáo nhân chuỗi hoặc danh sách quá dài.",
                                "template_too_large")
        return super().call_binop(context, operator, left, right)


def _power_too_large(base, exponent) -> bool:
    if not isinstance(base, int) or not isinstance(exponent, int) or exponent <= 0:
        return False  # floats overflow with an error of their own; negatives shrink
    return abs(base) > 1 and abs(base).bit_length() * exponent > MAX_POWER_BITS


def _repeat_too_long(left, right) -> bool:
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | list | tuple) and isinstance(times, int):
            return len(seq) * times > MAX_REPEAT_LENGTH
    return False


def make_environment() -> ReportSandbox:
    """A new environment with the report filters (Jinja's own ``count``, ``len``, stays)."""
    env = ReportSandbox(undefined=jinja2.StrictUndefined, autoescape=True, loader=None,
                        optimized=False)
    env.filters.update(FILTERS)
    for name in MARKUP_FREE:
        env.filters[name] = _markup_free(FILTERS[name])
    env.filters["capfirst"] = capfirst
    return env


# Filters whose output is digits, separators and fixed Vietnamese words, never "<", "&" or
# quotes: marking it safe skips escaping, which a 2.000-unit appendix calls tens of thousands
# of times. Filters that print template-given text (by_sex's noun, ratio's nouns) are not here.
MARKUP_FREE = ("num", "decimal", "percent", "share", "money", "header_date", "short_date",
               "qty", "female_share")


def _markup_free(function):
    def safe(*args, **kwargs):
        return Markup(function(*args, **kwargs))

    safe.__name__ = safe.__qualname__ = function.__name__
    safe.__doc__ = function.__doc__
    return safe
