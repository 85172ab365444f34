"""The Jinja environment report templates run in: sandboxed, immutable, strict, autoescaping,
bounded.

Templates come from admins' Word files, so they are untrusted code. The sandbox refuses
Python internals (``__class__``, ``__globals__`` …), the immutable variant refuses methods that
change data (``list.append``), ``StrictUndefined`` makes a misspelt name an error rather than a
blank, autoescaping keeps ``<`` and ``&`` in data from breaking the XML, and ``loader=None``
means ``include``/``import``/``extends`` can never read a file. Constant folding is off (the
optimizer, and ``finalize`` takes the evaluation context so that ``{{ … }}`` is never folded
either), so a hostile literal (``9**9**9``, ``'x'|center(10**9)``) cannot run while the
template compiles.

On top of Jinja's sandbox, while a template runs: every template compiled here is rewritten
so that loops, ``~`` and captures ask the render's budget (``template_budget``); calls count
as steps and their results as work; ``**``, ``*``, ``+`` and ``%`` are checked before they run;
only the names, filters and methods of ``template_builtins`` are reachable, and only plain
values can be printed. Templates compile through ``template_codegen`` (the same output,
cheaper per value), and a plain dict's keys are read without Jinja's attribute-first detour
(``ReportSandbox.getattr``, which says why the answer is the same).
"""

from __future__ import annotations

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from tasks.report import template_budget, template_builtins
from tasks.report.formatting import FILTERS
from tasks.report.template_budget import CAPTURE_FILTER, ReportTemplate, instrument
from tasks.report.template_codegen import DICT_ATTRIBUTES, ReportCodeGenerator


def capfirst(value: str) -> str:
    """Upper-case the first letter only ("huyện Lạc Sơn" → "Huyện Lạc Sơn")."""
    value = template_builtins.as_text(value)
    return value[:1].upper() + value[1:]


_UNSAFE_ATTRIBUTES = {"format", "format_map", "mro"}
_ITERATE, _SPEND, _CONCAT = (template_budget.iterate, template_budget.spend,
                             template_builtins.concat)


class ReportSandbox(ImmutableSandboxedEnvironment):
    """The immutable sandbox with the budget, the bounded operators and the method list."""

    intercepted_binops = frozenset(["**", "*", "+", "%"])
    template_class = ReportTemplate
    code_generator_class = ReportCodeGenerator
    output = staticmethod(template_builtins.output)  # what ``{{ … }}`` compiles to

    def getattr(self, obj, attribute):
        """Jinja's sandboxed ``obj.attribute``; for a plain dict and a name that is not one of
        its methods, the key straight away. Jinja would try the attribute first, fail with an
        ``AttributeError`` and then read the key: the same answer (the value, or undefined),
        without raising and catching an exception for each value of a large table."""
        if type(obj) is dict and attribute not in DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def _generate(self, source, name, filename, defer_init=False):
        # Every template compiled here, from text or from a syntax tree, is instrumented.
        return super()._generate(instrument(source), name, filename, defer_init)

    def call_binop(self, context, operator, left, right):
        """Apply ``operator``; raises ``TemplateError`` (``template_too_large``) past the limits."""
        template_builtins.check_binop(operator, left, right)
        result = super().call_binop(context, operator, left, right)
        template_builtins.charge(result)
        return result

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's signature)
        """Call ``__obj`` for the template: ``CALL_WEIGHT`` steps, a text result's length as
        work."""
        if __obj is _ITERATE or __obj is _SPEND or __obj is _CONCAT:  # put by ``instrument``
            return __context.call(__obj, *args, **kwargs)
        budget = template_budget.current()
        budget.step(template_budget.CALL_WEIGHT)
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, str):
            budget.build(len(result))
        return result

    def is_safe_attribute(self, obj, attr, value) -> bool:
        """Jinja's rules, no ``format``, and of methods only those ``template_builtins`` lists."""
        if attr in _UNSAFE_ATTRIBUTES or not super().is_safe_attribute(obj, attr, value):
            return False
        return not callable(value) or template_builtins.method_allowed(obj, attr)

    def wrap_str_format(self, value):
        """None: ``str.format`` is refused outright rather than run in Jinja's formatter."""
        return None


def make_environment() -> ReportSandbox:
    """A new environment with the report filters, Jinja's bounded ones, and two globals."""
    env = ReportSandbox(undefined=jinja2.StrictUndefined, autoescape=True, loader=None,
                        optimized=False, finalize=template_builtins.finalize)
    env.globals.clear()
    env.globals.update(template_builtins.GLOBALS)
    env.filters.clear()
    env.filters.update(template_builtins.jinja_filters())
    env.filters.update(FILTERS)
    for name in MARKUP_FREE:
        env.filters[name] = _markup_free(FILTERS[name])
    env.filters["capfirst"] = capfirst
    env.filters[CAPTURE_FILTER] = template_budget.captured
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
