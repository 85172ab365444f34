"""Province profiles resolved at a date: eras, unit registries, matching of typed names."""

from __future__ import annotations

from datetime import date

import pytest

from tasks.report.errors import CatalogError
from tasks.report.kinds import Catalog
from tasks.settings import REPO_ROOT


@pytest.fixture(scope="module")
def catalog():
    return Catalog(REPO_ROOT / "doc_templates")


def test_hoa_binh_2023_has_ten_district_units_in_official_order(catalog):
    at = catalog.province("hoa-binh").at(date(2023, 12, 15))
    names = [u.name for u in at.units]
    assert len(names) == 10
    assert names[0] == "thành phố Hòa Bình" and names[-1] == "huyện Lạc Thủy"
    assert at.agency("gender-equality").name == "Sở Lao động - Thương binh và Xã hội"


def test_ky_son_reports_before_its_merger(catalog):
    names = [u.name for u in catalog.province("hoa-binh").at(date(2019, 6, 1)).units]
    assert "huyện Kỳ Sơn" in names and len(names) == 11


def test_departments_change_by_field_of_work_in_2025(catalog):
    before = catalog.province("hoa-binh").at(date(2025, 2, 28))
    after = catalog.province("hoa-binh").at(date(2025, 4, 1))
    assert before.agency("gender-equality").abbreviation == "SLĐTBXH"
    assert before.agency("children").abbreviation == "SLĐTBXH"
    assert (after.agency("gender-equality").name, after.agency("children").name) == \
        ("Sở Nội vụ", "Sở Y tế")
    assert after.agency("domestic-violence").name == "Sở Văn hóa, Thể thao và Du lịch"


def test_a_field_no_agency_covers_is_refused_by_name(catalog):
    at = catalog.province("phu-tho").at(date(2025, 12, 15))
    with pytest.raises(CatalogError) as caught:
        at.agency("anti-trafficking")
    assert caught.value.code == "no_issuing_agency" and "anti-trafficking" in caught.value.message


def test_phu_tho_2025_counts_the_former_hoa_binh_communes(catalog):
    at = catalog.province("phu-tho").at(date(2025, 12, 15))
    former = [u for u in at.units if u.former_province == "Hòa Bình"]
    assert len(former) == 46
    assert {u.unit_type for u in at.units} <= {"xa", "phuong"}
    assert at.era.place == "Phú Thọ"
    assert at.agency("children").name == "Sở Y tế"


def test_phu_tho_does_not_exist_before_the_merger(catalog):
    with pytest.raises(CatalogError):
        catalog.province("phu-tho").at(date(2025, 6, 30))


@pytest.mark.parametrize("typed", ["Lạc Thuỷ", "huyện lạc thủy", "H. Lạc Thủy", "LẠC THỦY",
                                   "Huyện Lạc Thủy "])
def test_typed_names_match_the_registry(catalog, typed):
    at = catalog.province("hoa-binh").at(date(2023, 12, 15))
    assert at.match_unit(typed).name == "huyện Lạc Thủy"


def test_city_matches_by_alias_and_kind_prefix(catalog):
    at = catalog.province("hoa-binh").at(date(2023, 12, 15))
    for typed in ("TP Hòa Bình", "Thành phố Hoà Bình", "tp. Hòa Bình"):
        assert at.match_unit(typed).name == "thành phố Hòa Bình"


def test_unknown_names_get_suggestions(catalog):
    at = catalog.province("hoa-binh").at(date(2023, 12, 15))
    assert at.match_unit("Lac Sonn") is None
    assert "huyện Lạc Sơn" in at.suggest("Lac Sonn")
