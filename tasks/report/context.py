"""The part of a template context every report kind shares: header, agency, period, texts,
signer, recipients, coverage (names in ``kind_schema.COMMON_NAMES``).

Values are plain dicts, lists, strings, numbers and dates: templates see nothing else. A report
without a date leaves the day and month blank for the clerk ("ngày     tháng     năm 2023"),
as real drafts do; a report dated inside its data window says its figures run to that date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tasks.report.errors import ReportError
from tasks.report.formatting import FILTERS, header_date, short_date
from tasks.report.kinds import Campaign, ReportKind
from tasks.report.period import ReportingPeriod
from tasks.report.provinces import Agency, ProvinceAtDate
from tasks.report.text import clean

_NUMBER = re.compile(r"^\d{1,6}$")
# Blank room for what the records office fills in by hand when the report is issued.
_NO_NUMBER = "\u00a0" * 6
_NO_DAY = "\u00a0" * 5


@dataclass(frozen=True)
class ReportOptions:
    """What the officer may set per report; ``None`` means "use the profile's default"
    (for ``report_date``: leave the date blank for the clerk)."""

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


def dated_inside(period: ReportingPeriod, day: date | None) -> bool:
    """Whether a report dated ``day`` is signed before its data window closes."""
    return day is not None and period.start <= day < period.end


def _doc(options: ReportOptions, kind: ReportKind, agency: Agency, place: str,
         issue_year: int, full_name: str) -> dict:
    number = _number(options.report_number)
    symbol = f"{kind.document_type}-{agency.abbreviation}"
    day = options.report_date
    written = header_date(day) if day else f"ngày{_NO_DAY}tháng{_NO_DAY}năm {issue_year}"
    return {
        "number": number, "symbol": symbol,
        "number_line": f"Số: {number or _NO_NUMBER}/{symbol}",
        "place": place, "date": day, "date_text": written,
        "date_line": f"{place}, {written}",
        "reference": f"Báo cáo số {number or _NO_NUMBER}/{symbol} {written} của {full_name}",
        "addressee": agency.addressee,
        "properties": {"title": f"Báo cáo {kind.title}", "subject": kind.title,
                       "author": full_name},
    }


def _period(period: ReportingPeriod, day: date | None) -> dict:
    end = day if dated_inside(period, day) else period.end
    return {"start": period.start, "end": period.end, "label": period.label,
            "form": period.form, "year": period.year, "text": period.text,
            "window": f"Số liệu báo cáo tính từ ngày {short_date(period.start)} đến ngày "
                      f"{short_date(end)}."}


def _campaign(kind: ReportKind, campaign: Campaign | None, period: ReportingPeriod) -> dict:
    if campaign is None:
        return {"year": period.year, "name": kind.campaign_name, "theme": "", "guidance": ""}
    guidance = ""
    if campaign.guidance_number and campaign.guidance_date:
        guidance = (f"Công văn số {campaign.guidance_number} ngày "
                    f"{short_date(campaign.guidance_date)}")
        if campaign.guidance_issuer:
            guidance += f" của {campaign.guidance_issuer}"
    elif campaign.guidance_issuer:
        # A letter whose date is unknown is not cited by number: "hướng dẫn của Bộ …".
        guidance = f"hướng dẫn của {campaign.guidance_issuer}"
    return {"year": campaign.year, "name": kind.campaign_name, "theme": campaign.theme,
            "guidance": guidance}


@lru_cache(maxsize=512)
def _text_template(source: str) -> jinja2.Template:
    # Not autoescaped: the result is data, escaped once when the .docx is rendered.
    env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters.update(FILTERS)
    return env.from_string(source)


def _tidy(text: str) -> str:
    """Single spaces, trimmed, keeping the line breaks an author put in a title on purpose."""
    return "\n".join(" ".join(line.split()) for line in text.strip().split("\n"))


# A summary line longer than this breaks in two lines (13–14 pt bold in the 16,5 cm text width
# holds about 70 characters).
_ONE_LINE = 68
_BREAKS = re.compile(r", | (?=(?:và|vì|với|của|năm|về|trong|tại) )")


def balanced(title: str) -> str:
    """A long title with a line break at the phrase boundary nearest its middle.

    Word would wrap it wherever the line ends, even inside a word of two syllables ("bạo /
    lực"); a break after a comma or before a joining word never splits one. A title that
    already holds a line break is left as written.
    """
    if len(title) <= _ONE_LINE or "\n" in title:
        return title
    middle = len(title) / 2
    cuts = [m.end() for m in _BREAKS.finditer(title)]
    cuts = [c for c in cuts if max(c, len(title) - c) <= _ONE_LINE + 10]
    if not cuts:
        return title
    cut = min(cuts, key=lambda c: abs(c - middle))
    return title[:cut].rstrip() + "\n" + title[cut:].lstrip()


def _texts(kind: ReportKind, period: ReportingPeriod, names: dict) -> dict:
    texts = kind.texts(period.form)
    try:
        written = {part: _tidy(_text_template(getattr(texts, part)).render(names))
                   for part in ("summary", "opening", "closing")}
    except jinja2.TemplateError as e:  # checked at load; a value can still be refused
        raise ReportError(f"Lời văn của loại báo cáo «{kind.title}» không lập được: {e}",
                          "kind_text") from e
    return written | {"summary": balanced(written["summary"]), "title": kind.title}


def common_context(kind: ReportKind, province: ProvinceAtDate, agency: Agency,
                   period: ReportingPeriod, campaign: Campaign | None,
                   options: ReportOptions, coverage: dict | None) -> dict:
    """Header, agency, period, texts, signer, recipients and coverage of a report.

    Raises ``ReportError`` (``kind_text``) when a period text cannot be written.
    """
    era = province.era
    full_name = f"{agency.name} {era.province}"
    recipients = list(agency.recipients)
    if agency.addressee and (not recipients or recipients[0] != "Như trên"):
        recipients.insert(0, "Như trên")
    recipients.append(f"Lưu: VT, {agency.archive_unit}" if agency.archive_unit else "Lưu: VT")
    signer = dict(agency.signer)
    context = {
        "doc": _doc(options, kind, agency, era.place, province.day.year, full_name),
        "agency": {
            "parent": era.parent_agency, "name": agency.name, "name_caps": agency.name.upper(),
            "full_name": full_name, "province": era.province, "ministry": agency.ministry,
        },
        "campaign": _campaign(kind, campaign, period),
        "period": _period(period, options.report_date),
        "signer": {
            "authority": signer.get("authority", ""),
            "title": (options.signer_title or signer.get("title", "")).upper(),
            "name": options.signer_name or signer.get("name", ""),
        },
        "recipients": recipients,
        "coverage": coverage or {"reported": 0, "total": 0, "nouns": "", "missing": [],
                                 "complete": True, "text": ""},
    }
    context["report"] = _texts(kind, period, {k: context[k] for k in
                                              ("campaign", "period", "agency")})
    return context
