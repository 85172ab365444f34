"""Vietnamese names as they arrive: NFC/NFD, tone placement, stray spaces."""

from __future__ import annotations

import unicodedata

import pytest

from tasks.report.text import ascii_key, clean, name_key, strip_xml_illegal


@pytest.mark.parametrize("a, b", [
    ("Lạc Thủy", "Lạc Thuỷ"),
    ("Hòa Bình", "Hoà Bình"),
    ("Hòa Bình", unicodedata.normalize("NFD", "Hoà Bình")),
    ("huyện Lạc Sơn", "  Huyện\u00a0Lạc  Sơn\u200b "),
    ("Đà Bắc", "ĐÀ BẮC"),
])
def test_name_key_ignores_what_people_vary(a, b):
    assert name_key(a) == name_key(b)


def test_name_key_keeps_real_differences():
    assert name_key("Lạc Sơn") != name_key("Lạc Thủy")
    assert name_key("Đà Bắc") != name_key("Da Bac")


def test_ascii_key_folds_d_with_stroke_and_lookalike():
    assert ascii_key("Đà Bắc") == "da bac"
    assert clean("\u00d0à Bắc") == "Đà Bắc"


def test_strip_xml_illegal_keeps_tabs_and_newlines():
    assert strip_xml_illegal("a\x00b\x07c\td\ne") == "abc\td\ne"
