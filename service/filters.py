"""History filters from a query string: ``status``, ``template``, ``province``, ``period``,
``since``, for the API's ``GET /jobs`` and the history page alike."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from service.errors import ApiError
from tasks.report.clock import VIETNAM
from tasks.store.jobs import JobFilter
from tasks.store.records import JobStatus

FIELDS = ("status", "template", "province", "period", "since")


def parse_since(raw: str) -> datetime:
    """``since`` as a UTC moment: a date (``2023-12-01``, from midnight Vietnam time) or an
    ISO 8601 date-time (UTC unless it names its zone). Raises ``ApiError`` 400."""
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            return datetime(day.year, day.month, day.day, tzinfo=VIETNAM).astimezone(UTC)
        moment = datetime.fromisoformat(raw)
    except ValueError as e:
        raise ApiError(400, "bad_filter", "since phải là ngày (2023-12-01) hoặc thời điểm "
                       "ISO 8601 (2023-12-01T08:00:00+07:00).") from e
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def job_filter(args: Mapping[str, str]) -> JobFilter:
    """The filter the query ``args`` ask for (empty values mean any). Raises ``ApiError``
    400 ``bad_filter`` for an unknown status or a malformed ``since``."""
    values = {name: (args.get(name) or "").strip() or None for name in FIELDS}
    status = values["status"]
    if status is not None and status not in set(JobStatus):
        raise ApiError(400, "bad_filter", f"status phải là một trong: {', '.join(JobStatus)}.")
    since = parse_since(values["since"]) if values["since"] else None
    return JobFilter(status=status, template=values["template"], province=values["province"],
                     period=values["period"], since=since)


def active_filters(args: Mapping[str, str]) -> dict[str, str]:
    """The filter values given in ``args`` (for links that keep them while paging)."""
    return {name: args[name].strip() for name in FIELDS if (args.get(name) or "").strip()}
