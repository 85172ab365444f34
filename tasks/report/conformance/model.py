"""The values the conformance checker hands back: ``Finding`` and its error type."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from tasks.report.errors import ReportError

TWIPS_PER_CM = 1440 / 2.54
EMU_PER_TWIP = 635


@dataclass(frozen=True)
class Finding:
    """One deviation from Decree 30/2020 (DOMAIN.md §2).

    ``code`` names the rule (stable, for scripts and tests), ``message`` says in Vietnamese
    what is wrong and what the decree wants, ``element`` names the part concerned
    (``"header.motto"``, ``"body.paragraph[12]"``, ``"signature.recipients[2]"``) and
    ``location`` says where a person finds it in the document.
    """

    code: str
    message: str
    element: str
    location: str

    def as_dict(self) -> dict:
        return asdict(self)


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
