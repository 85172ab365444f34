"""Tests for the Vietnamese report formatting filters (docs/periods.md, numbers and dates)."""

import decimal as decimal_module
from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_currency, format_decimal

from tasks.report import formatting as f

NOT_NUMBERS = [None, True, False, "5000", [1], float("nan"), float("inf"), Decimal("NaN")]


@pytest.mark.parametrize("value, expected", [
    (1090, "1.090"), (5000, "5.000"), (56805, "56.805"), (361_000_000, "361.000.000"),
    (0, "0"), (1_234_567_890, "1.234.567.890"), (-5000, "-5.000"), (7, "7"),
    (5000.0, "5.000"), (Decimal("5000.00"), "5.000"), (Decimal("1E+3"), "1.000"),
    (1234.5, "1.234,5"), (Decimal("75.84"), "75,8"), (-0.0, "0"),
])
def test_num(value, expected):
    assert f.num(value) == expected


@pytest.mark.parametrize("value, digits, expected", [
    (75.84, 1, "75,8"), (1234.5, 1, "1.234,5"), (2.0, 1, "2"), (75.85, 2, "75,85"),
    (0.1 + 0.2, 1, "0,3"), (0.1 + 0.2, 2, "0,3"),
    # Half up, on the decimal the user typed, not on the float's binary value.
    (0.05, 1, "0,1"), (0.25, 1, "0,3"), (75.85, 1, "75,9"), (2.675, 2, "2,68"),
    (Decimal("0.15"), 1, "0,2"), (-0.25, 1, "-0,3"), (-0.04, 1, "0"),
    (1234.56, 0, "1.235"), (Decimal("1234567890.125"), 2, "1.234.567.890,13"),
    (Decimal("0.10"), 2, "0,1"),
])
def test_decimal(value, digits, expected):
    assert f.decimal(value, digits) == expected


def test_where_babel_differs():
    vi, day = {"locale": "vi"}, date(2023, 9, 5)
    # Babel rounds half to even (in the default decimal context); reports round half up.
    assert (format_decimal(Decimal("0.25"), "#,##0.#", **vi), f.decimal(0.25)) == ("0,2", "0,3")
    assert (format_decimal(Decimal("0.05"), "#,##0.#", **vi), f.decimal(0.05)) == ("0", "0,1")
    # Babel's money formats use "₫" or "Tr"; prose money uses triệu/tỷ đồng.
    assert format_currency(361_000_000, "VND", **vi) == "361.000.000\xa0₫"
    assert format_compact_decimal(361_500_000, fraction_digits=2, **vi) == "361,5\xa0Tr"
    # Babel's dates: no "ngày … tháng … năm" form, a 2-digit year in the short form.
    assert format_date(date(2023, 12, 4), "long", **vi) == "4 tháng 12, 2023"
    assert (format_date(day, "short", **vi), f.short_date(day)) == ("5/9/23", "5/9/2023")


def test_output_ignores_caller_decimal_context():
    with decimal_module.localcontext() as ctx:
        ctx.prec, ctx.rounding = 3, decimal_module.ROUND_DOWN
        assert f.decimal(Decimal("0.25")) == "0,3"
        assert f.num(1_234_567_890) == "1.234.567.890"
        assert f.share(1, 3, 2) == "33,33%"
        assert f.female_share(1091, 3411) == "75,8%"
        assert f.money(999_999_999) == "999.999.999 đồng"
        assert f.money(361_456_000) == "361.456.000 đồng"


@pytest.mark.parametrize("func", [f.num, f.decimal, f.percent, f.money, f.qty, f.approx])
@pytest.mark.parametrize("bad", NOT_NUMBERS)
def test_single_number_filters_reject_non_numbers(func, bad):
    with pytest.raises(ValueError):
        func(bad)


@pytest.mark.parametrize("func, args", [
    (f.share, (-1, 3)), (f.share, (1, -3)), (f.share, (None, 3)), (f.share, (1, None)),
    (f.share, (True, 2)), (f.money, (-1,)), (f.money, (5, "VND")), (f.money, (5, "Ty")),
    (f.money, (5, None)), (f.by_sex, (-1, 5)), (f.by_sex, (1, None)), (f.by_sex, (1, 2, "")),
    (f.by_sex, (1.5, 2)), (f.by_sex, (True, 2)), (f.female_share, (-1, 2)),
    (f.female_share, (1, 2.5)), (f.join_names, ("Lạc Sơn",)), (f.join_names, (["A", None],)),
    (f.join_names, ([1, 2],)),
])
def test_multi_argument_filters_reject_bad_arguments(func, args):
    with pytest.raises(ValueError):
        func(*args)


@pytest.mark.parametrize("digits", [-1, 1.0, True, None, "1"])
def test_bad_digits_rejected(digits):
    with pytest.raises(ValueError, match="digits"):
        f.decimal(1.5, digits)


