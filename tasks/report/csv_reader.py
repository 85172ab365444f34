"""Reading CSV (and Excel's "Unicode text") uploads into one sheet of rows.

Encodings tried in order: UTF-16 when a byte-order mark says so, UTF-8 with or without BOM,
then Windows-1258 (Vietnamese Windows, which writes tones as combining marks: the cells are
NFC-normalised by the column parsers). The delimiter is sniffed among ``,``, ``;`` and tab.
A field that is exactly an error value as Excel and LibreOffice export it ("#DIV/0!",
"#N/A", "Err:502") is the error of a formula, never a value: it becomes a ``CellError``.
"""

from __future__ import annotations

import codecs
import csv
import io

from tasks.report.cell_errors import (
    MAX_ERROR_CELLS,
    CellError,
    error_cells_past_cap,
    is_error_text,
)
from tasks.report.sheets import IntakeError, Sheet, keep_rows

_SNIFF = 8192


def decode_csv(data: bytes) -> str:
    """The text of ``data``; ``IntakeError`` (``bad_encoding``) when no encoding fits."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1258")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IntakeError("Không nhận ra bảng mã của tệp CSV (cần UTF-8).", "bad_encoding")


def _delimiter(head: str) -> str:
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t").delimiter
    except csv.Error:
        counts = {d: head.count(d) for d in ",;\t"}
        return max(counts, key=counts.get)


def read_csv(data: bytes) -> Sheet:
    """The one sheet of a CSV file; ``IntakeError`` when it cannot be read or is too large."""
    text = decode_csv(data)
    if "\x00" in text:
        raise IntakeError("Tệp CSV chứa ký tự NUL; không phải văn bản.", "unsupported_file_type")
    sheet = Sheet("csv")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text[:_SNIFF]))
    try:
        # Error values are looked for cell by cell only in a file that may hold one.
        keep_rows(sheet, _with_errors(reader) if "#" in text or "Err:" in text else reader)
    except csv.Error as e:
        raise IntakeError(f"Tệp CSV lỗi ở dòng {reader.line_num}: {e}", "corrupt_file") from e
    return sheet


def _with_errors(rows):
    """``rows`` with each exported error value as a ``CellError``."""
    found = 0
    for number, row in enumerate(rows, 1):
        for column, value in enumerate(row):
            if ("#" in value or "Err:" in value) and is_error_text(value.strip()):
                found += 1
                if found > MAX_ERROR_CELLS:
                    raise error_cells_past_cap("csv", f"dòng {number}", value.strip())
                row[column] = CellError(value.strip())
        yield row
