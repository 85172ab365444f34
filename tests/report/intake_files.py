"""Upload files built at test time: real workbooks, LibreOffice-shaped ones, hostile archives.

Nothing here is committed as a binary: XLSX through openpyxl or by hand in the shape
LibreOffice writes, ODS by hand in LibreOffice's shape, hostile files by rewriting a valid
workbook's ZIP entries (the U faults of docs/faults.md).
"""

from __future__ import annotations

import io
import re
import struct
import unicodedata
import zipfile
from datetime import date
from xml.sax.saxutils import escape

from openpyxl import Workbook

UNITS = ["thành phố Hòa Bình", "huyện Đà Bắc", "huyện Lương Sơn", "huyện Kim Bôi",
         "huyện Cao Phong", "huyện Tân Lạc", "huyện Mai Châu", "huyện Lạc Sơn",
         "huyện Yên Thủy", "huyện Lạc Thủy"]
LOG_HEADER = ["Đơn vị", "Loại hoạt động", "Ngày", "Số lượng", "Nam", "Nữ", "Nội dung"]


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook written by openpyxl, one sheet per entry, rows as given."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def cp1258(text: str) -> bytes:
    """Windows-1258 as Excel writes it: precomposed vowel shapes, combining tone marks."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
        out.append(unicodedata.normalize("NFC", parts.translate(dict.fromkeys(map(ord, tones))))
                   + tones)
    return "".join(out).encode("cp1258")


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def rezip(parts: dict[str, bytes], stored: tuple[str, ...] = ()) -> bytes:
    """A ZIP of ``parts`` in order (``stored`` ones uncompressed)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content, zipfile.ZIP_STORED if name in stored else None)
    return out.getvalue()


def replace_parts(data: bytes, changes: dict[str, bytes]) -> bytes:
    """``data`` with some parts replaced or added."""
    parts = entries(data)
    parts.update(changes)
    return rezip(parts)


def with_cells(data: bytes, cells: dict[str, str], part: str = "xl/worksheets/sheet1.xml",
               sheet_changes: tuple[tuple[str, str], ...] = ()) -> bytes:
    """``data`` with the XML of some cells of one sheet part replaced, by reference ("C4"),
    and other literal replacements in that part (``sheet_changes``: (old, new) pairs)."""
    parts = entries(data)
    sheet = parts[part].decode()
    for ref, xml in cells.items():
        sheet, found = re.subn(rf'<c r="{ref}"(?:[^>]*?/>|[^>]*?>.*?</c>)', xml, sheet, count=1)
        assert found == 1, ref
    for old, new in sheet_changes:
        assert old in sheet, old
        sheet = sheet.replace(old, new)
    parts[part] = sheet.encode()
    return rezip(parts)


def error_cell(ref: str, error: str, formula: str = "1/0") -> str:
    """A formula cell whose stored result is an error, as Excel writes it (``t="e"``)."""
    return f'<c r="{ref}" t="e"><f>{escape(formula)}</f><v>{escape(error)}</v></c>'


# ---- LibreOffice-shaped XLSX -----------------------------------------------------------------

_LO_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD/MM/YYYY"/></numFmts>'
    '<fonts count="1"><font><sz val="10"/><name val="Arial"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill '
    'patternType="gray125"/></fill></fills><borders count="1"><border diagonalUp="false" '
    'diagonalDown="false"><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" '
    'applyNumberFormat="true"/></cellXfs></styleSheet>')


def _lo_cell(ref: str, value, strings: list[str]) -> str:
    if value is None:
        return ""
    if isinstance(value, tuple):  # ("=", formula, cached value)
        return f'<c r="{ref}" s="0" t="n"><f aca="false">{escape(value[1])}</f>' \
               f"<v>{value[2]}</v></c>"
    if isinstance(value, date):
        serial = (value - date(1899, 12, 30)).days
        return f'<c r="{ref}" s="1" t="n"><v>{serial}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}" s="0" t="n"><v>{value}</v></c>'
    strings.append(str(value))
    return f'<c r="{ref}" s="0" t="s"><v>{len(strings) - 1}</v></c>'


