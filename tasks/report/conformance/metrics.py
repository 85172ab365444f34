"""How wide a line of Times New Roman is, and where it wraps: estimates for rule widths.

The advance widths (thousandths of an em) are those of Liberation Serif 2, which is
metric-compatible with Times New Roman, for printable ASCII; Vietnamese letters take the width
of their base letter (tone marks and the circumflex/breve do not change it in these fonts), except
the horn letters and đ, listed apart. Kerning and justification are ignored, so results are
estimates good to a few per cent.
"""

from __future__ import annotations

import unicodedata

_REGULAR = [
    250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667,
    722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722,
    722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500,
    500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500,
    444, 480, 200, 480, 541,
]
_BOLD = [
    250, 333, 555, 500, 500, 1000, 833, 278, 333, 333, 500, 570, 250, 333, 250, 278, 500, 500,
    500, 500, 500, 500, 500, 500, 500, 500, 333, 333, 570, 570, 570, 500, 930, 722, 667, 722,
    722, 667, 611, 778, 778, 389, 500, 778, 667, 944, 722, 778, 611, 778, 722, 556, 667, 722,
    722, 1000, 722, 722, 667, 333, 278, 333, 581, 500, 333, 500, 556, 444, 556, 444, 333, 500,
    556, 278, 333, 556, 278, 833, 556, 500, 556, 556, 444, 389, 333, 556, 500, 722, 500, 500,
    444, 394, 220, 394, 520,
]
_SPECIAL = {  # character: (regular, bold)
    "đ": (500, 556), "Đ": (722, 722), "ơ": (529, 554), "Ơ": (722, 778), "ư": (542, 600),
    "Ư": (776, 796), "\u00a0": (250, 250), "“": (444, 500), "”": (444, 500), "‘": (333, 333),
    "’": (333, 333), "–": (500, 500), "—": (1000, 1000), "…": (1000, 1000),
}
# Horn letters keep their horn width whatever tone mark they carry.
_HORN_BASES = {"ơ", "Ơ", "ư", "Ư"}
TWIPS_PER_POINT = 20


def char_width(ch: str, bold: bool) -> int:
    """Advance width of one character in thousandths of an em (500 when unknown)."""
    if ch in _SPECIAL:
        return _SPECIAL[ch][bold]
    if " " <= ch <= "~":
        return (_BOLD if bold else _REGULAR)[ord(ch) - 32]
    base = _base_letter(ch)
    return char_width(base, bold) if base != ch else 500


def _base_letter(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    letters = [c for c in decomposed if not unicodedata.combining(c)]
    if not letters:
        return ch
    # Keep the horn (U+031B) with its letter: ờ → ơ, not o.
    if "\u031b" in decomposed:
        horn = unicodedata.normalize("NFC", letters[0] + "\u031b")
        return horn if horn in _HORN_BASES else letters[0]
    return letters[0]


def wrap(pieces: list[tuple[str, float, bool]], available: float) -> list[float]:
    """Widths in twips of the lines the pieces make in ``available`` twips.

    Breaks at explicit line breaks ("\\n") and, greedily, at spaces, as word processors do;
    a word wider than the line stays whole on its own line.
    """
    chars = [(c, size, bold) for text, size, bold in pieces for c in text]
    lines, line, word, spaces = [], 0.0, 0.0, 0.0
    for c, size, bold in chars + [("\n", 0.0, False)]:
        if c == "\n" or c == " ":
            if line and line + spaces + word > available:
                lines.append(line)
                line, spaces = word, 0.0
            else:
                line, spaces = line + spaces + word, 0.0
            word = 0.0
            if c == "\n":
                lines.append(line)
                line = 0.0
            else:
                spaces += char_width(c, bold) * size * TWIPS_PER_POINT / 1000
        else:
            word += char_width(c, bold) * size * TWIPS_PER_POINT / 1000
    return lines