@pytest.mark.parametrize("value, digits, expected", [
    (52.5, 1, "52,5%"), (100, 1, "100%"), (33.333, 1, "33,3%"), (0, 1, "0%"),
    (99.96, 1, "100%"), (52.04, 1, "52%"), (33.335, 2, "33,34%"), (Decimal("12.5"), 0, "13%"),
])
def test_percent(value, digits, expected):
    assert f.percent(value, digits) == expected


@pytest.mark.parametrize("part, whole, digits, expected", [
    (1, 3, 1, "33,3%"), (2, 3, 1, "66,7%"), (1, 2, 1, "50%"), (3, 3, 1, "100%"),
    (0, 0, 1, "0%"), (0, 5, 1, "0%"), (1, 8, 2, "12,5%"), (1, 8, 1, "12,5%"),
    (1, 16, 1, "6,3%"), (Decimal("3410"), 4500.0, 1, "75,8%"),
])
def test_share(part, whole, digits, expected):
    assert f.share(part, whole, digits) == expected


@pytest.mark.parametrize("dong, unit, expected", [
    (361_000_000, "auto", "361 triệu đồng"), (1_200_000_000, "auto", "1,2 tỷ đồng"),
    (361_500_000, "auto", "361,5 triệu đồng"), (850_000, "auto", "850.000 đồng"),
    (361_000_000, "dong", "361.000.000 đồng"), (0, "auto", "0 đồng"),
    (1_000_000, "auto", "1 triệu đồng"), (999_999, "auto", "999.999 đồng"),
    # "auto" never rounds: a figure that is not exact in tỷ or triệu is written in đồng.
    (1_234_567_890, "auto", "1.234.567.890 đồng"), (1_235_000_000, "auto", "1.235 triệu đồng"),
    (12_345_678, "auto", "12.345.678 đồng"), (1_230_000_000, "auto", "1,23 tỷ đồng"),
    (Decimal("2500000000000"), "auto", "2.500 tỷ đồng"),
    (999_999_999, "auto", "999.999.999 đồng"), (361e6, "auto", "361 triệu đồng"),
    # A unit the template chose rounds, and says so.
    (361_000_000, "ty", "khoảng 0,36 tỷ đồng"), (1_200_000_000, "trieu", "1.200 triệu đồng"),
    (361_456_000, "trieu", "khoảng 361,46 triệu đồng"),
    (999_999.995, "auto", "khoảng 1.000.000 đồng"),
])
def test_money(dong, unit, expected):
    assert f.money(dong, unit) == expected


@pytest.mark.parametrize("d, expected", [
    ((2023, 12, 4), "ngày 04 tháng 12 năm 2023"), ((2024, 2, 9), "ngày 09 tháng 02 năm 2024"),
    ((2023, 3, 15), "ngày 15 tháng 3 năm 2023"), ((2023, 1, 5), "ngày 05 tháng 01 năm 2023"),
    ((2023, 10, 1), "ngày 01 tháng 10 năm 2023"), ((2023, 9, 30), "ngày 30 tháng 9 năm 2023"),
    ((2024, 11, 10), "ngày 10 tháng 11 năm 2024"),
])
def test_header_date(d, expected):
    assert f.header_date(date(*d)) == expected


@pytest.mark.parametrize("d, expected", [
    (date(2023, 9, 27), "27/9/2023"), (date(2023, 9, 5), "5/9/2023"),
    (date(2023, 12, 14), "14/12/2023"), (date(2024, 1, 1), "1/1/2024"),
])
def test_short_date(d, expected):
    assert f.short_date(d) == expected


@pytest.mark.parametrize("func", [f.header_date, f.short_date])
@pytest.mark.parametrize("bad", [None, "2023-12-04", 20231204])
def test_dates_reject_non_dates(func, bad):
    with pytest.raises(ValueError, match="date"):
        func(bad)


@pytest.mark.parametrize("n, expected", [
    (0, "0"), (1, "01"), (2, "02"), (9, "09"), (10, "10"), (34, "34"), (384, "384"),
    (5000, "5.000"), (1_234_567_890, "1.234.567.890"), (2.0, "02"), (Decimal("34"), "34"),
])
def test_qty(n, expected):
    assert f.qty(n) == expected


@pytest.mark.parametrize("n, message", [
    (-1, "negative"), (1.5, "whole"), (Decimal("-0.5"), "negative"), (None, "missing"),
])
def test_qty_rejects(n, message):
    with pytest.raises(ValueError, match=message):
        f.qty(n)


@pytest.mark.parametrize("quantity, qualifier, expected", [
    (5000, "trên", "trên 5.000"), (1, None, "01"), (5000, "", "5.000"), (5000, "  ", "5.000"),
    (80, "Gần", "gần 80"), (50, "  KHOẢNG ", "khoảng 50"), (5000, "tre\u0302n", "trên 5.000"),
    (3, "khoảng", "khoảng 03"),
])
def test_approx(quantity, qualifier, expected):
    assert f.approx(quantity, qualifier) == expected


