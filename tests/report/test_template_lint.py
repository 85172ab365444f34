"""The template lint: shipped templates pass; each broken template yields its finding and place.

Every broken template is the shipped template.docx with its XML edited (or a part added);
most put the problem in a new first paragraph ("đoạn 1") or a new first table ("bảng 1") so
the expected place does not depend on the template's layout.
"""

from __future__ import annotations

import io
import os
import zipfile

import pytest

from tasks.report import ooxml
from tasks.report.errors import Finding, TemplateError
from tasks.report.kinds import Catalog
from tasks.report.render import render_docx
from tasks.report.template_lint import format_lint, lint_template
from tasks.settings import REPO_ROOT
from tests.report.test_render import (
    ESCAPES,
    PLACES,
    TEMPLATE,
    _payload,
    _placed,
    build_sample_context,
    edit_docx,
    first_paragraph,
    in_header,
    paragraph,
    parts,
    render_plain_docxtpl,
    with_footer,
)

BODY = "word/document.xml"
DOC_RELS = "word/_rels/document.xml.rels"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


@pytest.fixture(scope="module")
def context() -> dict:
    return build_sample_context()


@pytest.fixture(scope="module")
def shipped() -> bytes:
    return TEMPLATE.read_bytes()


def lint(data: bytes, context: dict) -> list[Finding]:
    return lint_template(data, context)


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def only(findings: list[Finding], code: str) -> Finding:
    """The one finding of ``code``; fails listing all findings otherwise."""
    matching = [f for f in findings if f.code == code]
    assert len(matching) == 1, format_lint(findings)
    return matching[0]


def body_start(xml_fragment: str):
    return {BODY: lambda xml: xml.replace("<w:body>", "<w:body>" + xml_fragment, 1)}


def first_table(rows: list[list[str]]) -> dict:
    """An edit putting a table of ``rows`` (cell texts) first in the body: it is "bảng 1"."""
    cells = "".join("<w:tr>" + "".join(f"<w:tc>{paragraph(c)}</w:tc>" for c in row) + "</w:tr>"
                    for row in rows)
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in rows[0])
    return body_start(f"<w:tbl><w:tblGrid>{grid}</w:tblGrid>{cells}</w:tbl>")


def add_relationship(rels: str, rel_type: str, target: str, external: bool = True):
    mode = ' TargetMode="External"' if external else ""
    return lambda xml: xml.replace(
        "</Relationships>", f'<Relationship Id="rId99" Type="{RT}{rel_type}" Target="{target}"'
                            f"{mode}/></Relationships>")


# --- shipped templates ------------------------------------------------------------------------

def test_shipped_template_passes_with_its_data(shipped, context):
    assert lint(shipped, context) == [], format_lint(lint(shipped, context))


@pytest.mark.parametrize("path", sorted((REPO_ROOT / "doc_templates").glob("*/*.docx")),
                         ids=lambda p: p.parent.name)
def test_every_shipped_template_passes(path):
    assert lint_template(path.read_bytes(), None) == []


def test_sample_context_provides_exactly_the_names_the_kind_allows(context):
    # The names a template may use: the common ones and the kind's figures.
    kind = Catalog(REPO_ROOT / "doc_templates").kind("gender-equality-month")
    assert set(context) == set(kind.context_names) == {
        "doc", "agency", "campaign", "period", "report", "signer", "recipients", "coverage",
        "plans", "totals", "units", "broadcast_units", "online_post_units", "highlights",
        "province_activities", "assessment",
    }


def test_lint_reads_nothing_it_renders(shipped, context, tmp_path):
    canary = tmp_path / "pwned"
    lint(edit_docx(shipped, {BODY: first_paragraph(_payload(canary))}), context)
    assert not canary.exists()


# --- the package --------------------------------------------------------------------------------

def test_not_a_zip(context):
    assert codes(lint(b"Day khong phai tep Word", context)) == {"not_docx"}


