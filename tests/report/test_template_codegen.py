"""The render's speed-ups against what they replace: the compiled code (``template_codegen``),
the sandbox's dict lookups, docxtpl's finishing steps on bytes (``docxtpl_steps``), the
piecewise encoding and deflating, and ``sanitize``'s fast paths. Each is compared with the
plain way on many inputs, random ones included (fixed seeds).
"""

from __future__ import annotations

import random
import zlib

import jinja2
import pytest
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from tasks.report import docxtpl_steps
from tasks.report.errors import TemplateError
from tasks.report.render import render_docx, sanitize
from tasks.report.template_budget import RenderBudget
from tasks.report.template_engine import load_template
from tasks.report.template_env import make_environment
from tasks.report.zip_writer import deflate
from tasks.settings import REPO_ROOT
from tests.report.docx_build import p, package

TEMPLATE = REPO_ROOT / "doc_templates" / "gender-equality-month" / "template.docx"


def plain_docxtpl_finish(xml: str) -> str:
    """docxtpl's render_xml_part after rendering, as the engine stood before: the whole
    part replaced, then listing resolved over the whole part."""
    xml = xml.replace("\n<w:p", "<w:p")
    if any(ch in xml for ch in "\n\t\f\a"):
        xml = DocxTemplate(None).resolve_listing(xml)
    return xml


# --- docxtpl's steps -----------------------------------------------------------------------------

_ATOMS = ["<w:p>", '<w:p w:rsidR="1">', "</w:p>", "<w:r>", "</w:r>", "<w:t>",
          '<w:t xml:space="preserve">', "</w:t>", "ạ", "a", "\n", "\t", "\f", "\a",
          "<w:pPr><w:jc/></w:pPr>", "<w:rPr><w:b/></w:rPr>", "<w:p a", ">", "\n<w:p>",
          "<w:p\t>", "</w:p"]


def test_finish_is_docxtpls_steps_on_random_xml():
    rng = random.Random(14)
    for _ in range(20000):
        xml = "".join(rng.choice(_ATOMS) for _ in range(rng.randint(0, 25)))
        assert docxtpl_steps.finish(xml) == plain_docxtpl_finish(xml), repr(xml)


def test_finish_reports_the_paragraphs_it_changed():
    xml = "<w:p><w:r><w:t>a\nb</w:t></w:r></w:p>\n<w:p><w:r><w:t>c</w:t></w:r></w:p>"
    pieces, changed = docxtpl_steps.finish_utf8(xml.encode())
    assert b"".join(pieces).decode() == plain_docxtpl_finish(xml)
    assert changed == [b"<w:p><w:r><w:t>a\nb</w:t></w:r></w:p>",
                       b'<w:p><w:r><w:t>a</w:t><w:br/><w:t xml:space="preserve">b</w:t>'
                       b"</w:r></w:p>"]
    # A </w:p> inside a start tag: only docxtpl's whole scan is exact, and it is not reported.
    odd = '<w:p a</w:p><w:r><w:t>x\ny</w:t></w:r></w:p>'
    pieces, changed = docxtpl_steps.finish_utf8(odd.encode())
    assert changed is None and b"".join(pieces).decode() == plain_docxtpl_finish(odd)


def test_line_breaks_removed_in_advance_give_docxtpls_output():
    """Templates of random text, values and blocks, compiled with and without ``join_lines``:
    finished, the same XML as docxtpl's replace over the whole output."""
    rng = random.Random(7)
    texts = ["\n", "\n\n", "<w:p>", "\n<w:p>", "\n<w:p a>", "x", "</w:p>", "\n<w", ":p>",
             "\n<w:pPr/>", "]"]
    values = ["", "\n", "a\n", "\n\n", "b"]
    env = make_environment()
    for _ in range(3000):
        pieces = []
        for _ in range(rng.randint(1, 8)):
            roll = rng.random()
            pieces.append("{{ v%d }}" % rng.randrange(3) if roll < 0.3 else
                          "{%% if c%d %%}" % rng.randrange(2) + rng.choice(texts) + "{% endif %}"
                          if roll < 0.45 else rng.choice(texts))
        source = "".join(pieces)
        context = {"v0": rng.choice(values), "v1": rng.choice(values), "v2": rng.choice(values),
                   "c0": rng.random() < 0.5, "c1": rng.random() < 0.5}
        reference = plain_docxtpl_finish(env.from_string(source).render(context))
        tree = docxtpl_steps.join_lines(env.parse(source))
        ours = docxtpl_steps.finish(env.from_string(tree).render(context))
        assert ours == reference, (source, context)


# --- the compiled code ---------------------------------------------------------------------------

def test_the_appendix_row_is_a_few_joined_pieces_and_no_sandbox_call_per_cell():
    compiled = load_template(TEMPLATE)
    code = compiled._env.compile(compiled._env.parse("{% for u in units %}<r>{{ u.budget|figure }}"
                                                      "{{ u.name }}</r>{% endfor %}"), raw=True)
    loop = code[code.index("for l_1_u"):]
    assert loop.count("yield") == 1 and "yield concat((" in loop
    assert "output(t_" in loop and "escape(" not in loop
    assert "l_1_u['budget'] if type(l_1_u) is dict and 'budget' in l_1_u" in loop


