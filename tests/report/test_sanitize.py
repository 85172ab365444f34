"""The context is cleaned into plain data whatever types the pipeline hands over (issue 14
item 9), and data loses only what cannot be shown: XML-illegal characters and bidirectional
controls (issue 13 item 14). The report checks read the .docx back."""

from __future__ import annotations

import enum
from collections import OrderedDict
from datetime import date, datetime
from decimal import Decimal

import pytest

from tasks.report.errors import TemplateError
from tasks.report.render import render_docx, sanitize
from tests.conftest import docx_text
from tests.report.test_render import TEMPLATE, build_sample_context, parts

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


@pytest.fixture(scope="module")
def context() -> dict:
    return build_sample_context()


def _named(context: dict, name: str) -> dict:
    return {**context, "agency": {**context["agency"], "name": name}}


def test_bidirectional_controls_are_removed_from_data(context):
    name = "Sở\u202e Lao động\u2066 – Thương binh\u200f và Xã hội\u061c"
    rendered = render_docx(TEMPLATE, _named(context, name + BIDI))
    assert "Sở Lao động – Thương binh và Xã hội" in docx_text(rendered)
    for blob in parts(rendered).values():
        text = blob.decode("utf-8", "ignore")
        assert not any(ch in text for ch in BIDI)


def test_sanitize_removes_bidi_controls_and_keeps_other_text():
    assert sanitize({"a": ["x" + BIDI + "y", "Hòa\u202eBình"]}) == {"a": ["xy", "HòaBình"]}
    assert sanitize("tab\tand\nline") == "tab\tand\nline"
    assert sanitize("bell\x07") == "bell"


class Kind(str, enum.Enum):  # noqa: UP042 (str() of this form is "Kind.DISTRICT", not the text)
    DISTRICT = "huyen"


class Level(enum.IntEnum):
    HIGH = 3


class Money(Decimal):
    pass


def test_sanitize_turns_subclasses_into_their_plain_base():
    cleaned = sanitize({"kind": Kind.DISTRICT, "level": Level.HIGH, "money": Money("1.5"),
                        "rows": OrderedDict(a=1), "at": datetime(2023, 12, 4, 8, 30),
                        "day": date(2023, 12, 4), "tuple": (1, "a")})
    assert cleaned == {"kind": "huyen", "level": 3, "money": Decimal("1.5"), "rows": {"a": 1},
                       "at": datetime(2023, 12, 4, 8, 30), "day": date(2023, 12, 4),
                       "tuple": [1, "a"]}
    assert type(cleaned["kind"]) is str and type(cleaned["level"]) is int
    assert type(cleaned["money"]) is Decimal and type(cleaned["rows"]) is dict


@pytest.mark.parametrize("value, plain, plain_type", [
    (Kind.DISTRICT, "huyen", str), (Level.HIGH, 3, int), (Money("1.5"), Decimal("1.5"), Decimal),
    (OrderedDict(b=Kind.DISTRICT), {"b": "huyen"}, dict),
    (datetime(2023, 12, 4, 8, 30), datetime(2023, 12, 4, 8, 30), datetime),
], ids=["str-enum", "int-enum", "decimal", "ordereddict", "datetime"])
def test_each_subclass_alone_becomes_its_plain_base(value, plain, plain_type):
    # One value at a time, so a failure names the type that broke, and inside a list and a
    # dict, where the pipeline puts them.
    for wrapped, unwrap in ((value, lambda v: v), ([value], lambda v: v[0]),
                            ({"x": value}, lambda v: v["x"])):
        cleaned = unwrap(sanitize(wrapped))
        assert cleaned == plain and type(cleaned) is plain_type


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes", len, Kind])
def test_sanitize_refuses_other_objects_by_name(value):
    with pytest.raises(TypeError, match=f"may not hold {type(value).__name__}"):
        sanitize({"x": [value]})


def test_subclassed_values_render(context):
    rendered = render_docx(TEMPLATE, {**_named(context, Kind.DISTRICT),
                                      "doc": OrderedDict(context["doc"])})
    assert "HUYEN" in docx_text(rendered).upper()


def test_an_object_in_the_context_is_a_template_value_error(context):
    with pytest.raises(TemplateError) as caught:
        render_docx(TEMPLATE, {**context, "doc": object()})
    assert caught.value.code == "template_value"
    assert "may not hold object" in caught.value.message
