"""What a template's package may hold and point to: one set of rules for the lint and the engine.

The lint reports every finding; the engine (``template_engine``) refuses a template on the
first, so a version that bypassed the lint is refused when compiled, with the same rules:

- every XML part is parsed by a parser that refuses a DTD (``<!DOCTYPE``, the door to entity
  bombs and external entities) whatever the part's encoding — UTF-16 included — and must be
  well-formed (defusedxml over expat);
- no macros (``vbaProject.bin``, a macro-enabled main part), ActiveX controls or OLE objects;
- nothing outside the file: an external relationship must be a hyperlink to ``https:`` or
  ``mailto:``; a relationship whose target is a URL must say so (``TargetMode="External"``,
  else Word may still follow it); no ``altChunk`` (content Word imports from HTML, RTF, MHT or
  another document); no field that reads or runs something outside the document (``INCLUDE…``,
  ``IMPORT``, ``LINK``, ``DDE``, ``DDEAUTO``), and ``HYPERLINK`` fields under the same
  ``https:``/``mailto:`` rule as hyperlink relationships.

Source for the package model: ECMA-376 (Office Open XML), Part 2 "Open Packaging Conventions"
for relationships and ``TargetMode``, Part 1 "WordprocessingML" for ``altChunk`` and fields,
https://ecma-international.org/publications-and-standards/standards/ecma-376/.
"""

from __future__ import annotations

import posixpath
import re
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from lxml import etree

from tasks.report import ooxml
from tasks.report.errors import Finding, TemplateError
from tasks.report.template_tags import wordml_tags

STORY_TYPES = (ooxml.CT_MAIN, ooxml.CT_HEADER, ooxml.CT_FOOTER, ooxml.CT_FOOTNOTES,
               ooxml.CT_ENDNOTES, ooxml.CT_COMMENTS)
SAFE_LINKS = ("https:", "mailto:")
_ACTIVE_RELS = ("/oleObject", "/control", "/activeXControlBinary")
_URL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)")
_DANGEROUS_FIELD = re.compile(
    r"^\s*(DDEAUTO|DDE|INCLUDETEXT|INCLUDEPICTURE|INCLUDE|IMPORT|LINK)\b", re.IGNORECASE)
_FIELD_TOKEN = re.compile(r'"([^"]*)"|(\S+)')
_SWITCHES_WITH_ARGUMENT = {"\\l", "\\o", "\\t"}  # HYPERLINK's bookmark, tooltip, frame


def xml_parts(package: ooxml.Package) -> list[str]:
    """The parts that are XML, by content type or by name (``.xml``, ``.rels``)."""
    return [name for name in package.names
            if (package.content_type(name) or "").endswith("xml")
            or name.lower().endswith((".xml", ".rels"))]


def dtd_findings(package: ooxml.Package) -> list[Finding]:
    """A finding for each XML part that declares a DTD or is not well-formed XML."""
    found = []
    for name in xml_parts(package):
        try:
            defused_fromstring(package.blobs[name], forbid_dtd=True)
        except DefusedXmlException:
            found.append(Finding("doctype", "Phần này có khai báo DOCTYPE/ENTITY (không "
                                 "bao giờ cần trong Word, có thể dùng để tấn công).",
                                 location=name))
        except (ParseError, ValueError) as e:
            found.append(Finding("not_docx", f"Phần này không phải XML hợp lệ: {e}.",
                                 location=name))
    return found


def main_part_findings(package: ooxml.Package) -> list[Finding]:
    """Not a plain .docx main part (a template .dotx, a macro-enabled .docm), or macros."""
    try:
        main = package.main_part()
    except TemplateError as e:
        return [Finding("not_docx", e.message)]
    content_type = package.content_type(main) or ""
    found = [Finding("macro", "Phần chứa mã macro (VBA); mẫu phải là .docx không macro.",
                     location=name) for name in package.names
             if name.lower().endswith(("vbaproject.bin", "vbadata.xml"))]
    if "macroEnabled" in content_type:
        found.insert(0, Finding("macro", "Tệp là văn bản có macro (.docm); hãy lưu lại "
                                         "thành .docx.", location=main))
    elif content_type != ooxml.CT_MAIN:
        found.insert(0, Finding("not_docx", f"Phần chính có kiểu «{content_type}», không "
                                            "phải văn bản .docx (mẫu .dotx?).", location=main))
    return found


def active_content_findings(package: ooxml.Package) -> list[Finding]:
    """ActiveX controls and embedded OLE objects, as parts or as relationships."""
    found = [Finding("active_content", "Tệp chứa điều khiển ActiveX hoặc đối tượng OLE "
                                       "nhúng; hãy xóa chúng khỏi mẫu.", location=name)
             for name in package.names
             if name.lower().startswith("word/activex/")
             or (name.lower().startswith("word/embeddings/") and name.lower().endswith(".bin"))]
    listed = {f.location for f in found}
    for owner in rels_owners(package):
        found += [Finding("active_content", f"Liên kết tới đối tượng nhúng «{rel.target}».",
                          location=rels_name(owner))
                  for rel in package.rels(owner)
                  if rel.type.endswith(_ACTIVE_RELS) and rel.target not in listed]
    return found


