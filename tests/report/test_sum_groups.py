"""A total with several splits (``sum_of`` groups): victims by sex and by age group.

Each split must equal the total when the total is given; without it the splits must agree with
one another, a blank split counting as 0. A single split keeps its rule: checked only against a
given total, and only when it has a figure.
"""

from __future__ import annotations

import pytest

from tasks.report.kind_checks import check_definition
from tasks.report.kind_schema import ColumnDef, KindDef, SheetDef
from tasks.report.records import Record, check_sums

SPLITS = [["male", "female"], ["children", "adults", "elderly"]]
PARTS = ("male", "female", "children", "adults", "elderly")
LABELS = dict(zip(PARTS, ("Nam", "Nữ", "Trẻ em", "Người lớn", "Người cao tuổi"), strict=True))


def _sheet(sum_of) -> SheetDef:
    return SheetDef(key="units", name="Đơn vị", layout="units", columns=(
        ColumnDef(code="unit", label="Đơn vị", type="unit"),
        ColumnDef(code="victims", label="Tổng số nạn nhân", type="count", sum_of=sum_of),
        *(ColumnDef(code=c, label=LABELS[c], type="count") for c in PARTS)))


def _record(**values) -> Record:
    letters = dict(zip(("victims", *PARTS), "BCDEFG", strict=True))
    cells = {code: f"{letter}5" for code, letter in letters.items()}
    return Record("Đơn vị", 5, dict(values), cells, set(values))


def _problems(sum_of, **values) -> list[tuple[str, str | None]]:
    return [(p.code, p.cell) for p in check_sums([_record(**values)], _sheet(sum_of))]


def test_sum_of_reads_a_flat_list_as_one_group_and_a_list_of_lists_as_several():
    assert _sheet(["male", "female"]).columns[1].sum_groups == (("male", "female"),)
    assert _sheet(SPLITS).columns[1].sum_groups == (("male", "female"),
                                                    ("children", "adults", "elderly"))
    assert _sheet(()).columns[1].sum_groups == ()


@pytest.mark.parametrize("values", [
    dict(victims=12, male=2, female=10, children=2, adults=9, elderly=1),
    dict(male=2, female=10, children=2, adults=9, elderly=1),  # the total may be left blank
    dict(victims=0),                                            # nothing at all
])
def test_splits_that_agree_pass(values):
    assert _problems(SPLITS, **values) == []


def test_a_split_that_differs_from_the_given_total_is_reported_at_the_total():
    found = check_sums([_record(victims=12, male=2, female=10, children=2, adults=8,
                                elderly=1)], _sheet(SPLITS))
    assert [(p.code, p.cell) for p in found] == [("inconsistent_total", "B5")]
    assert "«Trẻ em», «Người lớn», «Người cao tuổi» (2 + 8 + 1)" in found[0].message
    assert "children" not in found[0].message


def test_without_a_total_the_splits_must_agree_with_each_other():
    found = check_sums([_record(male=3, female=0, children=1, adults=1, elderly=0)],
                       _sheet(SPLITS))
    assert [(p.code, p.cell) for p in found] == [("inconsistent_total", "E5")]
    assert "khác tổng các cột «Nam», «Nữ» (03 người (03 nam, 0 nữ))" in found[0].message
    assert "Tổng các cột «Trẻ em», «Người lớn», «Người cao tuổi» (1 + 1 + 0)" in \
        found[0].message


def test_a_blank_split_beside_a_filled_one_is_refused_not_printed_as_zeros():
    assert _problems(SPLITS, male=1, female=2) == [("inconsistent_total", "E5")]
    assert _problems(SPLITS, victims=3, male=1, female=2) == [("inconsistent_total", "B5")]


def test_one_split_keeps_its_rule_a_given_total_without_parts_is_not_an_error():
    assert _problems(["male", "female"], victims=30) == []
    assert _problems(["male", "female"], male=10, female=20) == []
    assert _problems(["male", "female"], victims=31, male=10, female=20) == \
        [("inconsistent_total", "B5")]


def test_a_split_naming_a_column_the_sheet_lacks_is_refused_at_load():
    kind = KindDef.model_validate({
        "slug": "x", "title": "X", "short_title": "X", "field": "gender-equality",
        "provinces": ["hoa-binh"], "sample_province": "hoa-binh", "sample_period": "2024",
        "periods": {"forms": ["calendar_year"], "texts": {"calendar_year": {
            "summary": "S", "opening": "O", "closing": "C"}}},
        "sheets": [_sheet([["male", "female"], ["children", "teens"]]).model_dump()],
        "figures": {"totals": {"op": "totals", "sheet": "units"}},
    })
    found = check_definition(kind)
    assert [(p.key, p.code) for p in found] == [("sheets[1].columns[2].sum_of",
                                                 "kind_inconsistent")]
    assert "«teens»" in found[0].message
