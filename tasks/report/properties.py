"""The document properties an issued report carries (File › Info in Word).

Title, subject, author and dates are the report's own, never those of whoever made the
template ("(mẫu)", "python-docx", a 2013 date): the properties part is written afresh for every
report, in the Open Packaging Conventions' core-properties schema (ECMA-376 Part 2, §11).
"""

from __future__ import annotations

from datetime import UTC, datetime
from xml.sax.saxutils import escape

_TEMPLATE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms='
    '"http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi='
    '"http://www.w3.org/2001/XMLSchema-instance">'
    "<dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject>"
    "<dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy>"
    "<cp:revision>1</cp:revision>"
    '<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
    '<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
    "<dc:language>vi-VN</dc:language></cp:coreProperties>"
)


def core_xml(title: str, subject: str, author: str, when: datetime) -> bytes:
    """The ``docProps/core.xml`` of a report; ``when`` (timezone-aware) is its creation and
    modification time, written in UTC as the schema wants."""
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return _TEMPLATE.format(title=escape(title), subject=escape(subject), author=escape(author),
                            when=stamp).encode("utf-8")