def test_old_doc_or_password_protected(context):
    assert codes(lint(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), context)) == {"not_docx"}


def test_zip_without_content_types(context):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    assert codes(lint(out.getvalue(), context)) == {"not_docx"}


def test_template_main_part_dotx(shipped, context):
    dotx = ooxml.CT_MAIN.replace("document.main", "template.main")
    data = edit_docx(shipped, {"[Content_Types].xml": lambda x: x.replace(ooxml.CT_MAIN, dotx)})
    assert only(lint(data, context), "not_docx").location == BODY


def test_macro_enabled_main_part(shipped, context):
    data = edit_docx(shipped, {"[Content_Types].xml": lambda x: x.replace(
        ooxml.CT_MAIN, ooxml.CT_MACRO_MAIN)})
    assert only(lint(data, context), "macro").location == BODY


def test_vba_project(shipped, context):
    data = edit_docx(shipped, add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
    assert only(lint(data, context), "macro").location == "word/vbaProject.bin"


@pytest.mark.parametrize("name", ["word/activeX/activeX1.xml", "word/embeddings/oleObject1.bin"])
def test_activex_and_ole(shipped, context, name):
    data = edit_docx(shipped, add={name: b"<ax/>" if name.endswith(".xml") else b"\0OLE"})
    assert only(lint(data, context), "active_content").location == name


def test_ole_relationship(shipped, context):
    data = edit_docx(shipped, {DOC_RELS: add_relationship(
        DOC_RELS, "oleObject", "embeddings/x.bin", external=False)})
    assert only(lint(data, context), "active_content").location == DOC_RELS


def test_attached_remote_template(shipped, context):
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
            f'Id="rId1" Type="{RT}attachedTemplate" Target="http://127.0.0.1:9/t.dotm" '
            'TargetMode="External"/></Relationships>')
    data = edit_docx(shipped, add={"word/_rels/settings.xml.rels": rels.encode()})
    finding = only(lint(data, context), "external_link")
    assert finding.location == "word/_rels/settings.xml.rels"
    assert "attachedTemplate" in finding.message


@pytest.mark.parametrize("rel_type, target", [
    ("image", "http://127.0.0.1:9/logo.png"),
    ("hyperlink", "file:///etc/passwd"),
    ("hyperlink", "\\\\host\\share\\x.docx"),
    ("hyperlink", "http://example.com/"),
])
def test_external_relationships(shipped, context, rel_type, target):
    data = edit_docx(shipped, {DOC_RELS: add_relationship(DOC_RELS, rel_type, target)})
    assert only(lint(data, context), "external_link").location == DOC_RELS


@pytest.mark.parametrize("target", ["https://molisa.gov.vn/", "mailto:vbdg@example.vn"])
def test_https_and_mailto_links_are_allowed(shipped, context, target):
    data = edit_docx(shipped, {DOC_RELS: add_relationship(DOC_RELS, "hyperlink", target)})
    assert lint(data, context) == []


def test_doctype(shipped, context):
    bomb = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    data = edit_docx(shipped, {"word/settings.xml": lambda x: x.replace("?>", "?>" + bomb, 1)})
    assert only(lint(data, context), "doctype").location == "word/settings.xml"


def test_compression_ratio_bomb(shipped, context):
    data = edit_docx(shipped, add={"word/media/image9.png": bytes(2 * 1024 * 1024)})
    assert only(lint(data, context), "archive_too_large").location == "word/media/image9.png"


def test_too_many_parts(shipped, context):
    data = edit_docx(shipped, add={f"customXml/item{n}.xml": b"<a/>" for n in range(10, 510)})
    finding = only(lint(data, context), "archive_too_large")
    assert "500" in finding.message


def test_declared_size_too_large(shipped, context, monkeypatch):
    monkeypatch.setattr(ooxml, "MAX_TOTAL_SIZE", 1024 * 1024)  # instead of writing 100 MB
    data = edit_docx(shipped, add={"word/media/image9.png": os.urandom(1024 * 1024)})
    assert "MB" in only(lint(data, context), "archive_too_large").message


