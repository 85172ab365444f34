"""docxtpl's steps as the compiled engine runs them: prepared once, then skipped when proved
idle. This is the seam between docxtpl 0.20.2 and ``template_engine``.

What the engine guarantees, for a template and a context of plain data (``render.sanitize``),
compared with ``DocxTemplate(template).render(context)`` in the same Jinja environment:

- ``word/document.xml``, headers, footers and footnotes are equal after XML canonicalisation
  (C14N), and most often byte-identical (23 of the 30 parts of the parity test). Where bytes
  differ it is serialisation only: Jinja writes ``"`` and ``'`` in values as ``&#34;`` and
  ``&#39;`` (lxml writes characters when docxtpl re-parses the body), and a part without any
  tag is copied as the template holds it, where docxtpl writes it again through lxml.
- every other part is copied unchanged (docxtpl re-writes ``docProps/core.xml`` through
  python-docx and adds an empty ``<dc:identifier>`` the engine does not), in the template's
  order with ``[Content_Types].xml`` first, deflated, with the template's dates.

Where the engine deliberately differs from docxtpl (each a test in
``tests/report/test_docxtpl_parity.py``):

- an ``&`` in a string literal of a tag (``default("Tom & Jerry")``) is the character ``&``:
  docxtpl leaves it as the ``&amp;`` of the XML, so with autoescaping it prints ``&amp;amp;``;
- docxtpl's escapes ``{_{ }_} {_% %_}`` become ``{{ }} {% %}`` in the template's own text,
  before compiling; docxtpl rewrites the rendered document, so data typed as ``{_{ 7*7 }_}``
  came out as ``{{ 7*7 }}``. Data now appears as typed;
- a body whose output is not well-formed XML is refused (``template_xml``) rather than
  repaired by lxml's ``recover=True`` parser;
- the control characters ``\a`` and ``\f`` in data, which docxtpl turns into a new paragraph
  and a page break, are removed with the other characters XML cannot hold
  (``render.sanitize``): data cannot add paragraphs or pages to an official document.

The speed-ups, and why each is exact:

1. ``prepare`` runs docxtpl's ``patch_xml`` once per template version, not per render.
2. The body is spliced between the bytes python-docx writes before and after ``<w:body>``
   instead of being parsed and serialised, unless docxtpl's fixes can change it: its table
   fix when ``table_grid.grid_may_change`` says so, its ``docPr`` renumbering whenever the
   body holds a ``docPr``. Otherwise both fixes return their input, and serialising the
   parsed body gives the same XML (canonically; see above).
3. ``resolve_listing`` (values' ``\\n``, ``\\t`` as Word breaks and tabs) runs only on the
   paragraphs that hold one of the characters it converts. It works paragraph by paragraph
   (its outer expression, ``_LISTING_PARAGRAPH``, matches each ``<w:p>`` … ``</w:p>`` alone)
   and returns a paragraph without those characters unchanged, so running it on each such
   paragraph alone gives the same XML; a value with a line break no longer sends the whole
   body (every row of a large appendix) through its three nested expressions.
4. Joining paragraph lines is a plain replace of ``"\\n<w:p"`` instead of docxtpl's regular
   expression: autoescaped values cannot hold ``<``, and the prepared XML has no other
   line breaks, so both remove exactly the line breaks ``prepare`` added.
"""

from __future__ import annotations

import re
from copy import deepcopy

from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import nodes
from lxml import etree

_PARAGRAPH = re.compile(r"<w:p([ >])")
# docxtpl's clean_tags span: the inside of a {{ … }} or {% … %} tag, on one line.
_TAG_INSIDE = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]\})")
_BRACES = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
_LISTING_CHARS = "\n\t\f\a"
# docxtpl's resolve_listing's own paragraph expression.
_LISTING_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)


def helper() -> DocxTemplate:
    """A DocxTemplate without a document, for its XML functions (patch_xml, fix_tables …)."""
    return DocxTemplate(None)


def prepare(xml: str, kind: str) -> str:
    """The Jinja source of a part's XML as docxtpl prepares it, with an ``&`` typed in a tag
    made a plain ``&`` again; ``kind`` "core" (document properties) keeps its lines."""
    source = helper().patch_xml(xml)
    if "&amp;" in source:
        source = _TAG_INSIDE.sub(lambda m: m.group().replace("&amp;", "&"), source)
    if kind == "core":
        return source
    return _PARAGRAPH.sub(r"\n<w:p\1", source)  # docxtpl's render_xml_part: a line per paragraph


def unescape_braces(tree: nodes.Template) -> nodes.Template:
    """``tree`` with docxtpl's escapes (``{_{`` …) turned into braces in its own text only."""
    for data in tree.find_all(nodes.TemplateData):
        for escaped, plain in _BRACES:
            if escaped in data.data:
                data.data = data.data.replace(escaped, plain)
    return tree


def finish(xml: str) -> str:
    """docxtpl's render_xml_part after rendering, for WordprocessingML parts: paragraph lines
    joined, and "\\n", "\\t" in values turned into Word breaks and tabs."""
    xml = xml.replace("\n<w:p", "<w:p")
    if any(ch in xml for ch in _LISTING_CHARS):
        docx = helper()

        def paragraph(m: re.Match) -> str:
            text = m.group(0)
            if any(ch in text for ch in _LISTING_CHARS):
                return docx.resolve_listing(text)
            return text

        xml = _LISTING_PARAGRAPH.sub(paragraph, xml)
    return xml


def fixed_body(xml: str, start_tag: str | None, skeleton: etree._Element,
               renumber: bool) -> bytes:
    """docxtpl's way when cells loop or merge or images repeat: parse the rendered body, fix
    the table grids (and the ``docPr`` ids when ``renumber``), serialise the document.

    ``start_tag`` is the body's start tag with its namespace declarations (None when it has
    none), ``skeleton`` the ``w:document`` element holding an empty body. Raises lxml's
    ``XMLSyntaxError`` or ``AttributeError`` (a table without a grid) as docxtpl does.
    """
    docx = helper()
    if start_tag:
        xml = start_tag + xml.removeprefix("<w:body>")
    tree = docx.fix_tables(xml)
    if renumber:
        docx.docx_ids_index = 1000  # as docxtpl's render_init
        docx.fix_docpr_ids(tree)
    document = deepcopy(skeleton)
    document.replace(document.find(qn("w:body")), tree)
    return serialize_part_xml(document)
