"""Reporting periods: Decree 09 windows, a kind's campaign window, and the forms it accepts."""

from __future__ import annotations

from datetime import date

import pytest

from tasks.report.errors import PeriodError
from tasks.report.period import DECREE_FORMS, parse_period

CAMPAIGN = {2023: (date(2023, 11, 15), date(2023, 12, 15))}
PERIODIC = ("year", "half", "quarter", "month", "range")


@pytest.mark.parametrize("text, start, end, label", [
    ("2024", date(2023, 12, 15), date(2024, 12, 14), "năm 2024"),
    ("2023-Q4", date(2023, 9, 15), date(2023, 12, 14), "quý IV năm 2023"),
    ("2023-q1", date(2022, 12, 15), date(2023, 3, 14), "quý I năm 2023"),
    ("2023-H1", date(2022, 12, 15), date(2023, 6, 14), "6 tháng đầu năm 2023"),
    ("2023-H2", date(2023, 6, 15), date(2023, 12, 14), "6 tháng cuối năm 2023"),
    ("2023-11", date(2023, 10, 15), date(2023, 11, 14), "tháng 11 năm 2023"),
    ("2024-1", date(2023, 12, 15), date(2024, 1, 14), "tháng 1 năm 2024"),
    ("2023-11-15..2023-12-15", date(2023, 11, 15), date(2023, 12, 15),
     "từ ngày 15/11/2023 đến ngày 15/12/2023"),
])
def test_windows(text, start, end, label):
    period = parse_period(text, PERIODIC)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_a_bare_year_means_the_one_year_form_the_kind_accepts():
    campaign = parse_period("2023", ("campaign",), CAMPAIGN)
    assert (campaign.form, campaign.start, campaign.end) == \
        ("campaign", date(2023, 11, 15), date(2023, 12, 15))
    decree = parse_period("2023", ("year", "half"))
    assert (decree.form, decree.start, decree.end) == \
        ("year", date(2022, 12, 15), date(2023, 12, 14))
    calendar = parse_period("2023", ("calendar_year",))
    assert (calendar.form, calendar.start, calendar.end) == \
        ("calendar_year", date(2023, 1, 1), date(2023, 12, 31))


@pytest.mark.parametrize("text, forms", [("2023-Q4", ("campaign",)), ("2023-H2", ("campaign",)),
                                         ("2023-11", ("campaign",)), ("2023", ("half",)),
                                         ("2023-11-15..2023-12-15", ("year", "half"))])
def test_a_form_the_kind_does_not_accept_names_the_ones_it_does(text, forms):
    with pytest.raises(PeriodError) as caught:
        parse_period(text, forms, CAMPAIGN)
    assert caught.value.code == "period_not_allowed"
    assert f"«{text}»" in caught.value.message
    if "campaign" in forms:
        assert "YYYY (đợt của năm đó: 2023)" in caught.value.message
    if "half" in forms:
        assert "YYYY-H1 hoặc YYYY-H2" in caught.value.message


def test_a_campaign_year_without_data_is_refused_with_the_known_years():
    with pytest.raises(PeriodError) as caught:
        parse_period("2021", ("campaign",), CAMPAIGN)
    assert caught.value.code == "unknown_campaign_year" and "2023" in caught.value.message


@pytest.mark.parametrize("text", ["", "23", "2023-Q5", "2023-13", "2023-H3", "2023/11",
                                  "2023-12-15..2023-11-15", "2022-01-01..2023-06-01",
                                  "2023-02-30..2023-03-01",
                                  # Digits of other scripts: read by int(), stored as typed.
                                  "\u0662\u0660\u0662\u0663", "\uff12\uff10\uff12\uff13",
                                  "2023-\uff31\uff14"])
def test_invalid_periods_are_refused_in_vietnamese(text):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert caught.value.code == "invalid_period"
    assert "Kỳ" in caught.value.message or "Ngày" in caught.value.message or \
        "Tháng" in caught.value.message


@pytest.mark.parametrize("text, says", [
    ("2025-13", "tháng 13 không có"), ("2025-00", "tháng 0 không có"),
    ("2025-Q5", "quý 5 không có"), ("2025-Q0", "quý 0 không có"),
    ("2025-H3", "không có nửa năm H3"),
    ("2023-12-15..2023-11-15", "ngày kết thúc trước ngày bắt đầu"),
    ("2024-02-30..2024-03-15", "Ngày «2024-02-30» không hợp lệ"),
    ("2022-01-01..2023-06-01", "dài hơn một năm"),
])
@pytest.mark.parametrize("forms", [("campaign",), ("calendar_year",), DECREE_FORMS])
def test_an_impossible_period_is_invalid_whatever_the_kind_accepts(text, says, forms):
    # Not "period_not_allowed", which would tell the officer the form was right.
    with pytest.raises(PeriodError) as caught:
        parse_period(text, forms, CAMPAIGN)
    assert caught.value.code == "invalid_period"
    assert says in caught.value.message