# --- tags ---------------------------------------------------------------------------------------

def test_syntax_error_in_a_paragraph(shipped, context):
    data = edit_docx(shipped, {BODY: first_paragraph("{{ totals.budget|num( }}")})
    assert only(lint(data, context), "jinja_syntax").location == f"{BODY}, đoạn 1"


def test_unknown_filter_in_a_table_cell(shipped, context):
    data = edit_docx(shipped, first_table([["STT", "Tên"], ["{{ doc.place|nofilter }}", ""]]))
    finding = only(lint(data, context), "jinja_syntax")
    assert finding.location == f"{BODY}, bảng 1, hàng 2, ô 1"
    assert "nofilter" in finding.message


def test_tag_split_across_paragraphs(shipped, context):
    data = edit_docx(shipped, body_start(paragraph("{{ doc.") + paragraph("place }}")))
    found = [f for f in lint(data, context) if f.code == "split_tag"]
    assert [f.location for f in found] == [f"{BODY}, đoạn 1", f"{BODY}, đoạn 2"]


def test_tag_split_across_a_hyperlink(shipped, context):
    split = ('<w:p><w:r><w:t>{{ doc.</w:t></w:r><w:hyperlink><w:r><w:t>place }}</w:t></w:r>'
             "</w:hyperlink></w:p>")
    data = edit_docx(shipped, body_start(split))
    assert only(lint(data, context), "split_tag").location == f"{BODY}, đoạn 1"


def test_tag_split_across_runs_is_repaired(shipped, context):
    split = ('<w:p><w:r><w:t>{</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>{ doc.pl</w:t></w:r>'
             "<w:r><w:t>ace }}</w:t></w:r></w:p>")
    data = edit_docx(shipped, body_start(split))
    assert lint(data, context) == []


def test_unclosed_paragraph_if(shipped, context):
    data = edit_docx(shipped, {BODY: first_paragraph("{%p if doc.addressee %}")})
    finding = only(lint(data, context), "unbalanced_block")
    assert finding.location == f"{BODY}, đoạn 1"
    assert "endif" in finding.message


def test_end_without_opening(shipped, context):
    data = edit_docx(shipped, {BODY: first_paragraph("{%p endfor %}")})
    assert only(lint(data, context), "unbalanced_block").location == f"{BODY}, đoạn 1"


def test_else_outside_a_block(shipped, context):
    data = edit_docx(shipped, {BODY: first_paragraph("{%p else %}")})
    assert only(lint(data, context), "unbalanced_block").location == f"{BODY}, đoạn 1"


def test_block_that_cuts_a_paragraph(shipped, context):
    # "{%-" makes docxtpl glue the tag to the previous paragraph's text: the loop then
    # repeats an opened, unclosed paragraph, which no data can render into valid XML.
    loop = (paragraph("{%p for u in units %}") + paragraph("Đơn vị {{ u.name }}")
            + paragraph("{%- endfor %}"))
    data = edit_docx(shipped, body_start(loop))
    assert only(lint(data, context), "tag_breaks_xml").location == f"{BODY}, đoạn 3"
    with pytest.raises(TemplateError) as e:
        render_docx(data, context)
    assert e.value.code == "template_xml"


def test_docxtpl_cell_tags_pass_and_render_as_docxtpl(shipped, context):
    def row(*texts):
        return "<w:tr>" + "".join(f'<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/></w:tcPr>'
                                  f"{paragraph(t)}</w:tc>" for t in texts) + "</w:tr>"
    table = ('<w:tbl><w:tblGrid>' + '<w:gridCol w:w="2000"/>' * 3 + "</w:tblGrid>"
             + row("{%tr for r in recipients %}", "", "")
             + row("{% vm %}{{ agency.name }}", "{{ r }}", "x") + row("{%tr endfor %}", "", "")
             + row("{%tc for r in recipients %}", "{% hm %}{{ r }}", "{%tc endfor %}")
             + row("{% colspan 2 %}a", "b", "{% cellbg 'FFFF00' %}c") + "</w:tbl>")
    data = edit_docx(shipped, body_start(table))
    assert lint(data, context) == []
    ours = parts(render_docx(data, context))["word/document.xml"]
    assert ours == parts(render_plain_docxtpl(data, context))["word/document.xml"]


