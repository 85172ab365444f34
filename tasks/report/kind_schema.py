"""The shape of a report kind's ``kind.toml``, as pydantic models (checked when a kind loads).

A kind is data, never code: its sheets and columns, the figures it computes (a closed set of
declared operations, see ``figures``), how a row of provincial activities becomes a sentence
(``rules``), the indicators a target report evaluates (``items``), the periods it accepts and
how its title, opening and closing read for each. ``doc_templates/README.md`` is the guide for
authors; ``docs/kinds.md`` the reference of every key.

Models forbid unknown keys, so a misspelt key is reported rather than ignored. The checks that
look across keys (a figure on a column that does not exist, a log feeding a figure its target
sheet lacks) are in ``kind_checks``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                            max_length=2000)]

# What a cell of a column holds. "unit", "category", "rule" and "item" name an entry of a list
# (the province's units, the log's categories, the sentence rules, the indicators).
ColumnType = Literal["unit", "category", "rule", "item", "count", "money", "number", "flag",
                     "text", "approx", "date", "note"]
NUMERIC_TYPES = frozenset({"count", "money", "number"})
# How a sheet's rows are organised (see docs/kinds.md).
Layout = Literal["units", "log", "rows", "notes", "items"]
# What a typed period may be: see tasks/report/period.py.
PeriodForm = Literal["campaign", "year", "calendar_year", "half", "quarter", "month", "range"]
YEAR_FORMS = frozenset({"campaign", "year", "calendar_year"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ColumnDef(_Model):
    """A column: its code (the grey row of the workbook), its Vietnamese label and type.

    ``sum_of`` names columns whose sum this column must equal when both are filled in (a
    "Tổng số người" beside "Nam" and "Nữ"), or several such groups, each a split of the same
    total (``[["male", "female"], ["children", "adults", "elderly"]]``): then the groups must
    also agree with one another, the total given or not (see ``records.check_sums``).
    """

    code: Code
    label: Text
    type: ColumnType
    required: bool = False
    sum_of: tuple[Code, ...] | tuple[Annotated[tuple[Code, ...], Field(min_length=1)], ...] = ()

    @property
    def sum_groups(self) -> tuple[tuple[str, ...], ...]:
        """``sum_of`` as a tuple of groups (one group when a flat list was given; () if none)."""
        if not self.sum_of:
            return ()
        return self.sum_of if isinstance(self.sum_of[0], tuple) else (self.sum_of,)


class CategoryDef(_Model):
    """A category of the activity log and the per-unit figures one of its rows feeds.

    ``count`` figures grow by the row's quantity (blank = 1), ``amount`` by the quantity as
    money, ``male``/``female`` by the people, ``flag`` is set.
    """

    code: Code
    label: Text
    count: tuple[Code, ...] = ()
    amount: Code | None = None
    male: Code | None = None
    female: Code | None = None
    flag: Code | None = None


class SectionDef(_Model):
    """A narrative section of a notes sheet (Ưu điểm, Hạn chế …); missing → a placeholder."""

    code: Code
    label: Text


class SheetDef(_Model):
    """A sheet of the data workbook.

    ``into`` (log sheets) names the units sheet whose figures the log's rows feed.
    """

    key: Code
    name: Text
    aliases: tuple[Text, ...] = ()
    layout: Layout
    required: bool = False
    columns: tuple[ColumnDef, ...] = Field(min_length=1)
    into: Code | None = None
    categories: tuple[CategoryDef, ...] = ()
    sections: tuple[SectionDef, ...] = ()


class RuleDef(_Model):
    """How a row of provincial activities becomes a sentence: "<verb> <n> <noun> …"."""

    code: Code
    label: Text
    verb: Text
    noun: Text
    connector: Text


class ItemDef(_Model):
    """An indicator of a targets report: its target and which way counts as reached.

    ``target`` None means the indicator is reported without a target; ``group`` is the area
    of the strategy it belongs to. ``direction`` says how the value is compared with the
    target: ``at_least`` (≥, "đạt ít nhất"), ``at_most`` (≤, "không quá"), ``above`` (>,
    "trên") or ``below`` (<, "dưới": a target "dưới 30%" is not reached at 30%).
    """

    code: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z][0-9A-Za-z._-]*$",
                                           max_length=20)]
    label: LongText
    measure: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    target: float | None = None
    direction: Literal["at_least", "at_most", "above", "below"] = "at_least"
    by_sex: bool = False
    group: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class PeriodTexts(_Model):
    """What the report says for one period form: the summary line, opening and closing.

    Each is a template over the common context (``campaign``, ``period``, ``agency`` …).
    """

    summary: LongText
    opening: LongText
    closing: LongText


class PeriodsDef(_Model):
    """The period forms the kind accepts and the texts of each."""

    forms: tuple[PeriodForm, ...] = Field(min_length=1)
    campaigns: str | None = None
    texts: dict[PeriodForm, PeriodTexts]


class _SheetFigure(_Model):
    sheet: Code


class TotalsFigure(_SheetFigure):
    """Sum of every number column of a units sheet over the units that reported: a dict."""

    op: Literal["totals"]


class SumFigure(_SheetFigure):
    """Sum of one number column over the units (or rows) that reported."""

    op: Literal["sum"]
    column: Code


class BySexFigure(_SheetFigure):
    """``{"male", "female", "total"}`` summed from two columns."""

    op: Literal["by_sex"]
    male: Code
    female: Code


class RatioFigure(_SheetFigure):
    """Units whose ``column`` is set or non-zero, out of the units of the period."""

    op: Literal["ratio"]
    column: Code


class ShareFigure(_SheetFigure):
    """``part`` as a percentage of the sum of ``whole`` (None when the whole is 0)."""

    op: Literal["share"]
    part: Code
    whole: tuple[Code, ...] = Field(min_length=1)


class UnitsWhereFigure(_SheetFigure):
    """The units whose ``column`` is non-zero: names, or "x/y …" past ``max_names``."""

    op: Literal["units_where"]
    column: Code
    max_names: int = Field(default=5, ge=1, le=30)


class TextsFigure(_SheetFigure):
    """The text of ``column`` for each unit that wrote one, as {unit, text}."""

    op: Literal["texts"]
    column: Code


class SentencesFigure(_SheetFigure):
    """One sentence per row of a rows sheet with a rule column (see ``RuleDef``)."""

    op: Literal["sentences"]


class NotesFigure(_SheetFigure):
    """The paragraphs of each section of a notes sheet, by section code."""

    op: Literal["notes"]


class TableFigure(_SheetFigure):
    """The appendix rows of a units sheet: every unit of the period, reported or not."""

    op: Literal["table"]


class TargetsFigure(_SheetFigure):
    """The indicators of an items sheet with their evaluation against the target."""

    op: Literal["targets"]


class CountFigure(_SheetFigure):
    """How many rows a rows or items sheet has (with ``where`` set or non-zero, if given)."""

    op: Literal["count_rows"]
    where: Code | None = None


Figure = Annotated[
    TotalsFigure | SumFigure | BySexFigure | RatioFigure | ShareFigure | UnitsWhereFigure
    | TextsFigure | SentencesFigure | NotesFigure | TableFigure | TargetsFigure | CountFigure,
    Field(discriminator="op"),
]
OPERATIONS = ("totals", "sum", "by_sex", "ratio", "share", "units_where", "texts", "sentences",
              "notes", "table", "targets", "count_rows")


class KindDef(_Model):
    """The whole ``kind.toml``."""

    slug: Slug
    title: LongText
    short_title: Text
    document_type: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,4}$")] = "BC"
    field: Slug
    provinces: tuple[Slug, ...] = Field(min_length=1)
    template: Text = "template.docx"
    sample: Text = "sample.xlsx"
    readme: Text = "README.md"
    sample_province: Slug
    sample_period: Text
    periods: PeriodsDef
    sheets: tuple[SheetDef, ...] = Field(min_length=1)
    figures: dict[Code, Figure] = Field(min_length=1)
    rules: tuple[RuleDef, ...] = ()
    items: tuple[ItemDef, ...] = ()
    appendices: int = Field(default=1, ge=0, le=5)


class CampaignDef(_Model):
    """One year of a campaign: its window, theme and guidance letter (all from sources)."""

    year: int = Field(ge=2000, le=2100)
    start: date
    end: date
    theme: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""
    guidance_number: Annotated[str, StringConstraints(strip_whitespace=True,
                                                      max_length=60)] = ""
    guidance_date: date | None = None
    guidance_issuer: Annotated[str, StringConstraints(strip_whitespace=True,
                                                      max_length=200)] = ""


class CampaignsDef(_Model):
    """The whole campaigns file: the campaign's name and its years."""

    name: LongText
    campaigns: tuple[CampaignDef, ...] = Field(min_length=1)


# The names every report context holds besides the kind's figures (see ``context``); a figure
# may not take one of them.
COMMON_NAMES = ("doc", "agency", "period", "campaign", "report", "signer", "recipients",
                "coverage")
# The names a period text (summary, opening, closing) may use.
TEXT_NAMES = ("campaign", "period", "agency")
# The columns of an items sheet the blank workbook fills from the [[items]] themselves (name,
# unit of measure, target): a row holding only these has no figure yet.
ITEM_PREFILLED = frozenset({"label", "measure", "target"})
