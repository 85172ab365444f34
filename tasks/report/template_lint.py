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
from jinja2 import meta, nodes
from lxml import etree

from tasks.report import ooxml
from tasks.report.errors import Finding, TemplateError
from tasks.report.package_rules import STORY_TYPES, package_findings
from tasks.report.tag_rules import check_tags, keyword
from tasks.report.template_ast import costly_loops
from tasks.report.template_budget import MAX_STEPS, number
from tasks.report.template_engine import template_sources
from tasks.report.template_env import make_environment
from tasks.report.template_structure import structure_problems
from tasks.report.template_tags import PartTags, Tag, core_tags, wordml_tags

__all__ = ["format_lint", "lint_template"]

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_STOPS = {"jinja_syntax", "unbalanced_block", "split_tag"}


def lint_template(data: bytes, allowed: Iterable[str] | None = None) -> list[Finding]:
    """Every problem found in the .docx ``data``; an empty list means the template is usable.

    ``allowed`` holds the top-level names the data provides (a dict such as a sample context
    works: its keys are used); None skips the unknown-name rule. Never raises for a bad file.
    """
    if data[:8] == _OLE_MAGIC:
        return [Finding("not_docx", "Tệp là văn bản Word cũ (.doc) hoặc có đặt mật khẩu; "
                                    "hãy lưu lại thành .docx không mật khẩu.")]
    try:
        archive = ooxml.open_archive(data)
        sizes = [Finding("archive_too_large", reason, location=name)
                 for name, reason in ooxml.size_problems(archive)]
        if sizes:
            return sizes  # nothing is decompressed from a bomb
        package = ooxml.read_package(data)
    except TemplateError as e:
        return [Finding(e.code, e.message)]
    found = package_findings(package)
    if any(f.code in ("doctype", "not_docx", "macro") for f in found):
        return found  # nothing more is parsed from a part that may hold an entity bomb
    try:
        found += _content(package, None if allowed is None else set(allowed))
    except TemplateError as e:
        found.append(Finding(e.code, e.message))
    return found


def _content(package: ooxml.Package, allowed: set[str] | None) -> list[Finding]:
    env = make_environment()
    sources = template_sources(package)
    found = []
    for name in package.names:
        content_type = package.content_type(name)
        if content_type in STORY_TYPES:
            tags = wordml_tags(name, _parse(package, name))
        elif content_type == ooxml.CT_CORE:
            tags = core_tags(name, _parse(package, name))
        else:
            continue
        part = _fields(tags) + _broken(tags)
        if tags.tags and name not in sources:
            part.append(Finding("tag_not_rendered", "Phần này có thẻ nhưng không được "
                                "điền khi lập báo cáo (chỉ thân văn bản, đầu/chân trang, "
                                "chú thích cuối trang và thuộc tính tệp được điền).",
                                location=name))
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


def _fields(tags: PartTags) -> list[Finding]:
    """Tags inside field codes (what a field may reach is ``package_rules``' concern)."""
    return [Finding("tag_in_field", f"Thẻ nằm trong mã trường (field code) "
                    f"«{instruction.strip()}»; dữ liệu sẽ thành lệnh của Word.", location=location)
            for location, instruction in tags.fields
            if "{{" in instruction or "{%" in instruction]


def _broken(tags: PartTags) -> list[Finding]:
    return [Finding("split_tag", f"Thẻ bị tách hoặc thiếu dấu đóng/mở trong «{text[:120]}»:"
                    " mỗi thẻ phải nằm trọn trong một đoạn, gõ liền từ {{ đến }} (hoặc {% "
                    "đến %}), cùng một định dạng.", location=location)
            for location, text in dict.fromkeys(tags.broken)]


def _whole_part(name: str, source: str, env: jinja2.Environment, allowed: set[str] | None,
                names: dict[str, str], tags: list[Tag]) -> list[Finding]:
    """What only the whole part shows: syntax across tags, loops nested into a runaway, names
    the data lacks."""
    try:
        tree = env.parse(source)
        loops = _costly_loops(name, tree, tags)
        env.compile(tree)
    except jinja2.TemplateSyntaxError as e:
        line = source.splitlines()[e.lineno - 1] if e.lineno else ""
        near = re.sub(r"<[^>]+>", "", line).strip()[:80]
        return [Finding("jinja_syntax", f"Sai cú pháp: {e.message} (gần «{near}»).", location=name)]
    except (RecursionError, SyntaxError, MemoryError) as e:  # Python's compiler gave up
        return [Finding("too_costly", f"Các khối lồng nhau quá sâu ({type(e).__name__}).",
                        location=name)]
    except Exception as e:  # the lint never raises for a bad file, whatever it holds
        return [Finding("jinja_syntax", f"Không biên dịch được phần này: "
                        f"{type(e).__name__}: {e}", location=name)]
    found = loops + _structure(name, source, tags)
    if allowed is None:
        return found
    unknown = sorted(meta.find_undeclared_variables(tree) - allowed)
    return found + [Finding("unknown_variable", f"Biến «{n}» không có trong dữ liệu của loại "
                            f"báo cáo này{_suggestion(n, allowed)}.", location=names.get(n, name))
                    for n in unknown]


def _costly_loops(name: str, tree: nodes.Template, tags: list[Tag]) -> list[Finding]:
    """Loops over literal ranges nested beyond the render's budget, at the tag of the loop."""
    loops = list(tree.find_all(nodes.For))
    for_tags = [t for t in tags if keyword(t) == "for"]  # the same loops, in the same order
    found = []
    for loop, runs in costly_loops(tree):
        index = loops.index(loop)
        location = for_tags[index].location if index < len(for_tags) else name
        found.append(Finding("too_costly", f"Các vòng lặp lồng nhau tới thẻ này chạy "
                             f"{number(runs)} lần, quá giới hạn {number(MAX_STEPS)} bước của "
                             "một báo cáo.", location=location))
    return found


def _structure(name: str, source: str, tags: list[Tag]) -> list[Finding]:
    """Blocks whose XML is not whole, placed at the paragraph of the tag where it shows."""
    found = []
    for problem in structure_problems(source):
        same = [t for t in tags if _tag_key(t.jinja) == _tag_key(problem.tag)]
        location = same[problem.occurrence - 1].location if len(same) >= problem.occurrence \
            else name
        found.append(Finding("tag_breaks_xml", f"Thẻ «{problem.tag}»: {problem.reason}; "
                             "kiểm tra vị trí các thẻ {%p, {%tr, {%tc, {%- và -%} (mỗi "
                             "khối phải mở và đóng trong cùng cấp đoạn, hàng, ô).",
                             location=location))
    return found


def _tag_key(tag: str) -> str:
    """A tag without spaces or docxtpl's "-" merge marks, to match it after docxtpl moved it."""
    return re.sub(r"\s+", "", re.sub(r"^(\{[%{])-|-(?=[%}]\}$)", r"\1", tag))


def _suggestion(name: str, allowed: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(allowed), n=1)
    return f" (có phải «{close[0]}»?)" if close else ""


def format_lint(findings: list[Finding]) -> str:
    """The findings as text for the command line, one per line; a short verdict when none."""
    if not findings:
        return "Mẫu hợp lệ: không phát hiện vấn đề nào."
    lines = [f"Mẫu có {len(findings)} vấn đề cần sửa:"]
    for f in findings:
        lines.append(f"- [{f.code}] {f.location + ': ' if f.location else ''}{f.message}")
    return "\n".join(lines)
