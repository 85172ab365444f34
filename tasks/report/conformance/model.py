"""The values the conformance checker takes and hands back: ``Expected`` and the error (its
findings are ``tasks.report.errors.Finding``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tasks.report.errors import ReportError

TWIPS_PER_CM = 1440 / 2.54
EMU_PER_TWIP = 635


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
