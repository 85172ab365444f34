"""Page previews: each page of a PDF as a PNG, rendered in process with PDFium."""

from __future__ import annotations

import io

import pypdfium2 as pdfium

from tasks.pdf import PdfError

PREVIEW_HEIGHT = 1100  # pixels of a portrait page's height (its width for a landscape one)


def render_pages(pdf: bytes, longest_side: int = PREVIEW_HEIGHT) -> list[bytes]:
    """Every page of ``pdf`` as PNG bytes, its longest side ``longest_side`` pixels.

    Raises ``PdfError`` (``pdf_unreadable``) when PDFium cannot open the file.
    """
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as e:
        raise PdfError("pdf_unreadable", f"Không đọc được tệp PDF vừa tạo ({e}).") from e
    images = []
    try:
        for index in range(len(document)):
            page = document[index]
            scale = longest_side / max(page.get_size())
            bitmap = page.render(scale=scale)
            out = io.BytesIO()
            bitmap.to_pil().save(out, "PNG")
            images.append(out.getvalue())
            page.close()
    finally:
        document.close()
    return images
