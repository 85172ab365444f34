"""Province profiles as dated data: who issues the report, where, and which units report.

A profile (``doc_templates/provinces/<slug>.toml``) holds eras (agency names, place, signer,
recipients, valid between two dates) and a unit registry (codes, names, kinds, display order,
aliases, validity). Everything is resolved at one date: the end of the reporting period.
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tasks.report.errors import CatalogError
from tasks.report.text import ascii_key, clean, name_key

_OPEN_START = date(1900, 1, 1)
_OPEN_END = date(9999, 12, 31)
# Prefixes people write before a unit's proper name; matched after ascii folding.
_KIND_PREFIXES = (
    "thanh pho ", "tp. ", "tp ", "thi xa ", "tx. ", "tx ", "huyen ", "h. ", "quan ", "q. ",
    "thi tran ", "tt. ", "tt ", "phuong ", "p. ", "xa ", "x. ", "dac khu ",
)


def _dates(raw: dict) -> tuple[date, date]:
    return raw.get("valid_from", _OPEN_START), raw.get("valid_to", _OPEN_END)


@dataclass(frozen=True)
class Unit:
    """A sub-provincial unit in the registry; ``name`` is the official spelling to print."""

    name: str
    kind: str
    level: str
    order: int
    code: str | None = None
    aliases: tuple[str, ...] = ()
    valid_from: date = _OPEN_START
    valid_to: date = _OPEN_END
    former_province: str | None = None

    def valid_on(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_to

    def keys(self) -> frozenset[str]:
        """Matching keys of the unit: its name, the name without its kind noun, its aliases."""
        return _unit_keys(self.name, self.aliases)


@functools.lru_cache(maxsize=4096)
def _unit_keys(name: str, aliases: tuple[str, ...]) -> frozenset[str]:
    keys = {name_key(name), *(name_key(a) for a in aliases)}
    proper = _strip_kind(name)
    if proper:
        keys.add(name_key(proper))
    return frozenset(keys)


def _strip_kind(name: str) -> str:
    """The proper name without a leading kind noun ("huyện Lạc Sơn" → "Lạc Sơn"), or ""."""
    name = clean(name)
    folded = ascii_key(name)
    if len(folded) != len(name):  # folding changed the length: positions no longer line up
        return ""
    for prefix in _KIND_PREFIXES:
        if folded.startswith(prefix):
            return name[len(prefix):].strip()
    return ""


@dataclass(frozen=True)
class Era:
    """The issuing side of the profile between two dates (inclusive)."""

    valid_from: date
    valid_to: date
    place: str
    province: str
    parent_agency: str
    agency: str
    agency_abbreviation: str
    ministry: str
    addressee: str
    archive_unit: str
    recipients: tuple[str, ...]
    reporting_level: str
    signer: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ProvinceAtDate:
    """A profile resolved at one date: its era and the units that report in it, in order."""

    slug: str
    name: str
    day: date
    era: Era
    units: tuple[Unit, ...]

    def match_unit(self, text: str) -> Unit | None:
        """The unit whose name, alias or proper name matches ``text``; ``None`` when none does."""
        key = name_key(text)
        stripped = _strip_kind(text)
        wanted = {key, name_key(stripped)} if stripped else {key}
        for unit in self.units:
            if unit.keys() & wanted:
                return unit
        return None

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Official names that look like ``text`` (ignoring diacritics), best first."""
        by_key = {ascii_key(_strip_kind(u.name) or u.name): u.name for u in self.units}
        target = ascii_key(_strip_kind(text) or text)
        close = difflib.get_close_matches(target, list(by_key), n=limit, cutoff=0.5)
        return [by_key[k] for k in close]


@dataclass(frozen=True)
class ProvinceProfile:
    """Everything known about one province, across time."""

    slug: str
    name: str
    eras: tuple[Era, ...]
    units: tuple[Unit, ...]
    successor: str | None = None
    successor_from: date | None = None

    def at(self, day: date) -> ProvinceAtDate:
        """Resolve the profile at ``day``; ``CatalogError`` when it does not cover that date."""
        era = next((e for e in self.eras if e.valid_from <= day <= e.valid_to), None)
        if era is None:
            hint = ""
            if self.successor and self.successor_from and day >= self.successor_from:
                hint = (f" Từ ngày {self.successor_from:%d/%m/%Y}, địa bàn thuộc hồ sơ "
                        f"«{self.successor}».")
            raise CatalogError(
                f"Hồ sơ tỉnh «{self.name}» không có dữ liệu cho ngày {day:%d/%m/%Y}.{hint}",
                "province_not_in_force",
            )
        units = sorted(
            (u for u in self.units if u.level == era.reporting_level and u.valid_on(day)),
            key=lambda u: u.order,
        )
        return ProvinceAtDate(self.slug, self.name, day, era, tuple(units))


def load_province(path: Path) -> ProvinceProfile:
    """Read a profile file; ``CatalogError`` names the file and the field when it is malformed."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        eras = tuple(
            Era(*_dates(e), place=e["place"], province=e["province"],
                parent_agency=e["parent_agency"], agency=e["agency"],
                agency_abbreviation=e["agency_abbreviation"], ministry=e.get("ministry", ""),
                addressee=e.get("addressee", ""), archive_unit=e.get("archive_unit", ""),
                recipients=tuple(e.get("recipients", ())),
                reporting_level=e.get("reporting_level", "district"),
                signer=dict(e.get("signer", {})))
            for e in raw["eras"]
        )
        units = tuple(
            Unit(name=u["name"], kind=u["kind"], level=u["level"], order=int(u["order"]),
                 code=str(u["code"]) if "code" in u else None,
                 aliases=tuple(u.get("aliases", ())), valid_from=_dates(u)[0],
                 valid_to=_dates(u)[1], former_province=u.get("former_province"))
            for u in raw.get("units", ())
        )
        return ProvinceProfile(raw["slug"], raw["name"], eras, units, raw.get("successor"),
                               raw.get("successor_from"))
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as e:
        raise CatalogError(f"Hồ sơ tỉnh {path.name} không đọc được: {e}", "bad_profile") from e
