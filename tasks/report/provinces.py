"""Province profiles as dated data: who issues the report, where, and which units report.

A profile (``doc_templates/provinces/<slug>.toml``) holds eras (agency names, place, signer,
recipients, valid between two dates) and a unit registry (codes, names, kinds, display order,
aliases, validity). Everything is resolved at one date: the end of the reporting period.
A profile whose area passed to another (``successor``) is that one's predecessor: its units
are the former units of the successor's area, named when a workbook still uses them.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tasks.report.errors import CatalogError
from tasks.report.text import ascii_key, clean, name_key
from tasks.report.unit_names import KIND_NOUNS, UnitForms, split_kind, unit_forms

_OPEN_START = date(1900, 1, 1)
_OPEN_END = date(9999, 12, 31)


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

    def forms(self) -> UnitForms:
        """The ways the unit may be written: its name, its aliases, its proper name with or
        without its own type word (see ``unit_names``)."""
        return unit_forms(self.name, self.kind, self.aliases)


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
    """A profile resolved at one date: its era and the units that report in it, in order.

    ``former`` holds the units of the same area that ended before the date (this profile's and
    its predecessors'), the latest ending first.
    """

    slug: str
    name: str
    day: date
    era: Era
    units: tuple[Unit, ...]
    former: tuple[Unit, ...] = ()

    def match_unit(self, text: str) -> Unit | None:
        """The unit ``text`` names (see ``unit_names``); ``None`` when none does."""
        key = name_key(text)
        for unit in self.units:
            if key in unit.forms().names:
                return unit
        kind, proper = split_kind(text)
        proper_key = name_key(proper)
        for unit in self.units:
            forms = unit.forms()
            # A proper name may itself begin like a type word ("Xà Phìn"): try it whole too.
            if forms.accepts(kind, proper_key) or (kind is not None and forms.accepts(None, key)):
                return unit
        return None

    def explain_unmatched(self, text: str) -> tuple[str, str]:
        """(code, Vietnamese message) saying why ``text`` names no unit at this date:
        ``former_unit`` (it names a unit that ended before), ``unit_kind_mismatch`` (its type
        word is not the type of the unit with that proper name), ``unknown_unit``; each with
        the closest valid names."""
        shown = clean(text)
        kind, proper = split_kind(text)
        key, proper_key = name_key(text), name_key(proper)
        where = f"{self.era.province} ngày {self.day:%d/%m/%Y}"
        same = [u.name for u in self.units if u.forms().accepts(None, proper_key)]
        close = list(dict.fromkeys([*same, *self.suggest(text)]))[:3]
        hint = f" Có phải: {', '.join(close)}?" if close else ""
        for unit in self.former:
            forms = unit.forms()
            if key in forms.names or forms.accepts(kind, proper_key):
                ended = unit.valid_to + timedelta(days=1)
                named = unit.name if key == name_key(unit.name) else f"«{shown}» ({unit.name})"
                return "former_unit", (f"{named} không còn từ {ended:%d/%m/%Y}, không thuộc "
                                       f"danh sách đơn vị của {where}.{hint}")
        if same and kind is not None:
            return "unit_kind_mismatch", (f"«{shown}»: {where} không có "
                                          f"{KIND_NOUNS.get(kind, kind)} {proper}.{hint}")
        return "unknown_unit", f"«{shown}» không có trong danh sách đơn vị của {where}.{hint}"

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Official names that look like ``text`` (ignoring diacritics), best first."""
        by_key = {ascii_key(split_kind(u.name)[1]): u.name for u in self.units}
        target = ascii_key(split_kind(text)[1])
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
    predecessors: tuple[ProvinceProfile, ...] = field(default=(), repr=False, compare=False)

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
        former = sorted((u for p in (self, *self.predecessors) for u in p.units
                         if u.valid_to < day), key=lambda u: u.valid_to, reverse=True)
        return ProvinceAtDate(self.slug, self.name, day, era, tuple(units), tuple(former))


def with_predecessors(profiles: dict[str, ProvinceProfile]) -> dict[str, ProvinceProfile]:
    """``profiles`` with each one's ``predecessors``: every profile whose ``successor`` chain
    leads to it."""
    def ancestors(slug: str, seen: frozenset[str]) -> list[ProvinceProfile]:
        found = []
        for profile in profiles.values():
            if profile.successor == slug and profile.slug not in seen:
                found += [profile, *ancestors(profile.slug, seen | {profile.slug})]
        return found

    return {slug: dataclasses.replace(p, predecessors=tuple(ancestors(slug, frozenset({slug}))))
            for slug, p in profiles.items()}


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
