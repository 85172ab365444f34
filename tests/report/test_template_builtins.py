"""What a template can reach besides its data (issue 13 item 12): only what a report needs,
and nothing that prints Python internals."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from jinja2.sandbox import SecurityError

from tasks.report.errors import TemplateError
from tasks.report.render import render_docx
from tasks.report.template_env import make_environment
from tests.conftest import docx_text
from tests.report.test_render import TEMPLATE, build_sample_context, edit_docx, first_paragraph

_INTERNALS = re.compile(r"<(class|function|built-in|bound|jinja2|module)|0x[0-9a-f]{6,}")


def render(source: str, **context) -> str:
    return make_environment().from_string(source).render(context)


def test_only_range_and_namespace_are_global():
    assert set(make_environment().globals) == {"range", "namespace"}


@pytest.mark.parametrize("name", ["cycler", "joiner", "lipsum", "dict"])
def test_jinjas_other_globals_are_gone(name):
    with pytest.raises(Exception, match="is undefined"):
        render(f"{{{{ {name} }}}}")


@pytest.mark.parametrize("source", [
    "{{ range }}", "{{ namespace }}", "{{ d.items }}", "{{ 'abc'.upper }}", "{{ loop_fn }}",
    "{% for x in [1] %}{{ loop }}{% endfor %}", "{% for x in [1] %}{{ loop.cycle }}{% endfor %}",
    "{% macro m() %}{% endmacro %}{{ m }}", "{{ range(3) }}", "{{ [range] }}",
    "{{ namespace(a=1) }}", "{{ range ~ '' }}", "{{ range|string }}", "{{ d.items|upper }}",
    "{{ [range]|join }}", "{{ '%s' % range }}", "{{ '%s'|format(range) }}", "{{ d }}",
    "{{ [1, 2] }}", "{{ range|capfirst }}",
])
def test_internals_cannot_be_printed(source):
    with pytest.raises(TemplateError) as caught:
        render(source, d={"a": 1}, loop_fn=len)
    assert caught.value.code == "template_value"
    assert "không in được" in caught.value.message
    assert not _INTERNALS.search(caught.value.message)


def test_what_a_report_prints_still_prints():
    assert render("{{ a }} {{ b }} {{ c }} {{ d }} {{ e }} {{ f }}", a="chữ", b=12, c=1.5,
                  d=Decimal("2.5"), e=date(2024, 2, 9), f=True) == "chữ 12 1.5 2.5 2024-02-09 True"


@pytest.mark.parametrize("source, expected", [
    ("{% for k, v in d.items() %}{{ k }}={{ v }}{% endfor %}", "a=1"),
    ("{{ d.get('a') }} {{ d.keys()|list|length }}", "1 1"),
    ("{{ 'Lạc Sơn'.upper() }} {{ 'a b'.split()|length }} {{ ' x '.strip() }}", "LẠC SƠN 2 x"),
    ("{{ 'abc'.startswith('a') }} {{ [3, 4].index(4) }}", "True 1"),
    ("{% for x in 'ab' %}{{ loop.cycle('l', 'c') }}{% endfor %}", "lc"),
    ("{% set ns = namespace(n=0) %}{% for x in [1, 2] %}{% set ns.n = ns.n + x %}"
     "{% endfor %}{{ ns.n }}", "3"),
    ("{{ day.isoformat() }} {{ day.year }}", "2024-02-09 2024"),
    ("{{ ['a', 'b', 'c']|count }} {{ [1, 2]|sum }} {{ ['b', 'a']|sort|join(', ') }}",
     "3 3 a, b"),
])
def test_the_methods_and_filters_a_report_needs_work(source, expected):
    assert render(source, d={"a": 1}, day=date(2024, 2, 9)) == expected


@pytest.mark.parametrize("source", [
    "{{ 'x'.center(100) }}", "{{ 'x'.zfill(100) }}", "{{ 'x'.ljust(100) }}",
    "{{ 'x'.replace('x', 'yy') }}", "{{ ','.join(['a']) }}", "{{ 'a\\tb'.expandtabs(100) }}",
    "{{ (1).to_bytes(1000000000, 'big') }}", "{{ 'a'.encode() }}", "{{ d.copy() }}",
    "{{ '{0}'.format(1) }}", "{{ '{a}'.format_map(d) }}", "{{ day.replace(year=1) }}",
    "{{ day.strftime('%Y') }}",
])
def test_methods_that_build_or_reach_further_are_refused(source):
    with pytest.raises(SecurityError, match="is unsafe"):
        render(source, d={"a": 1}, day=date(2024, 2, 9))


@pytest.mark.parametrize("name", ["pprint", "tojson", "urlize", "urlencode", "xmlattr", "random"])
def test_filters_a_report_does_not_need_are_gone(name):
    assert name not in make_environment().filters


def test_sum_adds_numbers_only():
    with pytest.raises(TemplateError, match="chỉ cộng các số"):
        render("{{ [[1], [2]]|sum(start=[]) }}")


def test_bounded_filters_keep_their_result_within_limits():
    assert render("{{ 'ab'|center(6) }}|{{ 'a\nb'|indent(2, true) }}|{{ 'x y'|wordwrap(1) }}") \
        == "  ab  |  a\n  b|x\ny"
    assert render("{{ 'a-b'|replace('-', '–') }} {{ '%05d'|format(42) }} {{ '%.1f' % 2.25 }}") \
        == "a–b 00042 2.2"


def test_a_printf_width_from_the_arguments_is_refused():
    with pytest.raises(TemplateError, match="«\\*»"):
        render("{{ '%*d' % (300000000, 1) }}")


def test_internals_are_refused_in_a_rendered_report_too():
    context = build_sample_context()
    template = edit_docx(TEMPLATE.read_bytes(), {
        "word/document.xml": first_paragraph("{{ cycler }} {{ range }}")})
    with pytest.raises(TemplateError) as caught:
        render_docx(template, context)
    assert caught.value.code == "template_undefined"  # cycler is no longer there at all
    template = edit_docx(TEMPLATE.read_bytes(), {
        "word/document.xml": first_paragraph("Đơn vị: {{ units[0].name|capfirst }}")})
    assert "Đơn vị: Thành phố Hòa Bình" in docx_text(render_docx(template, context))
