"""Vietnamese text as it arrives from spreadsheets: normalisation, matching keys, legacy fonts.

Names arrive in NFC or NFD, with old or new tone placement (Hoà/Hòa), NBSP and zero-width
characters; ``name_key`` makes them compare equal while the registry's spelling is printed.
Text typed with the pre-Unicode TCVN3 (.VnTime) or VNI fonts is recognised, never printed.
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
# Latin-1 characters that TCVN3 and VNI text shows when read as Unicode ("L¹c S¬n", "Laïc Sôn")
# and that Vietnamese never uses. «, », ·, ® and Ð are left out: they also occur in real text.
_LEGACY_MARKS = frozenset("¸µ¶¹¨¾¼½Æ©ÇËÎÏÑªÖ×ØÜÞßäåæçëîïñö÷øþ¬¡¢£¤¥¦ûÛ")
# Letters only Unicode Vietnamese has (ă đ ĩ ũ ơ ư and the Latin Extended Additional block).
_UNICODE_VIETNAMESE = re.compile("[\u0102\u0103\u0110\u0111\u0128\u0129\u0168\u0169"
                                 "\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
# VNI writes a tone as a separate character after its vowel.
_VNI_PAIR = re.compile("[aeiouyAEIOUY][øïûõùØÏÛÕÙ]")


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


def legacy_encoding(text: str) -> str | None:
    """``"TCVN3"`` or ``"VNI"`` when ``text`` was typed with a legacy font, else ``None``."""
    if text.isascii() or _LEGACY_MARKS.isdisjoint(text) or _UNICODE_VIETNAMESE.search(text):
        return None
    return "VNI" if _VNI_PAIR.search(text) else "TCVN3"


def legacy_message(text: str, encoding: str) -> str:
    """The Vietnamese explanation of a legacy-font cell, quoting what it shows."""
    font = ".VnTime" if encoding == "TCVN3" else "VNI-Times"
    return (f"«{text}» được gõ bằng bảng mã cũ {encoding} (phông {font}), không phải Unicode. "
            "Hãy chuyển mã sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) rồi tải lên lại.")


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
