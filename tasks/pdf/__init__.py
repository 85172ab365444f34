"""PDF renditions of generated reports: LibreOffice kept warm, a font check, page previews.

Bytes in, bytes out: a .docx becomes a PDF (``office``), whose fonts are checked against Times
New Roman's metrics (``fonts``) and whose pages become PNG previews (``preview``). Storing and
recording them is the caller's business.

Dependency rule: imports neither Flask, Celery, Redis, SQLAlchemy nor ``tasks.store``.
"""

from __future__ import annotations


class PdfError(Exception):
    """A PDF could not be made: ``code`` is stable for scripts, ``message`` Vietnamese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
