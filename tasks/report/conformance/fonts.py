"""Fonts: Times New Roman in all four slots everywhere it can be set, no theme fonts, black.

Checked places: ``w:docDefaults`` (all four slots must be set), every style in use (the styles
paragraphs, runs and tables name, the default ones, and their ``basedOn`` chains), and every
run-level ``w:rFonts`` override in the body and the page headers. The colour of each printed run
is resolved through the hierarchy and must be automatic or black.
"""

from __future__ import annotations

from tasks.report.conformance.layout import Layout
from tasks.report.conformance.styles import w
from tasks.report.conformance.text import runs, text_runs
from tasks.report.errors import Finding

FONT = "Times New Roman"
SLOTS = ("ascii", "hAnsi", "cs", "eastAsia")
THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "cstheme", "eastAsiaTheme")
_BLACK = {"auto", "000000"}
_P, _RFONTS, _VAL = w("p"), w("rFonts"), w("val")
_NAMING = (w("pStyle"), w("rStyle"), w("tblStyle"))
_COLOR = w("color")
_BLACK_THEMES = {"text1", "dark1"}


def _roots(layout: Layout) -> list:
    """The XML roots whose text is printed: the body and every page header/footer."""
    roots = [layout.document.element]
    for section in layout.sections:
        for kind in ("header", "footer"):
            roots += [r for r in layout.header_parts(section, kind).values() if r not in roots]
    return roots


def _rfonts_problems(rfonts, require_all: bool) -> tuple[list[str], list[str]]:
    """(slots holding another font, theme attributes present) of one ``w:rFonts``."""
    if rfonts is None:
        return (list(SLOTS) if require_all else []), []
    wrong = [s for s in SLOTS if (rfonts.get(w(s)) is None and require_all)
             or (rfonts.get(w(s)) is not None and rfonts.get(w(s)) != FONT)]
    themes = [t for t in THEME_ATTRS if rfonts.get(w(t)) is not None]
    return wrong, themes


def _findings(rfonts, require_all: bool, element: str, where: str) -> list[Finding]:
    wrong, themes = _rfonts_problems(rfonts, require_all)
    found = []
    if wrong:
        shown = ", ".join(f"{s}={rfonts.get(w(s)) if rfonts is not None else None}"
                          for s in wrong)
        found.append(Finding("font.family", f"Phông chữ phải là {FONT} ở cả bốn vị trí "
                                            f"(ascii, hAnsi, cs, eastAsia); đang có: {shown}.",
                             element, where))
    if themes:
        found.append(Finding("font.theme", f"Không dùng phông theo chủ đề (theme font): "
                                           f"{', '.join(themes)}.", element, where))
    return found


def styles_in_use(layout: Layout) -> list[str]:
    """Ids of the styles that format something, with their basedOn ancestors."""
    styles = layout.styles
    ids = [styles.defaults.get(kind) for kind in ("paragraph", "character", "table")]
    for root in _roots(layout):
        # One pass over the three tags, kept in this order: pStyle, rStyle, tblStyle.
        named = {tag: [] for tag in _NAMING}
        for node in root.iter(*_NAMING):
            named[node.tag].append(node.get(_VAL))
        for tag in _NAMING:
            ids += named[tag]
    ordered = []
    for style_id in dict.fromkeys(ids):  # each id once, in order of first use
        for style in styles.chain(style_id):
            sid = style.get(w("styleId"))
            if sid not in ordered:
                ordered.append(sid)
    return ordered


def check(layout: Layout) -> list[Finding]:
    """docDefaults, styles in use, run overrides, and the colour of printed text."""
    styles = layout.styles
    defaults = styles.default_rpr.find(w("rFonts")) if styles.default_rpr is not None else None
    found = _findings(defaults, True, "styles.docDefaults", "Định dạng mặc định của tài liệu")
    for style_id in styles_in_use(layout):
        rpr = styles.by_id[style_id].find(w("rPr"))
        rfonts = rpr.find(w("rFonts")) if rpr is not None else None
        name = styles.name(style_id)
        found += _findings(rfonts, False, f"style[{name}]", f"Kiểu (style) «{name}»")
    own = styles.own_run_properties
    for root in _roots(layout):
        for p in root.iter(_P):
            printed = runs(p)
            if not printed:
                continue  # a paragraph without runs overrides no font and prints nothing
            # Font overrides of the runs, then the colour of the printed ones.
            for index, r in enumerate(printed):
                rfonts = own(r, p).get(_RFONTS)
                if rfonts is not None:
                    found += _findings(rfonts, False, f"{layout.name(p)}.run[{index}]",
                                       layout.where(p))
            found += _colour(layout, p)
    return found


def _colour(layout: Layout, p) -> list[Finding]:
    colour_of = layout.styles.run_property
    for r in text_runs(p):
        node = colour_of(r, p, _COLOR)
        if node is None or node.get(w("themeColor")) in _BLACK_THEMES:
            continue
        value = node.get(w("val"), "auto")
        if value.lower() not in _BLACK:
            return [Finding("font.color", f"Chữ phải màu đen (đang là #{value.upper()}).",
                            layout.name(p), layout.where(p))]
    return []
