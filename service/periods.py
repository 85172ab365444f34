"""The periods offered for a report kind and province: the one place the form, the API and
the error messages ask which periods work.

A kind declares the period forms it accepts (``kind.toml``: campaign years, Decree 09 halves
and years, calendar years …); the periods offered are the most recent of those that have begun
in Vietnam today and that the province's profile covers: Hòa Bình reports the Action Month of
2023 and 2024, the merged Phú Thọ (from 1 July 2025) that of 2025.
"""

from __future__ import annotations

from service.errors import ApiError
from tasks.report.clock import today_in_vietnam
from tasks.report.errors import ReportError
from tasks.report.kinds import Catalog
from tasks.report.period import parse_period
from tasks.report.request import recent_periods

# Codes of the errors that are about the period asked for (the kind and province exist).
PERIOD_ERRORS = frozenset({"invalid_period", "unknown_campaign_year", "province_not_in_force",
                           "period_not_allowed"})


def accepted_periods(catalog: Catalog, slug: str, province: str) -> list[str]:
    """The recent periods, as typed ("2024", "2025-H1"), that a request for kind ``slug`` and
    ``province`` resolves with, newest first; [] when the kind or province is unknown or the
    kind does not offer the province."""
    kind = catalog.kinds.get(slug)
    if kind is None or province not in kind.provinces:
        return []
    return recent_periods(catalog, slug, province, today_in_vietnam())


def default_period(catalog: Catalog, slug: str, province: str) -> str:
    """The period the form proposes: the newest accepted one; "" when none is."""
    return next(iter(accepted_periods(catalog, slug, province)), "")


def period_label(catalog: Catalog, slug: str, period: str) -> str:
    """How a report names ``period`` of kind ``slug`` ("6 tháng đầu năm 2025" for
    "2025-H1"); the text as typed when the kind or the period is not known (any more)."""
    kind = catalog.kinds.get(slug)
    if kind is None:
        return period
    try:
        return parse_period(period, kind.forms, kind.campaign_windows()).label
    except ReportError:
        return period


def period_choices(catalog: Catalog) -> dict[str, dict[str, dict]]:
    """For every kind and each province it offers: ``{"default": "2024", "accepted":
    ["2024", "2023"]}``, the data the form's script follows."""
    return {kind.slug: {province: {"accepted": periods, "default": next(iter(periods), "")}
                        for province in kind.provinces
                        for periods in [accepted_periods(catalog, kind.slug, province)]}
            for kind in catalog.kinds.values()}


def period_hints(catalog: Catalog) -> dict[str, dict[str, str]]:
    """For every kind: ``{"hint": …, "placeholder": …}``, the forms of period it accepts in
    words, with last year as the example (see ``ReportKind.period_hint``)."""
    year = today_in_vietnam().year - 1
    return {kind.slug: dict(zip(("hint", "placeholder"), kind.period_hint(year), strict=True))
            for kind in catalog.kinds.values()}


def explain_period_error(catalog: Catalog, error: ReportError, slug: str,
                         province: str) -> str:
    """The message of ``error``, followed by the periods that work when it is about the
    period: "… Các kỳ báo cáo dùng được cho Phú Thọ: 2025." """
    if error.code not in PERIOD_ERRORS:
        return error.message
    profile = catalog.provinces.get(province)
    name = profile.name if profile is not None else province
    periods = accepted_periods(catalog, slug, province)
    if not periods:
        return f"{error.message} Chưa có kỳ báo cáo nào dùng được cho {name}."
    return f"{error.message} Các kỳ báo cáo dùng được cho {name}: {', '.join(periods)}."


def request_error(catalog: Catalog, error: ReportError, slug: str, province: str,
                  status: int = 422) -> ApiError:
    """The ``ApiError`` of a request that does not resolve, its message naming the periods
    that work when the period is what is wrong."""
    message = explain_period_error(catalog, error, slug, province)
    return ApiError(status, error.code, message, [{"code": error.code, "message": message}])
