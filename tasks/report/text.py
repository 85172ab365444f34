"""Vietnamese text as it arrives from spreadsheets: normalisation and matching keys.

Names arrive in NFC or NFD, with old or new tone placement (Hoà/Hòa), NBSP and zero-width
characters; ``name_key`` makes them compare equal while the registry's spelling is printed.
Text typed with the pre-Unicode TCVN3 (.VnTime) or VNI fonts is recognised in ``legacy_fonts``.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Tone marks are the ones whose position varies between the old and new styles; the vowel
# shape marks (circumflex, breve, horn) stay attached to their letter.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
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
