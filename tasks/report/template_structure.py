"""Whether a part's Jinja blocks keep Word's XML whole, whatever branch the data takes.

docxtpl moves tags within the XML: ``{%p``/``{%tr`` replace their paragraph or row, ``{%-``
and ``-%}`` swallow the XML up to the neighbouring text. A tag in the wrong place leaves a
block that opens an element it does not close; the document then breaks only for the data
that takes (or skips, or repeats) that block. Here each block, and each branch of an ``if``,
must end with the same elements open as when it began.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.report.template_tags import TAG

BLOCK_OPENERS = {"if", "for", "with", "filter", "macro", "call", "autoescape", "block", "raw"}
# Markup is matched before text: an element's start tag may hold Jinja in an attribute value
# (docxtpl's {% vm %} does), which then stays part of the element.
TOKEN = re.compile(r"<(/?)([\w:.-]+)(?:\"[^\"]*\"|'[^']*'|[^'\">])*?(/?)>|<[?!][^>]*>|"
                    + TAG.pattern, re.DOTALL)
_KEYWORD = re.compile(r"\{%[-+]?\s*(\w+)")


@dataclass(frozen=True)
class StructureProblem:
    """The tag (as in the prepared source) at which the XML stopped being whole, and why."""

    tag: str
    occurrence: int  # 1 for the first tag with this text in the part, 2 for the second …
    reason: str


def structure_problems(source: str) -> list[StructureProblem]:
    """The blocks of ``source`` (a part prepared by docxtpl) that cut an XML element."""
    elements: list[str] = []
    blocks: list[tuple[str, tuple[str, ...]]] = []
    seen: dict[str, int] = {}
    problems = []
    for token in TOKEN.finditer(source):
        text = token.group()
        if text.startswith("<"):
            if not _follow_element(token, elements):
                return problems + [StructureProblem(text, 1, "thẻ XML không khớp")]
            continue
        seen[text] = seen.get(text, 0) + 1
        reason = _follow_block(text, elements, blocks)
        if reason:
            problems.append(StructureProblem(text, seen[text], reason))
    return problems


def _follow_element(token: re.Match, elements: list[str]) -> bool:
    closing, name, empty = token.group(1), token.group(2), token.group(3)
    if name is None or empty:  # declarations, processing instructions, <x/>
        return True
    if not closing:
        elements.append(name)
        return True
    if elements and elements[-1] == name:
        elements.pop()
        return True
    return False


def block_keyword(tag: str) -> str | None:
    """What a tag does to Jinja's blocks: "open", "branch" (elif/else), "end", or None."""
    match = _KEYWORD.match(tag)
    word = match.group(1) if match else None
    if word in BLOCK_OPENERS or (word == "set" and "=" not in tag):
        return "open"
    if word in ("elif", "else"):
        return "branch"
    if word and word.startswith("end"):
        return "end"
    return None


def _follow_block(tag: str, elements: list[str], blocks: list) -> str | None:
    kind = block_keyword(tag)
    if kind == "open":
        blocks.append((tag, tuple(elements)))
    elif kind == "branch" and blocks:
        if tuple(elements) != blocks[-1][1]:
            return "nhánh trước thẻ này mở phần tử Word mà không đóng"
    elif kind == "end" and blocks:
        _, opened = blocks.pop()
        if tuple(elements) != opened:
            return "khối kết thúc ở thẻ này không khép kín các phần tử Word nó mở"
    return None
