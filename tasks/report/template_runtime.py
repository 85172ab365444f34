"""What surrounds one render of a template: the XML check of its output and its errors.

The check parses a rendered part unless ``template_xml`` has proved it well-formed for that
render (``template_engine.CompiledTemplate._finish``); either way a part that is not one
well-formed XML document is refused.

Jinja, Python's compiler, lxml and docxtpl errors are turned into ``TemplateError`` here, at
the seam, each with a stable code and a Vietnamese message naming the part of the .docx
concerned.
"""

from __future__ import annotations

import pyexpat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import jinja2
from jinja2.sandbox import SecurityError
from lxml import etree

from tasks.report.errors import TemplateError


def check_well_formed(data: bytes | Sequence[bytes | memoryview]) -> None:
    """Raise ``pyexpat.ExpatError`` unless ``data`` (or its pieces, joined) is one well-formed
    XML document.

    Expat without handlers checks about twice as fast as lxml builds a tree; a DOCTYPE
    (never needed in OOXML, the door to entity bombs) is refused.
    """
    parser = pyexpat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    for piece in (data,) if isinstance(data, bytes) else data:
        parser.Parse(piece, False)
    parser.Parse(b"", True)


def _refuse_doctype(*_args) -> None:
    raise pyexpat.ExpatError("DOCTYPE is not allowed in a Word part")


@contextmanager
def translated(part: str) -> Iterator[None]:
    """Turn what Jinja, Python, lxml or a filter raise while compiling or rendering ``part``
    into ``TemplateError``."""
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
    except (RecursionError, SyntaxError) as e:
        # Python's own compiler gives up on deep nesting ("too many statically nested
        # blocks", IndentationError "too many levels of indentation") after Jinja's parser.
        raise TemplateError(f"{where} lồng khối quá sâu ({type(e).__name__}: {e}).",
                            "template_too_complex") from e
    except MemoryError as e:
        raise TemplateError(f"{where} cần quá nhiều bộ nhớ (vượt giới hạn của tiến trình lập "
                            "báo cáo).", "template_too_large") from e
    except OverflowError as e:
        raise TemplateError(f"{where} tạo ra số hoặc dãy quá lớn: {e}",
                            "template_too_large") from e
    except (etree.XMLSyntaxError, pyexpat.ExpatError) as e:
        raise TemplateError(f"{where} tạo ra XML hỏng: {e}", "template_xml") from e
    except (jinja2.TemplateError, ValueError, TypeError, ArithmeticError, LookupError,
            AttributeError) as e:
        raise TemplateError(f"{where} không hiển thị được giá trị: {e}",
                            "template_value") from e
