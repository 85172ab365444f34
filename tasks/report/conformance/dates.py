"""The header date of Decree 30/2020/NĐ-CP, Appendix I (place and date; docs/format-rules.md):
``ngày 04 tháng 12 năm 2023``.

A draft that the records office dates when it is issued leaves the day and month blank:
``Hòa Bình, ngày     tháng     năm 2023`` (the year may be blank too). Such a date is
``WrittenDate(None, 2023)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

DATE = re.compile(
    r"ngày\s+(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})\s+năm\s+(?P<year>\d{4})")
# Blanks are spaces (squeezed to one), dots or ellipses: "ngày ... tháng ... năm 2023".
BLANK_DATE = re.compile(r"ngày[\s.…]*tháng[\s.…]*năm(?:[\s.…]*|\s+(?P<year>\d{4}))")
PLACE_DATE = re.compile(r"^(?P<place>[^,]+),\s+" + DATE.pattern + r"$")
PLACE_BLANK_DATE = re.compile(r"^(?P<place>[^,]+),\s+" + BLANK_DATE.pattern + r"$")


@dataclass(frozen=True)
class WrittenDate:
    """A date as a document writes it: ``day`` is None when the day and month are left blank
    for the clerk; ``year`` is None when the year is blank too. ``problems`` lists what is
    wrongly written (Vietnamese sentences, see ``date_problems``)."""

    day: date | None
    year: int | None
    problems: tuple[str, ...] = ()

    @property
    def blank(self) -> bool:
        return self.day is None

    def text(self) -> str:
        """How the date reads in a message: "04/12/2023", "ngày … tháng … năm 2023"."""
        if self.day is not None:
            return f"{self.day:%d/%m/%Y}"
        return f"ngày … tháng … năm {self.year or '…'}"


def read_date(text: str) -> WrittenDate | None:
    """The date written in ``text`` (a whole "ngày … tháng … năm …" phrase, blank or not);
    None when ``text`` holds no such phrase."""
    match = DATE.fullmatch(text)
    if match is not None:
        return _filled(match)
    blank = BLANK_DATE.fullmatch(text)
    if blank is not None:
        return WrittenDate(None, int(blank["year"]) if blank["year"] else None)
    return None


def read_place_date(text: str) -> WrittenDate | None:
    """The date of a place/date line ("Hòa Bình, ngày 04 tháng 12 năm 2023"); None when the
    line does not have that shape."""
    match = PLACE_DATE.match(text)
    if match is not None:
        return _filled(match)
    blank = PLACE_BLANK_DATE.match(text)
    if blank is not None:
        return WrittenDate(None, int(blank["year"]) if blank["year"] else None)
    return None


def _filled(match: re.Match) -> WrittenDate:
    day, month, year = match["day"], match["month"], match["year"]
    problems = tuple(date_problems(day, month, year))
    try:
        real = date(int(year), int(month), int(day))
    except ValueError:
        real = None
    return WrittenDate(real, int(year), problems)


def date_problems(day: str, month: str, year: str) -> list[str]:
    """What is wrong with a written day/month/year (Vietnamese sentences); [] when right.

    The day is zero-padded below 10; the month only for January and February.
    """
    try:
        date(int(year), int(month), int(day))
    except ValueError:
        return [f"ngày {day} tháng {month} năm {year} không phải là ngày có thật"]
    problems = []
    if day != f"{int(day):02d}":
        problems.append(f"ngày dưới 10 phải thêm số 0 («{int(day):02d}», không phải «{day}»)")
    wanted = f"{int(month):02d}" if int(month) < 3 else str(int(month))
    if month != wanted:
        rule = "tháng 1 và 2 thêm số 0" if int(month) < 3 else "chỉ tháng 1 và 2 thêm số 0"
        problems.append(f"{rule} («tháng {wanted}», không phải «tháng {month}»)")
    return problems
