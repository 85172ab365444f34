"""The compiled template engine: same document as docxtpl, cached per version, sandboxed, capped.

Broken or hostile templates are built here from the shipped template.docx by editing its XML
with zipfile; no binary fixture is committed. ``edit_docx`` and ``sample_context`` are shared
with test_template_lint.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable
from datetime import date

import docx
import jinja2
import pytest
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from lxml import etree

from tasks.report import ooxml, template_budget, template_engine
from tasks.report.context import ReportOptions
from tasks.report.errors import TemplateError
from tasks.report.intake import examine
from tasks.report.kinds import Catalog
from tasks.report.pipeline import build_context
from tasks.report.render import make_environment, render_docx, sanitize
from tasks.report.request import ReportRequest, resolve
from tasks.report.template_engine import compile_template, load_template
from tasks.settings import REPO_ROOT
from tests.conftest import docx_text

TEMPLATE = REPO_ROOT / "doc_templates" / "gender-equality-month" / "template.docx"
FOOTER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"
FOOTER_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def build_sample_context() -> dict:
    """The context the pipeline builds from the shipped sample (Hòa Bình, 2023)."""
    catalog = Catalog(REPO_ROOT / "doc_templates")
    options = ReportOptions(report_number="5", report_date=date(2023, 12, 4),
                            signer_name="Nguyễn Văn A")
    r = resolve(catalog, ReportRequest("gender-equality-month", "hoa-binh", "2023", options))
    return build_context(r, examine(r, r.kind.sample_path.read_bytes()))


@pytest.fixture(scope="module")
def sample_context() -> dict:
    return build_sample_context()


def with_units(context: dict, count: int) -> dict:
    """``context`` with its appendix rows repeated up to ``count`` units."""
    units = context["units"]
    return {**context, "units": [dict(units[i % len(units)], no=i + 1) for i in range(count)]}


def edit_docx(data: bytes, edits: dict[str, Callable[[str], str]] | None = None,
              add: dict[str, bytes] | None = None) -> bytes:
    """A copy of the .docx ``data`` with parts' text edited and parts added (or replaced)."""
    edits, add = edits or {}, dict(add or {})
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            blob = add.pop(info.filename, None) or zin.read(info)
            if info.filename in edits:
                blob = edits[info.filename](blob.decode("utf-8")).encode("utf-8")
            zout.writestr(info.filename, blob)
        for name, blob in add.items():
            zout.writestr(name, blob)
    return out.getvalue()


