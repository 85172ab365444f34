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
# The runs of each paragraph, the text of each run and of each paragraph, the printing runs
# of each paragraph (by element), and texts squeezed (by text), seen by the check under way:
# every rule asks again. Emptied at the start of each check, so they hold one document's.
_RUNS: dict = {}
_RUN_TEXTS: dict = {}
_PARAGRAPH_TEXTS: dict = {}
_TEXT_RUNS: dict = {}
_SQUEEZED: dict = {}


def forget_runs() -> None:
    """Drop the remembered runs and texts (at the start of each check, so one document is
    kept)."""
    for remembered in (_RUNS, _RUN_TEXTS, _PARAGRAPH_TEXTS, _TEXT_RUNS, _SQUEEZED):
        remembered.clear()


def runs(p) -> list:
    """The runs of paragraph ``p`` in order, including those inside hyperlinks, insertions and
    content controls, excluding deleted runs and runs of paragraphs nested in text boxes (a
    paragraph that is itself inside a text box or a deletion has none)."""
    found = _RUNS.get(p)
    if found is None:
        found = _RUNS[p] = _runs(p)
    return found


def remember_runs(root) -> None:
    """Find the runs (``runs``) of every paragraph under ``root`` in one pass over its runs,
    and the text (``run_text``) of every run in one pass over the text, instead of a walk
    per paragraph and per run: the same lists and texts, cheaper."""
    hidden = set()
    if next(root.iterancestors(*_HIDDEN), None) is not None:
        hidden.update(root.iter(_PARAGRAPH))
    for container in root.iter(*_HIDDEN):
        hidden.update(container.iter(_PARAGRAPH))
    own: dict = {}
    irregular = set()  # paragraphs holding a run that is not their child: walked
    every = list(root.iter(_RUN))
    for r in every:
        parent = r.getparent()
        if parent.tag == _PARAGRAPH:
            found = own.get(parent)
            if found is None:
                own[parent] = [r]
            else:
                found.append(r)
        else:
            irregular.update(r.iterancestors(_PARAGRAPH))
    for p in root.iter(_PARAGRAPH):
        if p in _RUNS:
            continue
        if p in hidden:
            _RUNS[p] = []
        elif p in irregular:
            _RUNS[p] = list(_walk(p))
        else:
            _RUNS[p] = own.get(p, [])
    # A run's text is that of its own children (``_run_text``), in document order.
    pieces: dict = {}
    for node in root.iter(_T, _TAB, *_BREAKS, _HYPHEN):
        r = node.getparent()
        if r.tag == _RUN:
            tag = node.tag
            piece = (node.text or "") if tag == _T else "\t" if tag == _TAB else \
                "-" if tag == _HYPHEN else "\n"
            found = pieces.get(r)
            if found is None:
                pieces[r] = [piece]
            else:
                found.append(piece)
    for r in every:
        if r not in _RUN_TEXTS:
            found = pieces.get(r)
            _RUN_TEXTS[r] = unicodedata.normalize("NFC", "".join(found)) if found else ""


def _runs(p) -> list:
    if next(p.iterancestors(*_HIDDEN), None) is not None:
        return []
    found = list(p.iter(_RUN))
    for r in found:
        if r.getparent() is not p:
            return list(_walk(p))
    # The usual paragraph: every run a child of its own; the walk finds the same.
    return found


def _walk(p) -> Iterator:
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
    text = _RUN_TEXTS.get(r)
    if text is None:
        text = _RUN_TEXTS[r] = _run_text(r)
    return text


_T, _TAB, _BREAKS, _HYPHEN = w("t"), w("tab"), (w("br"), w("cr")), w("noBreakHyphen")


def _run_text(r) -> str:
    parts = []
    # The children in order (``for node in r``), walked from sibling to sibling: cheaper.
    node = r[0] if len(r) else None
    while node is not None:
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _TAB:
            parts.append("\t")
        elif tag in _BREAKS:
            parts.append("\n")
        elif tag == _HYPHEN:
            parts.append("-")
        node = node.getnext()
    return unicodedata.normalize("NFC", "".join(parts))


def paragraph_text(p) -> str:
    """All the visible text of a paragraph."""
    text = _PARAGRAPH_TEXTS.get(p)
    if text is None:
        text = _PARAGRAPH_TEXTS[p] = "".join([run_text(r) for r in runs(p)])
    return text


def text_runs(p) -> list:
    """The runs that print something other than white space."""
    found = _TEXT_RUNS.get(p)
    if found is None:
        found = _TEXT_RUNS[p] = [r for r in runs(p) if run_text(r).strip()]
    return found


def squeeze(text: str) -> str:
    """White space (NBSP and line breaks too) collapsed to single spaces, trimmed."""
    found = _SQUEEZED.get(text)
    if found is None:
        found = _SQUEEZED[text] = _SPACES.sub(" ", text).strip()
    return found


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
