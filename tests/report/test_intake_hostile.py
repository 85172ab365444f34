"""Hostile and oversized uploads (docs/faults.md, U1–U15): refused before any parser, fast, small.

Each bomb is built here from a valid workbook with ``zipfile``; each refusal is timed and its
Python memory peak measured, since the point of the gate is that nothing expands first.
"""

from __future__ import annotations

import io
import random
import time
import tracemalloc
import zipfile
import zlib

import pytest

from tasks.report.archive_guard import CHUNK
from tasks.report.sheets import MAX_ROWS
from tasks.report.workbook import IntakeError, detect_type, read_workbook
from tests.report.intake_files import (
    MAIN,
    SHEET,
    UNITS,
    entries,
    overlapping,
    patch_sizes,
    replace_parts,
    rezip,
    with_big_sheet,
    xlsx,
)


@pytest.fixture(scope="module")
def valid() -> bytes:
    return xlsx({"Đơn vị": [["Đơn vị", "Kinh phí (đồng)"], *[[u, 1000] for u in UNITS]]})


def refused(data: bytes) -> IntakeError:
    """The error ``read_workbook`` refuses ``data`` with, checked to cost < 5 s of this
    process's CPU (not wall time, which other processes change) and < 50 MB: a bomb is refused
    before it is expanded."""
    tracemalloc.start()
    started = time.process_time()
    try:
        with pytest.raises(IntakeError) as caught:
            read_workbook(data)
        elapsed = time.process_time() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert elapsed < 5.0, f"took {elapsed:.2f} s of CPU"
    assert peak < 50 * 2**20, f"peak {peak / 2**20:.0f} MB"
    assert caught.value.message
    return caught.value


def test_zip_bomb_over_the_expanded_size_cap(valid):
    bomb = with_big_sheet(valid, 120)
    assert len(bomb) < 2 * 2**20
    assert refused(bomb).code == "archive_too_large"


def test_one_part_compressed_more_than_a_hundred_times(valid):
    bomb = replace_parts(valid, {"xl/sharedStrings.xml": b" " * (8 * 2**20)})
    assert refused(bomb).code == "archive_ratio"


def test_archive_with_too_many_entries(valid):
    parts = entries(valid)
    parts.update({f"xl/media/image{i}.png": b"x" for i in range(2_001)})
    assert refused(rezip(parts)).code == "archive_too_many_entries"


@pytest.mark.parametrize("forge_crc", [False, True])
def test_lying_central_directory_stops_at_the_declared_size(valid, forge_crc):
    bomb = with_big_sheet(valid, 30)
    head = entries(bomb)[SHEET][:1024] if forge_crc else b""
    lying = patch_sizes(bomb, SHEET, 1024, zlib.crc32(head) if forge_crc else None)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo(SHEET).file_size == 1024
    assert refused(lying).code == "archive_size_mismatch"


def test_overlapping_entries(valid):
    # CPython 3.11.7's own zipfile reads this file without complaint; the gate does not.
    assert refused(overlapping(valid)).code == "archive_overlap"


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1
                                                  else b"&lol;" * 10) for i in range(1, 10))
          + b']><sst ' + MAIN + b'><si><t>&lol9;</t></si></sst>')
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY h SYSTEM "file:///etc/hostname">]>'
            b'<sst ' + MAIN + b'><si><t>&h;</t></si></sst>')
# Hex digits compress about 2:1, so the padding does not trip the ratio gate first.
PADDING = random.Random(4).randbytes(CHUNK).hex().encode()
# An external DTD (no <!ENTITY to give it away), its marker cut by the gate's chunk boundary.
SPLIT = (b"<?xml version='1.0'?>" + PADDING[:CHUNK - 26]
         + b'<!DOCTYPE sst SYSTEM "http://127.0.0.1:9/evil.dtd"><sst ' + MAIN + b"/>")
QUADRATIC = (b'<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "' + b"A" * 100_000 + b'">]><q>'
             + b"&a;" * 50_000 + b"</q>")


