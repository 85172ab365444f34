"""The sandbox's own limits, as plain functions: bombs stop before they allocate or run long.

Each hostile template of issue 13 item 8 is rendered in-process, with Python's allocation
tracing on: the render must fail with ``template_too_large`` (or be refused when compiled)
while the memory traced stays far below what the bomb asks for. The shipped template's spend
pins the claim that the limits are far beyond a real report.
"""

from __future__ import annotations

import tracemalloc

import pytest
from jinja2 import nodes

from tasks.report import template_budget, template_engine
from tasks.report.errors import TemplateError
from tasks.report.render import render_docx, sanitize
from tasks.report.template_budget import RenderBudget, instrument
from tasks.report.template_engine import load_template
from tasks.report.template_env import make_environment
from tests.report.test_render import TEMPLATE, edit_docx, first_paragraph, with_units

MB = 2**20


def refused(source: str, context: dict | None = None) -> TemplateError:
    """The error ``source`` is refused with by a bare environment, under 64 MB of allocations."""
    tracemalloc.start()
    try:
        with pytest.raises(TemplateError) as caught:
            make_environment().from_string(source).render(context or {})
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * MB, f"allocated {peak // MB} MB before refusing"
    return caught.value


@pytest.mark.parametrize("source", [
    "{{ '%0300000000d'|format(1) }}",
    "{{ '%0300000000d' % 1 }}",
    "{{ '%.300000000f' % 1.5 }}",
    "{{ 'x'|center(300000000) }}",
    "{{ ('\\n' * 10000)|indent(10000) }}",
    "{{ ('x ' * 5000)|wordwrap(1, wrapstring='y' * 10000) }}",
    "{{ ('x' * 10000)|replace('', 'y' * 10000) }}",
    "{% set s = 'x' * 10000 %}{{ ([s] * 10000)|join }}",
    "{% set s = 'x' * 10000 %}{{ ('%s' * 10000) % ((s,) * 10000) }}",
    "{{ [1]|batch(100000000, 'x')|list }}",
    "{{ [1]|slice(100000000)|list }}",
    "{{ 'A' * 100000000 }}",
    "{{ 9 ** 999999 }}",
], ids=["format", "percent", "precision", "center", "indent", "wordwrap", "replace", "join",
        "printf-args", "batch", "slice", "repeat", "power"])
def test_one_operation_cannot_build_a_huge_value(source):
    assert refused(source).code == "template_too_large"


def test_doubling_a_text_with_tilde_stops_at_the_value_limit():
    source = ("{% set ns = namespace(s='x') %}{% for i in range(28) %}"
              "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}")
    error = refused(source)
    assert error.code == "template_too_large"
    assert "nối chuỗi dài 1.048.576 ký tự" in error.message  # 2**20: the 21st doubling


def test_doubling_a_text_with_plus_stops_too():
    source = ("{% set ns = namespace(s='x') %}{% for i in range(28) %}"
              "{% set ns.s = ns.s + ns.s %}{% endfor %}")
    assert refused(source).code == "template_too_large"


def test_doubling_through_a_block_capture_spends_the_work_budget(monkeypatch):
    monkeypatch.setattr(template_budget, "MAX_WORK", 5_000_000)
    source = ("{% set ns = namespace(s='x') %}{% for i in range(40) %}"
              "{% set ns.s %}{{ ns.s }}{{ ns.s }}{% endset %}{% endfor %}")
    error = refused(source)
    assert error.code == "template_too_large" and "5 triệu ký tự" in error.message


def test_squaring_an_integer_in_a_loop_stops():
    source = ("{% set ns = namespace(n=3) %}{% for i in range(40) %}"
              "{% set ns.n = ns.n * ns.n %}{% endfor %}")
    assert refused(source).code == "template_too_large"


def test_nested_data_loops_stop_at_the_step_budget():
    source = ("{% for a in xs %}{% for b in xs %}{% for c in xs %}.{% endfor %}{% endfor %}"
              "{% endfor %}")
    error = refused(source, {"xs": list(range(1000))})  # a billion iterations
    assert error.code == "template_too_large" and "5.000.000 bước" in error.message


def test_a_macro_that_calls_itself_twice_stops_at_the_step_budget(monkeypatch):
    monkeypatch.setattr(template_budget, "MAX_STEPS", 200_000)
    source = ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
              "{{ f(60) }}")  # 2**60 calls
    assert "200.000 bước" in refused(source).message


def test_call_blocks_spend_steps(monkeypatch):
    monkeypatch.setattr(template_budget, "MAX_STEPS", 50_000)
    source = ("{% macro m() %}{{ caller() }}{% endmacro %}"
              "{% for i in range(100000) %}{% call m() %}x{% endcall %}{% endfor %}")
    assert refused(source).code == "template_too_large"


