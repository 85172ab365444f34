"""Report kinds as data: each folder of ``doc_templates/`` with a ``kind.toml`` is one kind.

A kind folder holds ``kind.toml`` (sheets, columns, figures, sentence rules, indicators,
accepted periods and their texts: see ``kind_schema``), its ``template.docx``, a sample
workbook, a README and, for campaign kinds, ``campaigns.toml``. No Python per kind: one
pipeline serves them all.

``load_kind`` checks a folder completely and raises ``KindError`` with every problem (file,
key, message). ``Catalog`` loads every kind and province profile under a folder; a kind that
fails its checks is refused (logged, listed in ``Catalog.refused``) while the others serve.
"""

from __future__ import annotations

import hashlib
import logging
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

from pydantic import ValidationError

from tasks.report.errors import CatalogError, PeriodError, TemplateError
from tasks.report.kind_checks import check_definition
from tasks.report.kind_problems import KindError, KindProblem, from_validation
from tasks.report.kind_schema import COMMON_NAMES, CampaignsDef, KindDef, PeriodTexts, SheetDef
from tasks.report.period import describe_forms, form_examples, parse_period
from tasks.report.provinces import ProvinceProfile, load_province, with_predecessors
from tasks.report.template_names import used_names

log = logging.getLogger(__name__)
KIND_FILE = "kind.toml"


@dataclass(frozen=True)
class Campaign:
    """One year of a campaign: its window, theme and guidance letter.

    ``guidance_date`` None means the letter's date is not known: reports then cite the
    guidance without its number (a number without a date is not a citation).
    """

    year: int
    start: date
    end: date
    theme: str = ""
    guidance_number: str = ""
    guidance_date: date | None = None
    guidance_issuer: str = ""


class ReportKind:
    """A checked kind: its definition, folder and campaigns (see ``load_kind``)."""

    def __init__(self, definition: KindDef, folder: Path, campaign_name: str = "",
                 campaigns: dict[int, Campaign] | None = None) -> None:
        self.definition = definition
        self.folder = folder
        self.campaign_name = campaign_name
        self.campaigns = campaigns or {}
        # The recorded version this folder is (set by whoever loaded it from a version).
        self.version: str | None = None

    def __repr__(self) -> str:
        return f"ReportKind({self.slug!r})"

    slug = property(lambda self: self.definition.slug)
    title = property(lambda self: self.definition.title)
    short_title = property(lambda self: self.definition.short_title)
    document_type = property(lambda self: self.definition.document_type)
    field = property(lambda self: self.definition.field)
    provinces = property(lambda self: self.definition.provinces)
    sheets = property(lambda self: self.definition.sheets)
    figures = property(lambda self: self.definition.figures)
    rules = property(lambda self: self.definition.rules)
    items = property(lambda self: self.definition.items)
    forms = property(lambda self: self.definition.periods.forms)
    appendices = property(lambda self: self.definition.appendices)
    sample_province = property(lambda self: self.definition.sample_province)
    sample_period = property(lambda self: self.definition.sample_period)

    @property
    def template_path(self) -> Path:
        return self.folder / self.definition.template

    @property
    def sample_path(self) -> Path:
        return self.folder / self.definition.sample

    @property
    def readme_path(self) -> Path:
        return self.folder / self.definition.readme

    @cached_property
    def template_sha256(self) -> str:
        """The SHA-256 of the template file (read once)."""
        return hashlib.sha256(self.template_path.read_bytes()).hexdigest()

    def sheet(self, key: str) -> SheetDef | None:
        """The sheet of key ``key``; ``None`` when the kind has none."""
        return next((s for s in self.sheets if s.key == key), None)

    def texts(self, form: str) -> PeriodTexts:
        """The summary, opening and closing for periods of ``form`` (checked at load)."""
        return self.definition.periods.texts[form]

    def campaign_windows(self) -> dict[int, tuple[date, date]]:
        return {y: (c.start, c.end) for y, c in self.campaigns.items()}

    def describe_periods(self) -> str:
        """The accepted period forms in words, for messages and the API."""
        return describe_forms(self.forms, self.campaigns)

    def period_hint(self, year: int) -> tuple[str, str]:
        """(hint, placeholder) of the form's period field for this kind, with ``year`` as the
        example (a campaign kind shows its latest campaign instead): ("Kỳ báo cáo dạng
        2025-H1 (6 tháng đầu năm), 2025-H2 (6 tháng cuối năm) hoặc 2025 (cả năm).",
        "2025-H1, 2025-H2 hoặc 2025")."""
        examples = form_examples(self.forms, year, self.campaign_windows(), self.campaign_name)
        if not examples:
            return "", ""

        def either(items: list[str]) -> str:
            return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} hoặc {items[-1]}"

        placeholder = either([typed for typed, _ in examples])
        if self.forms == ("campaign",):
            typed, meaning = examples[0]
            return f"Nhập năm của đợt: {typed} là {meaning}.", placeholder
        hint = either([f"{typed} ({meaning})" for typed, meaning in examples])
        return f"Kỳ báo cáo dạng {hint}.", placeholder

    @cached_property
    def context_names(self) -> frozenset[str]:
        """The top-level names a template of this kind may use."""
        return frozenset(COMMON_NAMES) | frozenset(self.figures)


