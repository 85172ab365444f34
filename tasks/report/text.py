"""Vietnamese text as it arrives from spreadsheets: normalisation, blank cells, matching keys.

Names arrive in NFC or NFD, with old or new tone placement (Hoà/Hòa), NBSP and zero-width
characters; ``name_key`` makes them compare equal while the registry's spelling is printed.
Free text keeps its line breaks (``clean_lines``); a text of nothing but white space and
invisible characters is blank (``BLANK_CHARACTERS``), the one definition every reader uses.
Text typed with the pre-Unicode TCVN3 (.VnTime) or VNI fonts is recognised in ``legacy_fonts``.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Tone marks are the ones whose position varies between the old and new styles; the vowel
# shape marks (circumflex, breve, horn) stay attached to their letter.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_INVISIBLE_CHARACTERS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARACTERS), None)
# What a blank cell may hold: every character ``str.isspace`` accepts (NBSP and line breaks
# among them) and the invisible ones. ``clean`` turns a text of only these into "".
BLANK_CHARACTERS = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003"
                    "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
                    + _INVISIBLE_CHARACTERS)
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
# Characters XML 1.0 cannot hold; a document containing one is corrupt.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    """NFC, invisible characters removed, runs of white space (NBSP too) as one space, trimmed."""
    if text.isascii() and text.isprintable() and "  " not in text \
            and text[:1] != " " and text[-1:] != " ":
        return text  # the common case, without the regular expression
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = text.replace("\u00d0", "Đ")  # look-alike Ð from bad converters
    return _SPACES.sub(" ", text).strip()


def clean_lines(text: str) -> str:
    """``clean`` for each line of a free text: its line breaks kept, empty lines dropped.

    Excel's Alt+Enter, CSV's quoted line breaks and ODS's ``<text:line-break/>`` arrive as
    "\\n" (or "\\r\\n", or a Unicode line separator); the result joins the lines with "\\n",
    which the renderer turns into a line break of the report.
    """
    if text.isprintable():
        return clean(text)  # one line (a line break is not printable)
    lines = (clean(line) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def excerpt(text: str, limit: int = 20) -> str:
    """``text`` cut to ``limit`` characters with "…", to quote a value in a message without
    echoing a long one."""
    return text if len(text) <= limit else text[:limit] + "…"


def strip_xml_illegal(text: str) -> str:
    """Remove the control characters that XML 1.0 forbids."""
    return _XML_ILLEGAL.sub("", text)


def _word_key(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(ch for ch in decomposed if ch in _TONES)
    base = "".join(ch for ch in decomposed if ch not in _TONES)
    return unicodedata.normalize("NFC", base) + tones


@functools.lru_cache(maxsize=16384)
def name_key(text: str) -> str:
    """A key equal for spellings that differ only in case, spacing, NFC/NFD or tone placement."""
    return " ".join(_word_key(w) for w in clean(text).casefold().split(" "))


@functools.lru_cache(maxsize=16384)
def ascii_key(text: str) -> str:
    """A key without any diacritics (đ → d), for suggestions and header codes."""
    decomposed = unicodedata.normalize("NFD", clean(text).casefold().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
