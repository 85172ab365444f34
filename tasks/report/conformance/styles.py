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


class _Clark(dict):
    """Clark names by tag, made on first use."""

    def __missing__(self, tag: str) -> str:
        return self.setdefault(tag, qn(f"w:{tag}"))


# w(tag): the Clark name of a WordprocessingML tag, "p" → "{…/main}p". Remembered: a check
# asks for a few dozen tags some hundred thousand times (a bound dict method: no Python
# frame per call).
_CLARK = _Clark()
w = _CLARK.__getitem__


def is_on(element) -> bool:
    """The value of an on/off element: present without ``w:val`` or with a true value."""
    return element.get(w("val"), "1").lower() not in _OFF


# Entries each dict of a style index (``StyleIndex.derived``, ``StyleIndex.answers``) keeps
# before it starts again; the keys are made of style ids the part defines and the checker's
# own property names, so a real styles part stays far below it.
MAX_DERIVED = 20_000
# "No value at this level, ask the next one" (a value of a level may itself be None).
_NEXT = object()
_NONE: dict = {}  # no properties of its own (never written to)


_VAL, _PPR, _RPR, _PSTYLE, _RSTYLE = w("val"), w("pPr"), w("rPr"), w("pStyle"), w("rStyle")
_P, _TBL, _IND, _PBDR = w("p"), w("tbl"), w("ind"), w("pBdr")
_BOTTOM, _RFONTS, _U = w("bottom"), w("rFonts"), w("u")


