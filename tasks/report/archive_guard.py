"""The gate every ZIP-based upload (XLSX, ODS) passes before any parser sees it.

It reads the archive with Python's own ``zipfile`` structures and inflates every part itself,
in bounded chunks, so that a part can never expand past what the directory declares: a bomb,
a lying directory, overlapping entries, an encrypted or oddly compressed entry, any
``<!DOCTYPE`` (entity bombs, external entities), an XML part in another encoding than UTF-8
(which would hide a DOCTYPE from a byte search), external workbook links and macros are all
refused here with ``IntakeError``. Parts a reader needs to look into (the sheets) are fed, chunk
by chunk, to the scanner the reader supplies. Only after this gate has passed may a parser that
uses its own ZIP and XML code (calamine) be given the bytes.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from tasks.report.sheets import IntakeError

MAX_ENTRIES = 2_000
MAX_EXPANDED = 100 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024  # small parts (styles, strings) may compress better than 1:100
MAX_PART = 32 * 1024 * 1024  # a part read whole (workbook.xml, rels) must stay small
CHUNK = 1024 * 1024
_LOCAL = struct.Struct("<4sHHHHHLLLHH")
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_WIDE_XML = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<", b"\x4c\x6f\xa7\x94")
_DECLARED = re.compile(rb'^(?:\xef\xbb\xbf)?\s*<\?xml[^>]*?encoding\s*=\s*["\']([\w.:-]+)')
_UTF8 = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}


class PartScanner(Protocol):
    """Looks into one part as it is inflated; raises ``IntakeError`` to refuse the file."""

    def feed(self, chunk: bytes) -> None: ...

    def finish(self) -> object: ...


@dataclass(frozen=True)
class Entry:
    """One member of the archive, checked: where its data lies and what it must inflate to."""

    name: str
    start: int
    end: int
    size: int
    crc: int
    method: int


def _refuse(message: str, code: str) -> IntakeError:
    return IntakeError(message, code)


def _bad_zip(detail: str, code: str = "corrupt_file") -> IntakeError:
    return _refuse(f"Tệp nén bị hỏng hoặc bị làm giả cấu trúc ({detail}); không đọc.", code)


def _infos(data: bytes) -> tuple[list[zipfile.ZipInfo], int]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return z.infolist(), z.start_dir
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as e:
        raise _bad_zip(str(e)) from e


def _check_policy(info: zipfile.ZipInfo) -> None:
    name = info.filename
    if info.flag_bits & 0x1:
        raise _refuse("Tệp có phần được mã hóa bằng mật khẩu; hãy lưu lại không đặt mật khẩu.",
                      "encrypted_workbook")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _bad_zip(f"kiểu nén {info.compress_type} của «{name}» không được hỗ trợ")
    if name.lower().endswith("vbaproject.bin"):
        raise _refuse("Tệp có macro (VBA), không nhận vì lý do an toàn; hãy lưu lại dạng .xlsx "
                      "thường (Excel Workbook).", "macro_enabled")
    if name.startswith("xl/externalLinks/"):
        raise _refuse("Tệp có liên kết tới bảng tính khác (external link); hãy bỏ liên kết "
                      "(Data › Edit Links › Break Link) rồi tải lên lại.", "external_link")


def _check_sizes(infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise _refuse(f"Tệp nén có {len(infos)} phần, quá {MAX_ENTRIES}; không đọc.",
                      "archive_too_many_entries")
    if sum(i.file_size for i in infos) > MAX_EXPANDED:
        raise _refuse(f"Tệp giải nén ra quá {MAX_EXPANDED // (1024 * 1024)} MB; không đọc.",
                      "archive_too_large")
    for i in infos:
        if i.file_size > RATIO_FROM and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise _refuse(f"Phần «{i.filename}» có tỷ lệ nén bất thường (quá {MAX_RATIO} lần); "
                          "tệp có dấu hiệu là bom nén, không đọc.", "archive_ratio")


def _entry(data: bytes, info: zipfile.ZipInfo) -> Entry:
    """Check the local header of ``info`` against the directory; where its data lies."""
    offset = info.header_offset
    if offset < 0 or offset + _LOCAL.size > len(data):
        raise _bad_zip(f"vị trí của «{info.filename}» nằm ngoài tệp")
    magic, *_, name_len, extra_len = _LOCAL.unpack_from(data, offset)
    start = offset + _LOCAL.size + name_len + extra_len
    if magic != b"PK\x03\x04" or data[offset + _LOCAL.size:offset + _LOCAL.size + name_len] \
            not in (info.filename.encode("utf-8"), info.filename.encode("cp437", "replace")):
        raise _bad_zip(f"tiêu đề của «{info.filename}» không khớp thư mục")
    return Entry(info.filename, start, start + info.compress_size, info.file_size,
                 info.CRC, info.compress_type)


def check_entries(data: bytes) -> list[Entry]:
    """The archive's entries once its structure passed every check; ``IntakeError`` otherwise."""
    infos, directory = _infos(data)
    _check_sizes(infos)
    for info in infos:
        _check_policy(info)
    ordered = sorted(infos, key=lambda i: i.header_offset)
    entries = [_entry(data, i) for i in ordered]
    limits = [i.header_offset for i in ordered[1:]] + [directory]
    for entry, limit in zip(entries, limits, strict=True):
        if entry.end > limit:
            raise _bad_zip(f"các phần chồng lên nhau ở «{entry.name}»", "archive_overlap")
    return entries