def libreoffice_xlsx(sheet: str, rows: list[list]) -> bytes:
    """One sheet as LibreOffice Calc 7 saves XLSX: shared strings, row attributes, styles."""
    from openpyxl.utils import get_column_letter

    strings: list[str] = []
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_lo_cell(f"{get_column_letter(c)}{r}", v, strings)
                        for c, v in enumerate(row, start=1))
        body.append(f'<row r="{r}" customFormat="false" ht="12.8" hidden="false" '
                    f'customHeight="false" outlineLevel="0" collapsed="false">{cells}</row>')
    width = max(len(r) for r in rows)
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    shared = "".join(f"<si><t xml:space=\"preserve\">{escape(s)}</t></si>" for s in strings)
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return rezip({
        "_rels/.rels": (head + '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
                        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                        'openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (head + f'<workbook {main} {rel}><fileVersion appName="Calc"/>'
                            f'<sheets><sheet name="{escape(sheet)}" sheetId="1" state="visible" '
                            'r:id="rId2"/></sheets><calcPr iterateCount="100" '
                            'refMode="A1"/></workbook>').encode(),
        "xl/styles.xml": _LO_STYLES.encode(),
        "xl/worksheets/sheet1.xml": (
            head + f'<worksheet {main} {rel}><sheetPr filterMode="false"><pageSetUpPr '
            f'fitToPage="false"/></sheetPr><dimension ref="A1:{get_column_letter(width)}'
            f'{len(rows)}"/><sheetViews><sheetView showFormulas="false" workbookViewId="0">'
            '</sheetView></sheetViews><sheetFormatPr defaultColWidth="11.53515625" '
            'defaultRowHeight="12.8"></sheetFormatPr><sheetData>' + "".join(body)
            + '</sheetData><printOptions headings="false"/></worksheet>').encode(),
        "xl/_rels/workbook.xml.rels": (
            head + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship '
            'Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId3" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'sharedStrings" Target="sharedStrings.xml"/></Relationships>').encode(),
        "xl/sharedStrings.xml": (head + f'<sst {main} count="{len(strings)}" uniqueCount='
                                 f'"{len(strings)}">{shared}</sst>').encode(),
        "[Content_Types].xml": (
            head + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/><Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/></Types>').encode(),
    })


# ---- ODS in LibreOffice's shape ------------------------------------------------------------

_ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
           'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')


def _ods_cell(value) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, tuple) and value[0] == "span":  # ("span", text, columns)
        return (f'<table:table-cell office:value-type="string" calcext:value-type="string" '
                f'table:number-columns-spanned="{value[2]}" table:number-rows-spanned="1">'
                f"<text:p>{escape(value[1])}</text:p></table:table-cell>"
                f'<table:covered-table-cell table:number-columns-repeated="{value[2] - 1}"/>')
    if isinstance(value, date):
        return (f'<table:table-cell office:value-type="date" office:date-value="{value}" '
                f'calcext:value-type="date"><text:p>{value:%d/%m/%Y}</text:p></table:table-cell>')
    if isinstance(value, int | float):
        return (f'<table:table-cell office:value-type="float" office:value="{value}" '
                f'calcext:value-type="float"><text:p>{value}</text:p></table:table-cell>')
    return (f'<table:table-cell office:value-type="string" calcext:value-type="string">'
            f"<text:p>{escape(str(value))}</text:p></table:table-cell>")


