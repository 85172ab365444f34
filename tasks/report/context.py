"""The part of a template context every report kind shares: header, agency, period, texts,
signer, recipients, coverage (names in ``kind_schema.COMMON_NAMES``).

Values are plain dicts, lists, strings, numbers and dates: templates see nothing else. A report
without a date leaves the day and month blank for the clerk ("ngày     tháng     năm 2023"),
as real drafts do; a report dated inside its data window says its figures run to that date.
"""

from __future__ import annotations

import re
import unicodedata
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
from tasks.report.text import ascii_key, clean, excerpt

# A report number: ASCII digits (not "١٢" or "１２", which int() would read), at most six.
_NUMBER_DIGITS = 6
_NUMBER = re.compile(r"^[0-9]+$")
# A signer's name and title: letters (Vietnamese is written in Latin letters), spaces and . - '
_SIGNER_CHARS = 80
_SIGNER_PUNCTUATION = " .-'’"
_SIGNER_FIELDS = {"signer_name": "Họ tên người ký", "signer_title": "Chức vụ người ký"}
# A title typed with a signing authority before it ("KT. Giám đốc", "TL Giám đốc"): refused.
_AUTHORITY_TYPED = re.compile(r"^(?:KT|TL|TUQ|TM)(?:\.|\s)", re.I)
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
            shown = excerpt(str(raw["report_date"]))
            raise ReportError(f"Ngày báo cáo «{shown}» không hợp lệ (YYYY-MM-DD).",
                              "invalid_report_date") from e
        return cls(_report_number(raw.get("report_number")), day,
                   *(_signer_field(raw.get(key), key) for key in _SIGNER_FIELDS))


def _report_number(raw: str | None) -> str | None:
    """The report number as typed, or ``None``; raises ``ReportError``
    (``invalid_report_number``) naming the rule it breaks, never quoting a long value."""
    number = clean(raw or "") or None
    if number is None:
        return None
    if len(number) > _NUMBER_DIGITS:
        raise ReportError(f"Số báo cáo quá dài ({len(number)} ký tự): tối đa {_NUMBER_DIGITS} "
                          "chữ số (ví dụ 5 hoặc 123).", "invalid_report_number")
    if not _NUMBER.match(number):
        raise ReportError(f"Số báo cáo «{excerpt(number)}» chỉ được gồm chữ số 0-9 (ví dụ 5 "
                          "hoặc 123).", "invalid_report_number")
    return number


def _signer_letter(ch: str) -> bool:
    return ch in _SIGNER_PUNCTUATION or (unicodedata.category(ch).startswith("L")
                                         and unicodedata.name(ch, "").startswith("LATIN "))


def _signer_field(raw: str | None, key: str) -> str | None:
    """A signer's name or title as typed (cleaned), or ``None``; raises ``ReportError``
    (``invalid_signer``) for one longer than 80 characters or holding anything but letters,
    spaces and . - ' (digits, emoji, other scripts), naming the field by its Vietnamese label and
    showing the character refused («😀» U+1F600; only the code when it cannot be shown). A title
    opening with a signing authority (KT., TL., TUQ., TM.) is refused too: the system writes it
    (see ``signature``)."""
    value = clean(raw or "") or None
    if value is None:
        return None
    label = _SIGNER_FIELDS[key]
    if len(value) > _SIGNER_CHARS:
        raise ReportError(f"{label} quá dài ({len(value)} ký tự): tối đa {_SIGNER_CHARS} ký tự.",
                          "invalid_signer")
    bad = next((ch for ch in value if not _signer_letter(ch)), None)
    if bad is not None:
        shown = (f"«{bad}» " if bad.isprintable() and bad != " "
                 and not unicodedata.category(bad).startswith("M") else "")
        raise ReportError(f"{label} chỉ được gồm chữ cái tiếng Việt hoặc Latinh, dấu cách và các "
                          f"dấu . - ' (có ký tự {shown}U+{ord(bad):04X} không dùng được).",
                          "invalid_signer")
    if key == "signer_title" and _AUTHORITY_TYPED.match(value):
        raise ReportError("Chức vụ người ký chỉ ghi chức vụ (ví dụ Phó Giám đốc); thẩm quyền ký "
                          "(KT., TL. …) do hệ thống ghi.", "invalid_signer")
    return value


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


# Decree 30 (Appendix I): KT. (ký thay) a deputy for the head, TL. (thừa lệnh) and TUQ. (thừa
# ủy quyền) an officer by the head's order or mandate: the head named after it never signs so
# himself. TM. (thay mặt) is a collective body's, which its head signs too: kept.
_DELEGATION = re.compile(r"^\s*(?:KT|TL|TUQ)\.\s*(.+)$", re.I)
# An acting head ("Q. Giám đốc", "Quyền Giám đốc") and a deputy ("Phó Giám đốc"), matched on
# ``ascii_key`` (case and accents aside).
_ACTING = re.compile(r"^(?:q\.|quyen\s)\s*(.+)$")
_DEPUTY = re.compile(r"^pho\s+(.+)$")