@pytest.mark.parametrize("source, context, expected", [
    ("{{ d.a }}", {"d": {"a": 1}}, "1"),
    ("{{ d.a }}|{{ d['a'] }}", {"d": {"a": "<&>"}}, "&lt;&amp;&gt;|&lt;&amp;&gt;"),
    ("{{ d.get('a', 'x') }}", {"d": {"get": 1}}, "x"),  # a dict method, as Jinja finds it
    ("{{ d.keys()|list|length }}", {"d": {"keys": 1, "b": 2}}, "2"),
    ("{{ d.a is defined }}", {"d": {}}, "False"),
    ("{{ s.upper() }}", {"s": "ạ"}, "Ạ"),
    ("{% for x in xs %}{{ x.n }}{% endfor %}", {"xs": [{"n": 1}, {"n": 2}]}, "12"),
    ("{{ loop_vars }}{% for x in [1] %}{{ loop.index }}{% endfor %}", {"loop_vars": 0}, "01"),
])
def test_attributes_and_keys_read_as_jinjas_sandbox_reads_them(source, context, expected):
    ours = make_environment().from_string(source).render(context)
    theirs = ImmutableSandboxedEnvironment(autoescape=True).from_string(source).render(context)
    assert ours == theirs == expected


@pytest.mark.parametrize("source, context", [
    ("{{ d.a }}", {"d": {}}),
    ("{{ nothing.a }}", {}),
])
def test_a_missing_key_or_name_is_still_undefined(source, context):
    with pytest.raises(jinja2.UndefinedError):
        make_environment().from_string(source).render(context)
    with pytest.raises(TemplateError) as caught:
        render_docx(package(p(source)), context)
    assert caught.value.code == "template_undefined"


def test_a_dict_method_is_not_printed_as_a_key():
    with pytest.raises(TemplateError) as caught:
        render_docx(package(p("{{ d.items }}")), {"d": {"items": 1}})
    assert caught.value.code == "template_value"


def test_getattr_of_a_dict_answers_as_jinjas_sandbox():
    ours = make_environment()  # against Jinja's own getattr, in the same environment
    data = {"a": 1, "items": 2, "__class__": 3}
    for name in ["a", "items", "__class__", "missing", "copy", "__len__", "get"]:
        mine = ours.getattr(data, name)
        jinjas = ImmutableSandboxedEnvironment.getattr(ours, data, name)
        assert type(mine) is type(jinjas), name
        if isinstance(mine, jinja2.Undefined):
            assert mine._undefined_hint == jinjas._undefined_hint, name
        elif callable(mine):
            assert mine.__name__ == jinjas.__name__, name
        else:
            assert mine == jinjas, name


def test_an_autoescape_block_keeps_jinjas_own_code():
    env = make_environment()
    source = "{% autoescape false %}{{ x }}{% endautoescape %}|{{ x }}"
    assert env.from_string(source).render(x="<b>") == "<b>|&lt;b&gt;"


def test_output_in_macros_and_captures_is_unchanged():
    env = make_environment()
    source = ("{% macro m(v) %}<i>{{ v }}</i>{% endmacro %}{% set c %}[{{ x }}]{% endset %}"
              "{{ m(x) }}{{ c }}{{ m(x)|length }}")
    theirs = ImmutableSandboxedEnvironment(autoescape=True).from_string(source).render(x="a&b")
    assert env.from_string(source).render(x="a&b") == theirs == "<i>a&amp;b</i>[a&amp;b]14"


# --- encoding, deflating, sanitize ---------------------------------------------------------------

def test_render_utf8_is_the_encoded_render():
    env = make_environment()
    template = env.from_string("{% for x in xs %}<a>{{ x }}</a>{% endfor %}Hòa Bình")
    context = {"xs": ["ạ", "b", "€", "𝔸"] * 300}
    assert RenderBudget().render_utf8(template, context) == \
        RenderBudget().render(template, context).encode("utf-8")
    with pytest.raises(UnicodeEncodeError):
        RenderBudget().render_utf8(env.from_string("{{ x }}"), {"x": "\ud800"})


def test_a_lone_surrogate_is_still_a_value_error():
    with pytest.raises(TemplateError) as caught:
        render_docx(package(p('{{ "\\ud800" }}')), {})
    assert caught.value.code == "template_value"


def test_deflating_pieces_is_deflating_the_whole():
    rng = random.Random(3)
    data = bytes(rng.randrange(60, 70) for _ in range(300_000))
    cuts = sorted(rng.sample(range(len(data)), 40))
    view = memoryview(data)
    pieces = [view[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    whole, split = deflate("a.xml", data, (2024, 1, 1, 0, 0, 0), 6), \
        deflate("a.xml", pieces, (2024, 1, 1, 0, 0, 0), 6)
    assert split == whole
    assert zlib.decompress(split.data, -15) == data and split.crc == zlib.crc32(data)


@pytest.mark.parametrize("value", [
    {"a": "Hòa Bình", "b": 1, "c": None, "d": "x\x01y", "e": "a\u202eb", "f": ["ạ\u200f"],
     7: "k", "g": Markup("<b>"), "h": True, "i": 2.5},
    {"rows": [{"name": "Lạc Sơn\u00a0", "n": 3}] * 3},
])
def test_sanitize_fast_paths_give_the_same_plain_data(value):
    cleaned = sanitize(value)
    assert cleaned == _slow_sanitize(value)
    assert type(cleaned.get("g", "")) is str


def _slow_sanitize(value):
    from tasks.report.render import _BIDI_CONTROLS
    from tasks.report.text import strip_xml_illegal

    if isinstance(value, str):
        return _BIDI_CONTROLS.sub("", strip_xml_illegal(str.__str__(value)))
    if isinstance(value, dict):
        return {str(k): _slow_sanitize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_slow_sanitize(v) for v in value]
    return value
