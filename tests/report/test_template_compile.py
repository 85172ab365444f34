"""A template the compiler cannot take is a TemplateError with its reason, never a crash
(issue 13 item 11): Jinja's parser, Python's compiler and the static rules all end there."""

from __future__ import annotations

import pytest

from tasks.report.errors import TemplateError
from tasks.report.render import render_docx
from tasks.report.template_engine import compile_template
from tasks.report.template_lint import lint_template
from tests.report.test_render import TEMPLATE, build_sample_context, edit_docx, first_paragraph


@pytest.fixture(scope="module")
def context() -> dict:
    return build_sample_context()


def _nested(opener: str, closer: str, depth: int) -> bytes:
    return edit_docx(TEMPLATE.read_bytes(), {
        "word/document.xml": first_paragraph(opener * depth + "x" + closer * depth)})


CASES = {
    # Python: IndentationError "too many levels of indentation" (100 levels)
    "200 nested if": ("{% if true %}", "{% endif %}", 200),
    # Python: SyntaxError "too many statically nested blocks" (20 loops)
    "25 nested for": ("{% for i in [1] %}", "{% endfor %}", 25),
    # Jinja's parser: RecursionError
    "5000 nested if": ("{% if true %}", "{% endif %}", 5000),
}


@pytest.mark.parametrize("case", CASES)
def test_nesting_python_cannot_compile_is_a_template_error(case, context):
    data = _nested(*CASES[case])
    with pytest.raises(TemplateError) as caught:
        compile_template(data)
    assert caught.value.code == "template_too_complex"
    assert "lồng khối quá sâu" in caught.value.message
    assert "word/document.xml" in caught.value.message
    with pytest.raises(TemplateError):
        render_docx(data, context)


@pytest.mark.parametrize("case", CASES)
def test_the_lint_reports_it_without_raising(case, context):
    findings = lint_template(_nested(*CASES[case]), context)
    assert {f.code for f in findings} == {"too_costly"}


def test_twenty_nested_ifs_still_compile(context):
    data = _nested("{% if true %}", "{% endif %}", 20)
    assert compile_template(data) is not None