@pytest.mark.parametrize("qualifier", ["hơn", "tren", "trên 5", 5])
def test_approx_rejects_unknown_qualifier(qualifier):
    with pytest.raises(ValueError, match="qualifier"):
        f.approx(5000, qualifier)


@pytest.mark.parametrize("kinds, expected", [
    ({"huyen", "thanh_pho"}, "huyện, thành phố"),
    (["thanh_pho", "huyen", "huyen"], "huyện, thành phố"),
    ({"huyen"}, "huyện"), ({"phuong", "xa"}, "xã, phường"),
    (("dac_khu", "thi_tran", "xa"), "xã, thị trấn, đặc khu"),
    (["thi_xa", "quan", "thanh_pho", "huyen"], "huyện, quận, thị xã, thành phố"),
])
def test_unit_nouns(kinds, expected):
    assert f.unit_nouns(kinds) == expected


@pytest.mark.parametrize("kinds", [
    set(), [], {"huyen", "village"}, {"tinh"}, {"thanh_pho_tw", "huyen"}, "huyen", ["Huyen"],
])
def test_unit_nouns_rejects(kinds):
    with pytest.raises(ValueError):
        f.unit_nouns(kinds)


@pytest.mark.parametrize("value, expected", [
    ({"done": 10, "total": 10, "nouns": "huyện, thành phố"}, "10/10 huyện, thành phố"),
    ({"done": 40, "total": 46, "nouns": "xã, phường"}, "40/46 xã, phường"),
    (SimpleNamespace(done=9, total=10, nouns="huyện, thành phố"), "9/10 huyện, thành phố"),
    ({"done": 0, "total": 10, "nouns": "huyện"}, "0/10 huyện"),
    ({"done": 1000, "total": 1500, "nouns": "xã"}, "1.000/1.500 xã"),
])
def test_ratio(value, expected):
    assert f.ratio(value) == expected


@pytest.mark.parametrize("value", [
    {"done": 11, "total": 10, "nouns": "huyện"}, {"done": -1, "total": 10, "nouns": "huyện"},
    {"done": 1, "total": -1, "nouns": "huyện"}, {"done": 1, "total": 10, "nouns": ""},
    {"done": 1, "total": 10}, SimpleNamespace(done=1, nouns="xã"),
    {"done": None, "total": 1, "nouns": "xã"}, {"done": 1.5, "total": 2, "nouns": "xã"},
])
def test_ratio_rejects(value):
    with pytest.raises(ValueError):
        f.ratio(value)


@pytest.mark.parametrize("male, female, noun, expected", [
    (1090, 3410, "người", "4.500 người (1.090 nam, 3.410 nữ)"), (0, 0, "người", "0 người"),
    (56805, 62783, "lượt người", "119.588 lượt người (56.805 nam, 62.783 nữ)"),
    (3, 2, "người", "05 người (03 nam, 02 nữ)"), (0, 12, "người", "12 người (0 nam, 12 nữ)"),
])
def test_by_sex(male, female, noun, expected):
    assert f.by_sex(male, female, noun) == expected


@pytest.mark.parametrize("male, female, digits, expected", [
    (1090, 3410, 1, "75,8%"), (0, 0, 1, "0%"), (56805, 62783, 1, "52,5%"), (0, 7, 1, "100%"),
    (7, 0, 1, "0%"), (1, 2, 2, "66,67%"),
])
def test_female_share(male, female, digits, expected):
    assert f.female_share(male, female, digits) == expected


@pytest.mark.parametrize("names, expected", [
    ([], ""), (["A"], "A"), (["A", "B"], "A và B"), (["A", "B", "C"], "A, B và C"),
    (("Lạc Sơn", "Lạc Thủy"), "Lạc Sơn và Lạc Thủy"),
    (("Đà Bắc", "Kim Bôi", "Tân Lạc", "Mai Châu"), "Đà Bắc, Kim Bôi, Tân Lạc và Mai Châu"),
])
def test_join_names(names, expected):
    assert f.join_names(names) == expected


def test_filters_registry_holds_every_public_function_by_name():
    expected = {"num", "decimal", "percent", "share", "money", "header_date", "short_date",
                "qty", "approx", "unit_nouns", "ratio", "by_sex", "female_share", "join_names",
                "figure"}
    assert set(f.FILTERS) == expected
    assert all(f.FILTERS[name] is getattr(f, name) for name in expected)


@pytest.mark.parametrize("value", [0, 7, 999, 1000, 1090, 56805, 1234567890, -5000, 10**15])
def test_num_integer_fast_path_agrees_with_babel(value):
    assert f.num(value) == format_decimal(value, format="#,##0", locale="vi")