def test_paragraph_tag_with_other_text(shipped, context):
    data = edit_docx(shipped, body_start(paragraph("Kính gửi {%p if doc.addressee %}")
                                         + paragraph("{%p endif %}")))
    assert only(lint(data, context), "control_tag_misplaced").location == f"{BODY}, đoạn 1"


def test_row_tag_in_a_row_with_text(shipped, context):
    data = edit_docx(shipped, first_table([["{%tr for u in units %}", "Tên"], ["{{ u.no }}", ""],
                                           ["{%tr endfor %}", ""]]))
    found = [f.location for f in lint(data, context) if f.code == "control_tag_misplaced"]
    assert found == [f"{BODY}, bảng 1, hàng 1, ô 1"]


def test_tag_in_a_field_code(shipped, context):
    field = ('<w:p><w:fldSimple w:instr="INCLUDEPICTURE &quot;{{ doc.place }}&quot;">'
             "<w:r><w:t>ảnh</w:t></w:r></w:fldSimple></w:p>")
    findings = lint(edit_docx(shipped, body_start(field)), context)
    assert only(findings, "tag_in_field").location == f"{BODY}, đoạn 1"
    assert only(findings, "dangerous_field").location == f"{BODY}, đoạn 1"


def test_tag_in_instr_text(shipped, context):
    field = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> HYPERLINK '
             '"{{ doc.place }}" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>'
             "</w:p>")
    assert only(lint(edit_docx(shipped, body_start(field)), context),
                "tag_in_field").location == f"{BODY}, đoạn 1"


def test_ddeauto_field(shipped, context):
    field = ('<w:p><w:r><w:t>A</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
             '<w:r><w:instrText xml:space="preserve"> DDEAUTO c:\\\\windows\\\\system32\\\\'
             'cmd.exe "/k calc.exe" </w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/>'
             "</w:r></w:p>")
    assert only(lint(edit_docx(shipped, body_start(field)), context),
                "dangerous_field").location == f"{BODY}, đoạn 1"


def test_page_number_field_is_fine(shipped, context):
    field = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE '
             '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    assert lint(edit_docx(shipped, body_start(field)), context) == []


@pytest.mark.parametrize("tag", ["{% include 'mau.docx' %}", "{% import 'x' as x %}",
                                 "{% from 'x' import y %}", "{% extends 'goc.docx' %}"])
def test_include_import_extends(shipped, context, tag):
    data = edit_docx(shipped, {BODY: first_paragraph(tag)})
    assert only(lint(data, context), "include_forbidden").location == f"{BODY}, đoạn 1"


@pytest.mark.parametrize("where, location", [
    ("body paragraph", f"{BODY}, đoạn 1"),
    ("table row loop", f"{BODY}, bảng "),
    ("header", "word/header1.xml, đoạn 1"),
    ("footer", "word/footer1.xml, đoạn 1"),
    ("core title", "docProps/core.xml, title"),
])
def test_ssti_payload_is_found_where_it_sits(where, location, context, tmp_path):
    findings = lint(_placed(where, _payload(tmp_path / "pwned")), context)
    found = [f for f in findings if f.code == "forbidden_access"]
    assert found and all(f.location.startswith(location) for f in found)
    assert PLACES  # the same five places the render test refuses


