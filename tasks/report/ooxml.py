"""A .docx as a package: a zip of named parts with content types and relationships.

This layer reads bytes and small XML indexes only ([Content_Types].xml, ``*.rels``); what the
parts mean is for the template engine and the lint. Reading refuses archives that expand too
much (zip bombs) before any part is decompressed.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from lxml import etree

from tasks.report.errors import TemplateError

CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
CT_HEADER, CT_FOOTER = _WML + "header+xml", _WML + "footer+xml"
CT_FOOTNOTES, CT_ENDNOTES, CT_COMMENTS = (_WML + "footnotes+xml", _WML + "endnotes+xml",
                                          _WML + "comments+xml")
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOCUMENT, RT_HEADER, RT_FOOTER = RT + "officeDocument", RT + "header", RT + "footer"
CONTENT_TYPES = "[Content_Types].xml"
XML_DECLARATION = b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"

# Limits on what a template may expand to (zip bombs); a real template is < 1 MB.
MAX_TOTAL_SIZE = 100 * 1024 * 1024
MAX_PARTS = 500
MAX_RATIO = 100
RATIO_CHECK_FROM = 1024 * 1024  # small parts compress well and cannot hurt

_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


@dataclass(frozen=True)
class Relationship:
    """One ``<Relationship>``: its id, type, target (resolved to a part name unless external)
    and the target as written (``raw_target``)."""

    id: str
    type: str
    target: str
    external: bool
    raw_target: str


@dataclass(frozen=True)
class Package:
    """The parts of a .docx in archive order, with their content types."""

    infos: tuple[zipfile.ZipInfo, ...]
    blobs: dict[str, bytes]
    overrides: dict[str, str]
    defaults: dict[str, str]

    @property
    def names(self) -> list[str]:
        return [i.filename for i in self.infos]

    def content_type(self, name: str) -> str | None:
        """The declared content type of part ``name`` (no leading slash); None if undeclared."""
        if name in self.overrides:
            return self.overrides[name]
        return self.defaults.get(posixpath.splitext(name)[1][1:].lower())

    def of_type(self, content_type: str) -> list[str]:
        return [n for n in self.names if self.content_type(n) == content_type]

    def rels(self, name: str) -> list[Relationship]:
        """The relationships of part ``name`` ("" for the package); raises ``TemplateError``."""
        folder, base = posixpath.split(name)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        if rels_name not in self.blobs:
            return []
        root = _parse_index(self.blobs[rels_name], rels_name)
        return [_relationship(r, folder) for r in root.iter(_REL_NS + "Relationship")]

    def main_part(self) -> str:
        """The main document part's name; raises ``TemplateError`` when there is none."""
        for rel in self.rels(""):
            if rel.type == RT_OFFICE_DOCUMENT and not rel.external and rel.target in self.blobs:
                return rel.target
        raise TemplateError("Tệp không có phần nội dung chính của văn bản Word.", "not_docx")


def _relationship(element, folder: str) -> Relationship:
    raw = target = element.get("Target", "")
    external = element.get("TargetMode") == "External"
    if not external:
        target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
    return Relationship(element.get("Id", ""), element.get("Type", ""), target, external, raw)


def safe_parser() -> etree.XMLParser:
    """A parser that expands no entity and fetches nothing; one per call, as lxml parsers
    must not be shared between threads."""
    return etree.XMLParser(resolve_entities=False, no_network=True)


def _parse_index(blob: bytes, name: str):
    try:
        return etree.fromstring(blob, safe_parser())
    except etree.XMLSyntaxError as e:
        raise TemplateError(f"Phần {name} của tệp Word bị hỏng: {e}", "not_docx") from e


def open_archive(data: bytes) -> zipfile.ZipFile:
    """``data`` as a zip; raises ``TemplateError`` (``not_docx``) when it is not one."""
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as e:
        raise TemplateError("Tệp không phải văn bản Word .docx (không đọc được dạng nén).",
                            "not_docx") from e


def size_problems(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(part name or "", Vietnamese reason) for each expansion limit the archive exceeds."""
    infos = archive.infolist()
    problems = []
    if len(infos) > MAX_PARTS:
        problems.append(("", f"Tệp có {len(infos)} phần, quá giới hạn {MAX_PARTS}."))
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_SIZE:
        problems.append(("", f"Tệp giải nén ra {total // 2**20} MB, quá giới hạn "
                             f"{MAX_TOTAL_SIZE // 2**20} MB."))
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECK_FROM and ratio > MAX_RATIO:
            problems.append((info.filename, f"Phần {info.filename} nén {ratio:.0f} lần, "
                                            f"vượt giới hạn {MAX_RATIO} lần (nghi bom nén)."))
    return problems


def read_package(data: bytes) -> Package:
    """Every part of the .docx ``data``; raises ``TemplateError`` for a bad or oversized zip."""
    archive = open_archive(data)
    for _name, reason in size_problems(archive):
        raise TemplateError(reason, "archive_too_large")
    try:
        blobs = {i.filename: archive.read(i) for i in archive.infolist()}
    except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError) as e:
        raise TemplateError(f"Tệp Word bị hỏng: {e}", "not_docx") from e
    if CONTENT_TYPES not in blobs:
        raise TemplateError("Tệp không phải văn bản Word (thiếu [Content_Types].xml).",
                            "not_docx")
    root = _parse_index(blobs[CONTENT_TYPES], CONTENT_TYPES)
    overrides = {o.get("PartName", "").lstrip("/"): o.get("ContentType", "")
                 for o in root.iter(_CT_NS + "Override")}
    defaults = {d.get("Extension", "").lower(): d.get("ContentType", "")
                for d in root.iter(_CT_NS + "Default")}
    return Package(tuple(archive.infolist()), blobs, overrides, defaults)
