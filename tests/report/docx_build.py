"""Word templates built from WordprocessingML fragments, for tests that need features the
shipped template does not use (cell loops, merges, comments, footnotes, several headers).

``package`` writes a minimal .docx that Word, python-docx and docxtpl open: the main part,
optional headers, footers, footnotes and core properties, each related and typed.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

NAMESPACES = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" mc:Ignorable="w14"')
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def run(text: str, bold: bool = False) -> str:
    """One run holding ``text`` (escaped here), bold when asked."""
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def p(*texts: str, style: str | None = None) -> str:
    """A paragraph with one run per text: a tag split over several runs is ``p("{{ a", "}}")``."""
    props = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{props}{''.join(run(t) for t in texts)}</w:p>"


def tc(*paragraphs: str, span: int | None = None, shade: bool = False) -> str:
    """A table cell; ``span`` columns wide, shaded when asked (a fill ``cellbg`` replaces)."""
    props = (f'<w:gridSpan w:val="{span}"/>' if span else "") + \
        ('<w:shd w:val="clear" w:color="auto" w:fill="DDDDDD"/>' if shade else "")
    return f'<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/>{props}</w:tcPr>' \
           f"{''.join(paragraphs) or p('')}</w:tc>"


def tr(*cells: str) -> str:
    return f"<w:tr>{''.join(cells)}</w:tr>"


def tbl(columns: int, *rows: str) -> str:
    """A table with a grid of ``columns`` equal columns."""
    grid = "".join('<w:gridCol w:w="2000"/>' for _ in range(columns))
    return (f'<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>{grid}'
            f"</w:tblGrid>{''.join(rows)}</w:tbl>")


def image(doc_pr_id: int, name: str) -> str:
    """An inline drawing with its ``wp:docPr`` (no picture inside: only the ids matter)."""
    return (f'<w:r><w:drawing><wp:inline><wp:extent cx="100" cy="100"/><wp:docPr '
            f'id="{doc_pr_id}" name="{name}"/><a:graphic><a:graphicData uri="urn:test"/>'
            "</a:graphic></wp:inline></w:drawing></w:r>")


def package(body: str, headers: dict[str, str] | None = None,
            footers: dict[str, str] | None = None, footnote: str | None = None,
            core: dict[str, str] | None = None) -> bytes:
    """The .docx of ``body`` (paragraphs and tables), with headers and footers by type
    ("default", "first", "even") holding paragraphs, one footnote's paragraphs, and core
    properties by element name ("dc:title", "dc:subject" …)."""
    parts: dict[str, str] = {}
    overrides = {"/word/document.xml": _WML + "document.main+xml"}
    rels, references = [], []
    for kind, stories in (("header", headers or {}), ("footer", footers or {})):
        tag = "w:hdr" if kind == "header" else "w:ftr"
        for n, (which, content) in enumerate(stories.items(), 1):
            name = f"{kind}{n}.xml"
            parts[f"word/{name}"] = f"{_DECLARATION}<{tag} {NAMESPACES}>{content}</{tag}>"
            overrides[f"/word/{name}"] = _WML + f"{kind}+xml"
            rels.append((f"rId{kind}{n}", _RT + kind, name))
            references.append(f'<w:{kind}Reference w:type="{which}" r:id="rId{kind}{n}"/>')
    if footnote is not None:
        parts["word/footnotes.xml"] = (
            f"{_DECLARATION}<w:footnotes {NAMESPACES}><w:footnote w:type=\"separator\" "
            'w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1">'
            f"{footnote}</w:footnote></w:footnotes>")
        overrides["/word/footnotes.xml"] = _WML + "footnotes+xml"
        rels.append(("rIdNotes", _RT + "footnotes", "footnotes.xml"))
        body += '<w:p><w:r><w:footnoteReference w:id="1"/></w:r></w:p>'
    title_page = "<w:titlePg/>" if "first" in (headers or {}) or "first" in (footers or {}) \
        else ""
    parts["word/document.xml"] = (
        f"{_DECLARATION}<w:document {NAMESPACES}><w:body>{body}<w:sectPr>{''.join(references)}"
        f'<w:pgSz w:w="11906" w:h="16838"/>{title_page}</w:sectPr></w:body></w:document>')
    parts["word/_rels/document.xml.rels"] = _relationships(rels)
    package_rels = [("rId1", _RT + "officeDocument", "word/document.xml")]
    if core:
        fields = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in core.items())
        parts["docProps/core.xml"] = (
            f'{_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/'
            'package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"{fields}</cp:coreProperties>")
        overrides["/docProps/core.xml"] = \
            "application/vnd.openxmlformats-package.core-properties+xml"
        package_rels.append(("rId2", "http://schemas.openxmlformats.org/package/2006/"
                                     "relationships/metadata/core-properties", "docProps/core.xml"))
    parts["_rels/.rels"] = _relationships(package_rels)
    types = "".join(f'<Override PartName="{name}" ContentType="{ct}"/>'
                    for name, ct in overrides.items())
    content_types = (
        f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{types}</Types>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        for name, xml in parts.items():
            z.writestr(name, xml)
    return out.getvalue()


def _relationships(rels: list[tuple[str, str, str]]) -> str:
    items = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>'
                    for i, t, target in rels)
    return (f'{_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships">{items}</Relationships>')