def _read_toml(path: Path, file: str) -> tuple[dict | None, list[KindProblem]]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")), []
    except FileNotFoundError:
        return None, [KindProblem(file, "", "kind_missing_file", "thiếu tệp này.")]
    except (OSError, UnicodeDecodeError) as e:
        return None, [KindProblem(file, "", "kind_unreadable", f"không đọc được tệp ({e}).")]
    except tomllib.TOMLDecodeError as e:
        return None, [KindProblem(file, "", "kind_toml_syntax", f"sai cú pháp TOML: {e}.")]


def _campaigns(folder: Path, file: str) -> tuple[str, dict[int, Campaign], list[KindProblem]]:
    raw, found = _read_toml(folder / file, file)
    if raw is None:
        return "", {}, found
    try:
        parsed = CampaignsDef.model_validate(raw)
    except ValidationError as e:
        return "", {}, from_validation(file, e)
    campaigns = {}
    for n, c in enumerate(parsed.campaigns, start=1):
        if c.end < c.start or c.year in campaigns:
            found.append(KindProblem(file, f"campaigns[{n}]", "kind_inconsistent",
                                     "năm trùng hoặc ngày kết thúc trước ngày bắt đầu."))
        campaigns[c.year] = Campaign(c.year, c.start, c.end, c.theme, c.guidance_number,
                                     c.guidance_date, c.guidance_issuer)
    return parsed.name, campaigns, found


def load_kind(folder: Path) -> ReportKind:
    """Read and check the kind in ``folder``; ``KindError`` lists every problem found.

    Checks here need only the folder; ``Catalog`` adds those that need the province
    profiles and the template lint.
    """
    raw, found = _read_toml(folder / KIND_FILE, KIND_FILE)
    if raw is None:
        raise KindError(folder.name, found)
    try:
        definition = KindDef.model_validate(raw)
    except ValidationError as e:
        raise KindError(folder.name, from_validation(KIND_FILE, e)) from None
    found = check_definition(definition)
    for key in ("template", "sample", "readme"):
        name = getattr(definition, key)
        if Path(name).name != name or not (folder / name).is_file():
            found.append(KindProblem(KIND_FILE, key, "kind_missing_file",
                                     f"không có tệp «{name}» trong thư mục loại báo cáo."))
    name, campaigns = "", {}
    if definition.periods.campaigns:
        file = definition.periods.campaigns
        name, campaigns, more = _campaigns(folder, Path(file).name)
        found += more
    if found:
        raise KindError(folder.name, found)
    return ReportKind(definition, folder, name, campaigns)


def template_name_problems(file: str, data: bytes,
                           allowed: frozenset[str]) -> list[KindProblem]:
    """A problem for each top-level name the template at ``file`` uses that ``allowed`` lacks
    (or for a template that cannot be read as one)."""
    try:
        names = used_names(data)
    except TemplateError as e:
        return [KindProblem(file, "", e.code, e.message)]
    return [KindProblem(file, part, "kind_unknown_name",
                        f"mẫu dùng tên «{name}», loại báo cáo không có số liệu nào tên này "
                        f"(có: {', '.join(sorted(allowed))}).")
            for part, name in names if name not in allowed]


