"""Province profiles as dated data: who issues a report, where, and which units report.

A profile (``doc_templates/provinces/<slug>.toml``) holds eras (the province's name, place,
people's committee and reporting level between two dates), the issuing agencies by field of
work (a department, its symbol, ministry, recipients and signer between two dates: gender
equality moved from the Sở Lao động - Thương binh và Xã hội to the Sở Nội vụ in 2025) and a
unit registry (codes, names, unit types, display order, aliases, validity). Everything is
resolved at one date, the report's issue date (see ``pipeline.resolve``).
"""

from __future__ import annotations

import difflib
import functools
import tomllib
from dataclasses import dataclass
from dataclasses import field as default
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
    """A profile resolved at one date: its era and the units that report in it, in order."""

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
    agencies: tuple[Agency, ...] = ()
    successor: str | None = None
    successor_from: date | None = None

    @property
    def first_day(self) -> date:
        """The first day the profile covers."""
        return min(e.valid_from for e in self.eras)

    def fields(self) -> set[str]:
        """The fields of work some agency of the profile issues."""
        return {a.field for a in self.agencies}

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
        agencies = tuple(a for a in self.agencies if a.valid_from <= day <= a.valid_to)
        return ProvinceAtDate(self.slug, self.name, day, era, tuple(units), agencies)


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