class StyleIndex:
    """What the styles part alone determines: styles by id, the default style of each type,
    docDefaults, each style's ``basedOn`` chain and the property elements along it, and the
    value each property takes from the styles (everything but direct formatting) for each
    combination of character, paragraph and table style.

    Built once per parsed styles part and kept in that part's memo (``package``), so a
    template's styles are resolved once per process: every value here is a function of the
    styles part's bytes, which key that cache (and it lives and dies with that entry).
    ``chains`` and ``props`` are keyed by style id; ``derived`` holds the property elements
    (and their child maps) of each style combination; ``answers`` the value of each property
    asked for each combination, keyed by the style ids ((rStyle, pStyle, table style) of a
    run, (pStyle, table style) of a paragraph), then by (probe, property). Only ids of
    styles the part defines are keys (any other id resolves as no style at all, and is keyed
    as None), and ``derived`` and ``answers`` are emptied when they reach ``MAX_DERIVED``
    entries. The index only reads the styles part; nothing of a document is kept in it.
    """

    def __init__(self, styles_root) -> None:
        self.root = styles_root
        self.chains: dict[str | None, tuple] = {}
        self.props: dict[tuple[str | None, str], tuple] = {}
        self.derived: dict[tuple, object] = {}
        self.answers: dict[tuple, dict] = {}
        self.by_id = {s.get(w("styleId")): s for s in styles_root.iter(w("style"))}
        self.defaults = {}
        for style in self.by_id.values():
            if is_on_attr(style.get(w("default"))):
                self.defaults.setdefault(style.get(w("type")), style.get(w("styleId")))
        doc_defaults = styles_root.find(w("docDefaults"))
        self.default_rpr = _find_path(doc_defaults, "rPrDefault", "rPr")
        self.default_ppr = _find_path(doc_defaults, "pPrDefault", "pPr")

    @classmethod
    def of(cls, styles_root, memo: dict | None) -> StyleIndex:
        """The index of ``styles_root``: the one in ``memo`` (the shared part's) when there
        is one, else a new one (remembered in ``memo``)."""
        if memo is None:
            return cls(styles_root)
        index = memo.get("style_index")
        if index is None or index.root is not styles_root:
            index = memo["style_index"] = cls(styles_root)
        return index

    def known(self, style_id: str | None) -> str | None:
        """``style_id`` when the part defines it, else None (both have no chain)."""
        return style_id if style_id and style_id in self.by_id else None

    def chain(self, style_id: str | None) -> tuple:
        """The style and its ``basedOn`` ancestors, nearest first; () for an unknown id."""
        style_id = self.known(style_id)
        try:
            return self.chains[style_id]
        except KeyError:
            return self.chains.setdefault(style_id, tuple(self._chain(style_id)))

    def _chain(self, style_id: str | None) -> list:
        found, seen = [], set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            found.append(style)
            based = style.find(w("basedOn"))
            style_id = based.get(w("val")) if based is not None else None
        return found

    def style_props(self, style_id: str | None, prop: str) -> tuple:
        """The ``prop`` elements (``w:rPr``, ``w:pPr``) along the style's chain."""
        key = (self.known(style_id), prop)
        try:
            return self.props[key]
        except KeyError:
            found = tuple(n for n in (s.find(w(prop)) for s in self.chain(style_id))
                          if n is not None)
            return self.props.setdefault(key, found)

    def values(self, key: tuple) -> dict:
        """The dict of values the styles give for style key ``key`` ((rStyle, pStyle, table
        style) of a run, (pStyle, table style) of a paragraph), keyed by what is asked."""
        found = self.answers.get(key)
        if found is None:
            if len(self.answers) >= MAX_DERIVED:
                self.answers.clear()
            found = self.answers[key] = {}
        return found

    def remember(self, key: tuple, value):
        if len(self.derived) >= MAX_DERIVED:
            self.derived.clear()
        self.derived[key] = value
        return value

    def paragraph_levels(self, key: tuple) -> tuple:
        """The ``w:pPr`` elements of the styles for paragraph style key (pStyle, table style),
        most specific first, docDefaults last."""
        try:
            return self.derived[("pPr", key)]
        except KeyError:
            pid, tid = key
            levels = self.style_props(pid, "pPr") + self.style_props(tid, "pPr") + \
                tuple(n for n in (self.default_ppr,) if n is not None)
            return self.remember(("pPr", key), levels)

    def paragraph_maps(self, key: tuple) -> tuple:
        """``paragraph_levels`` as child maps (see ``child_map``)."""
        try:
            return self.derived[("pPr:map", key)]
        except KeyError:
            maps = tuple(child_map(level) for level in self.paragraph_levels(key))
            return self.remember(("pPr:map", key), maps)

    def run_sources(self, key: tuple) -> tuple:
        """(character, paragraph, table, defaults) ``w:rPr`` chains of run style key
        (rStyle, pStyle, table style)."""
        try:
            return self.derived[("rPr", key)]
        except KeyError:
            rid, pid, tid = key
            sources = (self.style_props(rid, "rPr"), self.style_props(pid, "rPr"),
                       self.style_props(tid, "rPr"),
                       tuple(n for n in (self.default_rpr,) if n is not None))
            return self.remember(("rPr", key), sources)

    def run_maps(self, key: tuple) -> tuple:
        """The run sources of ``key`` as one sequence of child maps, most specific first."""
        try:
            return self.derived[("rPr:map", key)]
        except KeyError:
            maps = tuple(child_map(rpr) for rpr in sum(self.run_sources(key), ()))
            return self.remember(("rPr:map", key), maps)

    def source_maps(self, key: tuple) -> tuple:
        """``run_sources`` with each chain as child maps."""
        try:
            return self.derived[("rPr:sources", key)]
        except KeyError:
            maps = tuple(tuple(child_map(rpr) for rpr in chain)
                         for chain in self.run_sources(key))
            return self.remember(("rPr:sources", key), maps)