def signature(profile: dict, options: ReportOptions) -> dict:
    """The signer's authority line, title and name: the profile's, the officer's title and
    name over them, the title in capitals as typed.

    The authority line follows Decree 30/2020/NĐ-CP, Article 13 (thẩm quyền ký) and Appendix I
    (mục VII, "quyền hạn, chức vụ của người ký"), for the head named in the profile's delegated
    authority ("KT. GIÁM ĐỐC" → head "GIÁM ĐỐC"), titles compared case and accents aside:

    - the head's own title ("Giám đốc"): the head signs in person, no authority line;
    - an acting head ("Q. Giám đốc", "Quyền Giám đốc"): signs as the head, no authority line,
      the title as typed ("Q. GIÁM ĐỐC");
    - a deputy of the head ("Phó Giám đốc"): "KT. GIÁM ĐỐC" (ký thay: KT. is a deputy's only);
    - any other officer ("Chánh Văn phòng", "Trưởng phòng …"): "TL. GIÁM ĐỐC" (thừa lệnh:
      an officer the head instructs to sign) above his own title.

    A collective body's "TM. …" (thay mặt, Article 13 likewise) and a profile without a delegated
    authority keep the profile's line whatever the title; no title typed keeps the profile's
    authority and title. A title typed with an authority ("KT. Giám đốc") never gets here:
    ``_signer_field`` refuses it (``invalid_signer``).
    """
    authority = profile.get("authority", "")
    typed = options.signer_title
    title = (typed or profile.get("title", "")).upper()
    delegated = _DELEGATION.match(authority)
    if delegated and typed:
        head = delegated.group(1).strip()
        key, head_key = ascii_key(typed), ascii_key(head)
        acting, deputy = _ACTING.match(key), _DEPUTY.match(key)
        if key == head_key or (acting and acting.group(1) == head_key):
            authority = ""
        elif deputy and deputy.group(1) == head_key:
            authority = f"KT. {head}"
        else:
            authority = f"TL. {head}"
    elif delegated and ascii_key(delegated.group(1)) == ascii_key(title):
        authority = ""
    return {"authority": authority, "title": title,
            "name": options.signer_name or profile.get("name", "")}


def _without_the_signer(recipients: list[str], profile: dict, signer: dict) -> list[str]:
    """The recipients, less the head of the agency ("Giám đốc Sở", "Giám đốc Sở (để b/c)")
    when the head (or an acting head) signs: a report is not sent to its own signer. A deputy
    or an officer signing keeps the head among the recipients."""
    delegated = _DELEGATION.match(profile.get("authority", ""))
    if not delegated or signer["authority"]:
        return recipients
    head = ascii_key(delegated.group(1))
    kept = []
    for recipient in recipients:
        key = ascii_key(recipient)
        rest = key[len(head):].lstrip() if key.startswith(head) else None
        if rest is not None and (rest == "" or rest.startswith(("so", "("))):
            continue
        kept.append(recipient)
    return kept


# The issuing agency's column (7,5 cm) holds about 26 capitals of 13 pt bold; a longer name
# wraps. Word would wrap it at the last word that fits ("… THỂ THAO VÀ DU / LỊCH"), splitting a
# two-syllable word; the name is broken before its last "VÀ" (or after its last comma) instead.
_AGENCY_LINE = 26
_AGENCY_BREAKS = re.compile(r" (?=VÀ )|(?<=,) | (?=- )")


def header_name(name: str) -> str:
    """The agency's name for the header, with a line break where it reads well when it does not
    fit one line ("SỞ VĂN HÓA, THỂ THAO\nVÀ DU LỊCH"); a name holding a line break (put in the
    profile) or that fits is left as written."""
    if len(name) <= _AGENCY_LINE or "\n" in name:
        return name
    cuts = [m.start() for m in _AGENCY_BREAKS.finditer(name)]
    fitting = [c for c in cuts if c <= _AGENCY_LINE and len(name) - c - 1 <= _AGENCY_LINE]
    if not fitting:
        return name
    before_and = [c for c in fitting if name.startswith(" VÀ ", c)]
    cut = max(before_and or fitting)
    return name[:cut].rstrip() + "\n" + name[cut:].lstrip()


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
    signer = signature(agency.signer, options)
    context = {
        "doc": _doc(options, kind, agency, era.place, province.day.year, full_name),
        "agency": {
            "parent": era.parent_agency, "name": agency.name,
            "name_caps": header_name(agency.name.upper()),
            "full_name": full_name, "province": era.province, "ministry": agency.ministry,
        },
        "campaign": _campaign(kind, campaign, period),
        "period": _period(period, options.report_date),
        "signer": signer,
        "recipients": _without_the_signer(recipients, agency.signer, signer),
        "coverage": coverage or {"reported": 0, "total": 0, "nouns": "", "missing": [],
                                 "complete": True, "text": ""},
    }
    context["report"] = _texts(kind, period, {k: context[k] for k in
                                              ("campaign", "period", "agency")})
    return context