@pytest.mark.parametrize("part, content", [
    ("xl/sharedStrings.xml", LAUGHS),
    ("xl/workbook.xml", LAUGHS.replace(b"<sst ", b"<workbook ").replace(b"</sst>", b"</workbook>")),
    ("_rels/.rels", LAUGHS),
    (SHEET, EXTERNAL),
    ("docProps/core.xml", QUADRATIC),
    ("xl/sharedStrings.xml", SPLIT),
])
def test_any_doctype_in_any_part_is_refused(valid, part, content):
    assert b"<!DOCTYPE" in content
    assert refused(replace_parts(valid, {part: content})).code == "xml_doctype"


def test_the_split_marker_really_straddles_the_chunk_boundary():
    at = SPLIT.index(b"<!DOCTYPE")
    assert at < CHUNK < at + len(b"<!DOCTYPE")


@pytest.mark.parametrize("content", [
    EXTERNAL.decode().encode("utf-16"),
    b'<?xml version="1.0" encoding="UTF-7"?><sst ' + MAIN + b"/>",
])
def test_xml_parts_must_be_utf8(valid, content):
    # A UTF-16 or UTF-7 part would hide its DOCTYPE from a byte search.
    assert refused(replace_parts(valid, {"xl/sharedStrings.xml": content})).code == \
        "xml_encoding"


def test_external_workbook_links_are_refused(valid):
    link = (b'<?xml version="1.0"?><externalLink ' + MAIN + b'><externalBook '
            b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
            b'r:id="rId1"/></externalLink>')
    error = refused(replace_parts(valid, {"xl/externalLinks/externalLink1.xml": link}))
    assert error.code == "external_link"


def sheet_xml(cells: str, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0"?><worksheet {MAIN.decode()}>{dim}<sheetData>{cells}'
            "</sheetData></worksheet>").encode()


@pytest.mark.parametrize("sheet", [
    sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>'
              '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
    sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="XFD1"><v>1</v></c></row>'),
    sheet_xml('<row r="1"><c r="A1"><v>1</v></c><c r="GS1"><v>1</v></c></row>'),
    sheet_xml(f'<row r="1"><c r="A{MAX_ROWS + 1}"><v>1</v></c></row>'),
    # Each within its cap, together a 200.000 × 200 grid: 40 million cells.
    sheet_xml(f'<row r="1"><c r="GR1"><v>1</v></c></row>'
              f'<row r="{MAX_ROWS}"><c r="A{MAX_ROWS}"><v>1</v></c></row>'),
])
def test_coordinate_bombs_are_refused_before_reading(valid, sheet):
    data = replace_parts(valid, {SHEET: sheet})
    assert len(data) < 10_000
    error = refused(data)
    assert error.code == "sheet_too_large"
    assert "«Đơn vị»" in error.message


def test_a_declared_dimension_alone_is_not_a_bomb(valid):
    # No reader allocates by <dimension> (calamine sizes its grid from the cells it finds),
    # so a sheet declaring A1:XFD1048576 around one value is read, small and fast.
    sheet = sheet_xml('<row r="1"><c r="A1"><v>7</v></c></row>', "A1:XFD1048576")
    tracemalloc.start()
    try:
        book = read_workbook(replace_parts(valid, {SHEET: sheet}))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert book.sheets[0].rows == [(1, [7.0])]
    assert peak < 50 * 2**20


FAR = "XFD1048576"


@pytest.mark.parametrize("cells", [
    # calamine places cells by local name: another prefix for the same namespace,
    f'<y:c xmlns:y="{MAIN[7:-1].decode()}" r="{FAR}"><y:v>1</y:v></y:c>',
    # other white space before the reference, or a reference in lower case.
    f'<c\tr="{FAR}"><v>1</v></c>',
    f'<c r="{FAR.lower()}"><v>1</v></c>',
    f"<c r='{FAR}'><v>1</v></c>",
])
def test_far_cells_written_to_dodge_a_byte_scan_are_still_refused(valid, cells):
    sheet = sheet_xml(f'<row r="1"><c r="A1"><v>1</v></c>{cells}</row>')
    assert refused(replace_parts(valid, {SHEET: sheet})).code == "sheet_too_large"


