"""The parts of a template context every report kind shares: header, agency, signer, recipients.

Values are plain dicts, lists, strings, numbers and dates: templates see nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tasks.report.errors import ReportError
from tasks.report.kinds import Campaign, ReportKind
from tasks.report.period import ReportingPeriod
from tasks.report.provinces import ProvinceAtDate
from tasks.report.text import clean

_NUMBER = re.compile(r"^\d{1,6}$")
# Blank room for a number the records office assigns when the report is issued.
_NO_NUMBER = "\u00a0" * 6


@dataclass(frozen=True)
class ReportOptions:
    """What the officer may set per report; ``None`` means "use the profile's default"."""

    report_number: str | None = None
    report_date: date | None = None
    signer_name: str | None = None
    signer_title: str | None = None

    def as_dict(self) -> dict:
        return {
            "report_number": self.report_number,
            "report_date": self.report_date.isoformat() if self.report_date else None,
            "signer_name": self.signer_name,
            "signer_title": self.signer_title,
        }

    @classmethod
    def from_dict(cls, raw: dict) -> ReportOptions:
        """The inverse of ``as_dict``; raises ``ReportError`` for a malformed value."""
        try:
            day = date.fromisoformat(raw["report_date"]) if raw.get("report_date") else None
        except ValueError as e:
            raise ReportError(f"Ngày báo cáo «{raw['report_date']}» không hợp lệ (YYYY-MM-DD).",
                              "invalid_report_date") from e
        number = clean(raw.get("report_number") or "") or None
        if number is not None and not _NUMBER.match(number):
            raise ReportError(f"Số báo cáo «{number}» phải là số (ví dụ 5 hoặc 123).",
                              "invalid_report_number")
        return cls(number, day, clean(raw.get("signer_name") or "") or None,
                   clean(raw.get("signer_title") or "") or None)


def _number(raw: str | None) -> str:
    """Decree 30: numbers below 10 get a leading zero (05)."""
    return f"{int(raw):02d}" if raw else ""


def common_context(
    kind: ReportKind, province: ProvinceAtDate, period: ReportingPeriod, campaign: Campaign | None,
    options: ReportOptions, today: date,
) -> dict:
    """Header, agency, campaign, period, signer and recipients of a report."""
    era = province.era
    number = _number(options.report_number)
    symbol = f"{kind.document_type}-{era.agency_abbreviation}"
    recipients = list(era.recipients)
    if era.addressee and (not recipients or recipients[0] != "Như trên"):
        recipients.insert(0, "Như trên")
    recipients.append(f"Lưu: VT, {era.archive_unit}" if era.archive_unit else "Lưu: VT")
    signer = dict(era.signer)
    return {
        "doc": {
            "number": number, "symbol": symbol,
            "number_line": f"Số: {number or _NO_NUMBER}/{symbol}",
            "place": era.place, "date": options.report_date or today,
            "addressee": era.addressee,
        },
        "agency": {
            "parent": era.parent_agency, "name": era.agency, "name_caps": era.agency.upper(),
            "full_name": f"{era.agency} {era.province}", "province": era.province,
        },
        "campaign": _campaign(kind, campaign, period),
        "period": {"start": period.start, "end": period.end, "label": period.label},
        "signer": {
            "authority": signer.get("authority", ""),
            "title": (options.signer_title or signer.get("title", "")).upper(),
            "name": options.signer_name or signer.get("name", ""),
        },
        "recipients": recipients,
    }


def _campaign(kind: ReportKind, campaign: Campaign | None, period: ReportingPeriod) -> dict:
    if campaign is None:
        return {"year": period.year, "name": kind.campaign_name, "theme": "", "guidance": ""}
    guidance = ""
    if campaign.guidance_number:
        guidance = f"Công văn số {campaign.guidance_number}"
        if campaign.guidance_date:
            d = campaign.guidance_date
            guidance += f" ngày {d.day}/{d.month}/{d.year}"
        if campaign.guidance_issuer:
            guidance += f" của {campaign.guidance_issuer}"
        if campaign.guidance_subject:
            guidance += f" {campaign.guidance_subject}"
    return {"year": campaign.year, "name": kind.campaign_name, "theme": campaign.theme,
            "guidance": guidance}
