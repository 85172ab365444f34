"""Opening a .docx for the checker, with the parts a template fixes parsed once per process.

The render copies the styles, settings, numbering and page header/footer parts of a template
unchanged into every document it makes, and parsing ``styles.xml`` (some 350 kB of XML) alone
costs more than the render. ``open_document`` therefore opens the package exactly as
``docx.Document`` does (python-docx's own reader, part classes and parser, the same errors for
an unreadable file), except that a part of one of those content types whose bytes have been
parsed before gets the tree parsed then instead of a new one.

What is cached, keyed by what, bounded how:

- ``_PARTS``: the parsed root element (and the python-docx part class made for it) of each
  styles, settings, numbering, header and footer part, keyed by (content type, relationship
  type, the part's bytes). The key is the complete bytes, compared in full on every hit, so
  a part that differs in a single byte (a margin, a font, a style) is parsed anew: a cached
  tree is only ever reused for a byte-identical part. Least recently used entries are
  dropped beyond ``MAX_PARTS`` entries or ``MAX_BYTES`` bytes of XML (a parsed tree takes
  about 13 times its XML); a part larger than ``MAX_BYTES`` is not kept.
- Each entry also carries ``memo``, a dict for results that depend on that part alone (the
  style index of ``styles.StyleSheet``); it lives and dies with the entry.

The trees are shared between checks, so the checker must only read them: nothing in this
package changes a styles, settings, numbering, header or footer element (the one tree it
changes, the body of ``document.xml``, is always parsed anew).
"""

from __future__ import annotations

import io
import zipfile
from collections import OrderedDict
from dataclasses import dataclass, field

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.opc.package import Unmarshaller
from docx.opc.part import PartFactory, XmlPart
from docx.opc.pkgreader import PackageReader
from docx.package import Package
from lxml import etree

from tasks.report.conformance.model import ConformanceError

# The parts the render copies from the template as they are.
SHARED_TYPES = frozenset({CT.WML_STYLES, CT.WML_SETTINGS, CT.WML_NUMBERING, CT.WML_HEADER,
                          CT.WML_FOOTER})
# python-docx's parser options (``docx.oxml.parser.oxml_parser``) without its element
# classes: the checker reads the body with the lxml API only, and plain elements are cheaper.
_PLAIN = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
MAX_PARTS = 64
MAX_BYTES = 4 * 1024 * 1024


@dataclass
class SharedPart:
    """One parsed part kept between checks: its python-docx class, root element, and the
    results derived from it alone."""

    cls: type
    element: object
    size: int
    memo: dict = field(default_factory=dict)


_PARTS: OrderedDict[tuple[str, str, bytes], SharedPart] = OrderedDict()
_BYTES = 0


def clear_cache() -> None:
    """Forget every parsed part (and what was derived from it)."""
    global _BYTES
    _PARTS.clear()
    _BYTES = 0


def cache_info() -> dict:
    """How many parts and bytes of XML the cache holds now."""
    return {"parts": len(_PARTS), "bytes": _BYTES}


def _remember(key: tuple[str, str, bytes], entry: SharedPart) -> None:
    global _BYTES
    if entry.size > MAX_BYTES:
        return
    _PARTS[key] = entry
    _BYTES += entry.size
    while len(_PARTS) > MAX_PARTS or _BYTES > MAX_BYTES:
        _key, dropped = _PARTS.popitem(last=False)
        _BYTES -= dropped.size


def _loads_by_parsing(cls: type) -> bool:
    """True for a part class whose ``load`` is ``XmlPart.load``: parse the bytes, then call
    the class with the root element."""
    return issubclass(cls, XmlPart) and getattr(cls.load, "__func__", None) is \
        XmlPart.load.__func__


def _shares(part) -> bool:
    """True for a part whose tree can stand for every part of the same bytes."""
    return _loads_by_parsing(type(part))


def _part_class(content_type: str, reltype: str) -> type:
    """The class python-docx's ``PartFactory`` makes a part of (its own selection)."""
    selector = PartFactory.part_class_selector
    cls = selector(content_type, reltype) if selector is not None else None
    return cls if cls is not None else PartFactory._part_cls_for(content_type)


class _Opened:
    """The part factory of one opening: python-docx's, with shared parts reused."""

    def __init__(self) -> None:
        self.memos: dict[int, dict] = {}  # id(root element) → memo, for this document

    def __call__(self, partname, content_type, reltype, blob, package):
        if content_type == CT.WML_DOCUMENT_MAIN:
            cls = _part_class(content_type, reltype)
            if _loads_by_parsing(cls):
                # Parsed with python-docx's parser options into plain lxml elements.
                return cls(partname, content_type, etree.fromstring(blob, _PLAIN), package)
        if content_type not in SHARED_TYPES:
            return PartFactory(partname, content_type, reltype, blob, package)
        key = (content_type, reltype, bytes(blob))
        entry = _PARTS.get(key)
        if entry is not None and id(entry.element) in self.memos:
            # Two parts of one document with the same bytes (the main section's page header
            # and the appendix's): each keeps a tree of its own, as the rules tell parts
            # apart by their root element.
            return PartFactory(partname, content_type, reltype, blob, package)
        if entry is None:
            part = PartFactory(partname, content_type, reltype, blob, package)
            if not _shares(part):
                return part
            entry = SharedPart(type(part), part.element, len(blob))
            _remember(key, entry)
        else:
            _PARTS.move_to_end(key)
            part = entry.cls(partname, content_type, entry.element, package)
        self.memos[id(entry.element)] = entry.memo
        return part


def open_document(data: bytes):
    """(the python-docx Document of ``data``, {id(root element): memo} of its shared parts).

    Raises ``ConformanceError`` when ``data`` is unreadable, as ``docx.Document`` fails."""
    stream = io.BytesIO(data)
    factory = _Opened()
    try:
        reader = PackageReader.from_file(stream)
        package = Package()
        Unmarshaller.unmarshal(reader, package, factory)
        document_part = package.part_related_by(RT.OFFICE_DOCUMENT)
        if document_part.content_type != CT.WML_DOCUMENT_MAIN:
            raise ValueError(f"file '{stream}' is not a Word file, content type is "
                             f"'{document_part.content_type}'")
        document = document_part.document
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
            etree.XMLSyntaxError) as e:
        raise ConformanceError(f"Không đọc được tệp Word (.docx): {e}") from e
    return document, factory.memos
