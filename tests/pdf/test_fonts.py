"""The font check: a PDF passes only with fonts that keep Times New Roman's line breaks."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject

from tasks.pdf import PdfError
from tasks.pdf.fonts import check_fonts, family, foreign_fonts, pdf_fonts


def pdf_with_fonts(*names: str) -> bytes:
    """A one-page PDF whose page resources name these base fonts."""
    writer = PdfWriter()
    page = writer.add_blank_page(595, 842)
    fonts = DictionaryObject()
    for n, name in enumerate(names):
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                 NameObject("/Subtype"): NameObject("/TrueType"),
                                 NameObject("/BaseFont"): NameObject(f"/{name}")})
        fonts[NameObject(f"/F{n}")] = writer._add_object(font)
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_subset_tags_are_dropped_and_names_sorted():
    pdf = pdf_with_fonts("CAAAAA+LiberationSerif-Bold", "BAAAAA+LiberationSerif")
    assert pdf_fonts(pdf) == ["LiberationSerif", "LiberationSerif-Bold"]


@pytest.mark.parametrize("font, fam", [("LiberationSerif-BoldItalic", "LiberationSerif"),
                                       ("TimesNewRomanPS-BoldMT", "TimesNewRomanPS"),
                                       ("TimesNewRoman,Bold", "TimesNewRoman"),
                                       ("DejaVuSerif", "DejaVuSerif")])
def test_family_of_a_base_font(font, fam):
    assert family(font) == fam


def test_times_metric_fonts_pass():
    pdf = pdf_with_fonts("AAAAAA+TimesNewRomanPS-BoldMT", "BAAAAA+LiberationSerif",
                         "CAAAAA+Tinos-Italic")
    assert check_fonts(pdf) == ["LiberationSerif", "TimesNewRomanPS-BoldMT", "Tinos-Italic"]


def test_a_fallback_font_is_refused_by_name():
    pdf = pdf_with_fonts("BAAAAA+LiberationSerif", "DAAAAA+DejaVuSerif-Bold")
    assert foreign_fonts(pdf_fonts(pdf)) == ["DejaVuSerif-Bold"]
    with pytest.raises(PdfError) as caught:
        check_fonts(pdf)
    assert caught.value.code == "pdf_font_fallback"
    assert "DejaVuSerif-Bold" in caught.value.message and "fonts-liberation" in caught.value.message


def test_a_file_that_is_no_pdf_is_pdf_unreadable():
    with pytest.raises(PdfError) as caught:
        pdf_fonts(b"%PDF-1.7 but nothing else")
    assert caught.value.code == "pdf_unreadable"
