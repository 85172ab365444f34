"""The header date of Decree 30 (DOMAIN.md §5): ``ngày 04 tháng 12 năm 2023``."""

from __future__ import annotations

import re
from datetime import date

DATE = re.compile(
    r"ngày\s+(?P<day>\d{1,2})\s+tháng\s+(?P<month>\d{1,2})\s+năm\s+(?P<year>\d{4})")
PLACE_DATE = re.compile(r"^(?P<place>[^,]+),\s+" + DATE.pattern + r"$")


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

