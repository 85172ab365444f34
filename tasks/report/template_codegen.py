"""The Python report templates compile to: Jinja 3.1's code generator with three changes that
make each ``{{ … }}`` and each stretch of text cheaper to run, for the same output.

1. One ``yield`` per output statement. Jinja yields each piece of an ``Output`` node (a run
   of the template's text, each ``{{ … }}``) on its own; a table row of 15 cells made 31
   yields. Here the pieces are put in a tuple and joined with ``concat`` (Jinja's own local
   ``"".join``), as Jinja itself writes them into a buffer inside macros and captures. Exact
   because a tuple display evaluates its items left to right, as the separate yields did; an
   error in one piece ends the render either way, so nothing yielded before it reaches a
   document; and the render's output budget counts the same characters, in fewer and larger
   chunks (each at most one statement's text and values: ``RenderBudget.render``).
2. ``{{ value }}`` is written as ``output(value)`` instead of
   ``escape(environment.finalize(context.eval_ctx, value))``: ``template_builtins.output``,
   one call that does the same (and notes text ``template_xml`` cannot vouch for), bound to a
   local of the root and block functions (``write_commons``; every other function a template
   compiles to is nested in one of those). Only where autoescaping is on when the template
   compiles, as it always is in this environment unless an ``{% autoescape %}`` block turns
   it off or makes it depend on a run-time value: there Jinja's own code is written.
3. ``name.attr``, where ``attr`` is not the name of a dict method (``DICT_ATTRIBUTES``), is
   written as ``(l_name['attr'] if type(l_name) is dict and 'attr' in l_name else
   environment.getattr(l_name, 'attr'))``: a plain dict's key without a call, which is what
   the sandbox's ``getattr`` answers for such a name (``template_env.ReportSandbox.getattr``:
   a dict has no other attributes than its type's). Anything else (another type, a missing
   key, a name not defined, which Jinja holds as ``missing``) goes to the sandbox as before.
   Only for a variable, whose ``l_name`` is a local of the compiled function: reading it
   twice costs nothing and does nothing.

Anything else (extends, a volatile evaluation context, the optimizer, async) is Jinja's own
code. Relies on Jinja 3.1's ``CodeGenerator`` (``write_commons``, ``_make_finalize``,
``_output_child_to_const``, ``_output_child_pre``/``_post``, ``frame.symbols.ref``), pinned
in pyproject.toml; ``tests/report/test_template_codegen.py`` covers each change.
"""

from __future__ import annotations

import typing as t

from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame

# Every name ``getattr`` finds on a dict: the type's attributes (a dict instance has no
# ``__dict__`` of its own). Any other name of a dict is looked up as a key.
DICT_ATTRIBUTES = frozenset(dir(dict))


class ReportCodeGenerator(CodeGenerator):
    """Jinja's code generator with joined output statements, one call per ``{{ … }}`` and
    dict keys read in place."""

    def write_commons(self) -> None:
        """Jinja's preamble of the root and block functions (every other function the
        template compiles to is nested in one), and ``output`` as a local there."""
        super().write_commons()
        self.writeline("output = environment.output")

    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        if not isinstance(node.node, nodes.Name) or node.node.ctx != "load" \
                or node.attr in DICT_ATTRIBUTES or self.environment.is_async \
                or self.optimizer is not None:
            super().visit_Getattr(node, frame)
            return
        ref, key = frame.symbols.ref(node.node.name), repr(node.attr)
        self.write(f"({ref}[{key}] if type({ref}) is dict and {key} in {ref} else ")
        super().visit_Getattr(node, frame)
        self.write(")")

    def _plain(self, frame: Frame) -> bool:
        return frame.eval_ctx.autoescape and not frame.eval_ctx.volatile

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize) -> None:
        if self._plain(frame):
            self.write("output(")
        else:
            super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize) -> None:
        if self._plain(frame):
            self.write(")")
        else:
            super()._output_child_post(node, frame, finalize)

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:
        if frame.buffer is not None or frame.require_output_check:
            super().visit_Output(node, frame)
            return
        finalize = self._make_finalize()
        body: list[t.Any] = []  # as Jinja: runs of constant text, and nodes run at render
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            if body and isinstance(body[-1], list):
                body[-1].append(const)
            else:
                body.append([const])
        if len(body) < 2:
            super().visit_Output(node, frame)
            return
        self.writeline("yield concat((")
        self.indent()
        for item in body:
            if isinstance(item, list):
                self.writeline(self._output_const_repr(item) + ",")
            else:
                self.newline(item)
                self._output_child_pre(item, frame, finalize)
                self.visit(item, frame)
                self._output_child_post(item, frame, finalize)
                self.write(",")
        self.outdent()
        self.writeline("))")
