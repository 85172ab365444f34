"""History filters from a query string: ``status``, ``template``, ``province``, ``period``,
``since``, for the API's ``GET /jobs`` and the history page alike."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from service.errors import ApiError
from service.labels import STATUS_LABELS
from tasks.report.clock import VIETNAM
from tasks.store.jobs import JobFilter
from tasks.store.records import JobStatus

FIELDS = ("status", "template", "province", "period", "since")


# No job is older than this, nor due after the later bound: a moment outside is a typing error
# (and years 1 or 9999 overflow once moved to UTC).
EARLIEST, LATEST = 2000, 2100
_SINCE_FORMS = "ngày (2023-12-01) hoặc thời điểm ISO 8601 (2023-12-01T08:00:00+07:00)"


def parse_since(raw: str) -> datetime:
    """``since`` as a UTC moment: a date (``2023-12-01``, from midnight Vietnam time) or an
    ISO 8601 date-time (UTC unless it names its zone), in the years 2000–2100. Raises
    ``ApiError`` 400 ``bad_filter``."""
    try:
        if len(raw) == 10:
            day = date.fromisoformat(raw)
            moment = datetime(day.year, day.month, day.day, tzinfo=VIETNAM)
        else:
            moment = datetime.fromisoformat(raw)
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        if not EARLIEST <= moment.year <= LATEST:
            raise ValueError(moment.year)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError) as e:
        raise ApiError(400, "bad_filter", f"«Từ ngày» phải là {_SINCE_FORMS}, trong "
                       f"các năm {EARLIEST}–{LATEST}.") from e


def job_filter(args: Mapping[str, str]) -> JobFilter:
    """The filter the query ``args`` ask for (empty values mean any). Raises ``ApiError``
    400 ``bad_filter`` for an unknown status or a malformed ``since``."""
    values = {name: (args.get(name) or "").strip() or None for name in FIELDS}
    status = values["status"]
    if status is not None and status not in set(JobStatus):
        shown = ", ".join(f"{STATUS_LABELS.get(s, s)} ({s})" for s in JobStatus)
        raise ApiError(400, "bad_filter", f"«Trạng thái» phải là một trong: {shown}.")
    since = parse_since(values["since"]) if values["since"] else None
    return JobFilter(status=status, template=values["template"], province=values["province"],
                     period=values["period"], since=since)


def active_filters(args: Mapping[str, str]) -> dict[str, str]:
    """The filter values given in ``args`` (for links that keep them while paging)."""
    return {name: args[name].strip() for name in FIELDS if (args.get(name) or "").strip()}
