"""Vietnam's calendar: reports are dated by the officer's day, not the server's.

Vietnam keeps UTC+7 all year (no daylight saving), so a server in another zone, or one set to
UTC, would otherwise start "today" seven hours late.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7), "ICT")


def now_in_vietnam() -> datetime:
    """The current moment in Vietnam's time zone (timezone-aware)."""
    return datetime.now(UTC).astimezone(VIETNAM)


def today_in_vietnam() -> date:
    """Today's date in Vietnam."""
    return now_in_vietnam().date()