def ods(sheets: dict[str, list[list]], hidden_column: int | None = None,
        raw_rows: str = "") -> bytes:
    """An ODS file as LibreOffice writes it, with its trailing "empty × 1.048.5xx" rows."""
    tables = []
    for name, rows in sheets.items():
        columns = '<table:table-column table:number-columns-repeated="16384"/>'
        if hidden_column:
            columns = (f'<table:table-column table:number-columns-repeated="{hidden_column - 1}"/>'
                       '<table:table-column table:visibility="collapse"/>'
                       f'<table:table-column table:number-columns-repeated='
                       f'"{16384 - hidden_column}"/>')
        body = "".join(
            "<table:table-row>" + "".join(_ods_cell(v) for v in row)
            + '<table:table-cell table:number-columns-repeated="16370"/></table:table-row>'
            for row in rows)
        tables.append(
            f'<table:table table:name="{escape(name)}">{columns}{body}{raw_rows}'
            f'<table:table-row table:number-rows-repeated="{1048576 - len(rows) - 1}">'
            '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
            '<table:table-row><table:table-cell table:number-columns-repeated="16384"/>'
            "</table:table-row></table:table>")
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} '
               'office:version="1.3"><office:body><office:spreadsheet>' + "".join(tables)
               + "</office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:'
                'oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/'
                'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
                '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    return rezip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                  "content.xml": content.encode(), "META-INF/manifest.xml": manifest.encode()},
                 stored=("mimetype",))


# ---- hostile archives ------------------------------------------------------------------------

SHEET = "xl/worksheets/sheet1.xml"
MAIN = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def with_big_sheet(valid: bytes, megabytes: int) -> bytes:
    """``valid`` whose sheet really expands to ``megabytes`` MiB (streamed, never held whole)."""
    parts = entries(valid)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            if name != SHEET:
                z.writestr(name, content)
        with z.open(SHEET, "w") as f:
            f.write(b"<worksheet " + MAIN + b"><sheetData>")
            block = b'<row r="1"><c r="A1"><v>1</v></c></row>' * 26_000
            for _ in range(megabytes):
                f.write(block)
            f.write(b"</sheetData></worksheet>")
    return out.getvalue()


def patch_sizes(data: bytes, name: str, size: int, crc: int | None = None) -> bytes:
    """``data`` with the declared uncompressed size (and CRC) of ``name`` rewritten, both in
    its local header and in the central directory: a lying directory."""
    out = bytearray(data)
    encoded = name.encode()
    for magic, crc_at, size_at, name_at in ((b"PK\x03\x04", 14, 22, 30),
                                            (b"PK\x01\x02", 16, 24, 46)):
        at = out.find(magic)
        while at >= 0:
            if out[at + name_at:at + name_at + len(encoded)] == encoded:
                struct.pack_into("<L", out, at + size_at, size)
                if crc is not None:
                    struct.pack_into("<L", out, at + crc_at, crc)
            at = out.find(magic, at + 4)
    return bytes(out)


def overlapping(data: bytes, name: str = "xl/sharedStrings.xml") -> bytes:
    """A copy of ``data`` where the central directory places ``name`` inside another entry's
    data (the CVE-2024-0450 "overlapped entries" shape); every entry still reads correctly."""
    parts = entries(data)
    content = parts.pop(name, b"<sst/>")
    alone = io.BytesIO()
    with zipfile.ZipFile(alone, "w", zipfile.ZIP_STORED) as z:
        z.writestr(name, content)
    record = alone.getvalue()[:alone.getvalue().find(b"PK\x01\x02")]
    parts["xl/media/blob.bin"] = b"JUNK" + record + b"JUNK"
    parts[name] = content
    built = rezip(parts, stored=("xl/media/blob.bin", name))
    with zipfile.ZipFile(io.BytesIO(built)) as z:
        blob = z.getinfo("xl/media/blob.bin")
    inner = blob.header_offset + 30 + len(blob.filename.encode()) + len(blob.extra) + 4
    out = bytearray(built)
    at = out.find(b"PK\x01\x02")
    while at >= 0:
        if out[at + 46:at + 46 + len(name)] == name.encode():
            struct.pack_into("<L", out, at + 42, inner)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)
