"""Lint rules on the tags of one part: syntax, block balance, placement, forbidden and costly code.

Each tag is checked on its own (a block opener with its end added), so a finding names the
paragraph or cell where the officer typed the tag, not a line of generated XML.
"""

from __future__ import annotations

import re

import jinja2
from jinja2 import nodes

from tasks.report.errors import Finding
from tasks.report.template_ast import ast_findings
from tasks.report.template_tags import Tag

BLOCKS = {"if", "for", "with", "filter", "macro", "call", "autoescape", "block", "raw"}
# Cell tags docxtpl itself turns into XML before Jinja sees the part (merges, span, shading).
DOCXTPL_TAGS = {"vm", "hm", "colspan", "cellbg"}
MAX_LOOP_DEPTH = 3
MAX_BLOCK_DEPTH = 30  # far beyond any report; deeper nesting exhausts Jinja's parser
_KEYWORD = re.compile(r"\{%[-+]?\s*(\w+)")


def keyword(tag: Tag) -> str | None:
    """The statement keyword of a ``{% … %}`` tag ("if", "endfor" …); None for other tags."""
    match = _KEYWORD.match(tag.jinja)
    return match.group(1) if match else None


def _opens_block(tag: Tag, word: str | None) -> bool:
    return word in BLOCKS or (word == "set" and "=" not in tag.jinja)


def check_tags(tags: list[Tag], env: jinja2.Environment) -> tuple[list[Finding], dict]:
    """Findings on ``tags`` one by one and on their nesting, and where each name is first used."""
    findings, names = [], {}
    for tag in tags:
        findings += _placement(tag)
        tree = _compiled(tag, env, findings)
        if tree is None:
            continue
        findings += [Finding(f.code, f"Thẻ «{tag.text}»: {f.message}", location=tag.location)
                     for f in ast_findings(tree)]
        for name in tree.find_all(nodes.Name):
            if name.ctx == "load":
                names.setdefault(name.name, tag.location)
    return findings + check_nesting(tags), names


def _placement(tag: Tag) -> list[Finding]:
    if tag.alone:
        return []
    where = {"p": "đoạn văn", "tr": "hàng của bảng", "tc": "ô của bảng"}[tag.prefix]
    return [Finding("control_tag_misplaced",
                    f"Thẻ «{tag.text}» phải đứng một mình trong {where}; chữ khác trong "
                    f"{where} đó sẽ bị xóa khi lập báo cáo.", location=tag.location)]


def _compiled(tag: Tag, env: jinja2.Environment, findings: list) -> nodes.Template | None:
    word = keyword(tag)
    if tag.jinja.startswith("{#") or (word or "").startswith("end") or word in DOCXTPL_TAGS:
        return None  # left to the check of the whole part
    source = tag.jinja
    if _opens_block(tag, word):
        source += "{% end" + word + " %}"
    elif word in ("elif", "else"):
        source = "{% if true %}" + source + "{% endif %}"
    try:
        tree = env.parse(source)
        env.compile(tree)  # unknown filters and tests are found here
    except jinja2.TemplateSyntaxError as e:
        findings.append(Finding("jinja_syntax", f"Thẻ «{tag.text}» sai cú pháp: {e.message}",
                                location=tag.location))
        return None
    except RecursionError:
        findings.append(Finding("too_costly", f"Thẻ «{tag.text}» lồng quá sâu.",
                                location=tag.location))
        return None
    return tree


def check_nesting(tags: list[Tag]) -> list[Finding]:
    """Blocks opened and not closed (or closed twice), else/elif astray, loops nested > 3."""
    findings, stack = [], []
    for tag in tags:
        word = keyword(tag)
        if word is None:
            continue
        if _opens_block(tag, word):
            stack.append((word, tag))
            findings += _depth(stack, tag)
        elif word in ("elif", "else"):
            allowed = ("if",) if word == "elif" else ("if", "for")
            if not stack or stack[-1][0] not in allowed:
                findings.append(Finding(
                    "unbalanced_block", f"Thẻ «{tag.text}» không nằm trong khối "
                    f"{' hay '.join(allowed)} nào.", location=tag.location))
        elif word.startswith("end"):
            findings += _close(stack, word[3:], tag)
    return findings + [_unclosed(word, tag) for word, tag in stack]


def _depth(stack: list, tag: Tag) -> list[Finding]:
    loops = sum(1 for word, _ in stack if word == "for")
    if stack[-1][0] == "for" and loops > MAX_LOOP_DEPTH:
        return [Finding("too_costly", f"Thẻ «{tag.text}» lồng {loops} vòng lặp; tối đa "
                                      f"{MAX_LOOP_DEPTH}.", location=tag.location)]
    if len(stack) == MAX_BLOCK_DEPTH + 1:
        return [Finding("too_costly", f"Các khối lồng nhau quá {MAX_BLOCK_DEPTH} tầng.",
                        location=tag.location)]
    return []


def _close(stack: list, word: str, tag: Tag) -> list[Finding]:
    if not any(open_word == word for open_word, _ in stack):
        return [Finding("unbalanced_block", f"Thẻ «{tag.text}» không có thẻ mở khối "
                                            f"«{word}» tương ứng ở trước.", location=tag.location)]
    findings = []
    while stack[-1][0] != word:
        findings.append(_unclosed(*stack.pop()))
    stack.pop()
    return findings


def _unclosed(word: str, tag: Tag) -> Finding:
    return Finding("unbalanced_block", f"Khối «{word}» mở bằng thẻ «{tag.text}» chưa được "
                                       f"đóng (thiếu thẻ end{word}).", location=tag.location)
