"""Static rules on a Jinja syntax tree: what a report template may not do, found before it runs.

The sandbox refuses the same things at run time; finding them in the tree refuses a template
when it is checked or compiled, even in a branch the sample data never reaches.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import nodes

from tasks.report.template_env import MAX_REPEAT_LENGTH

# Attributes that lead out of the data: Python internals, and str.format which reaches
# attributes by itself ("{0.__class__}").
_UNSAFE_ATTRIBUTES = {"format", "format_map", "mro"}
MAX_LITERAL_EXPONENT = 64
MAX_LITERAL_BASE = 10**6


@dataclass(frozen=True)
class AstFinding:
    """A rule broken by a template: a lint code and a Vietnamese message."""

    code: str
    message: str


def ast_findings(tree: nodes.Node) -> list[AstFinding]:
    """Every include/import/extends, access to internals and costly literal in ``tree``."""
    found = [AstFinding("include_forbidden",
                        "Mẫu không được dùng include, import, from hay extends.")
             for _ in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport,
                                     nodes.Extends))]
    found += [AstFinding("forbidden_access", f"Không được truy cập thuộc tính «{n.attr}».")
              for n in tree.find_all(nodes.Getattr) if _unsafe(n.attr)]
    found += [AstFinding("forbidden_access", "Không được dùng bộ lọc «attr».")
              for n in tree.find_all(nodes.Filter) if n.name == "attr"]
    found += [AstFinding("forbidden_access", f"Không được dùng chuỗi «{n.value}».")
              for n in tree.find_all(nodes.Const)
              if isinstance(n.value, str) and "__" in n.value]
    found += [AstFinding("too_costly", "Lũy thừa (**) với số quá lớn.")
              for n in tree.find_all(nodes.Pow) if _costly_power(n)]
    found += [AstFinding("too_costly", "Nhân chuỗi hoặc danh sách với số quá lớn.")
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
        if is_sequence and count is not None and count > MAX_REPEAT_LENGTH:
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
