"""Well-formed output without a parser per render (``template_xml``): the proof a template is
vouched for, the values ``output`` vouches for, and templates whose output is not XML, still
refused (``template_xml``) as the parser refused them.
"""

from __future__ import annotations

import io
import pyexpat
import zipfile

import pytest
from markupsafe import Markup, escape

from tasks.report import template_engine, template_xml
from tasks.report.errors import TemplateError
from tasks.report.kinds import Catalog
from tasks.report.render import render_docx
from tasks.report.template_budget import RenderBudget
from tasks.report.template_builtins import finalize, output
from tasks.report.template_engine import compile_template
from tasks.report.template_env import make_environment
from tasks.settings import REPO_ROOT
from tests.report.docx_build import p, package, tbl, tc, tr

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def vouched(source: str) -> bool:
    return template_xml.vouched_template(make_environment().parse(source))


@pytest.fixture
def parsed(monkeypatch) -> list[int]:
    """A 1 for each part the engine parses, rendering from now on."""
    found: list[int] = []
    check = template_engine.check_well_formed

    def counted(data):
        found.append(1)
        check(data)

    monkeypatch.setattr(template_engine, "check_well_formed", counted)
    return found


# --- the proof -----------------------------------------------------------------------------------

@pytest.mark.parametrize("source", [
    "<a>text {{ x }} more</a>",
    '<a b="{{ x }}" c="d{{ y }}e">{{ z }}</a>',
    "<a>{% for r in rows %}<r>{{ r.n }}</r>{% else %}<none/>{% endfor %}</a>",
    "<a>{% if x %}<b>{{ x }}</b>{% elif y %}y{% else %}<c/>{% endif %}</a>",
    "<a>{% set n = 1 %}{% set cap %}<b>{% endset %}{% macro m() %}<c>{% endmacro %}</a>",
    "<a>{% with v = 1 %}<b>{{ v }}</b>{% endwith %}</a>",
    '<?xml version="1.0"?>\n<a>&amp;{{ x }}&#39;</a>',
])
def test_balanced_templates_are_vouched_for(source):
    assert vouched(source)


@pytest.mark.parametrize("source, why", [
    ("<a>{% if x %}<b>{% endif %}</b></a>", "a block's body is not balanced"),
    ("<a>{% for x in y %}</b><b>{% endfor %}</a>", "a block's body is not balanced"),
    ('<a b="{% if x %}1{% endif %}"/>', "a block in an attribute"),
    ("<a><!-- {{ x }} --></a>", "a comment"),
    ("<a><![CDATA[{{ x }}]]></a>", "a CDATA section"),
    ("<a><?pi {{ x }}?></a>", "a processing instruction"),
    ("<a>x]{{ y }}</a>", 'text ending with "]"'),
    ("<a>x{{ y }}</a><b/>", "two root elements"),
    ("<a>{% if x %}<b/>{% endif %}</a>{% if y %}<c/>{% endif %}", "a block after the root"),
    ("<a>&amp{{ x }};</a>", "a reference cut by a value"),
    ("<a>{% call m() %}x{% endcall %}</a>", "a call block"),
    ("<a>{% filter upper %}<b>{% endfilter %}</a>", "a filter block"),
    ("<a>{% autoescape false %}{{ x }}{% endautoescape %}</a>", "escaping turned off"),
    (f"<a><{template_xml.MARKER}/>{{{{ x }}}}</a>", "the marker's name in the text"),
    (f"<a>{template_xml.HOLE}{{{{ x }}}}</a>", "the hole's character in the text"),
])
def test_templates_that_may_not_be_xml_are_not_vouched_for(source, why):
    assert not vouched(source), why


def test_every_shipped_template_is_vouched_for_and_its_sample_skips_the_parser(parsed):
    from bench.render import kind_context  # the kinds' own samples, as the bench renders them

    catalog = Catalog(REPO_ROOT / "doc_templates")
    for slug in sorted(catalog.kinds):
        context, template, _expected = kind_context(slug)
        compiled = template_engine.load_template(template)
        assert all(vouched for _kind, _template, vouched in compiled._parts.values()), slug
        render_docx(template, context)
    assert parsed == []


# --- what ``output`` vouches for ----------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "Hòa Bình", "a & b < c > d \"e\" 'f'", "", "dòng 1\ndòng 2\ttab", "\u00a0nbsp", 0, -12345,
    10**30, 2.5, None, True, Markup("<b>x</b>"), Markup("1.000"), escape("a & b"),
])
def test_output_writes_what_jinja_writes(value):
    with RenderBudget().active():
        assert output(value) == str(escape(finalize(None, value)))


