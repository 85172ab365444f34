"""Province profiles as dated data: who issues a report, where, and which units report.

A profile (``doc_templates/provinces/<slug>.toml``) holds eras (the province's name, place,
people's committee and reporting level between two dates), the issuing agencies by field of
work (a department, its symbol, ministry, recipients and signer between two dates: gender
equality moved from the Sở Lao động - Thương binh và Xã hội to the Sở Nội vụ in 2025) and a
unit registry (codes, names, unit types, display order, aliases, validity). Everything is
resolved at one date, the report's issue date (see ``request.resolve``).
A profile whose area passed to another (``successor``) is that one's predecessor: its units
are the former units of the successor's area, named when a workbook still uses them.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
from dataclasses import dataclass
from dataclasses import field as default
from datetime import date, timedelta
from pathlib import Path

from tasks.report.errors import CatalogError
from tasks.report.text import ascii_key, clean, name_key
from tasks.report.unit_names import TYPE_NOUNS, UnitForms, split_type, unit_forms

_OPEN_START = date(1900, 1, 1)
_OPEN_END = date(9999, 12, 31)


def _dates(raw: dict) -> tuple[date, date]:
    return raw.get("valid_from", _OPEN_START), raw.get("valid_to", _OPEN_END)


@dataclass(frozen=True)
class Unit:
    """A sub-provincial unit in the registry; ``name`` is the official spelling to print.

    ``unit_type`` is the code of its designation ("huyen", "thanh_pho", "xa", "phuong" …: see
    ``formatting.unit_nouns``); ``level`` is "district" or "commune".
    """

    name: str
    unit_type: str
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
        return unit_forms(self.name, self.unit_type, self.aliases)


@dataclass(frozen=True)
class Era:
    """The province itself between two dates (inclusive): its name, place and units' level."""

    valid_from: date
    valid_to: date
    place: str
    province: str
    parent_agency: str
    reporting_level: str


@dataclass(frozen=True)
class Agency:
    """The department that issues reports of one field of work between two dates (inclusive).

    ``abbreviation`` makes the number symbol (BC-SNV); ``addressee`` is the "Kính gửi" line
    (the ministry, with its handling unit when known), empty for a report not sent upward.
    """

    field: str
    valid_from: date
    valid_to: date
    name: str
    abbreviation: str
    ministry: str
    addressee: str
    archive_unit: str
    recipients: tuple[str, ...]
    signer: dict = default(default_factory=dict)


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
    agencies: tuple[Agency, ...] = ()

    def agency(self, field_of_work: str) -> Agency:
        """The agency issuing ``field_of_work`` on this date; ``CatalogError`` when none."""
        found = next((a for a in self.agencies if a.field == field_of_work), None)
        if found is None:
            raise CatalogError(
                f"Hồ sơ tỉnh {self.name} chưa ghi cơ quan nào phụ trách lĩnh vực "
                f"«{field_of_work}» vào ngày {self.day:%d/%m/%Y}.", "no_issuing_agency")
        return found
    former: tuple[Unit, ...] = ()

    def match_unit(self, text: str) -> Unit | None:
        """The unit ``text`` names (see ``unit_names``); ``None`` when none does."""
        key = name_key(text)
        for unit in self.units:
            if key in unit.forms().names:
                return unit
        kind, proper = split_type(text)
        proper_key = name_key(proper)
        for unit in self.units:
            forms = unit.forms()
            # A proper name may itself begin like a type word ("Xà Phìn"): try it whole too.
            if forms.accepts(kind, proper_key) or (kind is not None and forms.accepts(None, key)):
                return unit
        return None

    def explain_unmatched(self, text: str) -> tuple[str, str]:
        """(code, Vietnamese message) saying why ``text`` names no unit at this date:
        ``former_unit`` (it names a unit that ended before), ``unit_type_mismatch`` (its type
        word is not the type of the unit with that proper name), ``unknown_unit``; each with
        the closest valid names."""
        shown = clean(text)
        kind, proper = split_type(text)
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
            return "unit_type_mismatch", (f"«{shown}»: {where} không có "
                                          f"{TYPE_NOUNS.get(kind, kind)} {proper}.{hint}")
        return "unknown_unit", f"«{shown}» không có trong danh sách đơn vị của {where}.{hint}"

    def suggest(self, text: str, limit: int = 3) -> list[str]:
        """Official names that look like ``text`` (ignoring diacritics), best first."""
        by_key = {ascii_key(split_type(u.name)[1]): u.name for u in self.units}
        target = ascii_key(split_type(text)[1])
        close = difflib.get_close_matches(target, list(by_key), n=limit, cutoff=0.5)
        return [by_key[k] for k in close]


