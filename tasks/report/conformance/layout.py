"""Opening a .docx and finding its parts: header table, title block, body, signature, appendix.

How each part is recognised (the document's own style names are never trusted):
- sections end at a paragraph carrying ``w:sectPr`` (the last one at ``w:body/w:sectPr``); the
  first section is the main one; when there are several, the appendices (Phụ lục I, Phụ lục II
  …) are the sections from the first one after the main section whose first printed paragraph
  starts with "Phụ lục" to the end, or else the last section alone;
- the header is the first table of the body (before the appendix);
- the title block is the first non-empty paragraph after it (``BÁO CÁO``), the next one (the
  summary line), and a ``Kính gửi:`` paragraph if one follows;
- the signature is the last table before the appendix section break;
- the body is every non-empty body-level paragraph between the title block and the signature.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from tasks.report.conformance import package
from tasks.report.conformance.model import Expected
from tasks.report.conformance.styles import StyleSheet, child, w
from tasks.report.conformance.text import (
    excerpt,
    is_typed_rule,
    paragraph_text,
    remember_runs,
    squeeze,
)


@dataclass
class Section:
    """One section: its ``w:sectPr`` and its block-level elements (paragraphs and tables)."""

    index: int
    sect_pr: object
    blocks: list


@dataclass
class Layout:
    """The parts of one document, found once and shared by every rule."""

    document: object
    styles: StyleSheet
    sections: list[Section]
    content: list  # the blocks before the appendix
    header_table: object | None = None
    doc_type: object | None = None
    summary: object | None = None
    addressee: object | None = None
    body: list = field(default_factory=list)
    signature_table: object | None = None
    names: dict = field(default_factory=dict)
    places: dict = field(default_factory=dict)
    # Paragraphs recognised by the rule modules, by role ("motto", "recipients", …).
    roles: dict = field(default_factory=dict)
    # What the caller knows beyond the document (period, report date); empty when nothing.
    expected: Expected = field(default_factory=Expected)
    # The document's ``w:body`` element.
    body_element: object | None = None
    # Position of each body-level paragraph (``body_paragraphs``), made on first use.
    paragraph_numbers: dict | None = None

    @property
    def main(self) -> Section:
        return self.sections[0]

    @property
    def appendix(self) -> Section | None:
        """The last appendix section; ``None`` for a document of one section."""
        return self.appendices[-1] if self.appendices else None

    @property
    def appendices(self) -> list[Section]:
        """Every appendix section, in order (see the module docstring)."""
        if len(self.sections) < 2:
            return []
        first = next((s.index for s in self.sections[1:] if _opens_appendix(s)),
                     self.sections[-1].index)
        return self.sections[first:]

    def name(self, node) -> str:
        """The element name of a paragraph ("header.motto", "body.paragraph[12]")."""
        return self.names.get(node) or _generic_name(self, node)

    def where(self, node) -> str:
        """Where a reader finds the paragraph: the part of the page and a quotation."""
        place = self.places.get(node) or _generic_place(self, node)
        text = paragraph_text(node) if node.tag == w("p") else ""
        return f"{place}: {excerpt(text)}" if squeeze(text) else place

    def label(self, node, name: str, place: str) -> None:
        """Give a recognised paragraph its element name and its reader-facing place."""
        self.names[node] = name
        self.places[node] = place

    def header_parts(self, section: Section, kind: str = "header") -> dict[str, object]:
        """The page-header (or ``kind="footer"``) roots a section references, by type
        ("default", "first", "even"); a reference to a missing part is left out."""
        found = {}
        for ref in section.sect_pr.findall(w(f"{kind}Reference")):
            part = self.document.part.related_parts.get(ref.get(_R_ID))
            if part is not None:
                found[ref.get(w("type"), "default")] = part.element
        return found


_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def open_document(data: bytes):
    """The python-docx Document of ``data``; raises ``ConformanceError`` when unreadable.

    The parts a template fixes are parsed once per process (see ``package``)."""
    return package.open_document(data)[0]


def blocks_of(container) -> list:
    """Block-level paragraphs and tables, with block content controls opened up."""
    found = []
    for item in container:
        if item.tag in (w("p"), w("tbl")):
            found.append(item)
        elif item.tag == w("sdt"):
            content = item.find(w("sdtContent"))
            found.extend(blocks_of(content) if content is not None else [])
    return found


_P, _PPR, _SECT_PR = w("p"), w("pPr"), w("sectPr")


def _section_break(p):
    """``p.find("w:pPr/w:sectPr")``: the first ``w:sectPr`` of the paragraph's ``w:pPr``
    children, in order (a walk over the children, without ElementPath)."""
    ppr = p[0] if len(p) else None
    while ppr is not None:
        if ppr.tag == _PPR:
            node = child(ppr, _SECT_PR)
            if node is not None:
                return node
        ppr = ppr.getnext()
    return None


def split_sections(body) -> list[Section]:
    """The body's blocks grouped by section, in order."""
    sections, current = [], []
    for block in blocks_of(body):
        current.append(block)
        sect_pr = _section_break(block) if block.tag == _P else None
        if sect_pr is not None:
            sections.append(Section(len(sections), sect_pr, current))
            current = []
    final = body.find(w("sectPr"))
    if final is None:
        final = etree.SubElement(body, w("sectPr"))
    sections.append(Section(len(sections), final, current))
    return sections