@pytest.mark.parametrize("payload", ESCAPES)
def test_known_escapes_are_found(shipped, context, payload):
    data = edit_docx(shipped, {BODY: first_paragraph(payload)})
    found = [f for f in lint(data, context) if f.code == "forbidden_access"]
    assert found and {f.location for f in found} == {f"{BODY}, đoạn 1"}


@pytest.mark.parametrize("payload", ["{{ 9**9**9 }}", "{{ 2 ** 100000 }}",
                                     "{{ 'A' * 100000000 }}", "{{ 'A' * 10**8 }}",
                                     "{{ [1, 2] * 1000000 }}"])
def test_costly_expressions(shipped, context, payload):
    data = edit_docx(shipped, {BODY: first_paragraph(payload)})
    assert only(lint(data, context), "too_costly").location == f"{BODY}, đoạn 1"


def test_loops_nested_four_deep(shipped, context):
    loops = "".join(paragraph(f"{{%p for x{n} in units %}}") for n in range(4))
    loops += paragraph("{{ x3.no }}") + paragraph("{%p endfor %}") * 4
    finding = only(lint(edit_docx(shipped, body_start(loops)), context), "too_costly")
    assert finding.location == f"{BODY}, đoạn 4"


def test_three_nested_loops_are_fine(shipped, context):
    loops = "".join(paragraph(f"{{%p for x{n} in units %}}") for n in range(3))
    loops += paragraph("{{ x2.no }}") + paragraph("{%p endfor %}") * 3
    assert lint(edit_docx(shipped, body_start(loops)), context) == []


def test_unknown_variable(shipped, context):
    data = edit_docx(shipped, {BODY: first_paragraph("Tổng: {{ totalz.budget|num }}")})
    finding = only(lint(data, context), "unknown_variable")
    assert finding.location == f"{BODY}, đoạn 1"
    assert "totalz" in finding.message and "totals" in finding.message


def test_unknown_variable_in_a_header(shipped, context):
    data = edit_docx(shipped, {"word/header1.xml": in_header("{{ cơ_quan }}")})
    assert only(lint(data, context), "unknown_variable").location == "word/header1.xml, đoạn 1"


def test_unknown_variable_in_a_footer(shipped, context):
    finding = only(lint(with_footer(shipped, "{{ agencyy.name }}"), context), "unknown_variable")
    assert finding.location == "word/footer1.xml, đoạn 1"


def test_loop_variables_and_sets_are_declared(shipped, context):
    text = "{% set n = units|length %}{{ n }}{% for x in units %}{{ x.no }}{% endfor %}"
    assert lint(edit_docx(shipped, {BODY: first_paragraph(text)}), context) == []


def test_without_a_schema_names_are_not_checked(shipped):
    data = edit_docx(shipped, {BODY: first_paragraph("{{ totalz.budget }}")})
    assert lint_template(data, None) == []


def test_tags_in_a_part_that_is_not_rendered(shipped, context):
    comments_ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
    comments = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments xmlns:w='
                '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:comment '
                f'w:id="0">{paragraph("{{ doc.place }}")}</w:comment></w:comments>')
    data = edit_docx(shipped, {"[Content_Types].xml": lambda x: x.replace(
        "</Types>", f'<Override PartName="/word/comments.xml" ContentType="{comments_ct}"/>'
                    "</Types>")}, add={"word/comments.xml": comments.encode()})
    assert only(lint(data, context), "tag_not_rendered").location == "word/comments.xml"


# --- the report for the command line ------------------------------------------------------------

def test_format_lint_lists_code_place_and_message(shipped, context):
    data = edit_docx(shipped, {BODY: first_paragraph("{{ totalz.budget }}")})
    text = format_lint(lint(data, context))
    assert text.splitlines()[0] == "Mẫu có 1 vấn đề cần sửa:"
    assert f"- [unknown_variable] {BODY}, đoạn 1: Biến «totalz»" in text


def test_format_lint_when_clean():
    assert format_lint([]) == "Mẫu hợp lệ: không phát hiện vấn đề nào."
