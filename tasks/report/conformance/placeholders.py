"""Placeholders still in the document: highlighted text left for someone to fill in.

Templates mark the text an officer must still write (an assessment the data did not supply,
say) with a highlight, so that nobody signs a report with it. A run is highlighted when its
effective ``w:highlight`` is a colour, or when its ``w:shd`` fills it with a colour other than
white (how LibreOffice and text pasted from the web mark it). One warning per paragraph, in
the whole body (tables and appendix included).
"""

from __future__ import annotations

from tasks.report.conformance.layout import Layout
from tasks.report.conformance.styles import w
from tasks.report.conformance.text import excerpt, run_text, text_runs
from tasks.report.errors import WARNING, Finding

_NO_COLOUR = {"", "none", "auto", "ffffff", "white"}
_HIGHLIGHT, _SHD, _VAL, _FILL = w("highlight"), w("shd"), w("val"), w("fill")


def check(layout: Layout) -> list[Finding]:
    """A warning for each paragraph that prints highlighted text."""
    found = []
    for p in layout.body_element.iter(w("p")):
        printed = text_runs(p)
        marked = [r for r in printed if is_highlighted(layout, r, p)] if printed else None
        if marked:
            text = "".join(run_text(r) for r in marked)
            found.append(Finding(
                "placeholder.highlighted",
                f"Còn nội dung đánh dấu (tô màu) chờ bổ sung: {excerpt(text, 60)}. Viết nội "
                f"dung thật và bỏ đánh dấu trước khi trình ký.",
                layout.name(p), layout.where(p), WARNING))
    return found


def is_highlighted(layout: Layout, r, p) -> bool:
    """True when run ``r`` of paragraph ``p`` prints on a highlight or a coloured shading."""
    node_of = layout.styles.run_property
    highlight = node_of(r, p, _HIGHLIGHT)
    if highlight is not None and highlight.get(_VAL, "").lower() not in _NO_COLOUR:
        return True
    shading = node_of(r, p, _SHD)
    return shading is not None and shading.get(_FILL, "").lower() not in _NO_COLOUR
