"""Legacy-font text (TCVN3, VNI) told apart from Unicode text in other languages, by words."""

from __future__ import annotations

from datetime import date

import pytest

from tasks.report.context import ReportOptions
from tasks.report.intake import validate_upload
from tasks.report.kinds import Catalog
from tasks.report.legacy_fonts import legacy_encoding
from tasks.report.pipeline import compile_report
from tasks.report.request import ReportRequest
from tasks.settings import REPO_ROOT
from tests.conftest import docx_text
from tests.report.intake_files import UNITS, xlsx

REQUEST = ReportRequest("gender-equality-month", "hoa-binh", "2023",
                        ReportOptions(report_date=date(2023, 12, 4)))
PARTNERS = ["Rädda Barnen", "Plan International España", "Caritas Österreich",
            "Médecins du Monde", "Fundación Niños del Mundo", "Terre des hommes Schweiz – Zürich",
            "Søren Kierkegaard Fonden", "«Rädda Barnen»", "São Tomé e Príncipe"]


@pytest.mark.parametrize("text", [
    *PARTNERS,
    "Hoà Bình", "Công an", "Có", "Phối hợp với Caritas Österreich", "ASCII only",
])
def test_unicode_words_of_any_language_are_not_legacy(text):
    assert legacy_encoding(text) is None


@pytest.mark.parametrize("text, encoding", [
    ("huyÖn L¹c S¬n", "TCVN3"),                      # huyện Lạc Sơn
    ("Céng hßa x· héi chñ nghÜa ViÖt Nam", "TCVN3"),  # Cộng hòa xã hội chủ nghĩa Việt Nam
    ("UBND TØNH HßA B×NH", "TCVN3"),                  # capitals, as .VnTimeH shows them
    ("Kh¸c", "TCVN3"),                                # Khác: one word, a TCVN3 symbol inside
    ("Phèi hîp víi Caritas Österreich", "TCVN3"),     # a foreign name inside TCVN3 text
    ("huyeän Laïc Sôn", "VNI"),                       # huyện Lạc Sơn
    ("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "VNI"),
    ("Tuyeân truyeàn", "VNI"),
    ("Khaùc", "VNI"),
])
def test_text_typed_with_a_legacy_font_is_recognised(text, encoding):
    assert legacy_encoding(text) == encoding


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog(REPO_ROOT / "doc_templates")


def test_foreign_partner_names_are_accepted_and_printed(catalog):
    labels = [c.label for c in catalog.kind("gender-equality-month").sheet("province").columns]
    province = [labels] + [["Tập huấn", "tập huấn", 1, "lớp", None, 20, None, None, "cán bộ",
                            partner] for partner in PARTNERS[:3]]
    units = [["Đơn vị", "Có kế hoạch"], *[[u, "Có"] for u in UNITS]]
    data = xlsx({"Đơn vị": units, "Cấp tỉnh": province})
    result = validate_upload(catalog, REQUEST, data)
    assert result.errors == []
    text = docx_text(compile_report(catalog, REQUEST, data).document)
    for partner in PARTNERS[:3]:
        assert f"Phối hợp với {partner} tổ chức" in text


def test_a_legacy_partner_name_is_still_refused_with_its_cell(catalog):
    labels = [c.label for c in catalog.kind("gender-equality-month").sheet("province").columns]
    province = [labels, ["Tập huấn", "tập huấn", 1, "lớp", None, 20, None, None, "cán bộ",
                         "Héi Liªn hiÖp Phô n÷ tØnh"]]
    units = [["Đơn vị", "Có kế hoạch"], *[[u, "Có"] for u in UNITS]]
    result = validate_upload(catalog, REQUEST, xlsx({"Đơn vị": units, "Cấp tỉnh": province}))
    assert [(p.code, p.sheet, p.cell) for p in result.errors] == [
        ("legacy_encoding", "Cấp tỉnh", "J2")]
    assert "TCVN3" in result.errors[0].message
