"""The three drawn rules (under the motto, the issuing agency and the summary), no underlines.

A rule is a paragraph bottom border (its width: the paragraph's room between its indents) or a
line shape (DrawingML ``prstGeom`` line/connector, or VML ``v:line``; its width: the shape's
extent), found in the main part of the document (the appendix sections are not searched).
It belongs to an element when it sits in that element's paragraph or in a paragraph after it
and before the next printed text (in the same table cell for the header elements).
"""

from __future__ import annotations

from dataclasses import dataclass

from tasks.report.conformance.geometry import line_width, text_lines
from tasks.report.conformance.layout import Layout
from tasks.report.conformance.model import EMU_PER_TWIP, cm
from tasks.report.conformance.styles import w
from tasks.report.conformance.text import is_typed_rule, paragraph_text, runs, squeeze
from tasks.report.errors import Finding

MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_V = "{urn:schemas-microsoft-com:vml}"
_LINE_GEOMETRIES = {"line", "straightConnector1"}
# Allowed width ratios (rule / text). The decree says "1/3 to 1/2" and "as wide as the motto";
# the text width is an estimate, hence the small allowance on each side.
RATIOS = {"motto": (0.85, 1.15), "issuing_agency": (1 / 3 - 0.02, 1 / 2 + 0.02),
          "summary": (1 / 3 - 0.02, 1 / 2 + 0.02)}
_NAMES = {"motto": "Tiêu ngữ", "issuing_agency": "tên cơ quan ban hành",
          "summary": "trích yếu"}
_SIZES = {"motto": "dài bằng dòng chữ", "issuing_agency": "bằng 1/3–1/2 độ dài dòng chữ",
          "summary": "bằng 1/3–1/2 độ dài dòng chữ"}


@dataclass(frozen=True)
class Rule:
    paragraph: object
    width: float  # twips
    kind: str  # "border" or "shape"


def find_rules(layout: Layout) -> list[Rule]:
    """Every drawn rule of the main part, in document order."""
    found = []
    for block in layout.content:
        paragraphs = [block] if block.tag == w("p") else list(block.iter(w("p")))
        for p in paragraphs:
            if layout.styles.bottom_border(p) is not None:
                found.append(Rule(p, line_width(layout, p), "border"))
            found += [Rule(p, width, "shape") for width in _line_shapes(p)]
    return found


def _line_shapes(p) -> list[float]:
    widths = []
    for node in p.iter(_A + "prstGeom"):
        if node.get("prst") in _LINE_GEOMETRIES and not _in_fallback(node):
            extent = next((d.find(_WP + "extent") for d in node.iterancestors()
                           if d.tag in (_WP + "inline", _WP + "anchor")), None)
            if extent is not None:
                widths.append(int(extent.get("cx", "0")) / EMU_PER_TWIP)
    for node in p.iter(_V + "line"):
        if not _in_fallback(node):
            widths.append(abs(_vml_x(node.get("to", "0,0")) - _vml_x(node.get("from", "0,0"))))
    return widths


def _in_fallback(node) -> bool:
    return any(a.tag == MC_FALLBACK for a in node.iterancestors())


def _vml_x(point: str) -> float:
    """The x of a VML point ("72pt,0") in twips; bare numbers are points."""
    value = point.split(",")[0].strip()
    for unit, factor in (("pt", 20), ("in", 1440), ("cm", 1440 / 2.54), ("mm", 1440 / 25.4),
                         ("px", 15)):
        if value.endswith(unit):
            return float(value[: -len(unit)] or 0) * factor
    return float(value or 0) * 20


def _owner_span(layout: Layout, role: str) -> list:
    """The paragraphs where the rule under ``role`` may sit: the element's last paragraph and
    the empty ones after it, up to the next printed paragraph."""
    anchors = layout.roles.get(role, [])
    if role == "summary":
        anchors = [layout.summary] if layout.summary is not None else []
    if not anchors:
        return []
    last = anchors[-1]
    cell = next(last.iterancestors(w("tc")), None)
    siblings = cell.findall(w("p")) if cell is not None else \
        [b for b in layout.content if b.tag == w("p")]
    span = [last]
    for p in siblings[siblings.index(last) + 1:]:
        if squeeze(paragraph_text(p)):
            break
        span.append(p)
    return span


def check(layout: Layout) -> list[Finding]:
    """Exactly three rules, each under its element and of the right width; no underlining."""
    rules = find_rules(layout)
    found = []
    if len(rules) != 3:
        where = "; ".join(layout.where(r.paragraph) for r in rules) or "không có"
        found.append(Finding("rule.count", f"Văn bản phải có đúng 3 đường kẻ (dưới Tiêu ngữ, "
                                           f"dưới tên cơ quan ban hành, dưới trích yếu); đang có "
                                           f"{len(rules)}.", "rules", where))
    for role in ("motto", "issuing_agency", "summary"):
        found += _check_rule(layout, role, rules)
    return found + underlines(layout)


def _check_rule(layout: Layout, role: str, rules: list[Rule]) -> list[Finding]:
    span = _owner_span(layout, role)
    if not span:
        return []  # the element itself is missing: reported by the header/title rules
    rule = next((r for r in rules if r.paragraph in span), None)
    if rule is None:
        return [Finding("rule.missing", f"Thiếu đường kẻ dưới {_NAMES[role]}.",
                        f"rule.{role}", layout.where(span[0]))]
    text = max((max(text_lines(layout, p), default=0) for p in layout.roles.get(role, [])
                or [layout.summary]), default=0)
    low, high = RATIOS[role]
    if text and not low <= rule.width / text <= high:
        return [Finding("rule.width", f"Đường kẻ dưới {_NAMES[role]} dài {cm(rule.width)}, "
                                      f"dòng chữ dài khoảng {cm(text)} "
                                      f"({rule.width / text:.0%}); quy định {_SIZES[role]}.",
                        f"rule.{role}", layout.where(rule.paragraph))]
    return []


def underlines(layout: Layout) -> list[Finding]:
    """Underlined runs and rules typed with characters ("_____"): the decree wants drawn rules."""
    found = []
    underline = layout.styles.underline
    for p in layout.body_element.iter(w("p")):
        printed = runs(p)
        if not printed:
            continue  # nothing underlined, and no text typed as a rule
        if any(underline(r, p) for r in printed):
            found.append(Finding("rule.underline", "Không dùng chữ gạch chân để kẻ đường hay nhấn "
                                                   "mạnh; đường kẻ phải là nét vẽ (viền đoạn "
                                                   "hoặc đường thẳng).",
                                 layout.name(p), layout.where(p)))
        elif is_typed_rule(paragraph_text(p)):
            found.append(Finding("rule.typed", "Đường kẻ gõ bằng ký tự; phải là nét vẽ (viền "
                                               "đoạn hoặc đường thẳng).",
                                 layout.name(p), layout.where(p)))
    return found
