"""The figures a kind declares (``[figures.<name>]`` in ``kind.toml``), computed from its data.

A closed set of operations, each a plain function of the validated dataset; no expression
language. Every figure is traced to the upload: sums run over the units that reported (a unit
that sent nothing is never summed as zero, and its row says so), and lists name the units a
figure came from. Shapes of each figure are in docs/kinds.md.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from tasks.report.errors import Problem
from tasks.report.formatting import join_names, num, unit_nouns
from tasks.report.kind_schema import NUMERIC_TYPES, SheetDef
from tasks.report.kinds import ReportKind
from tasks.report.provinces import ProvinceAtDate
from tasks.report.records import Record
from tasks.report.sentences import row_sentence, sentence
from tasks.report.validate import Dataset

NOT_REPORTED = "Chưa báo cáo"
NO_VALUE = "Chưa có số liệu"
# Past this many missing units the coverage sentence counts them instead of naming them.
NAMED_MISSING = 5


class _Figures:
    """The computation of one report's figures (one instance per report)."""

    def __init__(self, kind: ReportKind, data: Dataset, province: ProvinceAtDate) -> None:
        self.kind = kind
        self.data = data
        self.province = province
        self.problems: list[Problem] = []
        self.nouns = unit_nouns({u.unit_type for u in province.units}) if province.units \
            else ""

    def sheet(self, key: str) -> SheetDef:
        return self.kind.sheet(key)

    def units(self, key: str) -> list[tuple[Any, Record | None]]:
        """(unit, its record if it reported) for every unit of the period, in order."""
        spec = self.sheet(key)
        code = next(c.code for c in spec.columns if c.type == "unit")
        records = {r.values[code].name: r for r in self.data.tables.get(key, [])
                   if r.values.get(code) and r.reported(code)}
        return [(u, records.get(u.name)) for u in self.province.units]

    def rows(self, key: str) -> list[Record]:
        """The records a sum runs over: reported units of a units sheet, rows otherwise."""
        spec = self.sheet(key)
        if spec.layout == "units":
            return [r for _u, r in self.units(key) if r is not None]
        return list(self.data.tables.get(key, []))

    def total(self, key: str, code: str):
        values = [r.values.get(code) for r in self.rows(key)]
        return sum((v for v in values if v is not None), _zero(self.sheet(key), code))


def _zero(spec: SheetDef, code: str):
    column = next(c for c in spec.columns if c.code == code)
    return Decimal(0) if column.type == "number" else 0


def _totals(f: _Figures, d) -> dict:
    spec = f.sheet(d.sheet)
    return {c.code: f.total(d.sheet, c.code) for c in spec.columns if c.type in NUMERIC_TYPES}


def _sum(f: _Figures, d):
    return f.total(d.sheet, d.column)


def _by_sex(f: _Figures, d) -> dict:
    male, female = f.total(d.sheet, d.male), f.total(d.sheet, d.female)
    return {"male": male, "female": female, "total": male + female}


def _ratio(f: _Figures, d) -> dict:
    units = f.units(d.sheet)
    done = sum(1 for _u, r in units if r is not None and r.values.get(d.column))
    return {"done": done, "total": len(units), "nouns": f.nouns}


def _share(f: _Figures, d) -> Decimal | None:
    whole = sum(f.total(d.sheet, code) for code in d.whole)
    return Decimal(f.total(d.sheet, d.part)) * 100 / Decimal(whole) if whole else None


def _units_where(f: _Figures, d) -> dict:
    units = f.units(d.sheet)
    names = [u.name for u, r in units if r is not None and r.values.get(d.column)]
    if len(names) <= d.max_names:
        text = join_names(names)
    else:
        text = f"{num(len(names))}/{num(len(units))} {f.nouns}, chi tiết tại Phụ lục"
    return {"names": names, "count": len(names), "total": len(units), "text": text}


def _texts(f: _Figures, d) -> list[dict]:
    return [{"unit": u.name, "text": sentence(r.values[d.column])}
            for u, r in f.units(d.sheet) if r is not None and r.values.get(d.column)]


def _sentences(f: _Figures, d) -> list[str]:
    spec = f.sheet(d.sheet)
    rule = next(c.code for c in spec.columns if c.type == "rule")
    return [row_sentence(r.values[rule], r.values) for r in f.rows(d.sheet)
            if r.values.get(rule)]


def _notes(f: _Figures, d) -> dict:
    spec = f.sheet(d.sheet)
    notes = f.data.notes.get(d.sheet, {})
    for section in spec.sections:
        if not notes.get(section.code):
            f.problems.append(Problem(
                "missing_section", f"Chưa có nội dung «{section.label}»: báo cáo để chỗ trống "
                "đánh dấu vàng để bổ sung trong Word trước khi trình ký.",
                f.data.sheet_names.get(d.sheet, spec.name), None, "warning"))
    return {s.code: list(notes.get(s.code, [])) for s in spec.sections}