def link_findings(package: ooxml.Package) -> list[Finding]:
    """Relationships that reach outside the file, or import content (``altChunk``)."""
    found = []
    for owner in rels_owners(package):
        for rel in package.rels(owner):
            kind = rel.type.rsplit("/", 1)[-1]
            if kind == "aFChunk":
                found.append(Finding(
                    "alt_chunk", f"Phần nhúng altChunk «{rel.raw_target}»: Word sẽ chèn nội "
                    "dung từ HTML/RTF/tệp khác vào báo cáo; hãy dán nội dung trực tiếp vào mẫu.",
                    location=rels_name(owner)))
            elif not rel.external and _URL.match(rel.raw_target):
                found.append(Finding(
                    "external_link", f"Liên kết ({kind}) tới «{rel.raw_target}» trỏ ra ngoài "
                    "tệp mà không khai báo là liên kết ngoài.", location=rels_name(owner)))
            elif rel.external and not (kind == "hyperlink" and safe_link(rel.raw_target)):
                found.append(Finding(
                    "external_link", f"Liên kết ra ngoài tệp ({kind}) tới «{rel.raw_target}»; "
                    "chỉ cho phép siêu liên kết https: và mailto:.", location=rels_name(owner)))
    return found


def safe_link(target: str) -> bool:
    """Whether a hyperlink target may stay in a report: ``https:`` and ``mailto:`` only."""
    return target.strip().lower().startswith(SAFE_LINKS)


def field_findings(location: str, instruction: str) -> list[Finding]:
    """What is wrong with one field instruction (``INCLUDETEXT "…"``, ``HYPERLINK "…"`` …)."""
    dangerous = _DANGEROUS_FIELD.match(instruction)
    if dangerous:
        return [Finding("dangerous_field", f"Trường {dangerous.group(1).upper()} đọc dữ "
                        "liệu hoặc chạy lệnh ngoài tệp; hãy xóa trường này.", location=location)]
    target = hyperlink_target(instruction)
    if target is not None and not safe_link(target):
        return [Finding("external_link", f"Trường HYPERLINK tới «{target}»; chỉ cho phép "
                        "siêu liên kết https: và mailto:.", location=location)]
    return []


def hyperlink_target(instruction: str) -> str | None:
    """The address a ``HYPERLINK`` field opens; None for other fields and for a link to a
    bookmark of the document itself (``HYPERLINK \\l "…"``)."""
    tokens = [(m.group(1), True) if m.group(1) is not None else (m.group(2), False)
              for m in _FIELD_TOKEN.finditer(instruction)]
    if not tokens or tokens[0][0].upper() != "HYPERLINK":
        return None
    skip = False
    for token, quoted in tokens[1:]:
        if skip:
            skip = False
        elif not quoted and token.startswith("\\"):  # a switch: \l, \o "tip", \m …
            skip = token.lower() in _SWITCHES_WITH_ARGUMENT
        else:
            return token
    return None


def story_field_findings(package: ooxml.Package) -> list[Finding]:
    """``field_findings`` for every field of the body, headers, footers, notes and comments."""
    found = []
    for name in package.names:
        if package.content_type(name) not in STORY_TYPES:
            continue
        try:
            root = etree.fromstring(package.blobs[name], ooxml.safe_parser())
        except etree.XMLSyntaxError as e:
            found.append(Finding("not_docx", f"Phần này không phải XML hợp lệ: {e}", location=name))
            continue
        for location, instruction in wordml_tags(name, root).fields:
            found += field_findings(location or name, instruction)
    return found


def package_findings(package: ooxml.Package) -> list[Finding]:
    """Every rule of this module broken by ``package``; DTDs first, and alone when present
    (no other rule parses a part that may hold an entity bomb)."""
    found = dtd_findings(package)
    if found:
        return found
    found = main_part_findings(package)
    if any(f.code in ("not_docx", "macro") for f in found):
        return found
    return (found + active_content_findings(package) + link_findings(package)
            + story_field_findings(package))


def rels_owners(package: ooxml.Package) -> list[str]:
    """The parts (package: "") that have a relationships part."""
    owners = []
    for name in package.names:
        folder, base = posixpath.split(name)
        if base.endswith(".rels") and folder.endswith("_rels"):
            parent = folder[: -len("_rels")].rstrip("/")
            owners.append(f"{parent}/{base[:-5]}" if parent else base[:-5])
    return owners


def rels_name(owner: str) -> str:
    """The relationships part of ``owner``."""
    folder, _, base = owner.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"
