"""The checks of a kind definition that look across its keys, run when a kind loads.

``check_definition`` returns every problem (an empty list means the definition is coherent):
duplicate codes, a sheet layout without the column it needs, a figure on a sheet or column that
does not exist or has the wrong type, a log feeding figures its target sheet lacks, a period
text using a name it cannot have. Messages name the key in ``kind.toml``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import jinja2
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment

from tasks.report.kind_problems import KindProblem
from tasks.report.kind_schema import (
    COMMON_NAMES,
    NUMERIC_TYPES,
    TEXT_NAMES,
    YEAR_FORMS,
    KindDef,
    SheetDef,
)

FILE = "kind.toml"
# Which layouts each operation reads, and the column types its columns may have.
_OP_LAYOUTS = {
    "totals": {"units", "rows"}, "sum": {"units", "rows", "items"}, "by_sex": {"units", "rows"},
    "ratio": {"units"}, "share": {"units", "rows"}, "units_where": {"units"},
    "texts": {"units"}, "sentences": {"rows"}, "notes": {"notes"}, "table": {"units"},
    "targets": {"items"}, "count_rows": {"rows", "items"},
}
_NUMBER = NUMERIC_TYPES
_NUMBER_OR_FLAG = NUMERIC_TYPES | {"flag"}
_TEXT = {"text"}
# The columns each layout needs, by type: (type, how many, what the message calls it).
_NEEDS = {"units": ("unit", "cột đơn vị (type = \"unit\")"),
          "log": ("unit", "cột đơn vị (type = \"unit\")"),
          "items": ("item", "cột chỉ tiêu (type = \"item\")")}
# Column codes with a fixed role in a log sheet (see activity_log).
LOG_ROLES = {"quantity": _NUMBER, "male": _NUMBER, "female": _NUMBER, "date": {"date"}}


def _problem(key: str, message: str, code: str = "kind_inconsistent") -> KindProblem:
    return KindProblem(FILE, key, code, message)


def _duplicates(values: list[str]) -> set[str]:
    return {v for v, n in Counter(values).items() if n > 1}


def check_definition(kind: KindDef) -> list[KindProblem]:
    """Every cross-key problem of ``kind`` (the parsed ``kind.toml``)."""
    return [*_sheets(kind), *_figures(kind), *_periods(kind), *_lists(kind)]


def _sheets(kind: KindDef) -> Iterator[KindProblem]:
    for code in _duplicates([s.key for s in kind.sheets]):
        yield _problem("sheets", f"hai trang cùng khóa «{code}».")
    for n, sheet in enumerate(kind.sheets, start=1):
        where = f"sheets[{n}]"
        for code in _duplicates([c.code for c in sheet.columns]):
            yield _problem(f"{where}.columns", f"hai cột cùng mã «{code}».")
        yield from _layout(kind, sheet, where)
        codes = {c.code: c for c in sheet.columns}
        for m, column in enumerate(sheet.columns, start=1):
            for part in (p for group in column.sum_groups for p in group):
                if part not in codes or codes[part].type not in _NUMBER:
                    yield _problem(f"{where}.columns[{m}].sum_of",
                                   f"«{part}» không phải là cột số của trang «{sheet.name}».")
            if column.type == "category" and sheet.layout != "log":
                yield _problem(f"{where}.columns[{m}].type",
                               "cột loại hoạt động (category) chỉ dùng trong trang nhật ký "
                               "(layout = \"log\").")
            if column.type == "rule" and not kind.rules:
                yield _problem(f"{where}.columns[{m}].type",
                               "cột dùng quy tắc câu (rule) nhưng tệp không có [[rules]].")
            if column.type == "item" and not kind.items:
                yield _problem(f"{where}.columns[{m}].type",
                               "cột chỉ tiêu (item) nhưng tệp không có [[items]].")


def _layout(kind: KindDef, sheet: SheetDef, where: str) -> Iterator[KindProblem]:
    types = [c.type for c in sheet.columns]
    if sheet.layout in _NEEDS:
        needed, name = _NEEDS[sheet.layout]
        if types.count(needed) != 1:
            yield _problem(f"{where}.columns", f"trang «{sheet.name}» (layout = "
                           f"\"{sheet.layout}\") cần đúng một {name}.")
    if sheet.layout == "rows" and types.count("rule") > 1:
        yield _problem(f"{where}.columns", "một trang chỉ có một cột quy tắc câu (rule).")
    if sheet.layout == "notes":
        codes = {c.code for c in sheet.columns}
        if not {"key", "value"} <= codes:
            yield _problem(f"{where}.columns", "trang nội dung (layout = \"notes\") cần hai cột "
                           "mã «key» (mục) và «value» (nội dung).")
        if not sheet.sections:
            yield _problem(f"{where}.sections", "trang nội dung cần ít nhất một mục [[sections]].")
    if sheet.layout == "log":
        yield from _log(kind, sheet, where)
    elif sheet.categories or sheet.into:
        yield _problem(where, "chỉ trang nhật ký (layout = \"log\") có categories và into.")


def _log(kind: KindDef, sheet: SheetDef, where: str) -> Iterator[KindProblem]:
    codes = {c.code: c.type for c in sheet.columns}
    if "category" not in codes.values():
        yield _problem(f"{where}.columns", "trang nhật ký cần một cột loại hoạt động "
                       "(type = \"category\").")
    for code, types in LOG_ROLES.items():
        if code in codes and codes[code] not in types:
            yield _problem(f"{where}.columns", f"cột «{code}» của trang nhật ký phải có kiểu "
                           f"{' hoặc '.join(sorted(types))}.")
    if "quantity" not in codes:
        yield _problem(f"{where}.columns", "trang nhật ký cần cột «quantity» (số lượng).")
    target = next((s for s in kind.sheets if s.key == sheet.into), None)
    if target is None or target.layout != "units":
        yield _problem(f"{where}.into", f"«{sheet.into}» không phải là trang đơn vị "
                       "(layout = \"units\") của loại báo cáo này.")
        return
    if not sheet.categories:
        yield _problem(f"{where}.categories", "trang nhật ký cần ít nhất một loại hoạt động.")
    columns = {c.code: c.type for c in target.columns}
    for m, category in enumerate(sheet.categories, start=1):
        fed = [(f, _NUMBER) for f in category.count]
        fed += [(f, _NUMBER) for f in (category.amount, category.male, category.female) if f]
        fed += [(category.flag, {"flag"})] if category.flag else []
        for figure, types in fed:
            if columns.get(figure) not in types:
                yield _problem(f"{where}.categories[{m}]",
                               f"loại «{category.label}» cộng vào «{figure}», nhưng trang "
                               f"«{target.name}» không có cột {figure} kiểu phù hợp.")


def _figures(kind: KindDef) -> Iterator[KindProblem]:
    sheets = {s.key: s for s in kind.sheets}
    for name, figure in kind.figures.items():
        where = f"figures.{name}"
        if name in COMMON_NAMES:
            yield _problem(where, f"tên «{name}» trùng với tên chung của mọi báo cáo "
                           f"({', '.join(COMMON_NAMES)}).")
        sheet = sheets.get(figure.sheet)
        if sheet is None:
            yield _problem(f"{where}.sheet", f"không có trang khóa «{figure.sheet}».")
            continue
        if sheet.layout not in _OP_LAYOUTS[figure.op]:
            yield _problem(f"{where}.sheet", f"phép tính «{figure.op}» không dùng được trên "
                           f"trang «{sheet.name}» (layout = \"{sheet.layout}\").")
            continue
        yield from _figure_columns(where, figure, sheet)


def _figure_columns(where: str, figure, sheet: SheetDef) -> Iterator[KindProblem]:
    columns = {c.code: c.type for c in sheet.columns}
    wanted: list[tuple[str, str, set[str]]] = []
    if figure.op in ("sum", "units_where", "ratio", "texts"):
        allowed = {"sum": _NUMBER, "units_where": _NUMBER_OR_FLAG, "ratio": _NUMBER_OR_FLAG,
                   "texts": _TEXT}[figure.op]
        wanted.append(("column", figure.column, allowed))
    elif figure.op == "by_sex":
        wanted += [("male", figure.male, _NUMBER), ("female", figure.female, _NUMBER)]
    elif figure.op == "share":
        wanted.append(("part", figure.part, _NUMBER))
        wanted += [("whole", code, _NUMBER) for code in figure.whole]
    elif figure.op == "count_rows" and figure.where:
        wanted.append(("where", figure.where, _NUMBER_OR_FLAG | _TEXT))
    elif figure.op == "targets":
        wanted += [(f"sheet ({code})", code, {"number"}) for code in ("value",)]
        wanted += [(f"sheet ({code})", code, {"number"}) for code in
                   ("previous", "target", "male", "female") if code in columns]
    elif figure.op == "sentences" and "rule" not in columns.values():
        yield _problem(f"{where}.sheet", f"trang «{sheet.name}» không có cột quy tắc câu "
                       "(type = \"rule\").")
    for key, code, types in wanted:
        if code not in columns:
            yield _problem(f"{where}.{key}", f"trang «{sheet.name}» không có cột «{code}».")
        elif columns[code] not in types:
            yield _problem(f"{where}.{key}", f"cột «{code}» có kiểu «{columns[code]}»; phép "
                           f"tính «{figure.op}» cần kiểu {' hoặc '.join(sorted(types))}.")


_TEXT_ENV = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)


def _periods(kind: KindDef) -> Iterator[KindProblem]:
    forms = kind.periods.forms
    if len([f for f in forms if f in YEAR_FORMS]) > 1:
        yield _problem("periods.forms", "chỉ chọn một trong campaign, year, calendar_year: "
                       "một năm (YYYY) chỉ được hiểu một cách.")
    if "campaign" in forms and not kind.periods.campaigns:
        yield _problem("periods.campaigns", "kỳ «campaign» cần tệp các đợt "
                       "(campaigns = \"campaigns.toml\").")
    for form in forms:
        if form not in kind.periods.texts:
            yield _problem(f"periods.texts.{form}", "thiếu tiêu đề, lời mở đầu và kết của kỳ "
                           f"«{form}» (summary, opening, closing).")
    for form, texts in kind.periods.texts.items():
        if form not in forms:
            yield _problem(f"periods.texts.{form}", f"kỳ «{form}» không có trong forms.")
        for part in ("summary", "opening", "closing"):
            yield from _text_names(f"periods.texts.{form}.{part}", getattr(texts, part))


def _text_names(key: str, source: str) -> Iterator[KindProblem]:
    try:
        names = meta.find_undeclared_variables(_TEXT_ENV.parse(source))
    except jinja2.TemplateSyntaxError as e:
        yield _problem(key, f"sai cú pháp: {e.message}", "kind_text_syntax")
        return
    for name in sorted(names - set(TEXT_NAMES)):
        yield _problem(key, f"dùng tên «{name}» không có; chỉ dùng: {', '.join(TEXT_NAMES)}.",
                       "kind_text_name")


def _lists(kind: KindDef) -> Iterator[KindProblem]:
    for table, codes in (("rules", [r.code for r in kind.rules]),
                         ("items", [i.code for i in kind.items])):
        for code in _duplicates(codes):
            yield _problem(table, f"hai mục cùng mã «{code}».")
    if kind.sample_province not in kind.provinces:
        yield _problem("sample_province", f"«{kind.sample_province}» không có trong provinces.")
