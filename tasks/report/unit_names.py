"""How officers write unit names: a type word ("huyện", "TP.", "xã") and a proper name.

A typed name matches a unit when it is the unit's registered name or one of its aliases, or
when its proper name is the unit's and its type word, if any, is the unit's type: "huyện Lạc
Sơn", "H. Lạc Sơn" and "Lạc Sơn" all name huyện Lạc Sơn, but "huyện Lạc Sơn" never names xã Lạc
Sơn, nor "TP. Hòa Bình" phường Hòa Bình. The districts of 2023 and the communes of 2025 often
share a proper name: dropping the type word before comparing would give one unit's figures to
another. Type words follow the unit kinds of Decree 30/2020 Appendix II and Luật Tổ chức chính
quyền địa phương (tỉnh, huyện/quận/thị xã/thành phố, xã/phường/thị trấn, đặc khu since 2025).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from tasks.report.text import ascii_key, clean, name_key

# What people write before a proper name, by the registry's kind code, after ascii folding;
# a dotted abbreviation may touch the name ("TP.Hòa Bình").
KIND_WORDS = {
    "thanh_pho": ("thanh pho", "tp.", "tp"),
    "thi_xa": ("thi xa", "tx.", "tx"),
    "thi_tran": ("thi tran", "tt.", "tt"),
    "huyen": ("huyen", "h."),
    "quan": ("quan", "q."),
    "phuong": ("phuong", "p."),
    "xa": ("xa", "x."),
    "dac_khu": ("dac khu",),
}
KIND_NOUNS = {"thanh_pho": "thành phố", "thi_xa": "thị xã", "thi_tran": "thị trấn",
              "huyen": "huyện", "quan": "quận", "phuong": "phường", "xa": "xã",
              "dac_khu": "đặc khu"}


@functools.lru_cache(maxsize=16384)
def split_kind(text: str) -> tuple[str | None, str]:
    """(kind code, proper name) of a typed name; (``None``, the name) without a type word.

    "huyện Lạc Sơn" → ("huyen", "Lạc Sơn"); "TP.Hòa Bình" → ("thanh_pho", "Hòa Bình").
    """
    name = clean(text)
    folded = ascii_key(name)
    if len(folded) != len(name):  # folding changed the length: positions no longer line up
        return None, name
    for kind, words in KIND_WORDS.items():
        for word in words:
            if folded.startswith(word) and (word.endswith(".") or folded[len(word):][:1] == " "):
                proper = name[len(word):].strip()
                if proper:
                    return kind, proper
    return None, name


@dataclass(frozen=True)
class UnitForms:
    """The ways one unit may be written: whole names (its name, aliases) by matching key, and
    (kind, proper name key) pairs; a kind of ``None`` is an alias without a type word."""

    kind: str
    names: frozenset[str]
    proper: frozenset[tuple[str | None, str]]

    def accepts(self, kind: str | None, proper: str) -> bool:
        """Whether a name typed as ``kind`` + ``proper`` (a matching key) names this unit."""
        for own_kind, own_proper in self.proper:
            if own_proper != proper:
                continue
            if kind is None or kind == own_kind or self.kind not in KIND_WORDS:
                return True
            if own_kind is None and kind == self.kind:
                return True
        return False


@functools.lru_cache(maxsize=4096)
def unit_forms(name: str, kind: str, aliases: tuple[str, ...]) -> UnitForms:
    """The forms of the unit ``name`` of ``kind`` with ``aliases``."""
    proper = set()
    for written in (name, *aliases):
        typed_kind, bare = split_kind(written)
        proper.add((typed_kind if written != name else kind, name_key(bare)))
    return UnitForms(kind, frozenset(name_key(n) for n in (name, *aliases)), frozenset(proper))
