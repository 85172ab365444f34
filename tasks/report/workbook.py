"""Reading uploaded data files (XLSX, ODS, CSV) into plain sheets of rows.

The file type is decided by content, never by name; files we do not take (legacy .xls,
password-protected workbooks, macro-enabled or binary workbooks, Word files) are refused by
the name of what they are. ZIP-based files pass the archive gate before any parser reads
them (see ``archive_guard``); text is NFC-normalised by the column parsers.
"""

from __future__ import annotations

import io
import zipfile

from tasks.report.csv_reader import read_csv
from tasks.report.ods import ODS_MIMETYPE, read_ods
from tasks.report.sheets import MAX_COLUMNS, MAX_ROWS, IntakeError, Sheet, Workbook
from tasks.report.xlsx import read_xlsx

__all__ = ["MAX_COLUMNS", "MAX_ROWS", "IntakeError", "Sheet", "Workbook", "detect_type",
           "read_workbook"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names inside an OLE container, as UTF-16LE, that say what the container holds.
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_LEGACY_BOOK = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _unsupported(message: str, code: str = "unsupported_file_type") -> IntakeError:
    return IntakeError(message, code)


def _zip_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            mimetype = z.read("mimetype")[:100] if "mimetype" in names and \
                z.getinfo("mimetype").file_size < 100 else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as e:
        raise IntakeError("Tệp nén bị hỏng, không đọc được.", "corrupt_file") from e
    if "xl/workbook.bin" in names:
        raise _unsupported("Tệp Excel dạng nhị phân (.xlsb) không được nhận; hãy lưu lại dạng "
                           ".xlsx.", "binary_workbook")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _unsupported("Tệp Excel có macro (.xlsm), không nhận vì lý do an toàn; hãy lưu "
                           "lại dạng .xlsx thường (Excel Workbook).", "macro_enabled")
    if "xl/workbook.xml" in names:
        return "xlsx"
    if mimetype.strip() == ODS_MIMETYPE:
        return "ods"
    if "word/document.xml" in names or mimetype.startswith(b"application/vnd.oasis.opendocument.t"):
        raise _unsupported("Đây là tệp văn bản (Word/Writer), không phải bảng tính dữ liệu.")
    raise _unsupported("Tệp không phải bảng tính Excel (.xlsx) hay LibreOffice (.ods).")


def _ole_type(data: bytes) -> IntakeError:
    if _ENCRYPTED in data:
        return _unsupported("Tệp Excel có đặt mật khẩu (được mã hóa): hãy gỡ mật khẩu (File › "
                            "Info › Protect Workbook) và lưu lại dạng .xlsx rồi tải lên.",
                            "encrypted_workbook")
    if any(name in data for name in _LEGACY_BOOK):
        return _unsupported("Tệp Excel đời cũ (.xls, Excel 97-2003): hãy mở bằng Excel và lưu "
                            "lại dạng .xlsx (Excel Workbook) rồi tải lên.", "legacy_xls")
    return _unsupported("Tệp Excel đời cũ (.xls) hoặc tệp có mật khẩu: hãy lưu lại dạng .xlsx "
                        "không đặt mật khẩu rồi tải lên.")


def detect_type(data: bytes) -> str:
    """``"xlsx"``, ``"ods"`` or ``"csv"`` by content; ``IntakeError`` saying what else it is."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if data.startswith(_OLE_MAGIC):
        raise _ole_type(data)
    if not data:
        raise IntakeError("Tệp dữ liệu rỗng (0 byte): tệp đã chọn không có nội dung. Hãy mở "
                          "tệp kiểm tra, lưu lại rồi chọn lại đúng tệp.", "empty_file")
    if not data.strip():
        raise IntakeError("Tệp dữ liệu chỉ có khoảng trắng, không có số liệu.", "empty_file")
    if data.startswith(_UTF16_BOMS):
        return "csv"  # Excel's "Unicode text" export: UTF-16 with a byte-order mark
    if b"\x00" in data[:4096]:
        raise _unsupported("Tệp không phải bảng tính hay văn bản CSV.")
    return "csv"


def read_workbook(data: bytes) -> Workbook:
    """Read ``data`` as XLSX, ODS or CSV; ``IntakeError`` when it is refused or unreadable."""
    file_type = detect_type(data)
    if file_type == "xlsx":
        sheets: list[Sheet] = read_xlsx(data)
    elif file_type == "ods":
        sheets = read_ods(data)
    else:
        sheets = [read_csv(data)]
    return Workbook(file_type, sheets)