class StyleSheet:
    """The styles part, answering "what is the effective value of … for this paragraph/run".

    A value is looked for in the element's own properties first, then in the styles; what
    the styles give for a combination of styles is remembered in the ``StyleIndex``, which is
    shared by every document of the same styles part when ``memo`` is the dict the package
    cache keeps beside that part (``package``), and new for each StyleSheet otherwise. What
    concerns one paragraph or run (its style ids, its own property element) is remembered by
    element for one document only (a new StyleSheet per check; the checker only reads).
    """

    def __init__(self, styles_root, memo: dict | None = None) -> None:
        self.index = index = StyleIndex.of(styles_root, memo)
        self.root = styles_root
        self.by_id = index.by_id
        self.defaults = index.defaults
        self.default_rpr = index.default_rpr
        self.default_ppr = index.default_ppr
        # By paragraph or run element, for this document.
        self._paragraph_style: dict = {}
        self._table_style: dict = {}
        self._table_styles: dict = {}  # by table element
        self._paragraph_keys: dict = {}
        self._paragraph_maps: dict = {}
        self._run_keys: dict = {}

    def name(self, style_id: str) -> str:
        """The style's display name ("RG Body"), or its id when it has none."""
        style = self.by_id.get(style_id)
        node = style.find(w("name")) if style is not None else None
        return node.get(w("val")) if node is not None else style_id

    def chain(self, style_id: str | None) -> tuple:
        """The style and its ``basedOn`` ancestors, nearest first; () for an unknown id."""
        return self.index.chain(style_id)

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
        found = self._table_style.get(p, _NEXT)
        if found is _NEXT:
            found = self._table_style[p] = self._table_style_of(p)
        return found

    def read_tables(self, root) -> None:
        """Find the table style (``table_style_id``) of every paragraph under ``root`` in
        one pass over its tables, instead of a search of each paragraph's ancestors."""
        if next(root.iterancestors(_TBL), None) is not None:
            return  # inside a table: left to the search
        found = {}
        for table in root.iter(_TBL):  # an outer table before the tables nested in it
            style = self._table_style_of_table(table)
            for p in table.iter(_P):
                found[p] = style
        for p in root.iter(_P):
            if p not in self._table_style:
                self._table_style[p] = found.get(p)

    def _table_style_of_table(self, table) -> str | None:
        found = self._table_styles.get(table, _NEXT)
        if found is _NEXT:
            node = _find_path(table, "tblPr", "tblStyle")
            found = node.get(_VAL) if node is not None else self.defaults.get("table")
            self._table_styles[table] = found
        return found

    def _table_style_of(self, p) -> str | None:
        table = next(p.iterancestors(_TBL), None)
        return self._table_style_of_table(table) if table is not None else None

    def _paragraph_key(self, p) -> tuple:
        """(its own ``w:pPr`` or None, (pStyle, table style) as index keys, the index's
        values for that key) of a paragraph."""
        key = self._paragraph_keys.get(p)
        if key is None:
            ppr = child(p, _PPR)
            style = child(ppr, _PSTYLE) if ppr is not None else None
            found = style.get(_VAL) if style is not None else self.defaults.get("paragraph")
            self._paragraph_style.setdefault(p, found)
            table = self._table_style.get(p, _NEXT)
            if table is _NEXT:
                table = self.table_style_id(p)
            by_id = self.by_id  # index keys: ids the part defines, else None (``known``)
            styles = (found if found and found in by_id else None,
                      table if table and table in by_id else None)
            key = self._paragraph_keys[p] = (ppr, styles, self.index.values(styles))
        return key

    def _own_paragraph_map(self, p, ppr) -> dict:
        """The child map of the paragraph's own ``w:pPr``."""
        own = self._paragraph_maps.get(p)
        if own is None:
            own = self._paragraph_maps[p] = child_map(ppr)
        return own

    def paragraph_levels(self, p) -> list:
        """The ``w:pPr`` elements that can set a property of ``p``, most specific first."""
        ppr = p.find(_PPR)
        key = self._paragraph_key(p)[1]
        return [n for n in (ppr,) if n is not None] + list(self.index.paragraph_levels(key))

    def _p_value(self, p, probe, default, *args):
        """The first answer of ``probe(level, *args)`` over the paragraph's levels (own
        properties, then the styles, whose answer is remembered in the index)."""
        ppr, key, styled = self._paragraph_key(p)
        if ppr is not None:
            found = probe(self._own_paragraph_map(p, ppr), *args)
            if found is not _NEXT:
                return found
        return _remembered(styled, lambda: self.index.paragraph_maps(key), probe, default,
                           args)

    def own_run_properties(self, r, p) -> dict:
        """The child map (``child_map``) of the run's own ``w:rPr``; {} when it has none
        (not to be changed)."""
        return (self._run_keys.get(r) or self._run_key(r, p))[0] or _NONE

    def _run_key(self, r, p) -> tuple:
        """(child map of its own ``w:rPr`` or None, (rStyle, pStyle, table style) as index
        keys) of a run."""
        key = self._run_keys.get(r)
        if key is None:
            rpr = child(r, _RPR)
            paragraph = self._paragraph_keys.get(p) or self._paragraph_key(p)
            if rpr is None:
                # No properties of its own: the paragraph's styles, no character style.
                styles = (None, *paragraph[1])
                own = None
            else:
                own = child_map(rpr)
                rstyle = own.get(_RSTYLE)
                styles = (self.index.known(rstyle.get(_VAL) if rstyle is not None else None),
                          *paragraph[1])
            key = self._run_keys[r] = (own, styles, self.index.values(styles))
        return key

    def run_chains(self, r, p) -> list:
        """The ``w:rPr`` sources of a run: [direct], character, paragraph, table, defaults."""
        rpr = r.find(_RPR)
        key = self._run_key(r, p)[1]
        return [[n for n in (rpr,) if n is not None], *map(list, self.index.run_sources(key))]

    def _r_value(self, r, p, probe, default, *args):
        """The first answer of ``probe(rpr, *args)`` over the run's ``w:rPr`` sources (own,
        then the styles, whose answer is remembered in the index)."""
        own, key, styled = self._run_keys.get(r) or self._run_key(r, p)
        if own is not None:
            found = probe(own, *args)
            if found is not _NEXT:
                return found
        return _remembered(styled, lambda: self.index.run_maps(key), probe, default, args)

    # ------------------------------------------------------------------ paragraph values

    def p_attr(self, p, tag: str, attr: str) -> str | None:
        """The effective attribute ``attr`` of the paragraph property ``tag``, or None."""
        return self._p_value(p, _attr_probe, None, w(tag), w(attr))

    def p_twips(self, p, tag: str, *attrs: str) -> int:
        """The first of ``attrs`` set on ``tag`` (e.g. ind left/start) in twips; 0 if none."""
        return self._p_value(p, _twips_probe, 0, w(tag), *map(w, attrs))

    def first_line_indent(self, p) -> int:
        """The first-line indent in twips; a hanging indent is negative."""
        return self._p_value(p, _indent_probe, 0)

    def alignment(self, p) -> str:
        """The effective ``w:jc`` value ("both", "center", …); "left" when unset."""
        return self.p_attr(p, "jc", "val") or "left"

    def p_flag(self, p, tag: str) -> bool:
        """An on/off paragraph property (``keepNext``, ``contextualSpacing``…)."""
        return self._p_value(p, _flag_probe, False, w(tag))

    def bottom_border(self, p):
        """The effective ``w:pBdr/w:bottom`` element when it draws a line, else None."""
        return self._p_value(p, _border_probe, None)

    # ------------------------------------------------------------------ run values

    def r_value(self, r, p, tag: str, attr: str = "val") -> str | None:
        """The effective attribute of a non-toggle run property (``sz``, ``color``…)."""
        return self._r_value(r, p, _attr_probe, None, w(tag), w(attr))

    def r_node(self, r, p, tag: str):
        """The most specific run-property element ``tag`` that applies to the run, or None."""
        return self.run_property(r, p, w(tag))

    def run_property(self, r, p, tag: str):
        """``r_node`` for a Clark name."""
        own, key, styled = self._run_keys.get(r) or self._run_key(r, p)
        if own is not None:
            node = own.get(tag)
            if node is not None:
                return node
        asked = (_node_probe, tag)
        found = styled.get(asked, _NEXT)
        if found is _NEXT:
            return self._r_value(r, p, _node_probe, None, tag)
        return found

    def size(self, r, p) -> float:
        """The effective font size in points (Word's built-in default is 10 pt)."""
        return _int(self.r_value(r, p, "sz") or "20") / 2

    def toggle(self, r, p, tag: str) -> bool:
        """The effective value of a toggle property (``b``, ``i``, ``caps``)."""
        assert tag in _TOGGLES
        own, key, styled = self._run_keys.get(r) or self._run_key(r, p)
        tag = w(tag)
        if own is not None:
            node = own.get(tag)
            if node is not None:
                return is_on(node)
        asked = ("toggle", tag)
        found = styled.get(asked)
        if found is None:
            found = styled[asked] = _styled_toggle(self.index.source_maps(key), tag)
        return found

    def underline(self, r, p) -> str | None:
        """The effective underline style of a run, or None when not underlined."""
        own, _key, styled = self._run_keys.get(r) or self._run_key(r, p)
        value = _NEXT if own is None else _attr_probe(own, _U, _VAL)
        if value is _NEXT:
            value = styled.get(_UNDERLINE_ASKED, _NEXT)
            if value is _NEXT:  # not asked yet for these styles
                value = self._r_value(r, p, _attr_probe, None, _U, _VAL)
        return None if value is None or value.lower() in _OFF else value

    def fonts(self, r, p) -> Iterator[tuple[str, str, str]]:
        """(slot, font or theme, level) for each of the four font slots of a run."""
        for slot, theme in (("ascii", "asciiTheme"), ("hAnsi", "hAnsiTheme"),
                            ("cs", "cstheme"), ("eastAsia", "eastAsiaTheme")):
            yield slot, *self._r_value(r, p, _font_probe, ("", "none"), w(slot), w(theme))