def paragraph(text: str) -> str:
    """A body paragraph holding ``text`` in one run (text is XML-escaped here)."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<w:p><w:r><w:t xml:space="preserve">{escaped}</w:t></w:r></w:p>'


def first_paragraph(text: str) -> Callable[[str], str]:
    """An edit of document.xml that puts ``text`` in a new first body paragraph ("đoạn 1")."""
    return lambda xml: xml.replace("<w:body>", "<w:body>" + paragraph(text), 1)


def with_footer(data: bytes, text: str) -> bytes:
    """``data`` with a footer part holding ``text``, related from the document."""
    footer = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{W_NS}">'
              f"{paragraph(text)}</w:ftr>").encode()
    return edit_docx(data, {
        "[Content_Types].xml": lambda x: x.replace(
            "</Types>", f'<Override PartName="/word/footer1.xml" ContentType="{FOOTER_CT}"/>'
                        "</Types>"),
        "word/_rels/document.xml.rels": lambda x: x.replace(
            "</Relationships>", f'<Relationship Id="rId90" Type="{FOOTER_RT}" '
                                'Target="footer1.xml"/></Relationships>'),
    }, add={"word/footer1.xml": footer})


def in_header(text: str) -> Callable[[str], str]:
    """An edit of header1.xml that adds a run holding ``text`` to its paragraph."""
    return lambda xml: xml.replace("</w:p>", f"<w:r><w:t>{text}</w:t></w:r></w:p>", 1)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


def render_plain_docxtpl(template: bytes, context: dict) -> bytes:
    """What docxtpl alone produces, in the same sandbox: the reference for the engine."""
    doc = DocxTemplate(io.BytesIO(template))
    doc.render(sanitize(context), jinja_env=make_environment(), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def c14n(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml), method="c14n")


# --- the same document as docxtpl ------------------------------------------------------------

@pytest.mark.parametrize("units", [10, 200, 2000])
def test_document_xml_is_byte_identical_to_docxtpl(sample_context, units):
    context = with_units(sample_context, units)
    ours = parts(render_docx(TEMPLATE, context))
    theirs = parts(render_plain_docxtpl(TEMPLATE.read_bytes(), context))
    assert ours["word/document.xml"] == theirs["word/document.xml"]
    assert ours["word/header1.xml"] == theirs["word/header1.xml"]
    assert ours["word/header2.xml"] == theirs["word/header2.xml"]
    assert ours.keys() == theirs.keys()


def hostile_units(context: dict, count: int) -> dict:
    """``with_units``, some names holding XML specials, quotes, a line break and a tab, and
    some units not reported, with a two-line status."""
    units = context["units"]
    rows = []
    for i in range(count):
        row = dict(units[i % len(units)], no=i + 1)
        if i % 7 == 3:
            row["name"] += ' & "Sơn" <La> \'x\''
        if i % 11 == 5:
            row["name"] += "\ndòng hai\tcột"
        if i % 13 == 6:
            row.update(reported=False, status="chưa báo cáo\n(quá hạn)")
        rows.append(row)
    return {**context, "units": rows}


@pytest.mark.parametrize("units", [10, 250])
def test_a_large_appendix_with_hostile_values_matches_docxtpl(sample_context, units,
                                                              monkeypatch):
    # A templated footer too, printing values beside a line break.
    template = with_footer(TEMPLATE.read_bytes(), "{{ agency.name }} – {{ units|length }} "
                                                  "đơn vị{{ \"\\n\" }}{{ units[3].name }}")
    context = hostile_units(sample_context, units)
    parsed = []
    monkeypatch.setattr(template_engine, "check_well_formed", parsed.append)
    ours = parts(render_docx(template, context))
    assert parsed == []  # every part proved well-formed (tasks.report.template_xml)
    monkeypatch.undo()
    theirs = parts(render_plain_docxtpl(template, context))
    assert ours.keys() == theirs.keys()
    for name in ours:
        if name.startswith("word/") and name.endswith(".xml"):
            # Quotes in values make the bytes differ (see the test below), not the XML.
            assert ours[name] == theirs[name] or c14n(ours[name]) == c14n(theirs[name]), name
    document = ours["word/document.xml"].decode()
    assert document.count("<w:br/>") >= units // 11 and "<w:tab/>" in document
    assert "&amp; &#34;Sơn&#34; &lt;La&gt; &#39;x&#39;" in document


def test_core_properties_differ_only_by_docxtpls_empty_identifier(sample_context):
    ours = parts(render_docx(TEMPLATE, sample_context))["docProps/core.xml"]
    theirs = parts(render_plain_docxtpl(TEMPLATE.read_bytes(), sample_context))["docProps/core.xml"]
    # docxtpl sets every string property, which adds <dc:identifier></dc:identifier>.
    assert theirs.replace(b"<dc:identifier></dc:identifier>", b"") == ours


def test_templated_header_and_quotes_match_docxtpl_up_to_serialization(sample_context):
    template = edit_docx(TEMPLATE.read_bytes(), {
        "word/header1.xml": in_header("{{ agency.name }} – {{ campaign.theme }}"),
    })
    context = {**sample_context, "agency": {**sample_context["agency"],
                                            "name": 'Sở "Lao động" & \'Xã hội\''}}
    ours, theirs = parts(render_docx(template, context)), parts(
        render_plain_docxtpl(template, context))
    # Jinja writes " and ' as &#34; and &#39;, python-docx re-serializes them as characters:
    # the same XML, compared canonically.
    for name in ("word/document.xml", "word/header1.xml"):
        assert c14n(ours[name]) == c14n(theirs[name])
    assert ours["word/header1.xml"] != theirs["word/header1.xml"]


def test_looping_cells_get_docxtpls_table_fix(sample_context):
    row = ("<w:tr><w:tc>{0}</w:tc><w:tc>{1}</w:tc><w:tc>{2}</w:tc></w:tr>").format(
        paragraph("{%tc for r in recipients %}"), paragraph("{{ r }}"), paragraph("{%tc endfor %}"))
    table = ('<w:tbl><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/>'
             f'<w:gridCol w:w="3000"/></w:tblGrid>{row}</w:tbl>')
    template = edit_docx(TEMPLATE.read_bytes(), {
        "word/document.xml": lambda x: x.replace("<w:body>", "<w:body>" + table, 1)})
    ours = parts(render_docx(template, sample_context))["word/document.xml"]
    theirs = parts(render_plain_docxtpl(template, sample_context))["word/document.xml"]
    assert ours == theirs
    grid = etree.fromstring(ours).find(f".//{{{W_NS}}}tblGrid")
    assert len(grid) == len(sample_context["recipients"])  # fix_tables resized the grid


def test_output_keeps_template_part_order_and_deflates(sample_context):
    output = render_docx(TEMPLATE, sample_context)
    with zipfile.ZipFile(io.BytesIO(output)) as z, zipfile.ZipFile(TEMPLATE) as t:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert z.namelist() == t.namelist()  # the shipped template already lists it first
        assert {i.compress_type for i in z.infolist()} == {zipfile.ZIP_DEFLATED}
        assert z.testzip() is None
        assert [i.date_time for i in z.infolist()] == [i.date_time for i in t.infolist()]


def test_content_types_part_is_moved_first(sample_context):
    data = TEMPLATE.read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        names = zin.namelist()
        reordered = names[1:] + names[:1]
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zout:
            for name in reordered:
                zout.writestr(name, zin.read(name))
    output = render_docx(out.getvalue(), sample_context)
    assert zipfile.ZipFile(io.BytesIO(output)).namelist() == names


def test_rendered_report_reads_back(sample_context):
    text = docx_text(render_docx(TEMPLATE, sample_context))
    assert "Số: 05/BC-SLĐTBXH" in text
    assert "10/10 huyện, thành phố" in text
    assert "{{" not in text and "{%" not in text


def test_same_output_for_same_input(sample_context):
    assert render_docx(TEMPLATE, sample_context) == render_docx(TEMPLATE, sample_context)


# --- one compilation per template version ----------------------------------------------------

def test_a_template_version_is_compiled_once(tmp_path, monkeypatch):
    copy = tmp_path / "template.docx"
    copy.write_bytes(TEMPLATE.read_bytes())
    first = load_template(copy)
    assert load_template(copy) is first
    assert load_template(TEMPLATE.read_bytes()) is first  # same content, same SHA-256
    assert first.sha256 == hashlib.sha256(TEMPLATE.read_bytes()).hexdigest()

    copy.write_bytes(edit_docx(TEMPLATE.read_bytes(), {
        "word/document.xml": first_paragraph("Bản sửa")}))
    os.utime(copy, ns=(1, 1))  # a new mtime even on a coarse clock
    second = load_template(copy)
    assert second is not first
    assert second.sha256 == hashlib.sha256(copy.read_bytes()).hexdigest()


def test_missing_template_file_is_a_template_error(tmp_path, sample_context):
    with pytest.raises(TemplateError) as e:
        render_docx(tmp_path / "none.docx", sample_context)
    assert e.value.code == "template_unreadable"


def test_macro_enabled_main_part_is_refused():
    data = edit_docx(TEMPLATE.read_bytes(), {"[Content_Types].xml": lambda x: x.replace(
        ooxml.CT_MAIN, ooxml.CT_MACRO_MAIN)})
    with pytest.raises(TemplateError) as e:
        compile_template(data)
    assert e.value.code == "not_docx"


# --- the environment --------------------------------------------------------------------------

def test_environment_is_strict_immutable_sandbox_without_loader():
    env = make_environment()
    assert isinstance(env, ImmutableSandboxedEnvironment)
    assert env.undefined is jinja2.StrictUndefined
    assert env.autoescape is True
    assert env.loader is None
    with pytest.raises(SecurityError):
        env.from_string("{% set xs = [1] %}{{ xs.append(2) }}").render()


def test_qty_pads_a_quantity_and_jinjas_count_stays_len():
    env = make_environment()
    assert env.from_string("{{ 5|qty }} {{ 34|qty }}").render() == "05 34"
    assert env.from_string("{{ ['a', 'b', 'c']|count }}").render() == "3"


def test_capfirst_filter():
    assert make_environment().from_string("{{ 'huyện Lạc Sơn'|capfirst }}").render() == \
        "Huyện Lạc Sơn"


def test_undefined_name_is_an_error(sample_context):
    template = edit_docx(TEMPLATE.read_bytes(), {
        "word/document.xml": first_paragraph("{{ totalz.budget }}")})
    with pytest.raises(TemplateError) as e:
        render_docx(template, sample_context)
    assert e.value.code == "template_undefined"
    assert "totalz" in e.value.message


def test_include_is_refused_and_reads_no_file(sample_context, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("BÍ MẬT")
    template = edit_docx(TEMPLATE.read_bytes(), {
        "word/document.xml": first_paragraph(f"{{% include '{secret}' %}}")})
    with pytest.raises(TemplateError) as e:
        render_docx(template, sample_context)
    assert e.value.code == "template_forbidden"


# --- values in the XML ------------------------------------------------------------------------

def _with_agency_name(context: dict, name: str) -> dict:
    return {**context, "agency": {**context["agency"], "name": name}}


def test_xml_special_characters_render_as_text(sample_context):
    name = 'Sở <w:p> & "Ban" \'A\' ]]>'
    output = render_docx(TEMPLATE, _with_agency_name(sample_context, name))
    document = docx.Document(io.BytesIO(output))  # the document is valid XML
    assert any(name in p.text for p in document.paragraphs)
    for blob in parts(output).values():
        if blob.startswith(b"<?xml"):
            etree.fromstring(blob)  # every XML part parses strictly


def test_xml_illegal_control_characters_are_stripped(sample_context):
    output = render_docx(TEMPLATE, _with_agency_name(sample_context, "Sở\x0b Lao\x1f động\ufffe"))
    text = docx_text(output)
    assert "Sở Lao động" in text
    assert "\x0b" not in text and "\x1f" not in text and "\ufffe" not in text


def test_line_break_in_a_value_becomes_a_word_break(sample_context):
    output = render_docx(TEMPLATE, _with_agency_name(sample_context, "Sở A\nPhòng B"))
    document_xml = parts(output)["word/document.xml"].decode()
    assert '<w:br/><w:t xml:space="preserve">Phòng B' in document_xml
    assert any("Sở A\nPhòng B" in p.text for p in docx.Document(io.BytesIO(output)).paragraphs)


def test_context_with_an_object_is_refused(sample_context):
    with pytest.raises(TemplateError) as e:
        render_docx(TEMPLATE, {**sample_context, "doc": object()})
    assert e.value.code == "template_value"


# --- docs/faults.md T1, T2: escapes from the sandbox ------------------------------------------

def _payload(canary) -> str:
    return "{{ cycler.__init__.__globals__.os.popen('touch %s').read() }}" % canary


def _placed(where: str, text: str) -> bytes:
    data = TEMPLATE.read_bytes()
    if where == "body paragraph":
        return edit_docx(data, {"word/document.xml": first_paragraph(text)})
    if where == "table row loop":
        return edit_docx(data, {"word/document.xml": lambda x: x.replace("{{ u.no }}", text)})
    if where == "header":
        return edit_docx(data, {"word/header1.xml": in_header(text)})
    if where == "footer":
        return with_footer(data, text)
    return edit_docx(data, {"docProps/core.xml": lambda x: re.sub(
        "<dc:title>.*?</dc:title>", f"<dc:title>{text}</dc:title>", x)})


PLACES = ["body paragraph", "table row loop", "header", "footer", "core title"]


def test_the_payload_is_live_outside_the_sandbox(tmp_path):
    canary = tmp_path / "pwned"
    jinja2.Template(_payload(canary)).render()
    assert canary.exists()


@pytest.mark.parametrize("where", PLACES)
def test_ssti_payload_is_refused_everywhere(where, tmp_path, sample_context):
    canary = tmp_path / "pwned"
    template = _placed(where, _payload(canary))
    with pytest.raises(TemplateError) as e:
        render_docx(template, sample_context)
    assert e.value.code == "template_forbidden"
    assert not canary.exists()


def test_sandbox_alone_refuses_the_payload_at_run_time(tmp_path):
    canary = tmp_path / "pwned"
    with pytest.raises(SecurityError):
        make_environment().from_string(_payload(canary)).render()
    assert not canary.exists()


ESCAPES = [
    "{{ ''|attr('__class__') }}",
    "{{ ()|attr('__class__')|attr('__base__') }}",
    "{% set f = '{0.__class__}'.format %}{{ f(1) }}",
    "{{ '{0.__class__}'.format_map({}) }}",
    "{{ lipsum.__globals__ }}",
    "{{ self.__init__ }}",
    "{{ namespace.__init__ }}",
]


@pytest.mark.parametrize("payload", ESCAPES)
def test_known_sandbox_escapes_are_refused(payload, sample_context):
    template = edit_docx(TEMPLATE.read_bytes(), {"word/document.xml": first_paragraph(payload)})
    with pytest.raises(TemplateError) as e:
        render_docx(template, sample_context)
    assert e.value.code == "template_forbidden"


@pytest.mark.parametrize("payload", [p for p in ESCAPES if "format_map" not in p])
def test_known_escapes_fail_in_the_sandbox_alone(payload):
    # The first unsafe step gives an undefined value that raises SecurityError when used;
    # a second |attr on it raises UndefinedError first. Either way nothing is reached.
    with pytest.raises((SecurityError, jinja2.UndefinedError)):
        make_environment().from_string(payload).render()


def test_jinja_is_recent_enough():
    from importlib.metadata import version
    assert tuple(int(x) for x in version("jinja2").split(".")[:3]) >= (3, 1, 6)


# --- docs/faults.md T3: resource exhaustion ----------------------------------------------------

@pytest.mark.parametrize("payload", ["{{ 'A' * 100000000 }}", "{{ 9**9**9 }}",
                                     "{{ [0] * 10**8 }}"])
def test_costly_operators_stop_at_render(payload, sample_context):
    template = edit_docx(TEMPLATE.read_bytes(), {"word/document.xml": first_paragraph(payload)})
    with pytest.raises(TemplateError) as e:
        render_docx(template, sample_context)
    assert e.value.code == "template_too_large"


def test_output_is_capped(sample_context, monkeypatch):
    monkeypatch.setattr(template_budget, "MAX_OUTPUT_CHARS", 2_000_000)
    loop = "{% for i in range(100000) %}" + "x" * 100 + "{% endfor %}"  # 10 million characters
    template = edit_docx(TEMPLATE.read_bytes(), {"word/document.xml": first_paragraph(loop)})
    with pytest.raises(TemplateError) as e:
        render_docx(template, sample_context)
    assert e.value.code == "template_too_large"
    assert "2 triệu ký tự" in e.value.message


def test_default_output_cap_is_50_mb():
    assert template_budget.MAX_OUTPUT_CHARS == 50_000_000


def test_unclosed_block_is_a_syntax_error(sample_context):
    template = edit_docx(TEMPLATE.read_bytes(), {
        "word/document.xml": lambda x: x.replace("{%p endif %}", "", 1)})
    with pytest.raises(TemplateError) as e:
        render_docx(template, sample_context)
    assert e.value.code == "template_syntax"
    assert "word/document.xml" in e.value.message
