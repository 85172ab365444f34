"""Data appears in the report exactly as typed (issue 13 item 14): docxtpl's brace escapes are
the template's, never the data's. Every check reads the .docx back."""

from __future__ import annotations

import pytest

from tasks.report.render import render_docx
from tests.conftest import docx_text
from tests.report.test_render import TEMPLATE, build_sample_context, edit_docx, first_paragraph


@pytest.fixture(scope="module")
def context() -> dict:
    return build_sample_context()


def _named(context: dict, name: str) -> dict:
    return {**context, "agency": {**context["agency"], "name": name}}


@pytest.mark.parametrize("typed", ["{_{ 7*7 }_}", "{_% if x %_}", "a }_} b", "{{ 7*7 }}"])
def test_data_written_like_docxtpl_escapes_appears_as_typed(context, typed):
    text = docx_text(render_docx(TEMPLATE, _named(context, f"Sở {typed} Lao động")))
    assert f"Sở {typed} Lao động" in text


def test_the_templates_own_escapes_still_print_braces(context):
    template = edit_docx(TEMPLATE.read_bytes(), {"word/document.xml": first_paragraph(
        "Gõ {_{ tên }_} hoặc {_% if %_} để in thẻ; {{ doc.number }}")})
    text = docx_text(render_docx(template, context))
    assert "Gõ {{ tên }} hoặc {% if %} để in thẻ; 05" in text


def test_a_part_with_only_escapes_is_rewritten_too(context):
    template = edit_docx(TEMPLATE.read_bytes(), {"word/document.xml": lambda x: x.replace(
        "III. ĐÁNH GIÁ CHUNG", "III. ĐÁNH GIÁ {_{ x }_} CHUNG", 1)})
    assert "III. ĐÁNH GIÁ {{ x }} CHUNG" in docx_text(render_docx(template, context))
