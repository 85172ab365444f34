"""Checks a .docx against the format of Decree 30/2020/NĐ-CP and against its own period.

``check_document(data, expected)`` returns every deviation as a ``Finding`` (code, Vietnamese
message, element, location, severity); ``format_findings`` prints them one per line. The job
pipeline runs it on every document it makes and on every template it is offered; a finding
of severity ``"error"`` means the document must not be issued as it is, a ``"warning"`` that
a draft still lacks something. The rules, by code (errors unless marked):

- ``page.size``, ``page.margin``: A4 portrait main section (±20 twips); margins top/bottom
  20–25 mm, left 30–35 mm, right 15–20 mm; an appendix section A4 in either orientation.
- ``page_number.missing``, ``page_number.first_page``: a PAGE field centred in the default page
  header; ``titlePg`` set and the first-page header empty or absent.
- ``font.family``, ``font.theme``, ``font.color``: Times New Roman in the four slots of
  docDefaults, of every style in use and of every run override; no theme fonts; black text.
- ``header.*``, ``date.format``: the header table's elements, number and date (``header``).
- ``rule.count``, ``rule.missing``, ``rule.width``, ``rule.underline``, ``rule.typed``: exactly
  three drawn rules of the right widths, no underlined or typed rules (``rules``).
- ``title.*``, ``body.*``: ``BÁO CÁO``, the summary line, the body paragraphs (``body``).
- ``signature.*``: recipients and signer (``signature``); ``signature.no_name`` (warning): no
  name under the signer's title; ``appendix.*``: the appendix.
- ``placeholder.highlighted`` (warning): highlighted text left to fill in (``placeholders``).
- ``date.window``, ``date.mismatch``, ``title.period``: the header date and the summary line
  against the period, from ``Expected`` or else from the summary line (``period_fit``).
- ``format.size``, ``format.weight``, ``format.slant``, ``format.case``, ``format.align``,
  ``format.indent``, ``format.spacing``, ``format.line_spacing``: how an element is set; the
  ``element`` of the finding says which one.

What is remembered between checks (every cache is keyed so that a document differing in a
single byte of what a result depends on is read anew; ``package.clear_cache()`` empties them):

- ``package``: the parsed styles, settings, numbering, page header and footer parts, keyed by
  their complete bytes (content and relationship type too), at most ``package.MAX_PARTS``
  parts and ``package.MAX_BYTES`` bytes of XML, least recently used dropped first;
- ``styles.StyleIndex``: what a styles part alone determines (style chains, the value each
  property takes from the styles for each combination of styles), kept beside that parsed
  part in the cache above and dropped with it;
- ``text``: the runs and texts of one document's paragraphs, emptied at the start of each
  check.

Pure pipeline code: imports python-docx and lxml only, never Flask, Celery, Redis or SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable

from tasks.report.conformance import (
    appendix,
    body,
    fonts,
    header,
    page,
    page_numbers,
    period_fit,
    placeholders,
    rules,
    signature,
)
from tasks.report.conformance.layout import build_layout
from tasks.report.conformance.model import ConformanceError, Expected
from tasks.report.conformance.text import forget_runs
from tasks.report.errors import ERROR, WARNING, Finding

__all__ = ["ERROR", "WARNING", "ConformanceError", "Expected", "Finding", "check_document",
           "format_findings"]

_RECOGNISERS = (header.recognise, signature.recognise, appendix.recognise)
_CHECKS = (page.check, page_numbers.check, fonts.check, header.check, rules.check, body.check,
           signature.check, appendix.check, placeholders.check, period_fit.check)


def check_document(data: bytes, expected: Expected | None = None) -> list[Finding]:
    """Every deviation of the .docx ``data`` from Decree 30/2020 and from its period, errors
    and warnings in one list; [] for a document ready to sign.

    ``expected`` carries the period and report date when the caller knows them (see
    ``Expected``); ``None`` checks what the document's text allows. Raises
    ``ConformanceError`` when ``data`` is not a readable .docx.
    """
    forget_runs()
    layout = build_layout(data, expected)
    for recognise in _RECOGNISERS:
        recognise(layout)
    return [finding for check in _CHECKS for finding in check(layout)]


def format_findings(findings: Iterable[Finding]) -> str:
    """One line per finding: ``[code] element (location): message``."""
    lines = [f"[{f.code}] {f.element} ({f.location}): {f.message}" for f in findings]
    return "\n".join(lines) if lines else "Không có sai lệch so với Nghị định 30/2020/NĐ-CP."