def _table(f: _Figures, d) -> list[dict]:
    spec = f.sheet(d.sheet)
    numeric = [c for c in spec.columns if c.type in NUMERIC_TYPES]
    others = [c for c in spec.columns if c.type not in NUMERIC_TYPES and c.type != "unit"]
    rows = []
    for no, (unit, record) in enumerate(f.units(d.sheet), start=1):
        row = {"no": no, "name": unit.name, "unit_type": unit.unit_type,
               "reported": record is not None, "status": "" if record else NOT_REPORTED}
        for c in numeric:
            value = record.values.get(c.code) if record else None
            row[c.code] = (value if value is not None else _zero(spec, c.code)) \
                if record and c.type != "number" else value
        for c in others:
            value = record.values.get(c.code) if record else None
            row[c.code] = value if value not in ("", None) else (False if c.type == "flag"
                                                                else "")
        rows.append(row)
    return rows


# How an indicator's value is compared with its target (``ItemDef.direction``).
_COMPARE = {"at_least": operator.ge, "at_most": operator.le, "above": operator.gt,
            "below": operator.lt}


def _targets(f: _Figures, d) -> dict:
    spec = f.sheet(d.sheet)
    key = next(c.code for c in spec.columns if c.type == "item")
    by_code = {r.values[key].code: r for r in f.data.tables.get(d.sheet, [])
               if r.values.get(key)}
    rows = []
    for no, item in enumerate(f.kind.items, start=1):
        record = by_code.get(item.code)
        values = record.values if record else {}
        target = values.get("target")
        target = target if target is not None else (
            Decimal(str(item.target)) if item.target is not None else None)
        value = values.get("value")
        reached = None if value is None or target is None else \
            _COMPARE[item.direction](value, target)
        status = NO_VALUE if value is None else "Không có chỉ tiêu" if target is None \
            else "Đạt" if reached else "Chưa đạt"
        rows.append({"no": no, "code": item.code, "label": item.label, "measure": item.measure,
                     "group": item.group, "direction": item.direction, "by_sex": item.by_sex,
                     "target": target, "previous": values.get("previous"), "value": value,
                     "male": values.get("male"), "female": values.get("female"),
                     "note": values.get("note") or "", "reached": reached, "status": status})
    evaluated = [r for r in rows if r["reached"] is not None]
    return {"rows": rows, "total": len(rows), "evaluated": len(evaluated),
            "reached": sum(1 for r in evaluated if r["reached"]),
            "not_reached": [r["code"] for r in evaluated if not r["reached"]],
            "missing": [r["code"] for r in rows if r["value"] is None]}


def _count_rows(f: _Figures, d) -> int:
    return sum(1 for r in f.rows(d.sheet) if d.where is None or r.values.get(d.where))


_OPERATIONS: dict[str, Callable[[_Figures, Any], Any]] = {
    "totals": _totals, "sum": _sum, "by_sex": _by_sex, "ratio": _ratio, "share": _share,
    "units_where": _units_where, "texts": _texts, "sentences": _sentences, "notes": _notes,
    "table": _table, "targets": _targets, "count_rows": _count_rows,
}


def coverage(kind: ReportKind, data: Dataset, province: ProvinceAtDate) -> dict | None:
    """Which units sent figures, for the body's coverage sentence; ``None`` for a kind
    without a units sheet.

    ``text`` reads "9/10 huyện, thành phố đã gửi số liệu; chưa có: huyện Kim Bôi."
    """
    spec = next((s for s in kind.sheets if s.layout == "units"), None)
    if spec is None or not province.units:
        return None
    units = _Figures(kind, data, province).units(spec.key)
    missing = [u.name for u, r in units if r is None]
    nouns = unit_nouns({u.unit_type for u in province.units})
    text = f"{num(len(units) - len(missing))}/{num(len(units))} {nouns} đã gửi số liệu"
    if len(missing) > NAMED_MISSING:
        text += f"; còn {num(len(missing))} đơn vị chưa gửi (ghi rõ tại Phụ lục)"
    elif missing:
        text += f"; chưa có: {join_names(missing)}"
    return {"reported": len(units) - len(missing), "total": len(units), "nouns": nouns,
            "missing": missing, "complete": not missing, "text": text + "."}


def compute_figures(kind: ReportKind, data: Dataset,
                    province: ProvinceAtDate) -> tuple[dict, list[Problem]]:
    """Every figure of ``kind`` by name, and the warnings found computing them."""
    figures = _Figures(kind, data, province)
    values = {name: _OPERATIONS[d.op](figures, d) for name, d in kind.figures.items()}
    return values, figures.problems
