"""What one paragraph must look like (size, weight, slant, case, alignment) and the check."""

from __future__ import annotations

from dataclasses import dataclass

from tasks.report.conformance.layout import Layout
from tasks.report.conformance.model import pt
from tasks.report.conformance.styles import StyleSheet
from tasks.report.conformance.text import is_upper, paragraph_text, run_text, runs, text_runs
from tasks.report.errors import Finding

_ALIGN_NAMES = {"center": "căn giữa", "both": "căn đều hai bên", "left": "căn trái"}


@dataclass(frozen=True)
class Spec:
    """Expected look of a paragraph; None means "not checked".

    ``what`` names the element in messages ("Tên cơ quan ban hành"); ``sizes`` is the
    inclusive range in points; ``caps`` wants every letter upper case (typed or by the caps
    property); ``align`` is a ``w:jc`` value, "both" also accepting "distribute".
    """

    what: str
    sizes: tuple[float, float] | None = None
    bold: bool | None = None
    italic: bool | None = None
    caps: bool | None = None
    align: str | None = None


def check_paragraph(layout: Layout, p, spec: Spec, element: str | None = None) -> list[Finding]:
    """Every way paragraph ``p`` differs from ``spec``, at most one finding per aspect."""
    styles, element = layout.styles, element or layout.name(p)
    where = layout.where(p)
    printed = text_runs(p)
    found = []

    def add(code: str, message: str) -> None:
        found.append(Finding(code, message, element, where))

    if spec.sizes is not None:
        sizes = sorted({styles.size(r, p) for r in printed})
        low, high = spec.sizes
        wrong = [s for s in sizes if not low <= s <= high]
        if wrong:
            want = pt(low) if low == high else f"{pt(low)}–{pt(high)}"
            add("format.size", f"{spec.what} cỡ chữ {', '.join(pt(s) for s in wrong)}; "
                               f"quy định {want}.")
    for tag, wanted, yes, no in (("b", spec.bold, "in đậm", "không in đậm"),
                                 ("i", spec.italic, "in nghiêng", "không in nghiêng")):
        if wanted is not None and any(styles.toggle(r, p, tag) != wanted for r in printed):
            code = "format.weight" if tag == "b" else "format.slant"
            add(code, f"{spec.what} phải {yes if wanted else no}.")
    if spec.caps and not _all_caps(styles, p, printed):
        add("format.case", f"{spec.what} phải viết chữ in hoa.")
    if spec.align is not None and not _aligned(styles.alignment(p), spec.align):
        add("format.align", f"{spec.what} phải {_ALIGN_NAMES.get(spec.align, spec.align)} "
                            f"(đang là «{styles.alignment(p)}»).")
    return found


def _aligned(actual: str, wanted: str) -> bool:
    if wanted == "both":
        return actual in ("both", "distribute")
    if wanted == "left":
        return actual in ("left", "start")
    return actual == wanted


def _all_caps(styles: StyleSheet, p, printed) -> bool:
    if not printed:
        return False
    if is_upper(paragraph_text(p)):
        return True
    return all(is_upper(run_text(r)) or styles.toggle(r, p, "caps") or
               not any(c.isalpha() for c in run_text(r)) for r in printed)


def effective_text(styles: StyleSheet, p) -> str:
    """The paragraph's text as printed: runs with the caps property upper-cased."""
    return "".join(run_text(r).upper() if styles.toggle(r, p, "caps") else run_text(r)
                   for r in runs(p))
