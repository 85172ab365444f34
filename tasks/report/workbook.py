"""Reading uploaded data files (XLSX, CSV) into plain sheets of rows.

The file type is decided by content, never by name. Text is NFC-normalised on the way in;
cell values stay as the reader gives them (numbers, text, dates, ``None``).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from tasks.report.errors import ReportError
from tasks.report.text import clean

MAX_ROWS = 200_000
MAX_COLUMNS = 200
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class IntakeError(ReportError):
    """The uploaded file cannot be read as a data workbook."""

    code = "unreadable_file"


@dataclass
class Sheet:
    """One sheet: its name and its non-empty rows as (row number, values)."""

    name: str
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


@dataclass
class Workbook:
    """What was read: the detected type and the sheets in file order."""

    kind: str
    sheets: list[Sheet]


def detect_type(data: bytes) -> str:
    """``"xlsx"`` or ``"csv"`` by content; ``IntakeError`` for anything else, saying what it is."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except zipfile.BadZipFile as e:
            raise IntakeError("Tệp nén bị hỏng, không đọc được.", "corrupt_file") from e
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "word/document.xml" in names:
            raise IntakeError("Đây là tệp Word, không phải bảng tính dữ liệu.",
                              "unsupported_file_type")
        raise IntakeError("Tệp không phải bảng tính Excel (.xlsx).", "unsupported_file_type")
    if data.startswith(_OLE_MAGIC):
        raise IntakeError(
            "Tệp Excel đời cũ (.xls) hoặc tệp có mật khẩu: hãy lưu lại dạng .xlsx không đặt "
            "mật khẩu rồi tải lên.", "unsupported_file_type")
    if not data.strip():
        raise IntakeError("Tệp rỗng.", "empty_file")
    if b"\x00" in data[:4096]:
        raise IntakeError("Tệp không phải bảng tính hay văn bản CSV.", "unsupported_file_type")
    return "csv"


def read_workbook(data: bytes) -> Workbook:
    """Read ``data`` as XLSX or CSV; ``IntakeError`` when it cannot be read."""
    kind = detect_type(data)
    sheets = _read_xlsx(data) if kind == "xlsx" else [_read_csv(data)]
    return Workbook(kind, sheets)


def _normal(value: Any) -> Any:
    if isinstance(value, str):
        value = clean(value)
        return value or None
    return value


def _keep(sheet: Sheet, number: int, values: list[Any]) -> None:
    if number > MAX_ROWS:
        raise IntakeError(f"Trang «{sheet.name}» có quá {MAX_ROWS:,} dòng.".replace(",", "."),
                          "too_many_rows")
    values = [_normal(v) for v in values[:MAX_COLUMNS]]
    if any(v is not None for v in values):
        sheet.rows.append((number, values))


def _read_xlsx(data: bytes) -> list[Sheet]:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                      keep_links=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise IntakeError(f"Không đọc được bảng tính: {e}", "corrupt_file") from e
    try:
        sheets = []
        for ws in book.worksheets:
            sheet = Sheet(clean(ws.title))
            for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
                _keep(sheet, number, list(row))
            sheets.append(sheet)
        return sheets
    finally:
        book.close()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise IntakeError("Không nhận ra bảng mã của tệp CSV (cần UTF-8).", "bad_encoding")


def _read_csv(data: bytes) -> Sheet:
    text = _decode(data)
    head = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(head, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ";" if head.count(";") > head.count(",") else ","
    sheet = Sheet("csv")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, row in enumerate(reader, start=1):
            _keep(sheet, number, list(row))
    except csv.Error as e:
        raise IntakeError(f"Tệp CSV lỗi ở dòng {reader.line_num}: {e}", "corrupt_file") from e
    return sheet