@pytest.mark.parametrize("value, vouched_for", [
    ("Hòa Bình & <Lạc Sơn>", True),
    ("a\u00a0b\u0085c", True),  # not printable, but characters XML holds
    (12, True),
    (Markup("1.234"), True),
    ("x]", False),  # "]]>" could be made with the text around it
    ("a\x01b", False),
    ("a\ufffeb", False),
    (Markup("<w:p/>"), False),
    (Markup("&amp;"), False),
    (Markup('"'), False),
    (2.5, True),
])
def test_output_notes_what_it_cannot_vouch_for(value, vouched_for):
    budget = RenderBudget()
    with budget.active():
        output(value)
    assert budget.unvouched is not vouched_for


# --- outputs that are not XML are refused as before --------------------------------------------

def refused(data: bytes, context: dict) -> str:
    with pytest.raises(TemplateError) as caught:
        render_docx(data, context)
    return caught.value.code


def test_a_block_cutting_through_the_xml_is_parsed_and_refused(parsed):
    data = package(p("{% if whole %}a") + tbl(1, tr(tc(p("b{% endif %}")))))
    assert not compile_template(data)._parts["word/document.xml"][2]
    render_docx(data, {"whole": True})
    assert refused(data, {"whole": False}) == "template_xml"
    assert parsed == [1, 1]


@pytest.mark.parametrize("source, bad, good", [
    ("{{ x|safe }}", {"x": "<w:p>"}, {"x": "chữ thường"}),
    ("{{ x|safe }}{{ y|safe }}", {"x": "]]", "y": ">"}, {"x": "]", "y": "a"}),
    ('{{ "%c"|format(n) }}', {"n": 1}, {"n": 65}),
    ("{{ x|e|upper }}", {"x": "a & b"}, {"x": "a b"}),  # &AMP; is no reference
])
def test_values_the_proof_does_not_cover_are_parsed(parsed, source, bad, good):
    data = package(p(source))
    assert compile_template(data)._parts["word/document.xml"][2]  # the template is vouched for
    render_docx(data, good)
    assert refused(data, bad) == "template_xml"


def test_a_line_break_in_an_attribute_broken_by_resolve_listing_is_refused(parsed):
    # docxtpl turns "\n" into <w:br/> anywhere between <w:t …> and </w:t>, its attributes too.
    body = '<w:p><w:r><w:t xmlns:x="urn:x" x:note="{{ note }}">text</w:t></w:r></w:p>'
    data = package(body)
    assert compile_template(data)._parts["word/document.xml"][2]
    render_docx(data, {"note": "one line"})
    assert parsed == []
    assert refused(data, {"note": "two\nlines"}) == "template_xml"
    assert parsed == [1]


def test_a_line_break_in_text_is_checked_as_a_fragment_not_parsed(parsed):
    data = package(p("{{ a }}") + p("{{ b }}"))
    rendered = render_docx(data, {"a": "một\nhai", "b": "ba\tbốn"})
    assert parsed == []
    with zipfile.ZipFile(io.BytesIO(rendered)) as z:
        document = z.read("word/document.xml").decode()
    assert 'một</w:t><w:br/><w:t xml:space="preserve">hai' in document
    assert "<w:tab/>" in document


def test_a_comment_holding_a_value_is_parsed(parsed):
    body = "<w:p><w:r><w:t>a</w:t></w:r></w:p><!-- ghi chú: {{ note }} -->"
    data = package(body)
    assert not compile_template(data)._parts["word/document.xml"][2]
    render_docx(data, {"note": "ổn"})
    assert refused(data, {"note": "a -- b"}) == "template_xml"


def test_the_fragment_check_refuses_what_is_not_balanced():
    assert template_xml.balanced([b'<w:p><w:r><w:t>a</w:t><w:br/><w:t xml:space="preserve">b'
                                  b"</w:t></w:r></w:p>"])
    assert not template_xml.balanced([b"<w:p><w:r><w:t>a</w:t></w:r>"])
    assert not template_xml.balanced([b"<w:p><!-- x --></w:p>"])


def test_the_parser_itself_refuses_what_the_proof_rules_out():
    # Each rule of the proof stands for something expat refuses.
    for xml in (b"<a>x]]>y</a>", b"<a>\x01</a>", b"<a>&AMP;</a>", b"<a><!-- -- --></a>"):
        with pytest.raises(pyexpat.ExpatError):
            template_engine.check_well_formed(xml)
