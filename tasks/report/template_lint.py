"""Checking a Word template before it is used: ``lint_template`` and ``format_lint``.

The lint reads the .docx without rendering it and reports, in Vietnamese and with the place
in the document, everything that would make a report fail, leak or run away: a file that is
not a plain .docx, macros and embedded programs, links outside the document, DOCTYPEs, zip
bombs, tags Jinja or docxtpl cannot read, tags in field codes, dangerous fields, include and
access to internals, costly loops and powers, and names the data does not provide.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import jinja2
from jinja2 import meta
from lxml import etree

from tasks.report import ooxml
from tasks.report.errors import TemplateError
from tasks.report.tag_rules import LintFinding, check_tags
from tasks.report.template_engine import template_sources
from tasks.report.template_env import make_environment
from tasks.report.template_structure import structure_problems
from tasks.report.template_tags import PartTags, Tag, core_tags, wordml_tags

__all__ = ["LintFinding", "format_lint", "lint_template"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_DANGEROUS_FIELD = re.compile(r"^\s*(DDEAUTO|DDE|INCLUDETEXT|INCLUDEPICTURE|INCLUDE|IMPORT|LINK)\b",
                              re.IGNORECASE)
_STORY_TYPES = (ooxml.CT_MAIN, ooxml.CT_HEADER, ooxml.CT_FOOTER, ooxml.CT_FOOTNOTES,
                ooxml.CT_ENDNOTES, ooxml.CT_COMMENTS)
_ACTIVE_RELS = ("/oleObject", "/control", "/activeXControlBinary")
_STOPS = {"jinja_syntax", "unbalanced_block", "split_tag"}


def lint_template(data: bytes, allowed: Iterable[str] | None = None) -> list[LintFinding]:
    """Every problem found in the .docx ``data``; an empty list means the template is usable.

    ``allowed`` holds the top-level names the data provides (a dict such as a sample context
    works: its keys are used); None skips the unknown-name rule. Never raises for a bad file.
    """
    if data[:8] == _OLE_MAGIC:
        return [LintFinding("not_docx", "Tệp là văn bản Word cũ (.doc) hoặc có đặt mật khẩu; "
                                        "hãy lưu lại thành .docx không mật khẩu.", "")]
    try:
        archive = ooxml.open_archive(data)
        sizes = [LintFinding("archive_too_large", reason, name)
                 for name, reason in ooxml.size_problems(archive)]
        if sizes:
            return sizes  # nothing is decompressed from a bomb
        package = ooxml.read_package(data)
    except TemplateError as e:
        return [LintFinding(e.code, e.message, "")]
    found = [LintFinding("doctype", "Phần này có khai báo DOCTYPE/ENTITY (không bao giờ cần "
                                    "trong Word, có thể dùng để tấn công).", name)
             for name, blob in package.blobs.items() if _DOCTYPE.search(blob)]
    if found:
        return found  # no part is parsed while one may hold an entity bomb
    found = _main_part(package)
    if any(f.code in ("not_docx", "macro") for f in found):
        return found
    found += _active_content(package) + _external_links(package)
    try:
        found += _content(package, None if allowed is None else set(allowed))
    except TemplateError as e:
        found.append(LintFinding(e.code, e.message, ""))
    return found


def _main_part(package: ooxml.Package) -> list[LintFinding]:
    try:
        main = package.main_part()
    except TemplateError as e:
        return [LintFinding("not_docx", e.message, "")]
    content_type = package.content_type(main) or ""
    found = [LintFinding("macro", "Phần chứa mã macro (VBA); mẫu phải là .docx không macro.",
                         name) for name in package.names
             if name.lower().endswith(("vbaproject.bin", "vbadata.xml"))]
    if "macroEnabled" in content_type:
        found.insert(0, LintFinding("macro", "Tệp là văn bản có macro (.docm); hãy lưu lại "
                                             "thành .docx.", main))
    elif content_type != ooxml.CT_MAIN:
        found.insert(0, LintFinding("not_docx", f"Phần chính có kiểu «{content_type}», không "
                                                "phải văn bản .docx (mẫu .dotx?).", main))
    return found


def _active_content(package: ooxml.Package) -> list[LintFinding]:
    found = [LintFinding("active_content", "Tệp chứa điều khiển ActiveX hoặc đối tượng OLE "
                                           "nhúng; hãy xóa chúng khỏi mẫu.", name)
             for name in package.names
             if name.lower().startswith("word/activex/")
             or (name.lower().startswith("word/embeddings/") and name.lower().endswith(".bin"))]
    listed = {f.location for f in found}
    for name in _rels_owners(package):
        found += [LintFinding("active_content", f"Liên kết tới đối tượng nhúng «{rel.target}».",
                              _rels_name(name))
                  for rel in package.rels(name)
                  if rel.type.endswith(_ACTIVE_RELS) and rel.target not in listed]
    return found


def _external_links(package: ooxml.Package) -> list[LintFinding]:
    found = []
    for name in _rels_owners(package):
        for rel in package.rels(name):
            hyperlink = rel.type.endswith("/hyperlink")
            safe = hyperlink and rel.target.lower().startswith(("https:", "mailto:"))
            if rel.external and not safe:
                kind = rel.type.rsplit("/", 1)[-1]
                found.append(LintFinding(
                    "external_link", f"Liên kết ra ngoài tệp ({kind}) tới «{rel.target}»; chỉ "
                    "cho phép siêu liên kết https: và mailto:.", _rels_name(name)))
    return found


def _rels_owners(package: ooxml.Package) -> list[str]:
    """The parts (package: "") that have a relationships part."""
    owners = []
    for name in package.names:
        folder, base = name.rsplit("/", 1) if "/" in name else ("", name)
        if base.endswith(".rels") and folder.endswith("_rels"):
            parent = folder[: -len("_rels")].rstrip("/")
            owners.append(f"{parent}/{base[:-5]}" if parent else base[:-5])
    return owners


def _rels_name(owner: str) -> str:
    folder, _, base = owner.rpartition("/")
    return f"{folder}/_rels/{base}.rels" if folder else f"_rels/{base}.rels"


def _content(package: ooxml.Package, allowed: set[str] | None) -> list[LintFinding]:
    env = make_environment()
    sources = template_sources(package)
    found = []
    for name in package.names:
        content_type = package.content_type(name)
        if content_type in _STORY_TYPES:
            tags = wordml_tags(name, _parse(package, name))
        elif content_type == ooxml.CT_CORE:
            tags = core_tags(name, _parse(package, name))
        else:
            continue
        part = _fields(tags) + _broken(tags)
        if tags.tags and name not in sources:
            part.append(LintFinding("tag_not_rendered", "Phần này có thẻ nhưng không được "
                                    "điền khi lập báo cáo (chỉ thân văn bản, đầu/chân trang, "
                                    "chú thích cuối trang và thuộc tính tệp được điền).", name))
        elif tags.tags:
            checked, names = check_tags(tags.tags, env)
            part += checked
            if not any(f.code in _STOPS for f in part):
                part += _whole_part(name, sources[name].source, env, allowed, names, tags.tags)
        found += part
    return found


def _parse(package: ooxml.Package, name: str) -> etree._Element:
    try:
        return etree.fromstring(package.blobs[name], ooxml.safe_parser())
    except etree.XMLSyntaxError as e:
        raise TemplateError(f"Phần {name} không phải XML hợp lệ: {e}", "not_docx") from e


def _fields(tags: PartTags) -> list[LintFinding]:
    found = []
    for location, instruction in tags.fields:
        if "{{" in instruction or "{%" in instruction:
            found.append(LintFinding("tag_in_field", f"Thẻ nằm trong mã trường (field code) "
                                     f"«{instruction.strip()}»; dữ liệu sẽ thành lệnh của Word.",
                                     location))
        dangerous = _DANGEROUS_FIELD.match(instruction)
        if dangerous:
            found.append(LintFinding("dangerous_field", f"Trường {dangerous.group(1).upper()} "
                                     "đọc dữ liệu hoặc chạy lệnh ngoài tệp; hãy xóa trường này.",
                                     location))
    return found


def _broken(tags: PartTags) -> list[LintFinding]:
    return [LintFinding("split_tag", f"Thẻ bị tách hoặc thiếu dấu đóng/mở trong «{text[:120]}»:"
                        " mỗi thẻ phải nằm trọn trong một đoạn, gõ liền từ {{ đến }} (hoặc {% "
                        "đến %}), cùng một định dạng.", location)
            for location, text in dict.fromkeys(tags.broken)]


def _whole_part(name: str, source: str, env: jinja2.Environment, allowed: set[str] | None,
                names: dict[str, str], tags: list[Tag]) -> list[LintFinding]:
    """What only the whole part shows: syntax across tags, names the data lacks."""
    try:
        tree = env.parse(source)
        env.compile(tree)
    except jinja2.TemplateSyntaxError as e:
        line = source.splitlines()[e.lineno - 1] if e.lineno else ""
        near = re.sub(r"<[^>]+>", "", line).strip()[:80]
        return [LintFinding("jinja_syntax", f"Sai cú pháp: {e.message} (gần «{near}»).", name)]
    except RecursionError:
        return [LintFinding("too_costly", "Các khối lồng nhau quá sâu.", name)]
    found = _structure(name, source, tags)
    if allowed is None:
        return found
    unknown = sorted(meta.find_undeclared_variables(tree) - allowed)
    return found + [LintFinding("unknown_variable", f"Biến «{n}» không có trong dữ liệu của loại "
                                f"báo cáo này{_suggestion(n, allowed)}.", names.get(n, name))
                    for n in unknown]


def _structure(name: str, source: str, tags: list[Tag]) -> list[LintFinding]:
    """Blocks whose XML is not whole, placed at the paragraph of the tag where it shows."""
    found = []
    for problem in structure_problems(source):
        same = [t for t in tags if _tag_key(t.jinja) == _tag_key(problem.tag)]
        location = same[problem.occurrence - 1].location if len(same) >= problem.occurrence \
            else name
        found.append(LintFinding("tag_breaks_xml", f"Thẻ «{problem.tag}»: {problem.reason}; "
                                 "kiểm tra vị trí các thẻ {%p, {%tr, {%tc, {%- và -%} (mỗi "
                                 "khối phải mở và đóng trong cùng cấp đoạn, hàng, ô).", location))
    return found


def _tag_key(tag: str) -> str:
    """A tag without spaces or docxtpl's "-" merge marks, to match it after docxtpl moved it."""
    return re.sub(r"\s+", "", re.sub(r"^(\{[%{])-|-(?=[%}]\}$)", r"\1", tag))


def _suggestion(name: str, allowed: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(allowed), n=1)
    return f" (có phải «{close[0]}»?)" if close else ""


def format_lint(findings: list[LintFinding]) -> str:
    """The findings as text for the command line, one per line; a short verdict when none."""
    if not findings:
        return "Mẫu hợp lệ: không phát hiện vấn đề nào."
    lines = [f"Mẫu có {len(findings)} vấn đề cần sửa:"]
    for f in findings:
        lines.append(f"- [{f.code}] {f.location + ': ' if f.location else ''}{f.message}")
    return "\n".join(lines)
