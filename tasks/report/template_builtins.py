"""What a report template can reach besides its data: names, filters, methods and operators.

Only what a report needs is exposed, and each piece is bounded so that a template cannot
print Python internals or make one operation allocate without limit:

- globals: ``range`` (at most 100.000 numbers) and ``namespace``; Jinja's ``dict``,
  ``lipsum``, ``cycler`` and ``joiner`` are gone;
- Jinja's filters minus ``pprint``, ``tojson``, ``urlize``, ``urlencode``, ``xmlattr`` and
  ``random`` (internals, web output, or a different document each time);
  those that build text check their arguments first (``center(10**9)``, a printf width of
  300 million, ``join`` of a thousand copies of a long text …);
- methods: the reading ones of text, dicts, lists and dates (``upper``, ``split``, ``items``,
  ``get`` …); none that builds a longer text (``center``, ``zfill``, ``replace``, ``join``,
  ``format``) or other objects (``int.to_bytes``);
- only plain values become text: ``{{ x }}``, ``~``, ``%``, ``|string`` and the text filters
  refuse a function, a class, a list or any other object (their text shows addresses and
  internals, and a list's text can be exponentially larger than the list).

Every refusal raises ``TemplateError``: ``template_too_large`` (see ``template_budget``) or
``template_value`` ("… không in được …").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from jinja2.filters import FILTERS as JINJA_FILTERS
from jinja2.filters import do_batch, make_attrgetter, sync_do_join, sync_do_slice, sync_do_sum
from jinja2.runtime import LoopContext, Undefined, markup_join, str_join
from jinja2.sandbox import safe_range
from jinja2.utils import Namespace, pass_environment, pass_eval_context
from markupsafe import escape, soft_str

try:  # markupsafe.escape without the Markup it wraps the result in (MarkupSafe 3.0, pinned)
    from markupsafe import _escape_inner
except ImportError:  # pragma: no cover
    def _escape_inner(text: str) -> str:
        return str(escape(text))

from tasks.report.errors import TemplateError
from tasks.report.template_budget import MAX_VALUE, current, number, too_large

# The most copies or pieces one operation may make (``x * n``, ``batch``, ``slice``).
MAX_REPEAT = 10_000
# The largest integer ``*`` and ``**`` may produce, in bits: far beyond any report figure.
MAX_INT_BITS = 256
# The longest text ``wordwrap`` may wrap: Python's textwrap is slow on long texts.
MAX_WRAP_INPUT = 100_000

PRINTABLE = (str, int, float, Decimal, date, type(None))  # bool is an int; Markup a str
_PRINTED = (*PRINTABLE, Undefined)  # an Undefined raises its own error when printed

GLOBALS = {"range": safe_range, "namespace": Namespace}
# ``attr`` stays: it goes through the sandbox's attribute rules, and the lint and the compiler
# refuse it by name anyway (template_ast), with a clearer message than "no such filter".
_DROPPED_FILTERS = {"pprint", "tojson", "urlize", "urlencode", "xmlattr", "random"}

_TEXT_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha",
    "isdecimal", "isdigit", "islower", "isnumeric", "isspace", "istitle", "isupper", "lower",
    "lstrip", "partition", "removeprefix", "removesuffix", "rfind", "rindex", "rpartition",
    "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title",
    "upper"})
_METHODS: dict[type, frozenset[str]] = {
    str: _TEXT_METHODS,
    dict: frozenset({"items", "keys", "values", "get"}),
    list: frozenset({"index", "count"}),
    tuple: frozenset({"index", "count"}),
    date: frozenset({"isoformat", "weekday", "isoweekday"}),
    LoopContext: frozenset({"cycle", "changed"}),
}
# A printf conversion: flags, then a width and a precision that may be numbers or "*".
_PRINTF = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")


def as_text(value) -> str:
    """``value`` as the text a template prints; raises ``TemplateError`` unless it is a plain
    value (text, number, date, None)."""
    if isinstance(value, _PRINTED):
        return soft_str(value)  # an Undefined raises its own error here
    raise TemplateError(f"Mẫu báo cáo không in được giá trị kiểu «{type(value).__name__}» "
                        "(chỉ in được chữ, số và ngày).", "template_value")


@pass_eval_context
def finalize(_eval_ctx, value):
    """Jinja's ``finalize``: what ``{{ … }}`` may print (see ``as_text``).

    It asks for the evaluation context only so that Jinja never folds a ``{{ … }}`` into a
    constant while compiling: folding escapes the value before ``finalize`` sees it (a
    function would print as its escaped text), and would run a hostile expression inside the
    compiler, outside any render's budget.
    """
    if isinstance(value, _PRINTED):
        return value
    return as_text(value)


# A printed text ``template_xml`` vouches for holds none of these (escaped text holds "&" only
# in the references escaping wrote, and no other character of the set), and no character
# XML 1.0 cannot hold.
_UNVOUCHED = ("<", ">", "&", '"', "'", "]")
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def output(value) -> str:
    """What ``{{ value }}`` writes where autoescaping is on: ``escape(finalize(value))``, as text
    (``template_codegen`` compiles every such ``{{ … }}`` to this one call).

    Text and ints, nearly every value of a report, skip building a ``Markup``. When the text
    written is not one ``template_xml.vouched`` accepts, the render's budget notes it
    (``unvouched``) so that the part is checked with an XML parser.
    """
    kind = type(value)
    if kind is str:
        text = _escape_inner(value)
        if "]" in text or not text.isprintable() and _XML_ILLEGAL.search(text):
            current().unvouched = True
        return text
    if kind is int:  # digits and "-"
        return str(value)
    text = escape(finalize(None, value))
    if any(ch in text for ch in _UNVOUCHED) or not text.isprintable() and \
            _XML_ILLEGAL.search(text):
        current().unvouched = True
    return text


def method_allowed(obj, attr: str) -> bool:
    """Whether a template may call the method ``attr`` of ``obj`` (see the module docstring)."""
    for kind in type(obj).__mro__:
        if kind in _METHODS:
            return attr in _METHODS[kind]
    return False


@pass_eval_context
def concat(eval_ctx, items: tuple):
    """The ``~`` operator: the items joined as text, refused before the text is built when it
    would be longer than ``MAX_VALUE``. Raises ``TemplateError``."""
    texts = [as_text(item) for item in items]
    _check_size(sum(map(len, texts)), "nối chuỗi")
    return markup_join(texts) if eval_ctx.autoescape else str_join(texts)


def _check_size(size: int, what: str) -> None:
    if size > MAX_VALUE:
        raise too_large(f"{what} dài {number(size)} ký tự, quá giới hạn {number(MAX_VALUE)}")


# --- operators ---------------------------------------------------------------------------------

def check_binop(operator: str, left, right) -> None:
    """Refuse ``left operator right`` before it runs when its result would be too large."""
    if operator == "**":
        if _power_too_large(left, right):
            raise too_large(f"tính lũy thừa quá lớn ({left!r} ** {right!r})")
    elif operator == "*":
        for seq, times in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(times, int) and (
                    times > MAX_REPEAT or len(seq) * times > MAX_VALUE):
                raise too_large("nhân chuỗi hoặc danh sách quá dài")
        if _ints(left, right) and left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise too_large("nhân ra số quá lớn")
    elif operator == "+":
        if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
            _check_size(len(left) + len(right), "nối chuỗi")
    elif operator == "%" and isinstance(left, str):
        _check_printf(left, right if isinstance(right, tuple | dict) else (right,))


def charge(result) -> None:
    """Spend the length of a text or list an operation built as work."""
    if isinstance(result, str | list | tuple):
        current().build(len(result))


def _ints(left, right) -> bool:
    return type(left) is int and type(right) is int


def _power_too_large(base, exponent) -> bool:
    if not isinstance(base, int) or not isinstance(exponent, int) or exponent <= 0:
        return False  # floats overflow with an error of their own; negatives shrink
    return abs(base) > 1 and abs(base).bit_length() * exponent > MAX_INT_BITS


def _check_printf(template: str, args) -> None:
    """Refuse a printf ("%05d") whose widths or arguments would build a too long text."""
    width = sum(len(as_text(value)) for value in (args.values() if isinstance(args, dict)
                                                  else args))
    for match in _PRINTF.finditer(template):
        for digits in match.groups():
            if digits == "*":
                raise TemplateError("Mẫu báo cáo không được dùng độ rộng «*» trong %.",
                                    "template_value")
            width += int(digits) if digits else 0
    _check_size(len(template) + width, "định dạng %")  # widths and argument texts


# --- filters -------------------------------------------------------------------------------------

def _value_index(function: Callable) -> int:
    """Where the filtered value sits among the arguments (after a context, if passed)."""
    return 0 if getattr(function, "jinja_pass_arg", None) is None else 1


def _text_filter(function: Callable, before: Callable | None = None) -> Callable:
    """``function`` with its input refused unless printable, ``before(*args)`` checked first,
    and the length of its result spent as work."""
    at = _value_index(function)

    @functools.wraps(function)
    def guarded(*args, **kwargs):
        as_text(args[at])
        if before is not None:
            before(*args[at:], **kwargs)
        result = function(*args, **kwargs)
        charge(result)
        return result

    return guarded


def _center(value, width=80) -> None:
    _check_size(max(len(soft_str(value)), _int(width)), "căn giữa")


def _indent(value, width=4, first=False, blank=False) -> None:
    text = soft_str(value)
    pad = len(width) if isinstance(width, str) else _int(width)
    _check_size(len(text) + (text.count("\n") + 1) * pad, "thụt lề")


def _wordwrap(value, width=79, break_long_words=True, wrapstring=None, *_args, **_kwargs):
    text = soft_str(value)
    if len(text) > MAX_WRAP_INPUT:
        raise too_large(f"ngắt dòng văn bản dài {number(len(text))} ký tự")
    breaks = len(text) // max(_int(width), 1) + text.count("\n") + 1
    _check_size(len(text) + breaks * len(wrapstring or "\n"), "ngắt dòng")


def _format(value, *args, **kwargs) -> None:
    _check_printf(soft_str(value), kwargs or args)


def _replace(value, old, new, count=None) -> None:
    text, old, new = soft_str(value), as_text(old), as_text(new)
    found = len(text) + 1 if old == "" else text.count(old)
    if count is not None:
        found = min(found, max(_int(count), 0))
    _check_size(len(text) + found * (len(new) - len(old)), "thay thế")


def _int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TemplateError(f"Mẫu báo cáo cần một số nguyên, không phải {value!r}.",
                            "template_value")
    return value


_SIZE_CHECKS = {"center": _center, "indent": _indent, "wordwrap": _wordwrap,
                "format": _format, "replace": _replace}
_TEXT_FILTERS = {"capitalize", "center", "e", "escape", "forceescape", "format", "indent",
                 "lower", "replace", "safe", "string", "striptags", "title", "trim",
                 "truncate", "upper", "wordcount", "wordwrap"}


@pass_eval_context
def _join(eval_ctx, value, d="", attribute=None):
    if attribute is not None:
        value = map(make_attrgetter(eval_ctx.environment, attribute), value)
    texts = [as_text(item) for item in value]
    separator = as_text(d)
    _check_size(sum(map(len, texts)) + len(separator) * max(len(texts) - 1, 0), "nối danh sách")
    result = sync_do_join(eval_ctx, texts, separator)
    charge(result)
    return result


def _pieces(count) -> None:
    """``batch`` and ``slice`` make ``count`` pieces, padded with copies: bound them."""
    if _int(count) > MAX_REPEAT:
        raise too_large(f"chia danh sách thành quá {number(MAX_REPEAT)} phần")


def _batch(value, linecount, fill_with=None):
    _pieces(linecount)
    return do_batch(value, linecount, fill_with)


def _slice(value, slices, fill_with=None):
    _pieces(slices)
    return sync_do_slice(value, slices, fill_with)


@pass_environment
def _sum(environment, iterable, attribute=None, start=0):
    if isinstance(start, bool) or not isinstance(start, int | float | Decimal):
        raise TemplateError("Bộ lọc sum chỉ cộng các số.", "template_value")  # no list + list
    return sync_do_sum(environment, iterable, attribute, start)


def jinja_filters() -> dict[str, Callable]:
    """Jinja's built-in filters a report may use, bounded (see the module docstring)."""
    found = {}
    for name, function in JINJA_FILTERS.items():
        if name in _DROPPED_FILTERS:
            continue
        if name in _TEXT_FILTERS:
            function = _text_filter(function, _SIZE_CHECKS.get(name))
        found[name] = function
    found.update(join=_join, batch=_batch, slice=_slice, sum=_sum)
    return found
