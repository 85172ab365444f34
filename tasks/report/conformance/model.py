"""The values the conformance checker takes and hands back: ``Expected``, ``Finding``, the error."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from tasks.report.errors import ReportError

TWIPS_PER_CM = 1440 / 2.54
EMU_PER_TWIP = 635
ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    """One deviation from Decree 30/2020/NĐ-CP, Appendix I (the rules: docs/format-rules.md).

    ``code`` names the rule (stable, for scripts and tests), ``message`` says in Vietnamese
    what is wrong and what the decree wants, ``element`` names the part concerned
    (``"header.motto"``, ``"body.paragraph[12]"``, ``"signature.recipients[2]"``) and
    ``location`` says where a person finds it in the document. ``severity`` is ``"error"``
    for what must be fixed before the report is issued (the format of the decree, a date or
    title that contradicts the period) and ``"warning"`` for what a draft may still lack (a
    highlighted placeholder, the signer's name).
    """

    code: str
    message: str
    element: str
    location: str
    severity: str = ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Expected:
    """What the caller knows about a report that its .docx cannot say by itself.

    ``period_start`` and ``period_end`` bound the data window (inclusive); ``period_label`` is
    how the report names its period ("năm 2023", "6 tháng đầu năm 2025", "quý IV năm 2023",
    "tháng 11 năm 2023", "từ ngày 15/11/2023 đến ngày 15/12/2023"), as
    ``tasks.report.period.ReportingPeriod.label`` writes it; ``report_date`` is the date the
    report was asked to carry. ``None`` anywhere means "not known": the checker then works
    from the document's own text (the summary line names the period, the header the date).
    """

    period_start: date | None = None
    period_end: date | None = None
    period_label: str | None = None
    report_date: date | None = None

    @classmethod
    def of(cls, period, report_date: date | None = None) -> Expected:
        """From a ``ReportingPeriod`` (anything with ``start``, ``end`` and ``label``)."""
        return cls(period.start, period.end, period.label, report_date)


class ConformanceError(ReportError):
    """The bytes are not a Word document the checker can read (not a .docx, or damaged)."""

    code = "unreadable_document"


def cm(twips: float) -> str:
    """Twips as centimetres for messages: 1701 → "3,0 cm"."""
    return f"{twips / TWIPS_PER_CM:.1f} cm".replace(".", ",")


def mm(twips: float) -> str:
    """Twips as millimetres for messages: 1134 → "20 mm"."""
    return f"{twips * 25.4 / 1440:.1f}".replace(".", ",").removesuffix(",0") + " mm"


def pt(value: float) -> str:
    """Points for messages: 13.0 → "13 pt", 10.5 → "10,5 pt"."""
    return f"{value:g}".replace(".", ",") + " pt"
