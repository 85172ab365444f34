"""The package rules (issue 13 items 9 and 10), as the lint reports them and as the engine
refuses them: DTDs in any encoding, UTF-16 parts, and every way to content outside the file."""

from __future__ import annotations

import pytest

from tasks.report import package_rules
from tasks.report.errors import TemplateError
from tasks.report.render import render_docx
from tasks.report.template_engine import compile_template
from tasks.report.template_lint import format_lint, lint_template
from tests.conftest import docx_text
from tests.report.test_render import (
    TEMPLATE,
    build_sample_context,
    edit_docx,
    parts,
)

BODY = "word/document.xml"
DOC_RELS = "word/_rels/document.xml.rels"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
DOCTYPE_BOMB = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'


@pytest.fixture(scope="module")
def context() -> dict:
    return build_sample_context()


@pytest.fixture(scope="module")
def shipped() -> bytes:
    return TEMPLATE.read_bytes()


def utf16(xml: str) -> bytes:
    """``xml`` (with its declaration) re-declared and encoded as UTF-16 with a byte-order mark."""
    return xml.replace("encoding='UTF-8'", "encoding='UTF-16'").replace(
        'encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


def part_text(data: bytes, name: str) -> str:
    return parts(data)[name].decode("utf-8")


def refused_everywhere(data: bytes, context: dict, code: str, location: str) -> None:
    """The lint reports ``code`` at ``location`` and the engine refuses to compile the file."""
    findings = lint_template(data, context)
    assert [f.location for f in findings if f.code == code] == [location], format_lint(findings)
    with pytest.raises(TemplateError) as caught:
        compile_template(data)
    assert caught.value.code == code
    assert location.split(",")[0] in caught.value.message


# --- item 9: DTDs whatever the encoding, and UTF-16 parts --------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_doctype_is_refused_in_any_encoding(shipped, context, encoding):
    settings = part_text(shipped, "word/settings.xml").replace("?>", "?>" + DOCTYPE_BOMB, 1)
    blob = settings.encode() if encoding == "utf-8" else utf16(settings)
    data = edit_docx(shipped, add={"word/settings.xml": blob})
    if encoding == "utf-16":
        assert b"<!DOCTYPE" not in blob  # what a byte search misses
    refused_everywhere(data, context, "doctype", "word/settings.xml")


def test_a_doctype_in_a_utf16_body_is_refused_not_copied(shipped, context):
    body = part_text(shipped, BODY).replace("?>", "?>" + DOCTYPE_BOMB, 1)
    data = edit_docx(shipped, add={BODY: utf16(body)})
    refused_everywhere(data, context, "doctype", BODY)


def test_a_utf16_body_renders_like_the_utf8_one(shipped, context):
    data = edit_docx(shipped, add={BODY: utf16(part_text(shipped, BODY))})
    assert lint_template(data, context) == []
    assert docx_text(render_docx(data, context)) == docx_text(render_docx(shipped, context))
    declaration = b"<?xml version='1.0' encoding='UTF-8'"
    assert parts(render_docx(data, context))[BODY].startswith(declaration)


def test_a_utf16_header_with_tags_renders(shipped, context):
    header = part_text(shipped, "word/header1.xml").replace(
        "</w:p>", "<w:r><w:t>{{ agency.name }}</w:t></w:r></w:p>", 1)
    data = edit_docx(shipped, add={"word/header1.xml": utf16(header)})
    rendered = parts(render_docx(data, context))["word/header1.xml"].decode()
    assert context["agency"]["name"] in rendered


def test_a_malformed_xml_part_is_refused(shipped, context):
    data = edit_docx(shipped, add={"word/webSettings.xml": b"<w:webSettings><broken>"})
    refused_everywhere(data, context, "not_docx", "word/webSettings.xml")


# --- item 10: nothing outside the file ------------------------------------------------------------

def relationship(rel_type: str, target: str, external: bool) -> dict:
    mode = ' TargetMode="External"' if external else ""
    return {DOC_RELS: lambda x: x.replace(
        "</Relationships>", f'<Relationship Id="rId99" Type="{RT}{rel_type}" Target="{target}"'
                            f"{mode}/></Relationships>")}


def test_an_altchunk_is_refused(shipped, context):
    html = b'<html><body><img src="http://127.0.0.1:9/x.png"></body></html>'
    data = edit_docx(shipped, {
        **relationship("aFChunk", "afchunk.htm", external=False),
        "[Content_Types].xml": lambda x: x.replace(
            "</Types>", '<Override PartName="/word/afchunk.htm" ContentType="text/html"/></Types>'),
        BODY: lambda x: x.replace("<w:body>", '<w:body><w:altChunk r:id="rId99"/>', 1),
    }, add={"word/afchunk.htm": html})
    refused_everywhere(data, context, "alt_chunk", DOC_RELS)


@pytest.mark.parametrize("target", ["http://127.0.0.1:9/x", "//127.0.0.1/x", "\\\\host\\share\\x",
                                    "file:///etc/passwd"])
def test_a_url_target_without_external_mode_is_refused(shipped, context, target):
    data = edit_docx(shipped, relationship("image", target, external=False))
    refused_everywhere(data, context, "external_link", DOC_RELS)


def test_an_http_hyperlink_relationship_is_refused_by_the_engine_too(shipped, context):
    data = edit_docx(shipped, relationship("hyperlink", "http://example.com/", external=True))
    refused_everywhere(data, context, "external_link", DOC_RELS)


def simple_field(instruction: str) -> dict:
    field = (f'<w:p><w:fldSimple w:instr="{instruction}"><w:r><w:t>liên kết</w:t></w:r>'
             "</w:fldSimple></w:p>")
    return {BODY: lambda x: x.replace("<w:body>", "<w:body>" + field, 1)}


def complex_field(instruction: str) -> dict:
    field = ('<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText '
             f'xml:space="preserve">{instruction}</w:instrText></w:r><w:r><w:fldChar '
             'w:fldCharType="separate"/></w:r><w:r><w:t>liên kết</w:t></w:r><w:r><w:fldChar '
             'w:fldCharType="end"/></w:r></w:p>')
    return {BODY: lambda x: x.replace("<w:body>", "<w:body>" + field, 1)}


@pytest.mark.parametrize("field", [simple_field, complex_field], ids=["simple", "complex"])
@pytest.mark.parametrize("instruction", [
    ' HYPERLINK &quot;http://127.0.0.1:9/x&quot; ', " HYPERLINK http://127.0.0.1:9/x ",
    ' HYPERLINK \\o &quot;mẹo&quot; &quot;file:///etc/passwd&quot; ',
])
def test_a_hyperlink_field_outside_https_is_refused(shipped, context, field, instruction):
    refused_everywhere(edit_docx(shipped, field(instruction)), context, "external_link",
                       f"{BODY}, đoạn 1")


@pytest.mark.parametrize("field", [simple_field, complex_field], ids=["simple", "complex"])
@pytest.mark.parametrize("instruction", [
    ' HYPERLINK &quot;https://molisa.gov.vn/&quot; ', ' HYPERLINK &quot;mailto:a@b.vn&quot; ',
    ' HYPERLINK \\l &quot;_Toc123&quot; ',
])
def test_https_mailto_and_bookmark_hyperlink_fields_are_allowed(shipped, context, field,
                                                               instruction):
    data = edit_docx(shipped, field(instruction))
    assert lint_template(data, context) == []
    assert "liên kết" in docx_text(render_docx(data, context))


def test_the_same_allow_list_for_relationships_and_fields():
    for target in ("https://x.vn", "HTTPS://X.VN", "mailto:a@b.vn"):
        assert package_rules.safe_link(target)
        assert package_rules.field_findings("đoạn 1", f'HYPERLINK "{target}"') == []
    for target in ("http://x.vn", "file:///x", "\\\\h\\s", "javascript:x"):
        assert not package_rules.safe_link(target)
        assert package_rules.field_findings("đoạn 1", f'HYPERLINK "{target}"')[0].code \
            == "external_link"


@pytest.mark.parametrize("instruction, target", [
    ('HYPERLINK "http://a"', "http://a"), ("HYPERLINK http://a \\o tip", "http://a"),
    ('HYPERLINK \\l "bm"', None), ('HYPERLINK \\t "_blank" \\l "bm" "x.htm"', "x.htm"),
    ("PAGE", None), ('hyperlink "HTTP://A"', "HTTP://A"),
])
def test_hyperlink_target_is_read_like_word_reads_it(instruction, target):
    assert package_rules.hyperlink_target(instruction) == target


def test_the_shipped_template_breaks_no_package_rule(shipped):
    from tasks.report import ooxml
    assert package_rules.package_findings(ooxml.read_package(shipped)) == []


def test_a_dangerous_field_is_refused_by_the_engine_too(shipped, context):
    refused_everywhere(edit_docx(shipped, complex_field(' INCLUDETEXT "c:\\\\x.docx" ')),
                       context, "dangerous_field", f"{BODY}, đoạn 1")


def test_macros_bypassing_the_lint_are_refused_when_compiled(shipped):
    data = edit_docx(shipped, add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"})
    with pytest.raises(TemplateError) as caught:
        compile_template(data)
    assert caught.value.code == "macro"
