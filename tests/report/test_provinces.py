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


# A unit's type word must agree with the unit: the districts of 2023 and the communes of
# 2025 share proper names, and a name typed with the wrong type must not take another's figures.

@pytest.fixture(scope="module")
def communes_2025(catalog):
    return catalog.province("phu-tho").at(date(2025, 12, 15))


@pytest.mark.parametrize("typed", ["xã Lạc Sơn", "Xã Lạc Sơn", "X. Lạc Sơn", "Lạc Sơn"])
def test_a_commune_is_named_with_its_own_type_word_or_none(communes_2025, typed):
    assert communes_2025.match_unit(typed).name == "xã Lạc Sơn"


@pytest.mark.parametrize("typed", ["phường Hòa Bình", "P. Hòa Bình", "Hòa Bình"])
def test_a_ward_is_named_with_its_own_type_word_or_none(communes_2025, typed):
    assert communes_2025.match_unit(typed).name == "phường Hòa Bình"


@pytest.mark.parametrize("typed, former, ended, closest", [
    ("huyện Lạc Sơn", "huyện Lạc Sơn", "01/07/2025", "xã Lạc Sơn"),
    ("H. Lạc Thủy", "«H. Lạc Thủy» (huyện Lạc Thủy)", "01/07/2025", "xã Lạc Thủy"),
    ("thành phố Hòa Bình", "thành phố Hòa Bình", "01/07/2025", "phường Hòa Bình"),
    ("TP. Hòa Bình", "«TP. Hòa Bình» (thành phố Hòa Bình)", "01/07/2025", "phường Hòa Bình"),
])
def test_a_district_of_the_former_province_is_named_as_such(communes_2025, typed, former, ended,
                                                            closest):
    assert communes_2025.match_unit(typed) is None
    code, message = communes_2025.explain_unmatched(typed)
    assert code == "former_unit"
    assert message.startswith(f"{former} không còn từ {ended}, không thuộc danh sách đơn vị "
                              "của tỉnh Phú Thọ ngày 15/12/2025.")
    assert message.split("Có phải: ")[1].startswith(closest)


def test_a_type_word_that_contradicts_the_unit_is_an_error_with_the_valid_name(catalog):
    districts = catalog.province("hoa-binh").at(date(2023, 12, 15))
    for typed, kind in (("xã Lạc Sơn", "xã"), ("phường Hòa Bình", "phường"),
                        ("thị xã Hòa Bình", "thị xã")):
        assert districts.match_unit(typed) is None
        code, message = districts.explain_unmatched(typed)
        proper = typed.split(" ", 2 if kind == "thị xã" else 1)[-1]
        assert code == "unit_type_mismatch"
        assert message.startswith(f"«{typed}»: tỉnh Hòa Bình ngày 15/12/2023 không có {kind} "
                                  f"{proper}.")
    assert districts.match_unit("TP.Hòa Bình").name == "thành phố Hòa Bình"
    assert districts.match_unit("TP Hòa Bình").name == "thành phố Hòa Bình"


def test_a_unit_merged_away_earlier_in_the_same_profile_says_when(catalog):
    districts = catalog.province("hoa-binh").at(date(2023, 12, 15))
    assert districts.match_unit("Kỳ Sơn") is None
    code, message = districts.explain_unmatched("huyện Kỳ Sơn")
    assert (code, message.split(",")[0]) == ("former_unit", "huyện Kỳ Sơn không còn từ 01/01/2020")


def test_predecessors_come_from_the_successor_links(catalog):
    assert [p.slug for p in catalog.province("phu-tho").predecessors] == ["hoa-binh"]
    assert catalog.province("hoa-binh").predecessors == ()


def test_a_proper_name_that_begins_like_a_type_word_still_matches():
    from tasks.report.provinces import Era, ProvinceAtDate, Unit

    era = Era(date(2025, 7, 1), date(9999, 12, 31), "X", "tỉnh X", "", "commune")
    at = ProvinceAtDate("x", "X", date(2025, 12, 1), era,
                        (Unit("xã Xà Phìn", "xa", "commune", 1),
                         Unit("phường Tân Phú", "phuong", "commune", 2)))
    assert at.match_unit("Xà Phìn").name == "xã Xà Phìn"
    assert at.match_unit("xã Xà Phìn").name == "xã Xà Phìn"
    assert at.match_unit("phường Xà Phìn") is None