@dataclass(frozen=True)
class ProvinceProfile:
    """Everything known about one province, across time."""

    slug: str
    name: str
    eras: tuple[Era, ...]
    units: tuple[Unit, ...]
    agencies: tuple[Agency, ...] = ()
    successor: str | None = None
    successor_from: date | None = None
    successor_name: str | None = default(default=None, compare=False)
    predecessors: tuple[ProvinceProfile, ...] = default(default=(), repr=False, compare=False)

    @property
    def first_day(self) -> date:
        """The first day the profile covers."""
        return min(e.valid_from for e in self.eras)

    @property
    def last_day(self) -> date:
        """The last day the profile covers."""
        return max(e.valid_to for e in self.eras)

    def fields(self) -> set[str]:
        """The fields of work some agency of the profile issues."""
        return {a.field for a in self.agencies}

    def at(self, day: date) -> ProvinceAtDate:
        """Resolve the profile at ``day``; ``CatalogError`` when it does not cover that date."""
        era = next((e for e in self.eras if e.valid_from <= day <= e.valid_to), None)
        if era is None:
            hint = ""
            if self.successor and self.successor_from and day >= self.successor_from:
                successor = self.successor_name or self.successor
                hint = (f" Từ ngày {self.successor_from:%d/%m/%Y}, địa bàn thuộc tỉnh "
                        f"{successor}: hãy chọn tỉnh {successor}.")
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
        agencies = tuple(a for a in self.agencies if a.valid_from <= day <= a.valid_to)
        return ProvinceAtDate(self.slug, self.name, day, era, tuple(units), agencies,
                              tuple(former))


def _era(raw: dict) -> Era:
    return Era(*_dates(raw), place=raw["place"], province=raw["province"],
               parent_agency=raw["parent_agency"],
               reporting_level=raw.get("reporting_level", "district"))


def _agency(raw: dict) -> Agency:
    return Agency(raw["field"], *_dates(raw), name=raw["name"],
                  abbreviation=raw["abbreviation"], ministry=raw.get("ministry", ""),
                  addressee=raw.get("addressee", ""), archive_unit=raw.get("archive_unit", ""),
                  recipients=tuple(raw.get("recipients", ())), signer=dict(raw.get("signer", {})))


def _unit(raw: dict) -> Unit:
    return Unit(name=raw["name"], unit_type=raw["type"], level=raw["level"],
                order=int(raw["order"]), code=str(raw["code"]) if "code" in raw else None,
                aliases=tuple(raw.get("aliases", ())), valid_from=_dates(raw)[0],
                valid_to=_dates(raw)[1], former_province=raw.get("former_province"))


def with_predecessors(profiles: dict[str, ProvinceProfile]) -> dict[str, ProvinceProfile]:
    """``profiles`` with each one's ``predecessors`` (every profile whose ``successor`` chain
    leads to it) and ``successor_name`` (the name officers know the successor by)."""
    def ancestors(slug: str, seen: frozenset[str]) -> list[ProvinceProfile]:
        found = []
        for profile in profiles.values():
            if profile.successor == slug and profile.slug not in seen:
                found += [profile, *ancestors(profile.slug, seen | {profile.slug})]
        return found

    def successor_name(profile: ProvinceProfile) -> str | None:
        successor = profiles.get(profile.successor) if profile.successor else None
        return successor.name if successor else None

    return {slug: dataclasses.replace(p, predecessors=tuple(ancestors(slug, frozenset({slug}))),
                                      successor_name=successor_name(p))
            for slug, p in profiles.items()}


def load_province(path: Path) -> ProvinceProfile:
    """Read a profile file; ``CatalogError`` names the file, the entry and the key when it is
    malformed (``bad_profile``)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise CatalogError(f"Hồ sơ tỉnh {path.name} không đọc được: {e}", "bad_profile") from e
    entries = {}
    for table, build in (("eras", _era), ("agencies", _agency), ("units", _unit)):
        built = []
        for number, entry in enumerate(raw.get(table, ()), start=1):
            try:
                built.append(build(entry))
            except KeyError as e:
                raise CatalogError(f"Hồ sơ tỉnh {path.name}, {table}[{number}]: thiếu khóa "
                                   f"{e.args[0]}.", "bad_profile") from e
            except (TypeError, ValueError, AttributeError) as e:
                raise CatalogError(f"Hồ sơ tỉnh {path.name}, {table}[{number}]: giá trị không "
                                   f"hợp lệ ({e}).", "bad_profile") from e
        entries[table] = tuple(built)
    if not entries["eras"] or "slug" not in raw or "name" not in raw:
        raise CatalogError(f"Hồ sơ tỉnh {path.name}: cần slug, name và ít nhất một eras.",
                           "bad_profile")
    return ProvinceProfile(raw["slug"], raw["name"], entries["eras"], entries["units"],
                           entries["agencies"], raw.get("successor"), raw.get("successor_from"))
