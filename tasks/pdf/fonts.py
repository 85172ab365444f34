"""Which fonts a PDF uses, and whether they keep Times New Roman's line breaks.

Decree 30/2020/NĐ-CP (Appendix I) asks for Times New Roman. A PDF made where that font is not
installed must use one with the same metrics, or lines break elsewhere than in Word and the
PDF misrepresents the document. Metric-compatible with Times New Roman: Liberation Serif
(https://github.com/liberationfonts/liberation-fonts, "metric-compatible with Times New
Roman") and Tinos (ChromeOS core fonts, from which Liberation 2 was derived).
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from tasks.pdf import PdfError

# Family names as PDF base fonts spell them (no spaces, style after a dash or comma).
TIMES_METRIC_FAMILIES = ("TimesNewRoman", "TimesNewRomanPS", "LiberationSerif", "Tinos")
_SUBSET = re.compile(r"^[A-Z]{6}\+")


def pdf_fonts(pdf: bytes) -> list[str]:
    """The base font names used by the pages of ``pdf`` (subset tags removed), sorted.

    Raises ``PdfError`` (``pdf_unreadable``) when ``pdf`` cannot be parsed.
    """
    names = set()
    try:
        for page in PdfReader(io.BytesIO(pdf)).pages:
            resources = page.get("/Resources") or {}
            fonts = resources.get_object().get("/Font") or {}
            for ref in fonts.get_object().values():
                base = ref.get_object().get("/BaseFont")
                if base:
                    names.add(_SUBSET.sub("", str(base).lstrip("/")))
    except (PyPdfError, ValueError, KeyError) as e:
        raise PdfError("pdf_unreadable", f"Không đọc được tệp PDF vừa tạo ({e}).") from e
    return sorted(names)


def family(font: str) -> str:
    """The family of a base font name: ``LiberationSerif-Bold`` → ``LiberationSerif``."""
    return re.split(r"[-,]", font, maxsplit=1)[0]


def foreign_fonts(fonts: list[str]) -> list[str]:
    """The fonts of ``fonts`` whose metrics are not Times New Roman's."""
    return [f for f in fonts if family(f) not in TIMES_METRIC_FAMILIES]


def check_fonts(pdf: bytes) -> list[str]:
    """The PDF's fonts when all keep Times New Roman's metrics.

    Raises ``PdfError`` ``pdf_font_fallback`` naming the others (the server lacks Times New
    Roman and Liberation Serif: install ``fonts-liberation``).
    """
    fonts = pdf_fonts(pdf)
    foreign = foreign_fonts(fonts)
    if foreign:
        raise PdfError("pdf_font_fallback",
                       "Máy chủ thiếu phông Times New Roman (hoặc Liberation Serif) nên PDF "
                       f"dùng phông khác ({', '.join(foreign)}): dòng chữ sẽ xuống khác bản "
                       "Word. Quản trị viên cần cài gói fonts-liberation.")
    return fonts
