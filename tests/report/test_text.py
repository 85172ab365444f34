"""Vietnamese names as they arrive: NFC/NFD, tone placement, stray spaces."""

from __future__ import annotations

import unicodedata

import pytest

from tasks.report.text import (
    BLANK_CHARACTERS,
    ascii_key,
    clean,
    clean_lines,
    name_key,
    strip_xml_illegal,
)


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


def test_clean_lines_keeps_line_breaks_and_cleans_each_line():
    text = "  xe lưu\u00a0 động\r\ncổ động\n\n\u200b\n- băng\u2028rôn\t "
    assert clean_lines(text) == "xe lưu động\ncổ động\n- băng\nrôn"
    assert clean_lines("một dòng  ") == "một dòng"


def test_blank_characters_are_every_white_space_and_the_invisible_ones():
    every_space = {chr(c) for c in range(0x110000) if chr(c).isspace()}
    assert every_space <= set(BLANK_CHARACTERS)
    assert clean(BLANK_CHARACTERS) == "" and clean_lines(BLANK_CHARACTERS) == ""
