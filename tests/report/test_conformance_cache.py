"""The checker's caches change no finding.

The parts a template fixes (styles, settings, numbering, page headers and footers) are parsed
once per process and what the styles determine is resolved once (``conformance.package``,
``conformance.styles``). Every document checked here gives the same findings with those
caches warm as with them cleared: each shipped kind's sample, every document the conformance
tests mutate, and documents that change a cached part between two checks of one template.
"""

from __future__ import annotations

import io
import re
import zipfile
from functools import cache
from pathlib import Path

import pytest

from tasks.report import pipeline
from tasks.report.conformance import Expected, check_document, package
from tasks.report.context import ReportOptions
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest, resolve
from tasks.settings import REPO_ROOT

CATALOG = Catalog(REPO_ROOT / "doc_templates")
KINDS = sorted(slug for slug, kind in CATALOG.kinds.items() if kind.sample_path.exists())
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@cache
def sample(slug: str) -> tuple[bytes, Expected]:
    """A kind's sample report (its own province and period) and what the pipeline expects."""
    kind = CATALOG.kind(slug)
    request = ReportRequest(slug, kind.sample_province, kind.sample_period,
                            ReportOptions(report_number="5"))
    period = resolve(CATALOG, request).period
    document = compile_report(CATALOG, request, kind.sample_path.read_bytes()).document
    return document, Expected.of(period)


def outcome(data: bytes, expected: Expected | None = None):
    """The findings, or the error (type and message, object addresses left out)."""
    try:
        return "findings", check_document(data, expected)
    except Exception as e:  # noqa: BLE001 - the error itself is compared
        return "error", type(e).__name__, re.sub(r"0x[0-9a-f]+", "0x…", str(e))


def cached_and_cold(data: bytes, expected: Expected | None = None) -> tuple:
    """(as the caches stand, checked again, with every cache cleared first)."""
    first = outcome(data, expected)
    again = outcome(data, expected)
    package.clear_cache()
    return first, again, outcome(data, expected)


