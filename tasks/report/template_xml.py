"""Whether a rendered part is well-formed XML, decided from its template once, so that most
renders need no parser.

Every rendered part must be one well-formed XML document (``template_runtime`` refuses
anything else as ``template_xml``). Parsing the output of each render costs about as much as
deflating it. For most templates that parse is decided in advance: ``vouched_template`` proves,
once per template version, that the part is well-formed **whatever the data**, provided every
``{{ … }}`` prints text ``template_builtins.output`` vouches for (escaped text, or markup
without ``< > & " '``; neither with a "]" nor a character XML cannot hold). ``output`` checks
that as it prints each value and notes any other on the render's budget (``unvouched``); the
engine then parses the part as before. So a render skips the parser only when the proof holds
for its template and every value it printed was vouched for, and the outputs refused are
exactly those the parser refuses.

The proof. The part's template is a list of statements; each ``{{ … }}`` is a *hole*, each
``if``/``for``/``with`` a *block* whose bodies are lists of statements too. The *skeleton* of
a list is its text with each hole replaced by ``HOLE`` (a private-use character) and each
block by an empty element ``<MARKER/>``. The template is vouched for when:

1. the part's skeleton is a well-formed document, and the skeleton of each block body, inside
   ``<MARKER>`` … ``</MARKER>``, is a well-formed document too (so each body is balanced
   content: elements closed in it, no partial tag or reference at either end);
2. in each skeleton every ``MARKER`` is parsed as an element (a block stands where an element
   may, not in a tag, an attribute or a comment) and every ``HOLE`` as text or in an
   attribute value; no skeleton holds a comment, CDATA section, processing instruction or
   document type;
3. no text of the template holds ``HOLE`` or ``MARKER``, or ends with "]";
4. it has no statement that writes output other than through ``{{ … }}`` with autoescaping:
   only output, ``if``, ``for``, ``with``, ``set`` (and ``set`` … ``endset``) and macro
   definitions (a macro's output is printed through ``{{ … }}`` and checked there); no
   ``call``, ``filter``, ``autoescape``, ``block``, ``include``, ``import``, ``extends``.

Then any output is well-formed: it is the skeleton with each marker replaced by zero or more
expansions of the block's bodies and each hole by vouched text. By induction on the nesting,
each body expands to balanced content (1, 2), and putting balanced content where an element
may stand, or vouched text where text or an attribute value may stand, keeps a document
well-formed: vouched text has no "<", no quote, and "&" only in references. Text can only go
wrong across a junction as "]]>", which needs a piece ending with "]" (3; vouched text has no
"]"). A comment or CDATA section, which could hide markup, cannot appear: the template has none
(2) and vouched text holds no "<".

docxtpl's steps after Jinja keep this (``docxtpl_steps.finish_utf8``): the line break removed
before each ``<w:p`` is text before a start tag (every "<" of such an output starts a tag);
and ``resolve_listing`` rewrites whole paragraphs, each from a ``<w:p`` start tag to the
``</w:p>`` end tag where docxtpl's expression stops. ``balanced`` checks each paragraph it
changed, before and after, as a fragment; replacing balanced content by balanced content keeps
the document well-formed. When a paragraph is not balanced (a paragraph nested in another's
text box), the part is parsed.
"""

from __future__ import annotations

import pyexpat

from jinja2 import nodes

HOLE = "\ue000"
MARKER = "rg-block"
_MARKER_UTF8 = MARKER.encode()
_SILENT = (nodes.Assign, nodes.AssignBlock, nodes.Macro)


class _Unproved(Exception):
    pass


class _Skeleton:
    """A statement list's skeleton, and how many holes and markers it has."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.holes = 0
        self.blocks = 0


def vouched_template(tree: nodes.Template) -> bool:
    """Whether every output of the part compiled from ``tree`` is well-formed XML when every
    ``{{ … }}`` prints vouched text (see the module docstring). Call before compiling."""
    bodies: list[_Skeleton] = []
    try:
        top = _skeleton(tree.body, bodies)
    except _Unproved:
        return False
    if not _parses("".join(top.pieces), top):
        return False
    return all(_parses(f"<{MARKER}>{''.join(body.pieces)}</{MARKER}>", body, 1)
               for body in bodies)


def _skeleton(statements: list[nodes.Node], bodies: list[_Skeleton]) -> _Skeleton:
    found = _Skeleton()
    for node in statements:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    if HOLE in child.data or MARKER in child.data or child.data.endswith("]"):
                        raise _Unproved
                    found.pieces.append(child.data)
                else:
                    found.pieces.append(HOLE)
                    found.holes += 1
        elif isinstance(node, nodes.If | nodes.For | nodes.With | nodes.Scope):
            for body in _bodies(node):
                bodies.append(_skeleton(body, bodies))
            found.pieces.append(f"<{MARKER}/>")
            found.blocks += 1
        elif not isinstance(node, _SILENT):
            raise _Unproved
    return found


def _bodies(node: nodes.Node) -> list[list[nodes.Node]]:
    if isinstance(node, nodes.If):
        found = [node.body, node.else_]
        for branch in node.elif_:
            found += _bodies(branch)
        return found
    if isinstance(node, nodes.For):
        return [node.body, node.else_]
    return [node.body]


def _parses(xml: str | bytes, skeleton: _Skeleton, wrappers: int = 0) -> bool:
    """Whether ``xml`` is well-formed with each marker an element and each hole in text or an
    attribute value, and nothing that could hide markup (comments, CDATA, PIs, DOCTYPE)."""
    seen = {"holes": 0, "blocks": -wrappers, "hidden": 0}

    def start(name, attributes):
        if name == MARKER:
            seen["blocks"] += 1
        seen["holes"] += sum(value.count(HOLE) for value in attributes.values())

    def text(data):
        seen["holes"] += data.count(HOLE)

    def hidden(*_args):
        seen["hidden"] += 1

    parser = pyexpat.ParserCreate()
    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.CommentHandler = parser.StartCdataSectionHandler = hidden
    parser.ProcessingInstructionHandler = parser.StartDoctypeDeclHandler = hidden
    try:
        parser.Parse(xml.encode("utf-8") if isinstance(xml, str) else xml, True)
    except (pyexpat.ExpatError, UnicodeEncodeError):
        return False
    return seen == {"holes": skeleton.holes, "blocks": skeleton.blocks, "hidden": 0}


def balanced(fragments: list[bytes]) -> bool:
    """Whether each of ``fragments`` (UTF-8) is balanced content: well-formed inside one
    element, with no comment, CDATA section or processing instruction."""
    return all(_parses(b"<%s>%s</%s>" % (_MARKER_UTF8, fragment, _MARKER_UTF8), _Skeleton(), 1)
               for fragment in fragments)
