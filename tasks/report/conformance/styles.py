"""Effective formatting: a run's or paragraph's value after the whole style hierarchy.

Word resolves a property from the most specific place that sets it: direct formatting, then
the run's character style, the paragraph style and its ``basedOn`` chain, the table style of
an enclosing table, and finally ``w:docDefaults``. Attributes of one element (``w:spacing``,
``w:ind``) are resolved one by one, because each level may set only some of them. Toggle
properties (bold, italic, caps) follow the rule of ECMA-376 §17.7.3: direct formatting wins;
otherwise the values of the character, paragraph and table style chains are combined with XOR.
Numbering (``w:numPr``) indents are not taken into account.
"""

from __future__ import annotations

from collections.abc import Iterator

from docx.oxml.ns import qn

_OFF = {"0", "false", "off", "none"}
_TOGGLES = {"b", "i", "caps"}
_CLARK: dict[str, str] = {}


def w(tag: str) -> str:
    """The Clark name of a WordprocessingML tag: "p" → "{…/main}p"."""
    # Remembered: a check asks for a few dozen tags some hundred thousand times.
    try:
        return _CLARK[tag]
    except KeyError:
        return _CLARK.setdefault(tag, qn(f"w:{tag}"))


def is_on(element) -> bool:
    """The value of an on/off element: present without ``w:val`` or with a true value."""
    return element.get(w("val"), "1").lower() not in _OFF


