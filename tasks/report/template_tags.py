"""The Jinja tags of a Word part as the officer typed them, each with the place it sits.

A place is told the way a person finds it in Word: "word/document.xml, đoạn 12" (the 12th
paragraph outside tables), "word/document.xml, bảng 2, hàng 3, ô 1", "docProps/core.xml, title".
Tags are read from the text of each paragraph, joined across runs as docxtpl joins them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# An opener runs to its closer or to the end of the text: an unclosed tag is one match (and
# the scan stays linear), never a search from each "{" to the end.
TAG = re.compile(r"\{%(?:(?!%\}).)*(?:%\})?|\{\{(?:(?!\}\}).)*(?:\}\})?|\{#(?:(?!#\}).)*(?:#\})?",
                  re.DOTALL)
_OPENERS = ("{{", "{%", "{#")
_CLOSERS = ("}}", "%}", "#}")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_PREFIX = re.compile(r"^(\{[{%#])(tr|tc|p|r)(?=\s)")
_FIELD_PARTS = (W + "fldChar", W + "instrText", W + "fldSimple")


@dataclass(frozen=True)
class Tag:
    """One tag: its text as typed, its docxtpl prefix ("p", "tr", "tc", "r" or ""), its place."""

    text: str
    prefix: str
    location: str
    alone: bool  # nothing else in the paragraph, row or cell its prefix removes

    @property
    def jinja(self) -> str:
        """The tag as Jinja sees it after docxtpl: prefix dropped, Word's curly quotes straight."""
        return _PREFIX.sub(r"\1", self.text.translate(_QUOTES))


@dataclass
class PartTags:
    """The tags of one part in order, the places where a tag is broken, the field codes."""

    tags: list[Tag] = field(default_factory=list)
    broken: list[tuple[str, str]] = field(default_factory=list)  # (location, text)
    fields: list[tuple[str, str]] = field(default_factory=list)  # (location, instruction)


def wordml_tags(part: str, root: etree._Element) -> PartTags:
    """The tags, broken tags and field instructions of a WordprocessingML part."""
    found = PartTags()
    places = _places(part, root)
    for paragraph, location in places.items():
        texts = [t for t in paragraph.iter(W + "t") if _owner(t) is paragraph]
        _read_paragraph(paragraph, texts, location, found)
    found.fields = _fields(root, places)
    return found


def core_tags(part: str, root: etree._Element) -> PartTags:
    """The tags in the text of each document property (title, subject …) of core.xml."""
    found = PartTags()
    for element in root:
        text = element.text or ""
        location = f"{part}, {etree.QName(element).localname}"
        matches = [m.group() for m in TAG.finditer(text)]
        found.tags += [Tag(m, "", location, True) for m in matches if _closed(m)]
        if not all(map(_closed, matches)) or any(s in TAG.sub("", text) for s in _CLOSERS):
            found.broken.append((location, text))
    return found


def _places(part: str, root: etree._Element) -> dict[etree._Element, str]:
    tables = {table: n for n, table in enumerate(root.iter(W + "tbl"), 1)}
    places, outside = {}, 0
    for paragraph in root.iter(W + "p"):
        cell = next(paragraph.iterancestors(W + "tc"), None)
        if cell is None:
            outside += 1
            places[paragraph] = f"{part}, đoạn {outside}"
            continue
        row = cell.getparent()
        table = next(cell.iterancestors(W + "tbl"), None)
        rows = list(table.iterchildren(W + "tr")) if table is not None else []
        cells = list(row.iterchildren(W + "tc"))
        places[paragraph] = (f"{part}, bảng {tables.get(table, 0)}, "
                             f"hàng {rows.index(row) + 1 if row in rows else 0}, "
                             f"ô {cells.index(cell) + 1}")
    return places


def _owner(element: etree._Element) -> etree._Element | None:
    return next(element.iterancestors(W + "p"), None)


def _read_paragraph(paragraph, texts: list, location: str, found: PartTags) -> None:
    starts = list(accumulate((len(t.text or "") for t in texts[:-1]), initial=0))
    joined = "".join(t.text or "" for t in texts)
    for match in TAG.finditer(joined):
        if not _closed(match.group()):
            found.broken.append((location, joined.strip()))
            continue
        first, last = (bisect_right(starts, i) - 1 for i in (match.start(), match.end() - 1))
        spanned = {t.getparent().getparent() for t in texts[first:last + 1]}
        if len(spanned) > 1:  # runs in different parents: docxtpl's join breaks the XML
            found.broken.append((location, match.group()))
            continue
        prefixed = _PREFIX.match(match.group())
        prefix = prefixed.group(2) if prefixed else ""
        found.tags.append(Tag(match.group(), prefix, location,
                              _alone(paragraph, prefix, match.group())))
    if any(s in TAG.sub("", joined) for s in _CLOSERS):  # a closer without its opener
        found.broken.append((location, joined.strip()))


def _closed(tag: str) -> bool:
    return tag.endswith(_CLOSERS[_OPENERS.index(tag[:2])]) and len(tag) >= 4


def _alone(paragraph: etree._Element, prefix: str, text: str) -> bool:
    """Whether the paragraph, row or cell that docxtpl replaces by the tag holds only it."""
    if prefix in ("", "r"):
        return True
    container = paragraph if prefix == "p" else next(
        paragraph.iterancestors(W + prefix), None)
    if container is None:
        return False
    return "".join(t.text or "" for t in container.iter(W + "t")).strip() == text.strip()


def _fields(root: etree._Element, places: dict) -> list[tuple[str, str]]:
    """(location, instruction) of every field: simple ones and begin…separate…end ones."""
    fields, open_fields = [], []
    for element in root.iter(*_FIELD_PARTS):
        paragraph = _owner(element)
        location = places.get(paragraph, "")
        if element.tag == W + "fldSimple":
            fields.append((location, element.get(W + "instr", "")))
        elif element.tag == W + "instrText" and open_fields:
            open_fields[-1][1].append(element.text or "")
        elif element.tag == W + "fldChar":
            kind = element.get(W + "fldCharType")
            if kind == "begin":
                open_fields.append((location, []))
            elif kind == "end" and open_fields:
                where, parts = open_fields.pop()
                fields.append((where, "".join(parts)))
    fields += [(where, "".join(parts)) for where, parts in open_fields]
    return fields
