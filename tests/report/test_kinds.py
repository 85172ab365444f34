"""Report kinds as data: a folder copied with a new slug works; a malformed one is refused at
load with its file and key, while the other kinds keep serving."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from tasks.report.context import ReportOptions
from tasks.report.errors import PeriodError
from tasks.report.kinds import Catalog
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest, resolve
from tasks.settings import REPO_ROOT
from tests.conftest import docx_text

SHIPPED = REPO_ROOT / "doc_templates"
FIRST = "gender-equality-month"


def templates_with(tmp_path: Path, edits: dict[str, callable]) -> Path:
    """A templates folder with the profiles and copies of the first kind, one per entry of
    ``edits`` (folder name → a function rewriting its kind.toml text)."""
    root = tmp_path / "templates"
    shutil.copytree(SHIPPED / "provinces", root / "provinces")
    for folder, edit in edits.items():
        shutil.copytree(SHIPPED / FIRST, root / folder)
        path = root / folder / "kind.toml"
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return root


def renamed(slug: str, title: str):
    def edit(text: str) -> str:
        text = re.sub(r'^slug = ".*"$', f'slug = "{slug}"', text, count=1, flags=re.M)
        return re.sub(r'^title = ".*"$', f'title = "{title}"', text, count=1, flags=re.M)
    return edit


def test_a_copy_with_a_new_slug_and_title_works_end_to_end(tmp_path):
    root = templates_with(tmp_path, {"copy": renamed("copy-of-month", "Báo cáo thử")})
    catalog = Catalog(root)
    assert catalog.refused == {} and list(catalog.kinds) == ["copy-of-month"]
    request = ReportRequest("copy-of-month", "hoa-binh", "2023",
                            ReportOptions(report_date=date(2023, 12, 18)))
    report = compile_report(catalog, request, (SHIPPED / FIRST / "sample.xlsx").read_bytes())
    text = docx_text(report.document)
    assert "361 triệu đồng" in text and "10/10 huyện, thành phố" in text


def _only_problem(tmp_path, edit) -> tuple[Catalog, list]:
    root = templates_with(tmp_path, {"good": lambda t: t, "bad": lambda t: edit(
        renamed("bad-kind", "Hỏng")(t))})
    catalog = Catalog(root)
    assert list(catalog.kinds) == [FIRST], "the good kind keeps serving"
    return catalog, catalog.refused["bad"]


@pytest.mark.parametrize("edit, file, key, words", [
    (lambda t: t.replace('type = "money"', 'type = "currency"', 1), "kind.toml",
     "sheets[1].columns[3].type", "currency"),
    (lambda t: t.replace('column = "broadcasts"', 'column = "broadcastz"'), "kind.toml",
     "figures.broadcast_units.column", "broadcastz"),
    (lambda t: t.replace('verb = "In và cấp phát"\n', ""), "kind.toml", "rules[1].verb",
     "thiếu khóa"),
    (lambda t: t.replace('layout = "units"', 'layout = "rows"', 1), "kind.toml",
     "figures.plans.sheet", "ratio"),
    (lambda t: t.replace('[figures.units]', '[figures.units_]'), "template.docx", "",
     "units"),
    (lambda t: t.replace('sample = "sample.xlsx"', 'sample = "mau.xlsx"'), "kind.toml", "sample",
     "mau.xlsx"),
    (lambda t: t.replace('forms = ["campaign"]', 'forms = ["campaign", "year"]'), "kind.toml",
     "periods.forms", "một trong campaign"),
    (lambda t: t.replace("{{ campaign.year }} như sau", "{{ campain.year }} như sau"),
     "kind.toml", "periods.texts.campaign.opening", "campain"),
    (lambda t: t + '\n[unknown_table]\nx = 1\n', "kind.toml", "unknown_table",
     "không có trong định dạng"),
    (lambda t: t.replace('field = "gender-equality"', 'field = "sports"'), "kind.toml",
     "field", "sports"),
])
def test_a_malformed_kind_is_refused_with_its_file_and_key(tmp_path, edit, file, key, words):
    _catalog, found = _only_problem(tmp_path, edit)
    assert any(p.file == file and p.key.startswith(key) and words in p.message
               for p in found), [p.text() for p in found]


def test_a_missing_template_file_is_named(tmp_path):
    root = templates_with(tmp_path, {"good": lambda t: t,
                                     "bad": renamed("bad-kind", "Hỏng")})
    (root / "bad" / "template.docx").unlink()
    found = Catalog(root).refused["bad"]
    assert [(p.file, p.key, p.code) for p in found] == [("kind.toml", "template",
                                                         "kind_missing_file")]


def test_a_kind_file_that_is_not_toml_says_where(tmp_path):
    _catalog, found = _only_problem(tmp_path, lambda t: t + "\nslug = = 3\n")
    assert found[0].code == "kind_toml_syntax" and "line" in found[0].message


def test_the_shipped_kinds_all_load():
    catalog = Catalog(SHIPPED)
    assert catalog.refused == {}
    assert FIRST in catalog.kinds


def test_a_quarter_for_the_action_month_names_the_accepted_forms():
    with pytest.raises(PeriodError) as caught:
        resolve(Catalog(SHIPPED), ReportRequest(FIRST, "hoa-binh", "2023-Q4"))
    assert caught.value.code == "period_not_allowed"
    assert "YYYY (đợt của năm đó: 2023, 2024, 2025)" in caught.value.message