class Catalog:
    """The report kinds and province profiles under one templates folder, loaded once.

    ``folders`` (when given) are the kind folders to load instead of the root's own (the
    versions in force, some of them uploaded); ``refused`` maps a kind folder (or profile
    file) name to the problems that kept it out.
    """

    def __init__(self, root: Path, folders: list[Path] | None = None) -> None:
        self.root = Path(root)
        self.refused: dict[str, list[KindProblem]] = {}
        self.provinces: dict[str, ProvinceProfile] = {}
        for path in sorted((self.root / "provinces").glob("*.toml")):
            try:
                profile = load_province(path)
            except CatalogError as e:
                self._refuse(f"provinces/{path.name}",
                             [KindProblem(path.name, "", e.code, e.message)])
                continue
            self.provinces[profile.slug] = profile
        self.provinces = with_predecessors(self.provinces)
        self.kinds: dict[str, ReportKind] = {}
        if folders is None:
            folders = [p.parent for p in sorted(self.root.glob(f"*/{KIND_FILE}"))]
        for folder in folders:
            self.add(folder)

    def add(self, folder: Path) -> ReportKind | None:
        """Load the kind in ``folder`` and serve it, or record why it is refused."""
        try:
            kind = load_kind(folder)
            found = self.check(kind)
        except KindError as e:
            self._refuse(folder.name, e.found)
            return None
        if found:
            self._refuse(folder.name, found)
            return None
        if kind.slug in self.kinds and self.kinds[kind.slug].folder != folder:
            self._refuse(folder.name, [KindProblem(KIND_FILE, "slug", "kind_duplicate_slug",
                                                   f"«{kind.slug}» đã là mã của thư mục "
                                                   f"«{self.kinds[kind.slug].folder.name}».")])
            return None
        self.kinds[kind.slug] = kind
        return kind

    def _refuse(self, name: str, found: list[KindProblem]) -> None:
        self.refused[name] = found
        log.warning("report kind %s refused: %s", name, "; ".join(p.text() for p in found))

    def check(self, kind: ReportKind) -> list[KindProblem]:
        """The problems of ``kind`` against this catalog: provinces, sample period, and the
        names its template uses (the full template lint runs on uploads and in
        ``reportgen templates check-kind``)."""
        found = []
        for n, slug in enumerate(kind.provinces, start=1):
            profile = self.provinces.get(slug)
            if profile is None:
                found.append(KindProblem(KIND_FILE, f"provinces[{n}]", "kind_unknown_province",
                                         f"không có hồ sơ tỉnh «{slug}» "
                                         f"(có: {', '.join(self.provinces) or 'không'})."))
            elif kind.field not in profile.fields():
                found.append(KindProblem(KIND_FILE, "field", "kind_unknown_field",
                                         f"hồ sơ tỉnh «{slug}» không ghi cơ quan nào phụ trách "
                                         f"lĩnh vực «{kind.field}»."))
        try:
            parse_period(kind.sample_period, kind.forms, kind.campaign_windows())
        except PeriodError as e:
            found.append(KindProblem(KIND_FILE, "sample_period", "kind_bad_sample_period",
                                     e.message))
        try:
            data = kind.template_path.read_bytes()
        except OSError as e:
            return [*found, KindProblem(kind.definition.template, "", "kind_unreadable",
                                        f"không đọc được ({e.strerror}).")]
        return found + template_name_problems(kind.definition.template, data,
                                              kind.context_names)

    def kind(self, slug: str) -> ReportKind:
        """The kind ``slug``; ``CatalogError`` (code ``unknown_template``) when absent."""
        if slug not in self.kinds:
            raise CatalogError(
                f"Không có loại báo cáo «{slug}». Các loại hiện có: "
                f"{', '.join(k.title for k in self.kinds.values())}.", "unknown_template")
        return self.kinds[slug]

    def province(self, slug: str, kind: ReportKind | None = None) -> ProvinceProfile:
        """The profile ``slug`` (``unknown_province`` when absent or not offered by ``kind``)."""
        offered = kind.provinces if kind else tuple(self.provinces)
        if slug not in self.provinces or slug not in offered:
            names = ", ".join(self.provinces[p].name for p in offered if p in self.provinces)
            raise CatalogError(f"Không có tỉnh «{slug}» cho loại báo cáo này. Các tỉnh hiện "
                               f"có: {names}.", "unknown_province")
        return self.provinces[slug]
