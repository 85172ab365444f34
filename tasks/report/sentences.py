"""Rows of activities written as sentences of a report, by the kind's sentence rules.

A rule (``[[rules]]`` in ``kind.toml``) gives the verb that opens the sentence, the classifier
noun of the quantity and the connector before the participants: "Tổ chức" · "01 lớp" ·
"<nội dung>" · "cho 80 cán bộ …". The row's columns are found by code: ``quantity``,
``quantity_unit`` (a noun that replaces the rule's), ``approx`` (trên/gần/khoảng),
``description``, ``participants``, ``male``, ``female``, ``target_group``, ``partner``.
"""

from __future__ import annotations

from typing import Any

from tasks.report.formatting import approx, qty
from tasks.report.kind_schema import RuleDef
from tasks.report.text import name_key


def sentence(text: str) -> str:
    """Free text as a sentence of the report: ends with exactly one full stop."""
    return text.rstrip(" .;,") + "."


def _starts_with(text: str, words: str) -> bool:
    """Whether ``text`` begins with ``words`` (ignoring case, spacing and tone placement)."""
    return f"{name_key(text)} ".startswith(f"{name_key(words)} ")


def _contains(text: str, words: str) -> bool:
    return f" {name_key(words)} " in f" {name_key(text)} "


def _participants(rule: RuleDef, values: dict[str, Any], description: str) -> str:
    male, female = values.get("male") or 0, values.get("female") or 0
    total = values.get("participants") or (male + female)
    if not total:
        return ""
    group = values.get("target_group") or ""
    # A target group already named in the description is not named twice.
    who = "người" if not group or _contains(description, group) else group
    phrase = f"{qty(total)} {who}"
    if male or female:
        phrase += f" ({qty(male)} nam, {qty(female)} nữ)"
    if _contains(description, rule.connector):
        # "… cho cán bộ cấp xã cho 150 người" reads twice "cho": say it another way.
        return f", với {phrase} tham gia"
    return f" {rule.connector} {phrase}"


def row_sentence(rule: RuleDef, values: dict[str, Any]) -> str:
    """A row of activities as one sentence of the report, ending with a full stop.

    Raises ``ValueError`` from the formatting filters for a malformed count (the validator
    has refused those already).
    """
    verb = rule.verb
    if values.get("partner"):
        verb = f"Phối hợp với {values['partner']} {verb[0].lower()}{verb[1:]}"
    description = values.get("description") or ""
    parts = [verb]
    if values.get("quantity"):
        parts.append(approx(values["quantity"], values.get("approx") or None))
        noun = values.get("quantity_unit") or rule.noun
        if not _starts_with(description, noun):  # "01 lễ Lễ phát động" names the noun twice
            parts.append(noun)
    if description:
        parts.append(description)
    return sentence(" ".join(parts) + _participants(rule, values, description))
