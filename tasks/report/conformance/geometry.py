"""Widths on the page: the room a paragraph has, its rule width and its wrapped text lines."""

from __future__ import annotations

from tasks.report.conformance.layout import Layout
from tasks.report.conformance.metrics import wrap
from tasks.report.conformance.page import page_size
from tasks.report.conformance.styles import w
from tasks.report.conformance.text import run_text, runs

# Word's cell margin when neither the table, its style nor the cell sets one.
DEFAULT_CELL_MARGIN = 108


def _dxa(node) -> int | None:
    if node is None or node.get(w("type"), "dxa") != "dxa" or node.get(w("w")) is None:
        return None
    return int(float(node.get(w("w"))))


def _cell_margin(layout: Layout, cell, side: str) -> int:
    table = next(cell.iterancestors(w("tbl")))
    tbl_pr = table.find(w("tblPr"))
    candidates = [cell.find(f"{w('tcPr')}/{w('tcMar')}/{w(side)}")]
    if tbl_pr is not None:
        candidates.append(tbl_pr.find(f"{w('tblCellMar')}/{w(side)}"))
        style = tbl_pr.find(w("tblStyle"))
        style_id = style.get(w("val")) if style is not None else layout.styles.defaults.get("table")
    else:
        style_id = layout.styles.defaults.get("table")
    for style in layout.styles.chain(style_id):
        candidates.append(style.find(f"{w('tblPr')}/{w('tblCellMar')}/{w(side)}"))
    for node in candidates:
        if _dxa(node) is not None:
            return _dxa(node)
    return DEFAULT_CELL_MARGIN


def _cell_width(cell) -> int:
    width = _dxa(cell.find(f"{w('tcPr')}/{w('tcW')}"))
    if width is not None:
        return width
    # No usable tcW: add up the grid columns the cell spans.
    row = cell.getparent()
    grid = [int(c.get(w("w"), "0")) for c in row.getparent().iter(w("gridCol"))]
    start = 0
    for other in row.findall(w("tc")):
        span_node = other.find(f"{w('tcPr')}/{w('gridSpan')}")
        span = int(span_node.get(w("val"))) if span_node is not None else 1
        if other is cell:
            return sum(grid[start:start + span])
        start += span
    return 0


def container_width(layout: Layout, p) -> int:
    """Twips available to ``p`` before its own indents: cell or page text width."""
    cell = next(p.iterancestors(w("tc")), None)
    if cell is not None:
        return _cell_width(cell) - _cell_margin(layout, cell, "left") \
            - _cell_margin(layout, cell, "right")
    block = p
    for section in layout.sections:
        if block in section.blocks:
            margins = section.sect_pr.find(w("pgMar"))
            left = int(margins.get(w("left"), "0")) if margins is not None else 0
            right = int(margins.get(w("right"), "0")) if margins is not None else 0
            return page_size(section)[0] - left - right
    return 0


def line_width(layout: Layout, p) -> int:
    """Twips between the paragraph's left and right indents (what a bottom border spans)."""
    styles = layout.styles
    return container_width(layout, p) - styles.p_twips(p, "ind", "left", "start") \
        - styles.p_twips(p, "ind", "right", "end")


def text_lines(layout: Layout, p) -> list[float]:
    """Estimated widths in twips of the lines the paragraph's text wraps into."""
    styles = layout.styles
    pieces = []
    for r in runs(p):
        text = run_text(r)
        if styles.toggle(r, p, "caps"):
            text = text.upper()
        pieces.append((text, styles.size(r, p), styles.toggle(r, p, "b")))
    return wrap(pieces, max(line_width(layout, p), 1))