# ---------------------------------------------------------------------- one level's answer
# Each probe reads the child map (``child_map``) of one property element (a ``w:pPr`` or
# ``w:rPr``) and answers, or says _NEXT when that level leaves the value to the next one.
# Tags and attributes are Clark names.


def _attr_probe(level: dict, tag: str, attr: str):
    node = level.get(tag)
    if node is not None:
        value = node.get(attr)
        if value is not None:
            return value
    return _NEXT


# What ``underline`` asks of the styles (the key ``_r_value`` files the answer under).
_UNDERLINE_ASKED = (_attr_probe, _U, _VAL)


def _node_probe(level: dict, tag: str):
    node = level.get(tag)
    return _NEXT if node is None else node


def _twips_probe(level: dict, tag: str, *attrs: str):
    node = level.get(tag)
    for attr in attrs if node is not None else ():
        if node.get(attr) is not None:
            return _int(node.get(attr))
    return _NEXT


def _indent_probe(level: dict):
    node = level.get(_IND)
    if node is None:
        return _NEXT
    if node.get(w("hanging")) is not None:
        return -_int(node.get(w("hanging")))
    if node.get(w("firstLine")) is not None:
        return _int(node.get(w("firstLine")))
    return _NEXT


def _flag_probe(level: dict, tag: str):
    node = level.get(tag)
    return _NEXT if node is None else is_on(node)


