"""Writing a zip from entries deflated ahead of time, so a template's fixed parts cost nothing.

``zipfile`` can only write data it compresses itself; a compiled template deflates its
unchanging parts (styles, theme, numbering …) once and copies those bytes into every
document. The format written is the plain one ``zipfile`` writes for small archives: no
ZIP64, no data descriptors, DEFLATE.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_VERSION = 20  # 2.0: DEFLATE
_DEFLATED = 8
_UTF8_NAME = 0x800
_LIMIT = 0xFFFFFFFF  # beyond this an archive needs ZIP64, which we never write


@dataclass(frozen=True)
class ZipEntry:
    """One part, already deflated: what its local and central headers need."""

    name: bytes
    flags: int
    dos_time: int
    dos_date: int
    crc: int
    size: int
    data: bytes


def deflate(name: str, data: bytes | Sequence[bytes | memoryview], date_time: tuple,
            level: int) -> ZipEntry:
    """``data`` deflated at ``level`` as the entry ``name`` dated ``date_time`` (zipfile's
    6-tuple). ``data`` may be given as pieces, deflated and summed as one stream, so that a
    large part need not be joined first.

    Raises ``ValueError`` for a part of 4 GiB or more.
    """
    pieces = (data,) if isinstance(data, bytes) else data
    size = sum(map(len, pieces))  # a memoryview of bytes counts bytes
    if size >= _LIMIT:
        raise ValueError(f"{name} is too large for a zip without ZIP64")
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    packed, crc = [], 0
    for piece in pieces:
        packed.append(compressor.compress(piece))
        crc = zlib.crc32(piece, crc)
    packed.append(compressor.flush())
    encoded, flags = (name.encode("ascii"), 0) if name.isascii() else (name.encode(), _UTF8_NAME)
    year, month, day, hour, minute, second = date_time[:6]
    if year < 1980:  # DOS dates start in 1980
        year, month, day, hour, minute, second = 1980, 1, 1, 0, 0, 0
    return ZipEntry(encoded, flags, (hour << 11) | (minute << 5) | (second // 2),
                    ((year - 1980) << 9) | (month << 5) | day, crc, size, b"".join(packed))


def write_zip(entries: Iterable[ZipEntry]) -> bytes:
    """The zip archive holding ``entries`` in the given order."""
    chunks, directory, offset = [], [], 0
    for e in entries:
        local = _LOCAL.pack(0x04034B50, _VERSION, e.flags, _DEFLATED, e.dos_time, e.dos_date,
                            e.crc, len(e.data), e.size, len(e.name), 0)
        chunks += (local, e.name, e.data)
        directory += (_CENTRAL.pack(0x02014B50, _VERSION, _VERSION, e.flags, _DEFLATED,
                                    e.dos_time, e.dos_date, e.crc, len(e.data), e.size,
                                    len(e.name), 0, 0, 0, 0, 0, offset), e.name)
        offset += len(local) + len(e.name) + len(e.data)
    central = b"".join(directory)
    if offset + len(central) >= _LIMIT:
        raise ValueError("document too large for a zip without ZIP64")
    count = len(directory) // 2
    end = _END.pack(0x06054B50, 0, 0, count, count, len(central), offset, 0)
    return b"".join(chunks) + central + end
