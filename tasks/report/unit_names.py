"""How officers write unit names: a type word ("huyện", "TP.", "xã") and a proper name.

A typed name matches a unit when it is the unit's registered name or one of its aliases, or
when its proper name is the unit's and its type word, if any, is the unit's type: "huyện Lạc
Sơn", "H. Lạc Sơn" and "Lạc Sơn" all name huyện Lạc Sơn, but "huyện Lạc Sơn" never names xã Lạc
Sơn, nor "TP. Hòa Bình" phường Hòa Bình. The districts of 2023 and the communes of 2025 often
share a proper name: dropping the type word before comparing would give one unit's figures to
another. Type words follow the unit types of Decree 30/2020 Appendix II and Luật Tổ chức chính
quyền địa phương (tỉnh, huyện/quận/thị xã/thành phố, xã/phường/thị trấn, đặc khu since 2025).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from tasks.report.text import ascii_key, clean, name_key

# What people write before a proper name, by the registry's unit type code, after ascii folding;
# a dotted abbreviation may touch the name ("TP.Hòa Bình").
TYPE_WORDS = {
    "thanh_pho": ("thanh pho", "tp.", "tp"),
    "thi_xa": ("thi xa", "tx.", "tx"),
    "thi_tran": ("thi tran", "tt.", "tt"),
    "huyen": ("huyen", "h."),
    "quan": ("quan", "q."),
    "phuong": ("phuong", "p."),
    "xa": ("xa", "x."),
    "dac_khu": ("dac khu",),
}
TYPE_NOUNS = {"thanh_pho": "thành phố", "thi_xa": "thị xã", "thi_tran": "thị trấn",
              "huyen": "huyện", "quan": "quận", "phuong": "phường", "xa": "xã",
              "dac_khu": "đặc khu"}


@functools.lru_cache(maxsize=16384)
def split_type(text: str) -> tuple[str | None, str]:
    """(unit type code, proper name) of a typed name; (``None``, the name) without a type word.

    "huyện Lạc Sơn" → ("huyen", "Lạc Sơn"); "TP.Hòa Bình" → ("thanh_pho", "Hòa Bình").
    """
    name = clean(text)
    folded = ascii_key(name)
    if len(folded) != len(name):  # folding changed the length: positions no longer line up
        return None, name
    for unit_type, words in TYPE_WORDS.items():
        for word in words:
            if folded.startswith(word) and (word.endswith(".") or folded[len(word):][:1] == " "):
                proper = name[len(word):].strip()
                if proper:
                    return unit_type, proper
    return None, name


@dataclass(frozen=True)
class UnitForms:
    """The ways one unit may be written: whole names (its name, aliases) by matching key, and
    (unit_type, proper name key) pairs; a unit_type of ``None`` is an alias without a type word."""

    unit_type: str
    names: frozenset[str]
    proper: frozenset[tuple[str | None, str]]

    def accepts(self, unit_type: str | None, proper: str) -> bool:
        """Whether a name typed as ``unit_type`` + ``proper`` (a matching key) names this unit."""
        for own_type, own_proper in self.proper:
            if own_proper != proper:
                continue
            if unit_type is None or unit_type == own_type or self.unit_type not in TYPE_WORDS:
                return True
            if own_type is None and unit_type == self.unit_type:
                return True
        return False


@functools.lru_cache(maxsize=4096)
def unit_forms(name: str, unit_type: str, aliases: tuple[str, ...]) -> UnitForms:
    """The forms of the unit ``name`` of ``unit_type`` with ``aliases``."""
    proper = set()
    for written in (name, *aliases):
        typed_type, bare = split_type(written)
        proper.add((typed_type if written != name else unit_type, name_key(bare)))
    return UnitForms(unit_type, frozenset(name_key(n) for n in (name, *aliases)), frozenset(proper))
