"""The top-level names a Word template reads from its context, found without rendering it."""

from __future__ import annotations

import jinja2
from jinja2 import meta

from tasks.report import ooxml
from tasks.report.errors import TemplateError
from tasks.report.template_engine import template_sources
from tasks.report.template_env import make_environment


def used_names(data: bytes) -> list[tuple[str, str]]:
    """(part, name) for each top-level name a part of the .docx ``data`` reads from its
    context (the sandbox's own globals, such as ``range``, left out), sorted.

    Raises ``TemplateError`` for a file that is not a usable .docx or a part Jinja cannot
    parse (``template_syntax``).
    """
    env = make_environment()
    found = set()
    for part, source in template_sources(ooxml.read_package(data)).items():
        try:
            names = meta.find_undeclared_variables(env.parse(source.source))
        except jinja2.TemplateSyntaxError as e:  # an unknown filter is one too
            raise TemplateError(f"Mẫu báo cáo ({part}) sai cú pháp ở dòng {e.lineno}: "
                                f"{e.message}", "template_syntax") from e
        found.update((part, name) for name in names if name not in env.globals)
    return sorted(found)
