"""Page rules: A4 paper, the legal margins, and the appendix page (A4, either orientation)."""

from __future__ import annotations

from tasks.report.conformance.layout import Layout, Section
from tasks.report.conformance.model import mm
from tasks.report.conformance.styles import w
from tasks.report.errors import Finding

A4 = (11906, 16838)  # twips, portrait
SIZE_TOLERANCE = 20  # twips
# Margin ranges in twips (20–25 mm, 30–35 mm, 15–20 mm); 2 twips absorb the rounding of mm.
_MM = 1440 / 25.4
MARGINS = {
    "top": (20 * _MM, 25 * _MM), "bottom": (20 * _MM, 25 * _MM),
    "left": (30 * _MM, 35 * _MM), "right": (15 * _MM, 20 * _MM),
}
_SIDE_NAMES = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}


def page_size(section: Section) -> tuple[int, int]:
    """(width, height) of the section's page in twips; (0, 0) when not stated."""
    size = section.sect_pr.find(w("pgSz"))
    if size is None:
        return 0, 0
    return int(size.get(w("w"), "0")), int(size.get(w("h"), "0"))


def _is_a4(width: int, height: int) -> bool:
    return abs(width - A4[0]) <= SIZE_TOLERANCE and abs(height - A4[1]) <= SIZE_TOLERANCE


def check(layout: Layout) -> list[Finding]:
    """Paper size and margins of the main section; paper size of every appendix section."""
    found = []
    width, height = page_size(layout.main)
    if not _is_a4(width, height):
        found.append(Finding(
            "page.size", f"Trang chính phải là A4 đứng (11906 × 16838 twip), đang là "
                         f"{width} × {height} twip.", "page.size", "Phần 1 (thân văn bản)"))
    found += _margins(layout.main)
    for section in layout.appendices:
        width, height = page_size(section)
        if not (_is_a4(width, height) or _is_a4(height, width)):
            found.append(Finding(
                "page.size", f"Trang phụ lục phải là khổ A4 (đứng hoặc ngang), đang là "
                             f"{width} × {height} twip.", "appendix.page",
                f"Phần {section.index + 1} (phụ lục)"))
    return found


def _margins(section: Section) -> list[Finding]:
    margins = section.sect_pr.find(w("pgMar"))
    found = []
    for side, (low, high) in MARGINS.items():
        raw = margins.get(w(side)) if margins is not None else None
        # A negative top/bottom margin means "exactly this, even if text overlaps the header".
        value = abs(int(raw)) if raw is not None else 0
        if not low - 2 <= value <= high + 2:
            found.append(Finding(
                "page.margin",
                f"Lề {_SIDE_NAMES[side]} {mm(value)}; quy định {mm(low)}–{mm(high)}.",
                f"page.margin.{side}", "Phần 1 (thân văn bản)"))
    return found
