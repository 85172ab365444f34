"""Static rules on a Jinja syntax tree: what a report template may not do, found before it runs.

The sandbox refuses the same things at run time; finding them in the tree refuses a template
when it is checked or compiled, even in a branch the sample data never reaches.
"""

from __future__ import annotations

from jinja2 import nodes

from tasks.report.errors import Finding
from tasks.report.template_budget import MAX_STEPS, number
from tasks.report.template_builtins import MAX_REPEAT

# Attributes that lead out of the data: Python internals, and str.format which reaches
# attributes by itself ("{0.__class__}").
_UNSAFE_ATTRIBUTES = {"format", "format_map", "mro"}
MAX_LITERAL_EXPONENT = 64
MAX_LITERAL_BASE = 10**6


def ast_findings(tree: nodes.Node) -> list[Finding]:
    """Every include/import/extends, access to internals and costly literal in ``tree``."""
    found = [Finding("include_forbidden",
                     "Mẫu không được dùng include, import, from hay extends.")
             for _ in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport,
                                     nodes.Extends))]
    found += [Finding("forbidden_access", f"Không được truy cập thuộc tính «{n.attr}».")
              for n in tree.find_all(nodes.Getattr) if _unsafe(n.attr)]
    found += [Finding("forbidden_access", "Không được dùng bộ lọc «attr».")
              for n in tree.find_all(nodes.Filter) if n.name == "attr"]
    found += [Finding("forbidden_access", f"Không được dùng chuỗi «{n.value}».")
              for n in tree.find_all(nodes.Const)
              if isinstance(n.value, str) and "__" in n.value]
    found += [Finding("too_costly", "Lũy thừa (**) với số quá lớn.")
              for n in tree.find_all(nodes.Pow) if _costly_power(n)]
    found += [Finding("too_costly", "Nhân chuỗi hoặc danh sách với số quá lớn.")
              for n in tree.find_all(nodes.Mul) if _costly_repeat(n)]
    return found


def _unsafe(name: str) -> bool:
    return name.startswith("_") or name in _UNSAFE_ATTRIBUTES


def _costly_power(node: nodes.Pow) -> bool:
    if isinstance(node.right, nodes.Pow):  # a tower such as 9**9**9
        return True
    base, exponent = literal_int(node.left), literal_int(node.right)
    return ((exponent is not None and exponent > MAX_LITERAL_EXPONENT)
            or (base is not None and abs(base) > MAX_LITERAL_BASE))


def _costly_repeat(node: nodes.Mul) -> bool:
    for seq, times in ((node.left, node.right), (node.right, node.left)):
        is_sequence = isinstance(seq, nodes.List | nodes.Tuple) or (
            isinstance(seq, nodes.Const) and isinstance(seq.value, str))
        count = literal_int(times)
        if is_sequence and count is not None and count > MAX_REPEAT:
            return True
    return False


def literal_int(node: nodes.Node) -> int | None:
    """The value of an integer literal, or of ``**``/``*`` between small ones; else None."""
    if isinstance(node, nodes.Const):
        value = node.value
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(node, nodes.Pow | nodes.Mul):
        left, right = literal_int(node.left), literal_int(node.right)
        if left is None or right is None:
            return None
        if isinstance(node, nodes.Mul):
            return left * right
        if 0 <= right <= MAX_LITERAL_EXPONENT and abs(left) <= MAX_LITERAL_BASE:
            return left**right
    return None


def costly_loops(tree: nodes.Node) -> list[tuple[nodes.For, int]]:
    """The loops that, with the loops around them, run more than ``MAX_STEPS`` times whatever
    the data, and that number; only loops over literal ranges and lists are counted (a loop
    over data counts once here; the render's budget counts it at run time)."""
    found: list[tuple[nodes.For, int]] = []
    _walk_loops(tree, 1, found)
    return found


def _walk_loops(node: nodes.Node, runs: int, found: list) -> None:
    for child in node.iter_child_nodes():
        inner = runs
        if isinstance(child, nodes.For):
            inner = runs * (_static_length(child.iter) or 1)
            if inner > MAX_STEPS:
                found.append((child, inner))
                continue
        _walk_loops(child, inner, found)


def _static_length(node: nodes.Node) -> int | None:
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.ImportedName) and node.args:
        return _static_length(node.args[0])  # a loop already instrumented by the budget
    if isinstance(node, nodes.Filter) and node.name in ("list", "sort", "reverse") \
            and node.node is not None:
        return _static_length(node.node)
    if isinstance(node, nodes.List | nodes.Tuple):
        return len(node.items)
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name) \
            and node.node.name == "range" and not node.kwargs and node.args:
        bounds = [literal_int(a) for a in node.args]
        if None not in bounds and len(bounds) <= 3 and (len(bounds) < 3 or bounds[2] != 0):
            try:
                return len(range(*bounds))
            except OverflowError:  # more than the machine can count: far over any limit
                return MAX_STEPS + 1
    return None


def loop_cost_findings(tree: nodes.Node) -> list[Finding]:
    """``costly_loops`` as findings (code ``too_costly``)."""
    return [Finding("too_costly", f"Các vòng lặp lồng nhau chạy {number(runs)} lần, quá giới "
                    f"hạn {number(MAX_STEPS)} bước của một báo cáo.")
            for _loop, runs in costly_loops(tree)]
