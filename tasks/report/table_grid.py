"""Whether docxtpl's table fix can change a body, decided once from the template.

After rendering, docxtpl re-parses the body and runs ``fix_tables`` on every table: when a
row ends up with more cells than the table's grid (``w:tblGrid``) has columns it adds
columns, when the widest row (cells counted with their ``w:gridSpan``) is narrower it removes
them. Re-parsing costs more than the rest of a render, so the engine skips it when
``grid_may_change`` proves that no data can make ``fix_tables`` change anything.

That is proved for the body source docxtpl prepared (tags in place) when, for every table:
it has a grid; no cell start lies inside a Jinja block opened within its row (``{%tc for``,
``{% hm %}``) — so each row keeps the cells it has in the template; every gridSpan is a number
(``{% colspan %}`` writes an expression); each row of the table, nested tables' rows
included (``fix_tables`` walks them too), has at most as many cells and as wide a span as
the grid; and one of its own rows, outside any block opened within the table, spans the
whole grid — so whichever rows the data repeats or drops, the widest one still fits the
grid exactly. Anything else, including a body whose blocks cut through its XML, answers
True and the engine runs docxtpl's fix as docxtpl does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tasks.report.template_structure import TOKEN, block_keyword, structure_problems

_VAL = re.compile(r'\bw:val\s*=\s*"([^"]*)"')


@dataclass
class _Table:
    depth: int  # elements open outside the w:tbl element
    grid: int = 0
    has_grid: bool = False
    spanned: bool = False  # one of its own rows, always present, spans the whole grid


@dataclass
class _Row:
    depth: int
    always_in: list  # the tables for which this row is outside any block they contain
    own: _Table
    cells: int = 0
    width: int = 0
    enclosing: list = field(default_factory=list)


def grid_may_change(source: str) -> bool:
    """Whether ``fix_tables`` could change the rendered body prepared as ``source``."""
    if "<w:tbl" not in source:
        return False
    if structure_problems(source):
        return True
    elements: list[str] = []
    blocks: list[int] = []  # the depth at which each open block was opened
    tables: list[_Table] = []
    rows: list[_Row] = []
    for token in TOKEN.finditer(source):
        text = token.group()
        if not text.startswith("<"):
            kind = block_keyword(text)
            if kind == "open":
                blocks.append(len(elements))
            elif kind == "end" and blocks:
                blocks.pop()
            continue
        closing, name, empty = token.group(1), token.group(2), token.group(3)
        if name is None:
            continue
        if closing:
            if elements and elements[-1] == name:
                elements.pop()
            if name == "w:tr" and rows and _row_breaks_grid(rows.pop()):
                return True
            if name == "w:tbl" and tables and not _table_fits(tables.pop()):
                return True
            continue
        if _start_breaks_grid(name, text, len(elements), blocks, tables, rows):
            return True
        if not empty:
            elements.append(name)
    return False


def _start_breaks_grid(name: str, text: str, depth: int, blocks: list[int],
                       tables: list[_Table], rows: list[_Row]) -> bool:
    if name == "w:tbl":
        tables.append(_Table(depth))
    elif name == "w:tblGrid" and tables:
        tables[-1].has_grid = True
    elif name == "w:gridCol" and tables:
        tables[-1].grid += 1
    elif name == "w:tr" and tables:
        always = [t for t in tables if not any(b > t.depth for b in blocks)]
        rows.append(_Row(depth, always, tables[-1], enclosing=list(tables)))
    elif name == "w:tc" and rows:
        if any(b > rows[-1].depth for b in blocks):
            return True  # a cell the data may repeat or drop
        rows[-1].cells += 1
        rows[-1].width += 1
    elif name == "w:gridSpan" and rows:
        value = _VAL.search(text)
        if value is None or not value.group(1).isdigit():
            return True
        rows[-1].width += int(value.group(1)) - 1
    return False


def _row_breaks_grid(row: _Row) -> bool:
    for table in row.enclosing:
        if row.cells > table.grid or row.width > table.grid:
            return True
    if row.own in row.always_in and row.width == row.own.grid:
        row.own.spanned = True
    return False


def _table_fits(table: _Table) -> bool:
    return table.has_grid and table.spanned
