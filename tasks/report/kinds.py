"""Report kinds as data: each folder of ``doc_templates/`` with a ``kind.toml`` is one kind.

A kind names its template, sample workbook, the sheets and columns it reads, and its per-year
campaign facts. ``Catalog`` holds every kind and province profile found in the folder.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tasks.report.errors import CatalogError
from tasks.report.provinces import ProvinceProfile, load_province, with_predecessors


@dataclass(frozen=True)
class Column:
    """A column of a data sheet: machine code, Vietnamese label, value type."""

    code: str
    label: str
    type: str
    required: bool = False


@dataclass(frozen=True)
class SheetSpec:
    """A sheet of the data workbook and the columns it holds."""

    key: str
    name: str
    aliases: tuple[str, ...]
    required: bool
    layout: str
    columns: tuple[Column, ...]
    keys: tuple[dict, ...] = ()

    def column(self, code: str) -> Column:
        return next(c for c in self.columns if c.code == code)


@dataclass(frozen=True)
class Campaign:
    """One year's facts of a campaign: its window, theme and guidance letter."""

    year: int
    start: date
    end: date
    theme: str = ""
    guidance_number: str = ""
    guidance_date: date | None = None
    guidance_issuer: str = ""
    guidance_subject: str = ""


@dataclass(frozen=True)
class ReportKind:
    """A kind of report: its files, workbook layout and campaigns."""

    slug: str
    title: str
    campaign_name: str
    short_title: str
    document_type: str
    folder: Path
    template: str
    sample: str
    provinces: tuple[str, ...]
    sheets: tuple[SheetSpec, ...]
    activities: tuple[dict, ...]
    campaigns: dict[int, Campaign] = field(default_factory=dict)
    year_means: str = "year"
    context_keys: tuple[str, ...] = ()
    sample_province: str = ""
    sample_period: str = ""

    @property
    def template_path(self) -> Path:
        return self.folder / self.template

    @property
    def sample_path(self) -> Path:
        return self.folder / self.sample

    def sheet(self, key: str) -> SheetSpec:
        return next(s for s in self.sheets if s.key == key)

    def year_windows(self) -> dict[int, tuple[date, date]]:
        """What a bare year means for this kind: its campaign window, when it has campaigns."""
        if self.year_means != "campaign":
            return {}
        return {y: (c.start, c.end) for y, c in self.campaigns.items()}

    def campaign(self, year: int) -> Campaign:
        """The campaign of ``year``; ``CatalogError`` when the data files have none."""
        try:
            return self.campaigns[year]
        except KeyError:
            known = ", ".join(str(y) for y in sorted(self.campaigns)) or "không có"
            raise CatalogError(
                f"Chưa có dữ liệu chiến dịch năm {year} cho loại báo cáo «{self.title}» "
                f"(các năm đã có: {known}).",
                "unknown_campaign_year",
            ) from None


def _load_campaigns(path: Path) -> dict[int, Campaign]:
    if not path.exists():
        return {}
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    fields = Campaign.__dataclass_fields__
    return {
        int(c["year"]): Campaign(**{k: v for k, v in c.items() if k in fields})
        for c in raw.get("campaigns", ())
    }


def _sheet(raw: dict) -> SheetSpec:
    return SheetSpec(
        key=raw["key"], name=raw["name"], aliases=tuple(raw.get("aliases", ())),
        required=bool(raw.get("required", False)), layout=raw.get("layout", "table"),
        columns=tuple(Column(**c) for c in raw["columns"]), keys=tuple(raw.get("keys", ())),
    )


def load_kind(folder: Path) -> ReportKind:
    """Read ``folder/kind.toml`` and its campaigns; ``CatalogError`` when malformed."""
    try:
        raw = tomllib.loads((folder / "kind.toml").read_text(encoding="utf-8"))
        return ReportKind(
            slug=raw["slug"], title=raw["title"], campaign_name=raw["campaign_name"],
            short_title=raw["short_title"], document_type=raw["document_type"],
            folder=folder, template=raw["template"], sample=raw["sample"],
            provinces=tuple(raw["provinces"]), sheets=tuple(_sheet(s) for s in raw["sheets"]),
            activities=tuple(raw.get("activities", ())),
            campaigns=_load_campaigns(folder / raw.get("campaigns", "campaigns.toml")),
            year_means=raw.get("year_means", "year"),
            context_keys=tuple(raw.get("context_keys", ())),
            sample_province=raw.get("sample_province", ""),
            sample_period=raw.get("sample_period", ""),
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as e:
        raise CatalogError(f"Loại báo cáo {folder.name} không đọc được: {e}", "bad_kind") from e


class Catalog:
    """The report kinds and province profiles under one templates folder, loaded once."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.kinds = {
            k.slug: k
            for k in (load_kind(p.parent) for p in sorted(self.root.glob("*/kind.toml")))
        }
        self.provinces = with_predecessors({
            p.slug: p
            for p in (load_province(f) for f in sorted((self.root / "provinces").glob("*.toml")))
        })

    def kind(self, slug: str) -> ReportKind:
        """The kind ``slug``; ``CatalogError`` (code ``unknown_template``) when absent."""
        if slug not in self.kinds:
            raise CatalogError(
                f"Không có loại báo cáo «{slug}». Các loại hiện có: {', '.join(self.kinds)}.",
                "unknown_template",
            )
        return self.kinds[slug]

    def province(self, slug: str, kind: ReportKind | None = None) -> ProvinceProfile:
        """The profile ``slug`` (``unknown_province`` when absent or not offered by ``kind``)."""
        offered = kind.provinces if kind else tuple(self.provinces)
        if slug not in self.provinces or slug not in offered:
            raise CatalogError(
                f"Không có tỉnh «{slug}» cho loại báo cáo này. Các tỉnh hiện có: "
                f"{', '.join(p for p in offered if p in self.provinces)}.",
                "unknown_province",
            )
        return self.provinces[slug]