class StyleSheet:
    """The styles part, answering "what is the effective value of … for this paragraph/run"."""

    def __init__(self, styles_root) -> None:
        self.root = styles_root
        # Style chains and their property elements, remembered per style: the styles part is
        # only read while a document is checked.
        self._chains: dict[str | None, tuple] = {}
        self._props: dict[tuple[str | None, str], tuple] = {}
        # The paragraph and table style sources of each paragraph's runs, by paragraph
        # element: the document too is only read while it is checked.
        self._paragraph_rpr: dict = {}
        self._run_chains: dict = {}
        self._paragraph_style: dict = {}
        self._table_style: dict = {}
        self.by_id = {s.get(w("styleId")): s for s in styles_root.iter(w("style"))}
        self.defaults = {}
        for style in self.by_id.values():
            if is_on_attr(style.get(w("default"))):
                self.defaults.setdefault(style.get(w("type")), style.get(w("styleId")))
        doc_defaults = styles_root.find(w("docDefaults"))
        self.default_rpr = _find_path(doc_defaults, "rPrDefault", "rPr")
        self.default_ppr = _find_path(doc_defaults, "pPrDefault", "pPr")

    def name(self, style_id: str) -> str:
        """The style's display name ("RG Body"), or its id when it has none."""
        style = self.by_id.get(style_id)
        node = style.find(w("name")) if style is not None else None
        return node.get(w("val")) if node is not None else style_id

    def chain(self, style_id: str | None) -> tuple:
        """The style and its ``basedOn`` ancestors, nearest first; () for an unknown id."""
        try:
            return self._chains[style_id]
        except KeyError:
            return self._chains.setdefault(style_id, tuple(self._chain(style_id)))

    def _chain(self, style_id: str | None) -> list:
        found, seen = [], set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            found.append(style)
            based = style.find(w("basedOn"))
            style_id = based.get(w("val")) if based is not None else None
        return found

    # ------------------------------------------------------------------ the levels

    def paragraph_style_id(self, p) -> str | None:
        """The paragraph's ``w:pStyle``, or the default paragraph style (usually Normal)."""
        try:
            return self._paragraph_style[p]
        except KeyError:
            node = _find_path(p, "pPr", "pStyle")
            found = node.get(w("val")) if node is not None else self.defaults.get("paragraph")
            return self._paragraph_style.setdefault(p, found)

    def table_style_id(self, p) -> str | None:
        """The style of the table holding ``p``, or None when ``p`` is not in a table."""
        try:
            return self._table_style[p]
        except KeyError:
            return self._table_style.setdefault(p, self._table_style_of(p))

    def _table_style_of(self, p) -> str | None:
        table = next((a for a in p.iterancestors(w("tbl"))), None)
        if table is None:
            return None
        node = _find_path(table, "tblPr", "tblStyle")
        return node.get(w("val")) if node is not None else self.defaults.get("table")

    def _style_props(self, style_id, prop: str) -> tuple:
        key = (style_id, prop)
        if key not in self._props:
            self._props[key] = tuple(n for n in (s.find(w(prop)) for s in self.chain(style_id))
                                     if n is not None)
        return self._props[key]

    def paragraph_levels(self, p) -> list:
        """The ``w:pPr`` elements that can set a property of ``p``, most specific first."""
        levels = [n for n in (p.find(w("pPr")),) if n is not None]
        levels += self._style_props(self.paragraph_style_id(p), "pPr")
        levels += self._style_props(self.table_style_id(p), "pPr")
        return levels + [n for n in (self.default_ppr,) if n is not None]

    def run_chains(self, r, p) -> list:
        """The ``w:rPr`` sources of a run: [direct], character, paragraph, table, defaults.

        Remembered per run: the checker only reads the document."""
        try:
            return self._run_chains[r]
        except KeyError:
            return self._run_chains.setdefault(r, self._run_sources(r, p))

    def _run_sources(self, r, p) -> list:
        rstyle = _find_path(r, "rPr", "rStyle")
        paragraph, table = self._paragraph_sources(p)
        return [
            [n for n in (r.find(w("rPr")),) if n is not None],
            self._style_props(rstyle.get(w("val")) if rstyle is not None else None, "rPr"),
            paragraph,
            table,
            [n for n in (self.default_rpr,) if n is not None],
        ]

    def _paragraph_sources(self, p) -> tuple[tuple, tuple]:
        try:
            return self._paragraph_rpr[p]
        except KeyError:
            sources = (self._style_props(self.paragraph_style_id(p), "rPr"),
                       self._style_props(self.table_style_id(p), "rPr"))
            return self._paragraph_rpr.setdefault(p, sources)

    # ------------------------------------------------------------------ paragraph values

    def p_attr(self, p, tag: str, attr: str) -> str | None:
        """The effective attribute ``attr`` of the paragraph property ``tag``, or None."""
        for level in self.paragraph_levels(p):
            node = level.find(w(tag))
            if node is not None and node.get(w(attr)) is not None:
                return node.get(w(attr))
        return None

    def p_twips(self, p, tag: str, *attrs: str) -> int:
        """The first of ``attrs`` set on ``tag`` (e.g. ind left/start) in twips; 0 if none."""
        for level in self.paragraph_levels(p):
            node = level.find(w(tag))
            for attr in attrs if node is not None else ():
                if node.get(w(attr)) is not None:
                    return _int(node.get(w(attr)))
        return 0

    def first_line_indent(self, p) -> int:
        """The first-line indent in twips; a hanging indent is negative."""
        for level in self.paragraph_levels(p):
            node = level.find(w("ind"))
            if node is None:
                continue
            if node.get(w("hanging")) is not None:
                return -_int(node.get(w("hanging")))
            if node.get(w("firstLine")) is not None:
                return _int(node.get(w("firstLine")))
        return 0

    def alignment(self, p) -> str:
        """The effective ``w:jc`` value ("both", "center", …); "left" when unset."""
        return self.p_attr(p, "jc", "val") or "left"

    def p_flag(self, p, tag: str) -> bool:
        """An on/off paragraph property (``keepNext``, ``contextualSpacing``…)."""
        for level in self.paragraph_levels(p):
            node = level.find(w(tag))
            if node is not None:
                return is_on(node)
        return False

    def bottom_border(self, p):
        """The effective ``w:pBdr/w:bottom`` element when it draws a line, else None."""
        for level in self.paragraph_levels(p):
            node = _find_path(level, "pBdr", "bottom")
            if node is not None:
                return None if node.get(w("val"), "nil") in ("nil", "none") else node
        return None

    # ------------------------------------------------------------------ run values

    def r_value(self, r, p, tag: str, attr: str = "val") -> str | None:
        """The effective attribute of a non-toggle run property (``sz``, ``color``…)."""
        for chain in self.run_chains(r, p):
            for rpr in chain:
                node = rpr.find(w(tag))
                if node is not None and node.get(w(attr)) is not None:
                    return node.get(w(attr))
        return None

    def r_node(self, r, p, tag: str):
        """The most specific run-property element ``tag`` that applies to the run, or None."""
        for chain in self.run_chains(r, p):
            for rpr in chain:
                node = rpr.find(w(tag))
                if node is not None:
                    return node
        return None

    def size(self, r, p) -> float:
        """The effective font size in points (Word's built-in default is 10 pt)."""
        return _int(self.r_value(r, p, "sz") or "20") / 2

    def toggle(self, r, p, tag: str) -> bool:
        """The effective value of a toggle property (``b``, ``i``, ``caps``)."""
        assert tag in _TOGGLES
        direct, char, para, table, defaults = self.run_chains(r, p)
        own = _first_flag(direct, tag)
        if own is not None:
            return own
        styled = [v for v in (_first_flag(c, tag) for c in (char, para, table)) if v is not None]
        if not styled:
            return bool(_first_flag(defaults, tag))
        result = False
        for value in styled:
            result ^= value
        return result

    def underline(self, r, p) -> str | None:
        """The effective underline style of a run, or None when not underlined."""
        value = self.r_value(r, p, "u")
        return None if value is None or value.lower() in _OFF else value

    def fonts(self, r, p) -> Iterator[tuple[str, str, str]]:
        """(slot, font or theme, level) for each of the four font slots of a run."""
        for slot, theme in (("ascii", "asciiTheme"), ("hAnsi", "hAnsiTheme"),
                            ("cs", "cstheme"), ("eastAsia", "eastAsiaTheme")):
            yield slot, *self._font(r, p, slot, theme)

    def _font(self, r, p, slot: str, theme: str) -> tuple[str, str]:
        for chain in self.run_chains(r, p):
            for rpr in chain:
                node = rpr.find(w("rFonts"))
                if node is None:
                    continue
                if node.get(w(theme)) is not None:
                    return f"theme:{node.get(w(theme))}", "theme"
                if node.get(w(slot)) is not None:
                    return node.get(w(slot)), "font"
        return "", "none"


def is_on_attr(value: str | None) -> bool:
    return value is not None and value.lower() not in _OFF


def _first_flag(chain: list, tag: str) -> bool | None:
    for rpr in chain:
        node = rpr.find(w(tag))
        if node is not None:
            return is_on(node)
    return None


def _find_path(node, *tags: str):
    for tag in tags:
        if node is None:
            return None
        node = node.find(w(tag))
    return node


def _int(value: str) -> int:
    """A twips or half-point value; Word also writes "720.0" and such, so go through float."""
    try:
        return round(float(value))
    except ValueError:
        return 0