def with_part(data: bytes, name: str, change) -> bytes:
    """``data`` with the text of its part ``name`` changed by ``change`` (which must change
    it), every other part byte for byte the same."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            blob = source.read(info.filename)
            if info.filename == name:
                changed = change(blob.decode("utf-8")).encode("utf-8")
                assert changed != blob, f"{name} unchanged"
                blob = changed
            target.writestr(info, blob)
    return out.getvalue()


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def codes(result) -> set[tuple[str, str]]:
    assert result[0] == "findings", result
    return {(f.code, f.element) for f in result[1]}


# --------------------------------------------------------------------------- shipped kinds


@pytest.mark.parametrize("slug", KINDS)
def test_each_kind_sample_has_the_same_findings_cached_and_cold(slug):
    # The other kinds' templates are in the cache too, as in a worker serving all of them.
    for other in KINDS:
        check_document(*sample(other))
    data, expected = sample(slug)
    for wanted in (expected, None):
        first, again, cold = cached_and_cold(data, wanted)
        assert first == again == cold
        assert first[0] == "findings"


def test_the_cache_holds_each_template_part_once_and_stays_bounded(monkeypatch):
    package.clear_cache()
    for slug in KINDS:
        check_document(*sample(slug))
    held = package.cache_info()
    for slug in KINDS:
        check_document(*sample(slug))
    assert package.cache_info() == held  # checked again: nothing new is kept
    assert 0 < held["parts"] <= package.MAX_PARTS and held["bytes"] <= package.MAX_BYTES
    monkeypatch.setattr(package, "MAX_PARTS", 3)
    package.clear_cache()
    for slug in KINDS:
        first, again, cold = cached_and_cold(*sample(slug))
        assert first == again == cold
        assert package.cache_info()["parts"] <= 3
    package.clear_cache()


# --------------------------------------------------------------------------- the conformance
# tests' own documents: every document they check (directly or through the pipeline) is
# checked again with the caches cleared, and must give the same findings.


def test_every_document_of_the_conformance_tests_has_the_same_findings_cached_and_cold(
        monkeypatch):
    import tests.report.test_conformance as suite
    import tests.report.test_kinds_shipped as shipped

    compared, differences = [], []

    def check_twice(data: bytes, expected: Expected | None = None):
        first, again, cold = cached_and_cold(data, expected)
        compared.append(first[0])
        if not first == again == cold:
            differences.append((first, again, cold))
        if first[0] == "error":
            return check_document(data, expected)  # raises, as the test expects
        return first[1]

    for module in (suite, shipped, pipeline):
        monkeypatch.setattr(module, "check_document", check_twice)
    exit_code = pytest.main([
        str(Path(suite.__file__)),
        str(Path(shipped.__file__)) + "::test_each_kind_renders_a_decree_30_document_for_both_"
                                      "provinces",
        str(Path(shipped.__file__)) + "::test_the_checker_reads_each_of_two_appendices",
        "-q", "-p", "no:xdist", "-p", "no:cacheprovider", "-p", "no:randomly"])
    assert exit_code == pytest.ExitCode.OK
    assert differences == []
    # The mutation tests each check at least one document of their own.
    assert len(compared) >= 100, len(compared)


# --------------------------------------------------------------------------- a cached part
# changed between two checks of one template


def test_a_changed_margin_style_font_or_page_header_is_seen_through_the_cache():
    data, expected = sample("gender-equality-month")
    base = codes(outcome(data, expected))  # the template's parts are cached now
    # The style of the first paragraph (the parent agency's, in the header table).
    style = re.search(rb'<w:pStyle w:val="([^"]+)"', part(data, "word/document.xml"))[1]

    def in_style(properties: str):
        """Run properties put first in that style's own (an element it sets already, e.g.
        its font, taken out)."""
        def change(styles: str) -> str:
            start = styles.index(f'w:styleId="{style.decode()}"')
            end = styles.index("</w:style>", start)
            block = styles[start:end]
            tag = re.match(r"<(w:\w+)", properties)[1]
            block = re.sub(rf"<{tag}\b[^>]*/>", "", block)
            if "<w:rPr>" in block:
                block = block.replace("<w:rPr>", f"<w:rPr>{properties}", 1)
            else:
                block += f"<w:rPr>{properties}</w:rPr>"
            return styles[:start] + block + styles[end:]
        return change

    mutants = {
        "margin": (with_part(data, "word/document.xml",
                             lambda x: x.replace('w:left="1701"', 'w:left="1000"', 1)),
                   {("page.margin", "page.margin.left")}),
        "style font": (with_part(data, "word/styles.xml",
                                 in_style('<w:rFonts w:ascii="Arial"/>')), None),
        "defaults": (with_part(data, "word/styles.xml",
                               lambda x: re.sub(r'(<w:rPrDefault><w:rPr><w:rFonts\b[^>]*?'
                                                r'w:ascii=")[^"]*"', r'\1Arial"', x, count=1)),
                     {("font.family", "styles.docDefaults")}),
        "page number": (with_part(data, "word/header2.xml",
                                  lambda x: x.replace(" PAGE ", " DATE ")),
                        {("page_number.missing", "page_header.default")}),
        "colour": (with_part(data, "word/styles.xml", in_style('<w:color w:val="FF0000"/>')),
                   {("font.color", "header.parent_agency")}),
        "bold": (with_part(data, "word/styles.xml", in_style("<w:b/>")),
                 {("format.weight", "header.parent_agency")}),
    }
    for name, (mutant, wanted) in mutants.items():
        first, again, cold = cached_and_cold(mutant, expected)
        assert first == again == cold, name
        new = codes(first) - base
        if wanted is None:  # the style's display name is in the element
            assert any(code == "font.family" and element.startswith("style[")
                       for code, element in new), (name, new)
        else:
            assert wanted <= new, (name, new)
        # and the template's own parts, checked right after, are still found conforming
        assert codes(outcome(data, expected)) == base, name


def test_two_sections_with_byte_identical_page_headers_are_two_parts(monkeypatch):
    """The main section's and the appendix's page headers are the same bytes in the shipped
    templates; each is still checked as a part of its own (one finding each)."""
    data, expected = sample("gender-equality-month")
    assert part(data, "word/header2.xml") == part(data, "word/header4.xml")
    red = '<w:r><w:rPr><w:color w:val="FF0000"/></w:rPr><w:t xml:space="preserve">'

    def colour(header: str) -> str:
        return header.replace('<w:r><w:t xml:space="preserve">', red, 1)

    mutant = with_part(with_part(data, "word/header2.xml", colour), "word/header4.xml", colour)
    assert part(mutant, "word/header2.xml") == part(mutant, "word/header4.xml")
    first, again, cold = cached_and_cold(mutant, expected)
    assert first == again == cold

    def red_headers(result) -> int:
        return sum(1 for f in result[1]
                   if (f.code, f.element) == ("font.color", "page_header.paragraph[0]"))

    assert red_headers(first) == 2
    monkeypatch.setattr(package, "MAX_BYTES", 0)  # nothing kept: every part parsed anew
    package.clear_cache()
    assert outcome(mutant, expected) == first