def test_a_recursive_loop_spends_steps_at_each_level(monkeypatch):
    monkeypatch.setattr(template_budget, "MAX_STEPS", 1_000)
    source = "{% for x in [1, 2] recursive %}{{ loop([x, x]) }}{% endfor %}"
    error = refused(source)
    assert error.code in ("template_too_large", "template_too_complex")


def test_limits_hold_in_a_branch_the_data_never_takes(sample_context):
    # The loop sits behind "no report number": the sample has one, so a trial render with
    # it never runs the loop. The static check refuses the template anyway.
    loop = ("{% if not doc.number %}{% for i in range(100000) %}{% for j in range(100000) %}"
            "x{% endfor %}{% endfor %}{% endif %}")
    template = edit_docx(TEMPLATE.read_bytes(), {"word/document.xml": first_paragraph(loop)})
    with pytest.raises(TemplateError) as caught:
        render_docx(template, sample_context)
    assert caught.value.code == "template_too_large"
    assert "10.000.000.000 lần" in caught.value.message


def test_a_data_loop_behind_a_branch_is_bounded_when_the_branch_runs(sample_context):
    loop = ("{% if not doc.number %}{% for a in units %}{% for b in units %}{% for c in units %}"
            "{% for d in range(100000) %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}"
            "{% endif %}")
    template = edit_docx(TEMPLATE.read_bytes(), {"word/document.xml": first_paragraph(loop)})
    render_docx(template, sample_context)  # with a number: nothing runs
    without = {**sample_context, "doc": {**sample_context["doc"], "number": ""}}
    with pytest.raises(TemplateError) as caught:
        render_docx(template, without)
    assert caught.value.code == "template_too_large"


def test_budget_is_per_render_and_shared_by_the_parts_of_a_document(monkeypatch,
                                                                    sample_context):
    template = load_template(TEMPLATE)
    spent = []

    class Recorded(RenderBudget):
        def __init__(self) -> None:
            super().__init__()
            spent.append(self)

    monkeypatch.setattr(template_engine, "RenderBudget", Recorded)
    template.render(sanitize(sample_context))
    template.render(sanitize(sample_context))
    assert len(spent) == 2  # one budget per render, not one per part or per process
    first, second = (template_budget.MAX_STEPS - b.steps for b in spent)
    assert first == second > 0


def test_the_shipped_template_spends_a_small_part_of_each_limit(monkeypatch, sample_context):
    spent = []

    class Recorded(RenderBudget):
        def __init__(self) -> None:
            super().__init__()
            spent.append(self)

    monkeypatch.setattr(template_engine, "RenderBudget", Recorded)
    load_template(TEMPLATE).render(sanitize(with_units(sample_context, 2000)))
    budget = spent[-1]
    steps = template_budget.MAX_STEPS - budget.steps
    output = template_budget.MAX_OUTPUT_CHARS - budget.output
    assert 100_000 < steps < template_budget.MAX_STEPS // 5
    assert budget.work == template_budget.MAX_WORK  # it builds no text of its own
    assert 4_000_000 < output < template_budget.MAX_OUTPUT_CHARS // 5


def test_direct_renders_get_a_budget_of_their_own(monkeypatch):
    monkeypatch.setattr(template_budget, "MAX_STEPS", 1_000)
    template = make_environment().from_string("{% for i in range(300) %}.{% endfor %}")
    assert template.render() == "." * 300  # 300 iterations × a body of 3 steps
    assert template.render() == "." * 300  # the next render starts afresh
    with pytest.raises(TemplateError):
        make_environment().from_string("{% for i in range(2000) %}.{% endfor %}").render()


def test_instrumenting_twice_changes_nothing_more():
    env = make_environment()
    tree = env.parse("{% for i in xs %}{{ i ~ 'a' }}{% endfor %}{% set b %}x{% endset %}"
                     "{% macro m() %}y{% endmacro %}")
    once = repr(instrument(tree))
    assert repr(instrument(tree)) == once
    assert once.count("template_budget.iterate") == 1
    assert once.count("template_budget.spend") == 1
    assert once.count("template_builtins.concat") == 1
    assert len(list(tree.find_all(nodes.Concat))) == 0


def test_environment_compiles_every_template_instrumented():
    # A tree handed straight to from_string (the engine's way) is instrumented as well.
    env = make_environment()
    tree = env.parse("{% for i in range(3) %}{{ i }}{% endfor %}")
    assert env.from_string(tree).render() == "012"
    loop = next(tree.find_all(nodes.For))
    assert isinstance(loop.iter, nodes.Call) and isinstance(loop.iter.node, nodes.ImportedName)


@pytest.fixture(scope="module")
def sample_context() -> dict:
    from tests.report.test_render import build_sample_context
    return build_sample_context()