def test_a_sheet_hidden_behind_a_dotted_member_name_is_scanned_too(valid):
    rels = entries(valid)["xl/_rels/workbook.xml.rels"].replace(
        b"/xl/worksheets/sheet1.xml", b"worksheets/../worksheets/../evil.xml").replace(
        b'"worksheets/sheet1.xml"', b'"worksheets/../worksheets/../evil.xml"')
    assert b"evil.xml" in rels
    bomb = sheet_xml(f'<row r="1"><c r="A1"><v>1</v></c><c r="{FAR}"><v>1</v></c></row>')
    data = replace_parts(valid, {"xl/_rels/workbook.xml.rels": rels,
                                 "xl/worksheets/../worksheets/../evil.xml": bomb})
    assert refused(data).code == "sheet_too_large"


def test_ods_with_a_filled_cell_repeated_a_million_times():
    from tests.report.intake_files import ods

    bomb_row = ('<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
                'office:value-type="float" office:value="1" '
                'table:number-columns-repeated="16384"/></table:table-row>')
    data = ods({"Đơn vị": [["Đơn vị", "Kinh phí (đồng)"]]}, raw_rows=bomb_row)
    assert refused(data).code == "sheet_too_large"


@pytest.mark.parametrize("extra, code", [
    ({"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, "macro_enabled"),
    ({"xl/workbook.bin": b"\x83\x01"}, "binary_workbook"),
])
def test_macro_and_binary_workbooks_are_refused_by_name(valid, extra, code):
    with pytest.raises(IntakeError) as caught:
        detect_type(replace_parts(valid, extra))
    assert caught.value.code == code


def test_macro_content_type_alone_is_refused(valid):
    types = entries(valid)["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
    assert refused(replace_parts(valid, {"[Content_Types].xml": types})).code == "macro_enabled"


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


@pytest.mark.parametrize("data, code, words", [
    (OLE + "EncryptedInfo".encode("utf-16-le") + b"\0" * 8
     + "EncryptedPackage".encode("utf-16-le"), "encrypted_workbook", "mật khẩu"),
    (OLE + "Workbook".encode("utf-16-le") + b"\0" * 64, "legacy_xls", ".xls"),
])
def test_ole_containers_are_named(data, code, words):
    with pytest.raises(IntakeError) as caught:
        detect_type(data)
    assert caught.value.code == code
    assert words in caught.value.message


@pytest.mark.parametrize("data", [
    rezip({"word/document.xml": b"<w:document/>", "[Content_Types].xml": b"<Types/>"}),
    rezip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
    b"\x7fELF\x02\x01\x01\x00" + b"\0" * 100,
])
def test_type_is_decided_by_content(data):
    with pytest.raises(IntakeError) as caught:
        detect_type(data)
    assert caught.value.code == "unsupported_file_type"


def test_row_cap_on_csv():
    text = "unit;budget\r\n" + "huyện Đà Bắc;1\r\n" * MAX_ROWS
    with pytest.raises(IntakeError) as caught:
        read_workbook(text.encode())
    assert caught.value.code == "too_many_rows"
    assert "200.000 dòng" in caught.value.message


def test_column_cap_on_csv():
    text = ",".join(f"c{i}" for i in range(201)) + "\n" + ",".join("1" * 201) + "\n"
    with pytest.raises(IntakeError) as caught:
        read_workbook(text.encode())
    assert caught.value.code == "too_many_columns"
    assert "200 cột" in caught.value.message


def test_openpyxl_fallback_parses_with_defusedxml():
    # Defence in depth behind the DOCTYPE gate (docs/faults.md U7): this Python's expat is
    # older than 2.6.0, so the stdlib parser alone would expand entity bombs.
    import openpyxl

    assert openpyxl.DEFUSEDXML is True