def inflate(data: bytes, entry: Entry) -> Iterator[bytes]:
    """The bytes of ``entry`` in chunks, stopping at the declared size; checks size and CRC."""
    raw = memoryview(data)[entry.start:entry.end]
    produced, crc = 0, 0
    if entry.method == zipfile.ZIP_STORED:
        chunks = (bytes(raw[i:i + CHUNK]) for i in range(0, len(raw), CHUNK))
    else:
        chunks = _deflated(raw, entry)
    for chunk in chunks:
        produced += len(chunk)
        if produced > entry.size:
            raise _bad_zip(f"«{entry.name}» giải nén ra nhiều hơn kích thước khai báo",
                           "archive_size_mismatch")
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if produced != entry.size or crc != entry.crc:
        raise _bad_zip(f"«{entry.name}» không khớp kích thước hoặc mã kiểm tra (CRC)",
                       "archive_size_mismatch")


def _deflated(raw: memoryview, entry: Entry) -> Iterator[bytes]:
    inflater = zlib.decompressobj(-15)
    position, pending = 0, b""
    try:
        while not inflater.eof:
            if not pending:
                if position >= len(raw):
                    raise _bad_zip(f"«{entry.name}» bị cắt cụt")
                pending = bytes(raw[position:position + CHUNK])
                position += len(pending)
            # max_length bounds each step: a bomb never gets more than one chunk ahead.
            out = inflater.decompress(pending, CHUNK)
            pending = inflater.unconsumed_tail
            if out:
                yield out
    except zlib.error as e:
        raise _bad_zip(f"«{entry.name}»: {e}") from e


def _check_xml_head(name: str, head: bytes) -> None:
    declared = _DECLARED.match(head)
    if head.startswith(_WIDE_XML) or (declared and declared.group(1).lower() not in _UTF8):
        raise _refuse(f"Phần «{name}» không phải XML dạng UTF-8; không đọc.", "xml_encoding")


def _check_chunk(name: str, window: bytes) -> None:
    if any(marker in window for marker in _FORBIDDEN):
        raise _refuse(f"Phần «{name}» khai báo DOCTYPE/ENTITY (có thể là bom XML hoặc đọc trộm "
                      "tệp ngoài); tệp bảng tính thật không bao giờ có, không đọc.", "xml_doctype")


def scan_entry(data: bytes, entry: Entry, scanner: PartScanner | None = None) -> None:
    """Inflate ``entry`` through the XML checks, feeding ``scanner`` when given."""
    tail = b""
    for number, chunk in enumerate(inflate(data, entry)):
        if number == 0:
            _check_xml_head(entry.name, chunk[:256])
        # The tail catches a marker cut in two by the chunk boundary.
        _check_chunk(entry.name, tail + chunk[:16] if tail else b"")
        _check_chunk(entry.name, chunk)
        tail = chunk[-16:]
        if scanner is not None:
            scanner.feed(chunk)


class _Whole:
    """A scanner that keeps the part whole, for the small parts read as a tree."""

    def __init__(self) -> None:
        self.collected = bytearray()

    def feed(self, chunk: bytes) -> None:
        self.collected.extend(chunk)

    def finish(self) -> bytes:
        return bytes(self.collected)


def read_part(data: bytes, entries: list[Entry], name: str) -> bytes | None:
    """A small part whole (after the checks), or ``None`` when the archive has no such part."""
    entry = next((e for e in entries if e.name == name), None)
    if entry is None:
        return None
    if entry.size > MAX_PART:
        raise _refuse(f"Phần «{name}» lớn bất thường; không đọc.", "archive_too_large")
    whole = _Whole()
    scan_entry(data, entry, whole)
    return whole.finish()


def check_archive(data: bytes, entries: list[Entry],
                  scanner_for: Callable[[str], PartScanner | None]) -> dict[str, object]:
    """Pass every part through the gate; returns what each requested scanner found, by part."""
    found: dict[str, object] = {}
    for entry in entries:
        scanner = scanner_for(entry.name)
        scan_entry(data, entry, scanner)
        if scanner is not None:
            found[entry.name] = scanner.finish()
    return found