def _border_probe(level: dict):
    borders = level.get(_PBDR)
    node = child(borders, _BOTTOM) if borders is not None else None
    if node is None:
        return _NEXT
    return None if node.get(_VAL, "nil") in ("nil", "none") else node


def _font_probe(level: dict, slot: str, theme: str):
    node = level.get(_RFONTS)
    if node is None:
        return _NEXT
    if node.get(theme) is not None:
        return f"theme:{node.get(theme)}", "theme"
    if node.get(slot) is not None:
        return node.get(slot), "font"
    return _NEXT


def _styled_toggle(sources: tuple, tag: str) -> bool:
    """A toggle property from the styles alone (ECMA-376 §17.7.3): the character, paragraph
    and table style chains combined with XOR, else docDefaults."""
    char, para, table, defaults = sources
    styled = [v for v in (_first_flag(c, tag) for c in (char, para, table)) if v is not None]
    if not styled:
        return bool(_first_flag(defaults, tag))
    result = False
    for value in styled:
        result ^= value
    return result


def child(node, tag: str):
    """``node.find(tag)`` for a Clark name (the first child with that tag, or None), without
    ElementPath: a walk from the first child along its siblings (the children ``for c in
    node`` gives, comments included), several times faster for property elements."""
    found = node[0] if len(node) else None
    while found is not None:
        if found.tag == tag:
            return found
        found = found.getnext()
    return None


def child_map(node) -> dict:
    """{tag: the first child with that tag} of a property element: ``map.get(tag)`` is
    ``node.find(tag)``, for one walk over the children instead of a search per property."""
    found: dict = {}
    item = node[0] if len(node) else None
    while item is not None:
        found.setdefault(item.tag, item)
        item = item.getnext()
    return found


def is_on_attr(value: str | None) -> bool:
    return value is not None and value.lower() not in _OFF


def _first_flag(chain, tag: str) -> bool | None:
    """The first on/off ``tag`` (Clark name) along a chain of child maps, or None."""
    for rpr in chain:
        node = rpr.get(tag)
        if node is not None:
            return is_on(node)
    return None


def _find_path(node, *tags: str):
    for tag in tags:
        if node is None:
            return None
        node = child(node, w(tag))
    return node


def _int(value: str) -> int:
    """A twips or half-point value; Word also writes "720.0" and such, so go through float."""
    try:
        return round(float(value))
    except ValueError:
        return 0


def _remembered(styled: dict, levels, probe, default, args: tuple):
    """The first answer of ``probe(level, *args)`` over ``levels()`` (the style levels of
    one mix of styles), else ``default``; remembered in ``styled``, that mix's answers."""
    asked = (probe, *args)
    found = styled.get(asked, _NEXT)
    if found is _NEXT:
        for level in levels():
            found = probe(level, *args)
            if found is not _NEXT:
                break
        else:
            found = default
        styled[asked] = found
    return found
