"""Compiled Word templates: docxtpl's preparation done once per template version, then reused.

docxtpl opens the package, cleans each part's XML so Jinja can read it and compiles it on
every render. ``compile_template`` checks the package (``package_rules``), prepares each
templated part with docxtpl's own functions and compiles it once; ``CompiledTemplate.render``
only runs the compiled Jinja code under a render budget (``template_budget``), applies
docxtpl's post-render steps and zips the parts (the unchanged ones deflated in advance).
``docxtpl_steps`` says exactly how the output compares with docxtpl's and why each step the
engine skips is exact. Each rendered part must be well-formed XML: ``template_xml`` proves it
once per template version for the parts it can, and a render of such a part skips the XML
parser unless a value it printed was not one the proof covers; every other part is parsed.
``load_template`` keeps the compiled templates of this process, keyed by the SHA-256 of the
file, so each template version is compiled once per worker.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx.opc.oxml import parse_xml, serialize_part_xml
from docx.oxml.ns import qn
from lxml import etree

from tasks.report import docxtpl_steps, ooxml, template_xml
from tasks.report.errors import TemplateError
from tasks.report.package_rules import package_findings
from tasks.report.table_grid import grid_may_change
from tasks.report.template_ast import ast_findings, loop_cost_findings
from tasks.report.template_budget import RenderBudget
from tasks.report.template_env import make_environment
from tasks.report.template_runtime import check_well_formed, translated
from tasks.report.zip_writer import ZipEntry, deflate, write_zip

# Deflate level 6 is zlib's (and python-docx's) default; the fixed parts are deflated once,
# so only the rendered parts pay it on each render (~1 ms per 500 kB of XML).
STATIC_LEVEL = 6
RENDERED_LEVEL = 6
CACHE_SIZE = 16
_TAGGED = ("{{", "{%", "{#", "{_{", "{_%")  # docxtpl's escapes are rewritten too
_STATIC_CODES = {"include_forbidden": "template_forbidden",
                 "forbidden_access": "template_forbidden", "too_costly": "template_too_large"}
_EMPTY_BODY = b"<w:body/>"
_START_TAG = re.compile(r"<w:body(?: xmlns:\w+=\"[^\"]*\")*>")


@dataclass(frozen=True)
class TemplateSource:
    """One templated part: its kind ("body", "story", "notes" or "core") and its Jinja source."""

    kind: str
    source: str


@dataclass(frozen=True)
class _Body:
    """The main part around its body: the bytes before and after, and the fixes it needs."""

    skeleton: etree._Element  # the w:document element with an empty w:body
    start_tag: str | None  # the body's start tag as docxtpl writes it, if only namespaces
    before: bytes
    after: bytes
    fix_tables: bool
    fix_docpr_ids: bool


def template_sources(package: ooxml.Package) -> dict[str, TemplateSource]:
    """The Jinja source of each part docxtpl renders, prepared as ``docxtpl_steps.prepare``.

    Parts without any tag are left out. Raises ``TemplateError`` for a malformed part.
    """
    helper = docxtpl_steps.helper()
    main = package.main_part()
    found = {main: ("body", helper.xml_to_string(_body(_parse(package, main))))}
    for rel in package.rels(main):
        if rel.type in (ooxml.RT_HEADER, ooxml.RT_FOOTER) and rel.target in package.blobs:
            found[rel.target] = ("story", helper.xml_to_string(_parse(package, rel.target)))
    for name in package.of_type(ooxml.CT_FOOTNOTES):
        found[name] = ("notes", _text(package, name))
    for name in package.of_type(ooxml.CT_CORE):
        found[name] = ("core", _text(package, name))
    sources = {}
    for name, (kind, xml) in found.items():
        source = docxtpl_steps.prepare(xml, kind)
        if any(opener in source for opener in _TAGGED):
            sources[name] = TemplateSource(kind, source)
    return sources


def _text(package: ooxml.Package, name: str) -> str:
    try:
        return package.blobs[name].decode("utf-8")
    except UnicodeDecodeError as e:
        raise TemplateError(f"Phần {name} của mẫu không ở mã UTF-8.", "template_invalid") from e


def _parse(package: ooxml.Package, name: str) -> etree._Element:
    try:
        return parse_xml(package.blobs[name])  # python-docx's parser, as docxtpl reads parts
    except (etree.XMLSyntaxError, ValueError) as e:
        raise TemplateError(f"Phần {name} của mẫu bị hỏng: {e}", "template_invalid") from e


def _body(document: etree._Element) -> etree._Element:
    body = document.find(qn("w:body"))
    if body is None:
        raise TemplateError("Mẫu không có phần thân văn bản (w:body).", "template_invalid")
    return body


class CompiledTemplate:
    """A template ready to render: compiled Jinja per templated part, fixed parts pre-zipped.

    Instances hold no per-render state, so one may serve many renders (and threads).
    """

    def __init__(self, sha256: str, package: ooxml.Package) -> None:
        self.sha256 = sha256
        main = package.main_part()
        if package.content_type(main) != ooxml.CT_MAIN:
            raise TemplateError("Tệp không phải văn bản Word .docx thường (có thể là .docm "
                                "chứa macro).", "not_docx")
        for finding in package_findings(package):
            where = f"{finding.location}: " if finding.location else ""
            raise TemplateError(f"Mẫu bị từ chối: {where}{finding.message}", finding.code)
        self._env = make_environment()
        sources = template_sources(package)
        self._body = self._prepare_body(package, main, sources[main].source) \
            if main in sources else None
        if self._body and self._body.start_tag:  # spliced in w:document: no namespaces needed
            body_source = sources[main].source.replace(self._body.start_tag, "<w:body>", 1)
            sources[main] = TemplateSource("body", body_source)
        self._parts = {name: (s.kind, *self._compile(name, s))
                       for name, s in sources.items()}
        self._dates = {i.filename: i.date_time for i in package.infos}
        names = sorted(package.names, key=lambda n: n != ooxml.CONTENT_TYPES)  # stable
        # The properties part is written per render when the caller gives the report's own.
        self._core_parts = {n: package.blobs[n] for n in package.of_type(ooxml.CT_CORE)}
        self._entries: list[ZipEntry | str] = [
            n if n in self._parts or n in self._core_parts
            else deflate(n, package.blobs[n], self._dates[n], STATIC_LEVEL)
            for n in names]

    def _compile(self, name: str, part: TemplateSource) -> tuple[jinja2.Template, bool]:
        """The compiled part, and whether ``template_xml`` vouches for its output; raises
        ``TemplateError`` whatever compiling it raised."""
        try:
            with translated(name):
                tree = self._env.parse(part.source)
                if part.kind != "core":  # docxtpl rewrites its escapes in Word parts only
                    docxtpl_steps.join_lines(docxtpl_steps.unescape_braces(tree))
                for finding in ast_findings(tree) + loop_cost_findings(tree):
                    raise TemplateError(f"Mẫu báo cáo ({name}): {finding.message}",
                                        _STATIC_CODES.get(finding.code, "template_forbidden"))
                vouched = template_xml.vouched_template(tree)  # before compiling rewrites it
                return self._env.from_string(tree), vouched
        except TemplateError:
            raise
        except Exception as e:  # a template no compiler step should be able to refuse
            raise TemplateError(f"Mẫu báo cáo ({name}) không biên dịch được: "
                                f"{type(e).__name__}: {e}", "template_uncompilable") from e

    def _prepare_body(self, package: ooxml.Package, main: str, source: str) -> _Body:
        document = _parse(package, main)
        body = _body(document)
        start = _START_TAG.match(docxtpl_steps.helper().xml_to_string(body))
        for child in list(body):
            body.remove(child)
        body.attrib.clear()
        before, found, after = serialize_part_xml(document).partition(_EMPTY_BODY)
        if not found:  # docxtpl's patterns also need the usual "w:" prefix
            raise TemplateError("Mẫu không dùng tiền tố w: quen thuộc cho WordprocessingML.",
                                "template_invalid")
        return _Body(document, start and start.group(), before, after,
                     grid_may_change(source), "docPr" in source)

    def render(self, context: dict, core: bytes | None = None) -> bytes:
        """The .docx for ``context`` (plain data: see ``render.sanitize``).

        ``core``, when given, is the document-properties part (``docProps/core.xml``) to
        write instead of the template's: an issued report carries its own title, author and
        dates, never those of whoever made the template. Raises ``TemplateError``:
        ``template_forbidden``, ``template_undefined``, ``template_value``,
        ``template_too_large`` or ``template_xml``.
        """
        budget = RenderBudget()
        rendered = {}
        for name, (kind, template, vouched) in self._parts.items():
            with translated(name):
                budget.unvouched = False
                data = budget.render_utf8(template, context)
                rendered[name] = self._finish(kind, data, vouched and not budget.unvouched)
        for name, blob in self._core_parts.items():
            rendered[name] = core if core is not None else rendered.get(name, blob)
        return write_zip(
            e if isinstance(e, ZipEntry) else deflate(e, rendered[e], self._dates[e],
                                                      RENDERED_LEVEL)
            for e in self._entries)

    def _finish(self, kind: str, data: bytes, vouched: bool) -> list[bytes | memoryview]:
        """The part from its rendered XML (UTF-8), as pieces ``deflate`` takes; ``vouched``
        when ``template_xml`` proved it well-formed for this render (its template, and every
        value it printed)."""
        pieces: list[bytes | memoryview] = [data]
        changed: list[bytes] | None = []
        if kind != "core":
            pieces, changed = docxtpl_steps.finish_utf8(data)
        if not (vouched and changed is not None and template_xml.balanced(changed)):
            check_well_formed(pieces)  # docxtpl would repair it with lxml's recover=True
        if kind == "body" and (self._body.fix_tables or self._body.fix_docpr_ids):
            return [docxtpl_steps.fixed_body(b"".join(pieces).decode("utf-8"),
                                             self._body.start_tag, self._body.skeleton,
                                             self._body.fix_docpr_ids)]
        if kind == "body":  # python-docx would write the same elements (see docxtpl_steps)
            return [self._body.before, *pieces, self._body.after]
        if kind == "story":  # docxtpl's XmlPart.load drops the declaration; save adds it
            return [ooxml.XML_DECLARATION, *pieces]
        return pieces  # footnotes and core.xml keep the declaration they had


def compile_template(data: bytes) -> CompiledTemplate:
    """Compile the .docx ``data``; raises ``TemplateError`` (bad package, syntax, forbidden)."""
    return CompiledTemplate(hashlib.sha256(data).hexdigest(), ooxml.read_package(data))


_compiled: OrderedDict[str, CompiledTemplate] = OrderedDict()
_file_hashes: dict[tuple, str] = {}
_lock = threading.Lock()


def load_template(template: Path | str | bytes) -> CompiledTemplate:
    """The compiled form of ``template`` (a path or .docx bytes), compiled at most once.

    A file is recognised by (path, mtime, size) → SHA-256, so replacing it is noticed on the
    next call. Raises ``TemplateError`` when the file cannot be read or compiled.
    """
    if isinstance(template, bytes):
        return _by_hash(hashlib.sha256(template).hexdigest(), template)
    path = Path(template)
    try:
        before = path.stat()
        key = (str(path.resolve()), before.st_mtime_ns, before.st_size)
        with _lock:
            digest = _file_hashes.get(key)
            if digest in _compiled:
                _compiled.move_to_end(digest)
                return _compiled[digest]
        data = path.read_bytes()
        unchanged = path.stat().st_mtime_ns == before.st_mtime_ns
    except OSError as e:
        raise TemplateError(f"Không đọc được tệp mẫu {path.name}: {e.strerror}",
                            "template_unreadable") from e
    digest = hashlib.sha256(data).hexdigest()
    if unchanged:
        with _lock:
            if len(_file_hashes) > 4 * CACHE_SIZE:  # stale keys of replaced files
                _file_hashes.clear()
            _file_hashes[key] = digest
    return _by_hash(digest, data)


def _by_hash(digest: str, data: bytes) -> CompiledTemplate:
    with _lock:
        if digest in _compiled:
            _compiled.move_to_end(digest)
            return _compiled[digest]
    compiled = CompiledTemplate(digest, ooxml.read_package(data))  # outside the lock: slow
    with _lock:
        _compiled[digest] = compiled
        while len(_compiled) > CACHE_SIZE:
            _compiled.popitem(last=False)
    return compiled
