"""The text of paragraphs and runs as a reader sees it (no field codes, no deleted text)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from tasks.report.conformance.styles import w

# Containers whose runs are not part of the visible text of the paragraph.
_HIDDEN = {w("del"), w("moveFrom"), w("txbxContent")}
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# A "rule" typed with characters instead of drawn: "________", "-----------".
_TYPED_RULE = re.compile(r"^[_\-–—.]{5,}$")


_RUN, _PARAGRAPH = w("r"), w("p")
# The runs of each paragraph seen by the check under way: every rule asks again.
_RUNS: dict = {}


def forget_runs() -> None:
    """Drop the remembered runs (at the start of each check, so one document is kept)."""
    _RUNS.clear()


def runs(p) -> list:
    """The runs of paragraph ``p`` in order, including those inside hyperlinks, insertions and
    content controls, excluding deleted runs and runs of paragraphs nested in text boxes (a
    paragraph that is itself inside a text box or a deletion has none)."""
    found = _RUNS.get(p)
    if found is None:
        found = _RUNS[p] = list(_walk(p))
    return found


def _walk(p) -> Iterator:
    if any(a.tag in _HIDDEN for a in p.iterancestors()):
        return
    # Depth first, in document order; a run's own content (a drawing with a text box) and a
    # nested paragraph are not this paragraph's runs.
    stack = list(reversed(p))
    while stack:
        node = stack.pop()
        tag = node.tag
        if tag == _RUN:
            yield node
        elif tag != _PARAGRAPH and tag not in _HIDDEN:
            stack.extend(reversed(node))


def run_text(r) -> str:
    """A run's text: ``w:t`` as is, tabs as "\\t", line breaks as "\\n"."""
    parts = []
    for node in r:
        if node.tag == w("t"):
            parts.append(node.text or "")
        elif node.tag == w("tab"):
            parts.append("\t")
        elif node.tag in (w("br"), w("cr")):
            parts.append("\n")
        elif node.tag == w("noBreakHyphen"):
            parts.append("-")
    return unicodedata.normalize("NFC", "".join(parts))


def paragraph_text(p) -> str:
    """All the visible text of a paragraph."""
    return "".join(run_text(r) for r in runs(p))


def text_runs(p) -> list:
    """The runs that print something other than white space."""
    return [r for r in runs(p) if run_text(r).strip()]


def squeeze(text: str) -> str:
    """White space (NBSP and line breaks too) collapsed to single spaces, trimmed."""
    return _SPACES.sub(" ", text).strip()


def excerpt(text: str, limit: int = 40) -> str:
    """A short quotation of ``text`` for a location: «Trên đây là báo cáo…»."""
    text = squeeze(text)
    return f"«{text[:limit].rstrip()}…»" if len(text) > limit else f"«{text}»"


def is_upper(text: str) -> bool:
    """True when ``text`` has letters and none of them is lower case."""
    return any(c.isalpha() for c in text) and text == text.upper()


def is_typed_rule(text: str) -> bool:
    """True for a paragraph that is only a row of underscores, dashes or dots."""
    return bool(_TYPED_RULE.match(squeeze(text)))
