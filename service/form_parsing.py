"""Multipart parsing that bounds text fields without refusing files under the upload limit.

``MAX_FORM_MEMORY_SIZE`` (64 KB here) is meant for text fields: Werkzeug checks it against
each text part. Werkzeug 3.1's ``MultipartDecoder`` also checks it against its own buffer
*plus the next chunk read* (``receive_data``), and reads 64 KB at a time: whenever a chunk of
a file ends near a CR or LF, the few bytes it holds back (they might start the boundary) plus
the next 64 KB chunk exceed 64 KB, and the request answers 413. Random bytes (any real XLSX)
hit that within a few chunks, so uploads of a few hundred kilobytes failed over HTTP while a
file of one repeated byte passed.

Here the parser reads a quarter of the limit at a time: what the decoder may hold back (part
of a boundary, at most 70 characters by RFC 2046 §5.1.1, or a part's headers up to three
quarters of the limit) plus one chunk stays within the limit, so file parts of any size pass
and are spooled to disk as before, while a text field over the limit is still refused (the
parser adds up each field's size across chunks). Source: Werkzeug 3.1
``werkzeug/sansio/multipart.py`` (``MultipartDecoder.receive_data``, ``_parse_data``) and
``werkzeug/formparser.py`` (``MultiPartParser.parse``, ``buffer_size``).
"""

from __future__ import annotations

import typing as t

from flask import Request
from werkzeug.formparser import FormDataParser, MultiPartParser

_DEFAULT_READ = 64 * 1024


def read_size(max_form_memory_size: int | None) -> int:
    """Bytes read per chunk: a quarter of the text-field limit (the default without one)."""
    if max_form_memory_size is None:
        return _DEFAULT_READ
    return max(1024, min(_DEFAULT_READ, max_form_memory_size // 4))


class BoundedFormDataParser(FormDataParser):
    """Werkzeug's form parser, reading multipart bodies in chunks of ``read_size``."""

    def _parse_multipart(self, stream: t.IO[bytes], mimetype: str, content_length: int | None,
                         options: dict[str, str]):
        parser = MultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
            buffer_size=read_size(self.max_form_memory_size),
        )
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


class UploadRequest(Request):
    """The app's request class: Flask's, with the bounded multipart parser."""

    form_data_parser_class = BoundedFormDataParser
