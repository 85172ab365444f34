"""What surrounds one render of a template: the output budget, docxtpl's text fixes, errors.

Jinja, lxml and docxtpl errors are turned into ``TemplateError`` here, at the seam, each
with a stable code and a Vietnamese message naming the part of the .docx concerned.
"""

from __future__ import annotations

import pyexpat
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice

import jinja2
from docxtpl import DocxTemplate
from jinja2.sandbox import SecurityError
from lxml import etree

from tasks.report.errors import TemplateError

# RELIABILITY.md T3: a small template can loop its way to gigabytes; stop at 50 MB of XML.
MAX_OUTPUT_CHARS = 50_000_000
_BATCH = 512
_BRACES = (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}"))
_LISTING_CHARS = "\n\t\f\a"


def docxtpl_helper() -> DocxTemplate:
    """A DocxTemplate without a document, for its XML functions (patch_xml, fix_tables …)."""
    return DocxTemplate(None)


class OutputBudget:
    """The characters one render may still produce, shared by all the parts of a document."""

    def __init__(self, limit: int | None = None) -> None:
        self.left = MAX_OUTPUT_CHARS if limit is None else limit

    def render(self, template: jinja2.Template, context: dict) -> str:
        """``template`` rendered; raises ``TemplateError`` (``template_too_large``) past budget."""
        chunks: list[str] = []
        stream = template.generate(context)
        try:
            # Batches keep the counting out of the per-chunk path: islice and map run in C.
            while batch := list(islice(stream, _BATCH)):
                self.left -= sum(map(len, batch))
                if self.left < 0:
                    raise TemplateError(
                        f"Mẫu báo cáo tạo ra văn bản quá lớn (trên {MAX_OUTPUT_CHARS // 10**6} "
                        "triệu ký tự); kiểm tra các vòng lặp của mẫu.", "template_too_large")
                chunks += batch
        finally:
            stream.close()
        return "".join(chunks)


def finish_wordml(xml: str) -> str:
    """docxtpl's render_xml_part after rendering: paragraph lines joined, ``{_{`` → ``{{``,
    and "\\n", "\\t", "\\f", "\\a" in values turned into Word breaks, tabs and paragraphs."""
    # docxtpl removes with the regex r"\n<w:p([ >])"; a plain replace does the same here
    # (autoescaped values cannot hold "<", and the part XML has no other line breaks) at a
    # third of the cost.
    xml = xml.replace("\n<w:p", "<w:p")
    for escaped, plain in _BRACES:
        if escaped in xml:
            xml = xml.replace(escaped, plain)
    # resolve_listing rewrites every paragraph with regexes (~14 ms for 200 units); when none
    # of the characters it converts is present its result equals its input, so skip it.
    if any(ch in xml for ch in _LISTING_CHARS):
        xml = docxtpl_helper().resolve_listing(xml)
    return xml


def check_well_formed(data: bytes) -> None:
    """Raise ``pyexpat.ExpatError`` unless ``data`` is one well-formed XML document.

    Expat without handlers checks about twice as fast as lxml builds a tree; a DOCTYPE
    (never needed in OOXML, the door to entity bombs) is refused.
    """
    parser = pyexpat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.Parse(data, True)


def _refuse_doctype(*_args) -> None:
    raise pyexpat.ExpatError("DOCTYPE is not allowed in a Word part")


@contextmanager
def translated(part: str) -> Iterator[None]:
    """Turn what Jinja, lxml or a filter raise while handling ``part`` into ``TemplateError``."""
    where = f"Mẫu báo cáo ({part})"
    try:
        yield
    except TemplateError:
        raise
    except SecurityError as e:
        raise TemplateError(f"{where} dùng thao tác bị cấm: {e}", "template_forbidden") from e
    except jinja2.UndefinedError as e:
        raise TemplateError(f"{where} dùng biến không có: {e.message}",
                            "template_undefined") from e
    except jinja2.TemplateSyntaxError as e:
        raise TemplateError(f"{where} sai cú pháp ở dòng {e.lineno}: {e.message}",
                            "template_syntax") from e
    except RecursionError as e:
        raise TemplateError(f"{where} lồng khối quá sâu.", "template_too_complex") from e
    except OverflowError as e:
        raise TemplateError(f"{where} tạo ra số hoặc dãy quá lớn: {e}",
                            "template_too_large") from e
    except (etree.XMLSyntaxError, pyexpat.ExpatError) as e:
        raise TemplateError(f"{where} tạo ra XML hỏng: {e}", "template_xml") from e
    except (jinja2.TemplateError, ValueError, TypeError, ArithmeticError, LookupError) as e:
        raise TemplateError(f"{where} không hiển thị được giá trị: {e}",
                            "template_value") from e
