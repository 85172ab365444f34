"""Text typed with the pre-Unicode Vietnamese fonts (TCVN3 ".VnTime", VNI "VNI-Times").

Such text arrives as Latin-1 characters ("huyÖn L¹c S¬n", "huyeän Laïc Sôn"). Single
characters do not tell it apart from other languages («Rädda Barnen», «Caritas Österreich»
use the same letters), so the decision is made on words. A word with a Latin-1 letter that
is not already a Vietnamese syllable counts for a legacy font when, decoded through that
font's table, it reads as one ("huyÖn" → "huyện"), and against both when it reads as none
("Österreich"). A TCVN3 symbol inside such a word (¸ ¹ ¬ …, never part of a word in any
language) settles it alone; otherwise the cell is legacy text when its legacy words
outnumber the foreign ones. A text with a letter only Unicode has (ơ, ư, ạ …) is Unicode.

Sources: TCVN 5712:1993 "VN3" code table (the ".VnTime"/ABC font layout, as in Unikey's
converter tables); the VNI Windows font layout (base letter followed by its marks), as in
Unikey's VNI-Win table; Vietnamese syllable structure (initial, glide, nucleus, final) as
in Đoàn Thiện Thuật, "Ngữ âm tiếng Việt", ch. 4.
"""

from __future__ import annotations

import re
import unicodedata

# TCVN3: one byte per toned letter. Lower-case letters, and the capitals of the base letters
# (.VnTimeH shows the same bytes as capitals).
_TCVN3 = dict(zip(
    "µ¸¶·¹¨»¾¼½Æ©ÇÊÈÉË®ÌÐÎÏÑªÒÕÓÔÖ×ÝØÜÞßãáâä«åèæçé¬êíëìîïóñòô\xadõøö÷ùúýûüþ¡¢£¤¥¦§",
    "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĂÂÊÔƠƯĐ",
    strict=True)) | {"Đ": "é"}  # Ð (é) as ``text.clean`` leaves it
# Characters of the TCVN3 table that no language writes inside a word.
_TCVN3_SYMBOLS = frozenset("µ¸¶·¹¨»¾¼½©®ª«¬\xad×÷¡¢£¤¥¦§")
# VNI: a letter is its base letter followed by marks; a few letters are one byte.
_VNI_LETTERS = dict(zip("ñÑöÖôÔîÎíÍìÌæÆóÓòÒ", "đĐưƯơƠỵỴíÍìÌỉỈĩĨịỊ", strict=True))
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_HAT, _BREVE = "\u0302", "\u0306"
_VNI_MARKS = {}
for _lower, _marks in (("ù", _ACUTE), ("ø", _GRAVE), ("û", _HOOK), ("õ", _TILDE), ("ï", _DOT),
                       ("â", _HAT), ("ê", _BREVE), ("á", _HAT + _ACUTE), ("à", _HAT + _GRAVE),
                       ("å", _HAT + _HOOK), ("ã", _HAT + _TILDE), ("ä", _HAT + _DOT),
                       ("é", _BREVE + _ACUTE), ("è", _BREVE + _GRAVE), ("ú", _BREVE + _HOOK),
                       ("ü", _BREVE + _TILDE), ("ë", _BREVE + _DOT)):
    _VNI_MARKS[_lower] = _VNI_MARKS[_lower.upper()] = _marks
# Letters only Unicode Vietnamese has (ă đ ĩ ũ ơ ư and the Latin Extended Additional block).
# Đ (U+0110) is left out: ``text.clean`` writes it for the look-alike Ð, which is TCVN3's é.
_UNICODE_VIETNAMESE = re.compile("[\u0102\u0103\u0111\u0128\u0129\u0168\u0169"
                                 "\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")
# A word: letters and the Latin-1 characters the legacy tables use as letters.
_WORD = re.compile(r"[A-Za-z\u00a1-\u00ff]+")
_TONES = {_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT}
# One syllable without its tone: an initial consonant, then a rhyme. Rhymes ending in a vowel
# are listed whole; the others are a vowel group and a final consonant.
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
    "(?:uôi|ươi|oai|oay|uây|oao|oeo|iêu|yêu|ươu|uyu|uya"
    "|ai|ay|ây|oi|ôi|ơi|ui|ưi|ao|eo|au|âu|êu|iu|ưu|ia|ua|ưa|oa|oe|uê|uy|uơ"
    "|(?:iê|yê|uyê|uô|ươ|oa|oă|oe|uâ|uê|uy|oo|[aăâeêioôơuưy])(?:ch|ng|nh|[cmnpt])?)")


def _syllable(word: str) -> bool:
    """Whether ``word`` (Unicode) is one Vietnamese syllable with at most one tone."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    if sum(ch in _TONES for ch in decomposed) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    return _SYLLABLE.fullmatch(bare) is not None


def _from_tcvn3(word: str) -> str:
    return "".join(_TCVN3.get(ch, ch) for ch in word)


def _from_vni(word: str) -> str | None:
    """``word`` decoded from VNI, or ``None`` when a mark follows no letter."""
    out: list[str] = []
    for ch in word:
        marks = _VNI_MARKS.get(ch)
        if marks is not None:
            if not out or not out[-1].isalpha():
                return None
            out[-1] += marks
        else:
            out.append(_VNI_LETTERS.get(ch, ch))
    return unicodedata.normalize("NFC", "".join(out))


def legacy_encoding(text: str) -> str | None:
    """``"TCVN3"`` or ``"VNI"`` when ``text`` was typed with a legacy font, else ``None``."""
    if text.isascii() or _UNICODE_VIETNAMESE.search(text):
        return None
    votes = {"TCVN3": 0, "VNI": 0}
    foreign = 0
    for word in _WORD.findall(text):
        if word.isascii() or _syllable(word):
            continue  # reads as it is: English, or Vietnamese in Unicode
        tcvn3 = _syllable(_from_tcvn3(word))
        if tcvn3 and not _TCVN3_SYMBOLS.isdisjoint(word):
            return "TCVN3"
        vni = (decoded := _from_vni(word)) is not None and _syllable(decoded)
        votes["TCVN3"] += tcvn3
        votes["VNI"] += vni
        foreign += not (tcvn3 or vni)
    best = max(votes, key=votes.get)
    return best if votes[best] > foreign else None


def legacy_message(text: str, encoding: str) -> str:
    """The Vietnamese explanation of a legacy-font cell, quoting what it shows."""
    font = ".VnTime" if encoding == "TCVN3" else "VNI-Times"
    return (f"«{text}» được gõ bằng bảng mã cũ {encoding} (phông {font}), không phải Unicode. "
            "Hãy chuyển mã sang Unicode (ví dụ bằng công cụ chuyển mã của Unikey) rồi tải lên lại.")
