"""Reporting periods: Decree 09 windows and the kind's campaign window for a bare year."""

from __future__ import annotations

from datetime import date

import pytest

from tasks.report.errors import PeriodError
from tasks.report.period import parse_period

CAMPAIGN = {2023: (date(2023, 11, 15), date(2023, 12, 15))}


@pytest.mark.parametrize("text, start, end, label", [
    ("2023", date(2023, 11, 15), date(2023, 12, 15), "năm 2023"),
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
    period = parse_period(text, CAMPAIGN)
    assert (period.start, period.end, period.label) == (start, end, label)


def test_bare_year_without_campaign_is_the_decree_year():
    period = parse_period("2023")
    assert period.kind == "year" and period.start == date(2022, 12, 15)


@pytest.mark.parametrize("text", ["", "23", "2023-Q5", "2023-13", "2023-H3", "2023/11",
                                  "2023-12-15..2023-11-15", "2022-01-01..2023-06-01",
                                  "2023-02-30..2023-03-01"])
def test_invalid_periods_are_refused_in_vietnamese(text):
    with pytest.raises(PeriodError) as caught:
        parse_period(text)
    assert caught.value.code == "invalid_period"
    assert "Kỳ" in caught.value.message or "Ngày" in caught.value.message or \
        "Tháng" in caught.value.message
