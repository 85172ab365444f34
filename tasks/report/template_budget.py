"""What one render of a template may spend, counted by the sandbox while the template runs.

A template is code written by an admin: a few tags can loop for hours or double a text until
the process runs out of memory, and a check of the final output comes too late. Every render
therefore gets a ``RenderBudget``:

- ``steps``: the template's work in nodes run: each loop iteration spends the size of the
  loop's body (its Jinja syntax nodes), each call ``CALL_WEIGHT``, and entering a macro its
  body and ``MACRO_WEIGHT`` — ``MAX_STEPS``;
- ``work``: characters (or list items) built by template operations: ``~``, ``+``, ``*``,
  ``%``, text filters, call results, ``{% set %}…{% endset %}`` captures — ``MAX_WORK``;
- ``output``: characters the template writes into the document — ``MAX_OUTPUT_CHARS``.

Besides the totals, no single operation may build a text or list longer than ``MAX_VALUE``;
operations that can multiply their input (``center``, ``format``, ``join`` …) are checked
*before* they allocate (see ``template_builtins``). Going over any limit raises
``TemplateError`` with the code ``template_too_large`` and a Vietnamese message.

The checks are put into the template when it is compiled: ``instrument`` rewrites the Jinja
syntax tree so that each ``for`` asks the budget before it starts, each macro as it is called,
and each ``~`` goes through ``concat``. The budget in force is the one activated by
``RenderBudget.render`` or by ``ReportTemplate.render`` (one per render, shared by the parts
of a document); an operation run outside any render gets a fresh budget of its own, so it is
still bounded by itself.

The limits are far beyond a real report: the shipped template with 2.000 units spends about
450.000 steps, no work and 5 million characters of output (see the tests). Spending all the
steps takes about as long as ten renders of that report: seconds, not hours.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from itertools import islice

import jinja2
from jinja2 import nodes
from jinja2.visitor import NodeTransformer

from tasks.report.errors import TemplateError

MAX_STEPS = 5_000_000
MAX_WORK = 50_000_000
MAX_OUTPUT_CHARS = 50_000_000
MAX_VALUE = 1_000_000
# The filter a ``{% set %}…{% endset %}`` capture is passed through; a template cannot
# name it (a filter name is a plain identifier), so it cannot be removed or called.
CAPTURE_FILTER = "report:captured"
_BATCH = 512


def number(n: int) -> str:
    """``n`` with "." between thousands, as Vietnamese writes it (1.000.000)."""
    return f"{n:,}".replace(",", ".")


def too_large(message: str) -> TemplateError:
    """The error of a render that went over a limit; ``message`` says which, in Vietnamese."""
    return TemplateError(f"Mẫu báo cáo {message}; kiểm tra các vòng lặp và phép nối chuỗi "
                         "của mẫu.", "template_too_large")


class RenderBudget:
    """What one render may still spend: steps, characters of work, characters of output."""

    __slots__ = ("steps", "work", "output", "unvouched")

    def __init__(self) -> None:
        self.steps, self.work, self.output = MAX_STEPS, MAX_WORK, MAX_OUTPUT_CHARS
        # Set when a ``{{ … }}`` printed text ``template_xml`` cannot vouch for (markup, "]",
        # a character XML cannot hold): the part rendered is then checked with a parser.
        self.unvouched = False

    def step(self, count: int = 1) -> None:
        """Spend ``count`` steps; raises ``TemplateError`` (``template_too_large``) past them."""
        self.steps -= count
        if self.steps < 0:
            raise too_large(f"chạy quá {number(MAX_STEPS)} bước (vòng lặp, lời gọi hàm, macro)")

    def build(self, size: int) -> None:
        """Spend ``size`` characters of work; raises ``TemplateError`` past the budget."""
        self.work -= size
        if self.work < 0:
            raise too_large(f"dựng chuỗi quá {MAX_WORK // 10**6} triệu ký tự")

    @contextmanager
    def active(self) -> Iterator[RenderBudget]:
        """Make this the budget of the operations run inside the ``with`` block."""
        token = _current.set(self)
        try:
            yield self
        finally:
            _current.reset(token)

    def render(self, template: jinja2.Template, context: dict) -> str:
        """``template`` rendered with ``context`` under this budget (output counted too)."""
        return "".join(self._chunks(template, context))

    def render_utf8(self, template: jinja2.Template, context: dict) -> bytes:
        """``render``, encoded in UTF-8 piece by piece: most pieces are the template's own
        ASCII text, which encodes as a copy, where a whole part holding one Vietnamese letter
        is stored two bytes a character and encoded character by character (about three times
        slower). Raises ``UnicodeEncodeError`` (a lone surrogate) as encoding the whole
        rendered text would, after the render has run to its end."""
        chunks = self._chunks(template, context)
        try:
            return b"".join(map(str.encode, chunks))
        except UnicodeEncodeError:
            return "".join(chunks).encode("utf-8")  # raises, naming the position in the part

    def _chunks(self, template: jinja2.Template, context: dict) -> list[str]:
        chunks: list[str] = []
        with self.active():
            stream = template.generate(context)
            try:
                # Batches keep the counting out of the per-chunk path: islice and map run in C.
                while batch := list(islice(stream, _BATCH)):
                    self.output -= sum(map(len, batch))
                    if self.output < 0:
                        raise too_large(f"tạo ra văn bản quá {MAX_OUTPUT_CHARS // 10**6} "
                                        "triệu ký tự")
                    chunks += batch
            finally:
                stream.close()
        return chunks


_current: ContextVar[RenderBudget | None] = ContextVar("render_budget", default=None)


def current() -> RenderBudget:
    """The budget of the render in progress, or a fresh one for a lone operation."""
    return _current.get() or RenderBudget()


class ReportTemplate(jinja2.Template):
    """A Jinja template whose ``render`` runs under a budget of its own (unless one is active).

    Our engine renders through ``RenderBudget.render``; this covers templates rendered
    directly, such as docxtpl's or a test's ``env.from_string(…).render()``.
    """

    def render(self, *args, **kwargs) -> str:
        if _current.get() is not None:
            return super().render(*args, **kwargs)
        with RenderBudget().active():
            return super().render(*args, **kwargs)


# --- what instrumented templates call ---------------------------------------------------------

def iterate(sequence, weight: int):
    """``sequence`` for a ``for`` loop whose body weighs ``weight`` steps, its length times the
    weight spent first (item by item if it has no length, as a generator from ``map``)."""
    budget = current()
    try:
        size = len(sequence)
    except TypeError:
        return _counted(sequence, weight, budget)
    budget.step(size * weight)
    return sequence


def _counted(iterable, weight: int, budget: RenderBudget):
    for item in iterable:
        budget.step(weight)
        yield item


def spend(weight: int) -> str:
    """Spend ``weight`` steps: the first statement of a macro, a call block or a recursive loop's
    body. Returns "" (the statement's value is discarded)."""
    current().step(weight)
    return ""


def captured(value):
    """A ``{% set %}…{% endset %}`` capture, its length spent as work."""
    current().build(len(value))
    return value


# --- rewriting a template so that it asks the budget ------------------------------------------

# Functions the rewritten template calls, by import path (ImportedName is Jinja's node for a
# Python object imported into the compiled template). ``concat`` lives with the rules on
# what may be printed.
ITERATE = f"{__name__}.iterate"
SPEND = f"{__name__}.spend"
CONCAT = "tasks.report.template_builtins.concat"
# What a call costs besides a macro's body, in steps: the sandbox's checks, Jinja binding the
# arguments (a call takes about as long as 20 simple nodes).
CALL_WEIGHT = 20
# What entering a macro or a call block costs besides its body: Jinja binds its arguments,
# builds a frame and joins its output (measured: as long as about 100 simple nodes).
MACRO_WEIGHT = 100
_OWN_BODIES = (nodes.For, nodes.Macro, nodes.CallBlock)
# Nodes that cost more than a simple one, in simple nodes (measured): an attribute or item
# lookup goes through the sandbox's checks, a filter through its argument checks.
_WEIGHTS = {nodes.Getattr: 10, nodes.Getitem: 10, nodes.Filter: 3, nodes.Test: 3}


def weight(body: list[nodes.Node]) -> int:
    """The steps one run of ``body`` costs: its nodes (some weigh more: ``_WEIGHTS``), without
    the bodies of the loops and macros inside it (they spend their own when they run)."""
    return 1 + sum(_nodes(node) for node in body)


def _nodes(node: nodes.Node) -> int:
    if isinstance(node, _OWN_BODIES):
        inner = [node.iter, node.target] + ([node.test] if node.test else []) \
            if isinstance(node, nodes.For) else list(getattr(node, "defaults", []))
        if isinstance(node, nodes.CallBlock):
            inner.append(node.call)
        return 1 + sum(_nodes(n) for n in inner)
    own = _WEIGHTS.get(type(node), 1)
    return own + sum(_nodes(child) for child in node.iter_child_nodes())


def _call(importname: str, arguments: list[nodes.Expr], lineno: int) -> nodes.Call:
    return nodes.Call(nodes.ImportedName(importname), arguments, [], None, None, lineno=lineno)


def _is_call(node: nodes.Node, importname: str) -> bool:
    return isinstance(node, nodes.Call) and isinstance(node.node, nodes.ImportedName) \
        and node.node.importname == importname


def _spend_first(node: nodes.Macro | nodes.CallBlock | nodes.For, cost: int) -> None:
    if not (node.body and isinstance(node.body[0], nodes.ExprStmt)
            and _is_call(node.body[0].node, SPEND)):
        spend_call = _call(SPEND, [nodes.Const(cost, lineno=node.lineno)], node.lineno)
        node.body.insert(0, nodes.ExprStmt(spend_call, lineno=node.lineno))


class _Instrument(NodeTransformer):
    """Loops and macros spend steps, ``~`` goes through ``concat``, captures are charged."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        cost = weight(node.body)
        if node.recursive:  # ``loop(children)`` re-enters the body without ``iterate``
            _spend_first(node, cost)
        elif not _is_call(node.iter, ITERATE):
            node.iter = _call(ITERATE, [node.iter, nodes.Const(cost, lineno=node.lineno)],
                              node.lineno)
        return node

    def visit_Macro(self, node: nodes.Macro) -> nodes.Node:
        self.generic_visit(node)
        _spend_first(node, weight(node.body) + MACRO_WEIGHT)
        return node

    visit_CallBlock = visit_Macro

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return _call(CONCAT, [nodes.Tuple(node.nodes, "load", lineno=node.lineno)], node.lineno)

    def visit_AssignBlock(self, node: nodes.AssignBlock) -> nodes.Node:
        self.generic_visit(node)
        if node.filter is None or node.filter.name != CAPTURE_FILTER:
            node.filter = nodes.Filter(node.filter, CAPTURE_FILTER, [], [], None, None,
                                       lineno=node.lineno)
        return node


def instrument(tree: nodes.Template) -> nodes.Template:
    """``tree`` rewritten in place so that its loops, macros, ``~`` and captures ask the budget.

    Rewriting a tree twice changes nothing more (each is wrapped once).
    """
    _Instrument().visit(tree)
    return tree

