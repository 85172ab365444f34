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
   body (every row of a large appendix) through its three nested expressions. Each such
   paragraph is found by searching from the end of the last ``</w:p>`` before the character:
   docxtpl's scan cannot be inside a match there (a match ends at the first ``</w:p>`` after
   its start tag), unless that ``</w:p>`` sits inside a ``<w:p …`` start tag, which only
   malformed XML has; then the whole part is scanned as docxtpl does (``_scan_resumes``).
4. Joining paragraph lines is a plain replace of ``"\\n<w:p"`` instead of docxtpl's regular
   expression: autoescaped values cannot hold ``<``, and the prepared XML has no other
   line breaks, so both remove exactly the line breaks ``prepare`` added. Most of the replace
   is done once, in the compiled template's text (``join_lines``): each ``"\\n<w:p"`` inside
   one piece of text, unless the line break starts the piece or follows another line break.
   The render then removes each line break still followed by ``<w:p``, finding them one by
   one (``finish_utf8``). Together that is the replace: the pattern cannot overlap itself,
   so the replace removes every line break followed by ``<w:p``; those removed in advance
   are such line breaks; and a line break left for the render is followed by ``<w:p`` in the
   output with or without the ones removed in advance, since a removed one never comes right
   after it (the rule above) and, further on, would leave a ``<`` where ``w:p`` must follow.
5. The rendered part is encoded piece by piece as Jinja writes it and finished as UTF-8
   bytes (``finish_utf8``), handed to ``zip_writer.deflate`` in pieces, never joined or
   copied whole again. The expressions above only name ASCII characters, and in UTF-8 an
   ASCII byte is always that character, so they find the same places in the bytes.
"""

from __future__ import annotations

import re
from bisect import bisect_left
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
# A line break ``prepare`` put before a paragraph, inside a piece of text and not after another.
_LINE_IN_TEXT = re.compile(r"(?<=[^\n])\n(?=<w:p)")
# docxtpl's resolve_listing's own paragraph expression.
_LISTING_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)
_LISTING_PARAGRAPH_UTF8 = re.compile(_LISTING_PARAGRAPH.pattern.encode(), re.DOTALL)
_LISTING_BYTES = [ch.encode() for ch in _LISTING_CHARS]


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


def join_lines(tree: nodes.Template) -> nodes.Template:
    """``tree`` with the line breaks ``prepare`` put before paragraphs removed from its text
    where ``finish`` is sure to remove them (speed-up 5 above): each "\\n" followed by
    ``<w:p`` inside one piece of text, unless it starts the piece or follows another "\\n"."""
    for data in tree.find_all(nodes.TemplateData):
        if "\n<w:p" in data.data:
            data.data = _LINE_IN_TEXT.sub("", data.data)
    return tree


def finish(xml: str) -> str:
    """docxtpl's render_xml_part after rendering, for WordprocessingML parts: paragraph lines
    joined, and "\\n", "\\t" in values turned into Word breaks and tabs."""
    return b"".join(finish_utf8(xml.encode("utf-8"))[0]).decode("utf-8")


def finish_utf8(data: bytes) -> tuple[list[bytes | memoryview], list[bytes] | None]:
    """``finish`` for the part's UTF-8 bytes, as pieces that joined make the part (a large part
    is not copied again), and the paragraphs ``resolve_listing`` changed, each before and
    after (None when it ran over the whole part: see ``_scan_resumes``).

    The line breaks before paragraphs are found one by one: after ``join_lines`` few are left,
    where ``replace`` would search the whole part for the five characters; the pattern cannot
    overlap itself, so removing each occurrence is what ``replace`` does. Only the paragraphs
    holding one of the characters ``resolve_listing`` converts go through it (speed-up 3
    above), each found from the last paragraph end before the character, where docxtpl's scan
    is known to stand outside any paragraph. Both steps search ``data`` as it is, before the
    line breaks are removed: removing a line break before ``<w:p`` neither makes nor breaks a
    ``<w:p``, ``</w:p>`` or ``>``, so docxtpl's expressions find the same paragraphs, and each
    paragraph found has its own line breaks removed before ``resolve_listing`` sees it.
    Working on the bytes is exact too: every character the expressions name is ASCII, and in
    UTF-8 an ASCII byte is always that character, never part of another's encoding.
    """
    view = memoryview(data)
    dropped = _line_breaks(data)
    places = _listing_places(data, set(dropped))
    if not places:
        return _without(view, 0, len(data), dropped), []
    docx = helper()
    pieces, changed, done = [], [], 0  # data[:done] is in pieces; docxtpl's scan resumes there
    for at in places:
        if at < done:  # in a paragraph already resolved
            continue
        start = _scan_resumes(data, done, at)
        if start is None:
            joined = b"".join(_without(view, 0, len(data), dropped)).decode("utf-8")
            xml = _LISTING_PARAGRAPH.sub(lambda m: _resolve(docx, m.group()), joined)
            return [xml.encode("utf-8")], None
        found = _LISTING_PARAGRAPH_UTF8.search(data, start)
        if found is None:  # no paragraph from here on: docxtpl changes nothing more
            break
        if found.start() > at:  # the character lies outside any paragraph
            continue
        paragraph = found.group().replace(b"\n<w:p", b"<w:p")
        resolved = docx.resolve_listing(paragraph.decode("utf-8")).encode("utf-8")
        pieces += _without(view, done, found.start(), dropped)
        pieces.append(resolved)
        changed += (paragraph, resolved)
        done = found.end()
    pieces += _without(view, done, len(data), dropped)
    return pieces, changed


def _line_breaks(data: bytes) -> list[int]:
    """Where a line break stands before ``<w:p``, in order."""
    found = []
    at = data.find(b"\n")
    while at >= 0:
        if data.startswith(b"<w:p", at + 1):
            found.append(at)
        at = data.find(b"\n", at + 1)
    return found


def _without(view: memoryview, start: int, end: int, dropped: list[int]) -> list[memoryview]:
    """``view[start:end]`` without the bytes at ``dropped``, as pieces."""
    pieces = []
    for at in dropped[bisect_left(dropped, start):bisect_left(dropped, end)]:
        pieces.append(view[start:at])
        start = at + 1
    pieces.append(view[start:end])
    return pieces


def _resolve(docx: DocxTemplate, paragraph: str) -> str:
    return docx.resolve_listing(paragraph) if any(ch in paragraph for ch in _LISTING_CHARS) \
        else paragraph


def _scan_resumes(data: bytes, done: int, at: int) -> int | None:
    """A position in ``data[done:at]`` where docxtpl's scan for paragraphs is outside any
    match: the end of the last ``</w:p>`` before ``at`` (a match ends at the first ``</w:p>``
    after its start tag, so none spans one), or ``done`` if there is none. None when that
    ``</w:p>`` could lie inside a start tag (``<w:p a</w:p>``, never in well-formed XML): then
    only the whole scan is exact."""
    closed = data.rfind(b"</w:p>", done, at)
    if closed < 0:
        return done
    opened = data.rfind(b"<w:p ", done, closed)
    if opened >= 0 and data.find(b">", opened, closed) < 0:
        return None
    return closed + 6


def _listing_places(data: bytes, dropped: set[int]) -> list[int]:
    """Where the characters ``resolve_listing`` converts are, in order, but the line breaks
    ``dropped``."""
    places = []
    for ch in _LISTING_BYTES:
        at = data.find(ch)
        while at >= 0:
            if at not in dropped:
                places.append(at)
            at = data.find(ch, at + 1)
    return sorted(places)


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
