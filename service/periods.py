"""The periods offered for a report kind and province: the one place the form, the API and
the error messages ask which periods work.

Today a kind that reads a bare year as its campaign accepts the years of its campaigns
(``campaigns.toml``) whose end the province's profile covers: Hòa Bình reports on 2023 and
2024, the merged Phú Thọ (from 1 July 2025) on 2025. ``accepted_periods`` is the function to
re-point when kinds declare their own period forms.
"""

from __future__ import annotations

from service.errors import ApiError
from tasks.report.errors import ReportError
from tasks.report.kinds import Catalog
from tasks.report.pipeline import ReportRequest, resolve

# Codes of the errors that are about the period asked for (the kind and province exist).
PERIOD_ERRORS = frozenset({"invalid_period", "unknown_campaign_year", "province_not_in_force"})


def accepted_periods(catalog: Catalog, slug: str, province: str) -> list[str]:
    """The periods, as typed ("2024"), that a request for kind ``slug`` and ``province``
    resolves with, newest first; [] when the kind or province is unknown, when the kind
    does not offer the province, or when the kind has no campaign years."""
    kind = catalog.kinds.get(slug)
    if kind is None or province not in kind.provinces:
        return []
    found = []
    for year in sorted(kind.campaigns, reverse=True):
        try:
            resolve(catalog, ReportRequest(slug, province, str(year)))
        except ReportError:
            continue
        found.append(str(year))
    return found


def default_period(catalog: Catalog, slug: str, province: str) -> str:
    """The period the form proposes: the newest accepted one; "" when none is."""
    return next(iter(accepted_periods(catalog, slug, province)), "")


def period_choices(catalog: Catalog) -> dict[str, dict[str, dict]]:
    """For every kind and each province it offers: ``{"default": "2024", "accepted":
    ["2024", "2023"]}``, the data the form's script follows."""
    return {kind.slug: {province: {"accepted": periods, "default": next(iter(periods), "")}
                        for province in kind.provinces
                        for periods in [accepted_periods(catalog, kind.slug, province)]}
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