def _opens_appendix(section: Section) -> bool:
    printed = next((b for b in section.blocks
                    if b.tag == w("p") and squeeze(paragraph_text(b))), None)
    return printed is not None and squeeze(paragraph_text(printed)).startswith("Phụ lục")


def build_layout(data: bytes, expected: Expected | None = None) -> Layout:
    """Open the document and recognise its parts (see the module docstring)."""
    document, memos = package.open_document(data)
    root = document.styles.element
    styles = StyleSheet(root, memos.get(id(root)))
    body = document.element.find(w("body"))
    if body is not None:
        remember_runs(body)
        styles.read_tables(body)
    sections = split_sections(body)
    layout = Layout(document, styles, sections, [], expected=expected or Expected(),
                    body_element=body)
    appendices = layout.appendices
    layout.content = [b for s in sections[:appendices[0].index if appendices else None]
                      for b in s.blocks]
    tables = [b for b in layout.content if b.tag == w("tbl")]
    layout.header_table = tables[0] if tables else None
    if len(tables) > 1:
        layout.signature_table = tables[-1]
    _find_title_and_body(layout)
    return layout


def _find_title_and_body(layout: Layout) -> None:
    start = layout.content.index(layout.header_table) + 1 if layout.header_table is not None \
        else 0
    end = layout.content.index(layout.signature_table) if layout.signature_table is not None \
        else len(layout.content)
    # A typed rule ("_____") is decoration, reported by the rules module, not a title or body.
    texts = [b for b in layout.content[start:end] if b.tag == w("p")
             and squeeze(paragraph_text(b)) and not is_typed_rule(paragraph_text(b))]
    if texts:
        layout.doc_type = texts.pop(0)
        layout.label(layout.doc_type, "title.doc_type", "Tên loại văn bản")
    if texts:
        layout.summary = texts.pop(0)
        layout.label(layout.summary, "title.summary", "Trích yếu")
    if texts and squeeze(paragraph_text(texts[0])).startswith("Kính gửi"):
        layout.addressee = texts.pop(0)
        layout.label(layout.addressee, "title.addressee", "Kính gửi")
    layout.body = texts
    for p in texts:
        index = _paragraph_index(layout, p)
        layout.label(p, f"body.paragraph[{index}]", f"Nội dung, đoạn {index + 1}")


def body_paragraphs(layout: Layout) -> list:
    """All body-level paragraphs of the document in order (python-docx's ``paragraphs``)."""
    return [b for s in layout.sections for b in s.blocks if b.tag == w("p")]


def _paragraph_index(layout: Layout, p) -> int:
    numbers = layout.paragraph_numbers
    if numbers is None:
        # Body-level paragraphs by position (the sections do not change once found).
        numbers = layout.paragraph_numbers = {}
        for index, paragraph in enumerate(body_paragraphs(layout)):
            numbers.setdefault(paragraph, index)
    if p not in numbers:
        raise ValueError(f"{p!r} is not in list")
    return numbers[p]


def _cell_position(node) -> tuple[object, int, int, int] | None:
    """(table, row, column, paragraph index in cell) of a paragraph inside a table cell."""
    cell = next(node.iterancestors(w("tc")), None)
    if cell is None:
        return None
    row = cell.getparent()
    table = row.getparent()
    rows = table.findall(w("tr"))
    cells = row.findall(w("tc"))
    paragraphs = cell.findall(w("p"))
    index = paragraphs.index(node) if node in paragraphs else 0
    return table, rows.index(row), cells.index(cell), index


def _generic_name(layout: Layout, node) -> str:
    position = _cell_position(node)
    if position is not None:
        table, row, column, index = position
        tables = [b for s in layout.sections for b in s.blocks if b.tag == w("tbl")]
        number = tables.index(table) if table in tables else -1
        return f"table[{number}].cell[{row},{column}].paragraph[{index}]"
    if node.getparent() is not None and node.getparent().tag == w("hdr"):
        return f"page_header.paragraph[{node.getparent().index(node)}]"
    paragraphs = body_paragraphs(layout)
    return f"paragraph[{paragraphs.index(node)}]" if node in paragraphs else "paragraph"


def _generic_place(layout: Layout, node) -> str:
    position = _cell_position(node)
    if position is not None:
        table, row, column, _ = position
        if table is layout.header_table:
            return f"Bảng tiêu đề, hàng {row + 1}, cột {column + 1}"
        if table is layout.signature_table:
            return f"Bảng chữ ký, cột {column + 1}"
        return f"Bảng, hàng {row + 1}, cột {column + 1}"
    paragraphs = body_paragraphs(layout)
    if node in paragraphs:
        return f"Đoạn {paragraphs.index(node) + 1}"
    return "Đầu trang"
