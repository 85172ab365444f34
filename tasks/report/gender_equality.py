"""The Action Month report: from validated sheets to the template context.

Totals, the plan ratio and the list of units are computed here, never typed by officers;
each provincial activity row becomes one sentence of the report. The per-unit figures arrive
already merged from the "Đơn vị" sheet and the activity log (see ``activity_log``).
"""

from __future__ import annotations

from tasks.report.errors import Problem
from tasks.report.formatting import approx, join_names, qty, unit_nouns
from tasks.report.provinces import ProvinceAtDate
from tasks.report.validate import Dataset, Record

FIGURES = (
    "budget", "launch_events", "launch_male", "launch_female", "media_activities",
    "media_male", "media_female", "broadcasts", "online_posts", "training_classes",
    "training_male", "training_female",
)
PLACEHOLDER_SECTIONS = {
    "strengths": "Ưu điểm", "limitations": "Tồn tại, hạn chế", "proposals": "Đề xuất, kiến nghị",
}


def _unit_rows(records: list[Record], province: ProvinceAtDate) -> list[dict]:
    """One appendix row per unit that sent figures, in the registry's display order."""
    by_name = {r.values["unit"].name: r for r in records if r.values.get("unit")}
    rows = []
    for unit in province.units:
        record = by_name.get(unit.name)
        if record is None:
            continue
        row = {"no": len(rows) + 1, "name": unit.name, "kind": unit.kind,
               "plan": bool(record.values.get("plan")),
               "highlights": record.values.get("highlights") or ""}
        row.update({f: record.values.get(f) or 0 for f in FIGURES})
        rows.append(row)
    return rows


def _sentence(text: str) -> str:
    """Free text as a list item of the report: ends with exactly one full stop."""
    return text.rstrip(" .;,") + "."


def activity_sentence(values: dict) -> str:
    """A provincial activity row as one sentence of the report, ending with a full stop."""
    kind = values["activity"]
    verb = kind["verb"]
    if values.get("partner"):
        verb = f"Phối hợp với {values['partner']} {verb[0].lower()}{verb[1:]}"
    parts = [verb]
    if values.get("quantity"):
        parts.append(approx(values["quantity"], values.get("approx") or None))
        parts.append(values.get("quantity_unit") or kind["unit"])
    if values.get("description"):
        parts.append(values["description"])
    male, female = values.get("male") or 0, values.get("female") or 0
    participants = values.get("participants") or (male + female)
    if participants:
        who = values.get("target_group") or "người"
        phrase = f"{kind['connector']} {qty(participants)} {who}"
        if male or female:
            phrase += f" ({qty(male)} nam, {qty(female)} nữ)"
        parts.append(phrase)
    return _sentence(" ".join(parts))


def build_context(data: Dataset, province: ProvinceAtDate) -> tuple[dict, list[Problem]]:
    """The kind-specific part of the context and the problems found while building it."""
    units = _unit_rows(data.tables.get("units", []), province)
    province_rows = [r for r in data.tables.get("province", []) if r.values.get("activity")]
    problems: list[Problem] = []
    notes = data.notes.get("assessment", {})
    for key, label in PLACEHOLDER_SECTIONS.items():
        if not notes.get(key):
            problems.append(Problem(
                "missing_assessment",
                f"Chưa có nội dung «{label}»: báo cáo để chỗ trống đánh dấu để bổ sung trong Word.",
                data.sheet_names.get("assessment", "Đánh giá"), None, "warning"))
    totals = {f: sum(u[f] for u in units) for f in FIGURES}
    context = {
        "plans": {"done": sum(1 for u in units if u["plan"]), "total": len(province.units),
                  "nouns": unit_nouns({u.kind for u in province.units})},
        "totals": totals,
        "units": units,
        "broadcast_units": join_names([u["name"] for u in units if u["broadcasts"]]),
        "online_post_units": join_names([u["name"] for u in units if u["online_posts"]]),
        "highlights": [{"unit": u["name"], "text": _sentence(u["highlights"])}
                       for u in units if u["highlights"]],
        "province_activities": [activity_sentence(r.values) for r in province_rows],
        "assessment": {key: list(notes.get(key, [])) for key in PLACEHOLDER_SECTIONS},
    }
    return context, problems
