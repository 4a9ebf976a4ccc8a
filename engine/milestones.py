"""Milestones: what the case record, the deadlines and the reports need from a process,
declared in the diagrams instead of read from task names.

A diagram declares a milestone on a flow node (property ``milestone``, with an optional
``milestoneValue`` expression evaluated when the node completes) or on a form field
(``"milestone": key`` in the form definition: the field's answer is the value). The
rule set (``workflows/mijlpalen.json``) names every milestone Wegwijs knows and which
of them the law requires; a set that lacks a required one is refused.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

VALUE_TYPES = frozenset({"datum", "janee", "gebruiker", "keuze", "keuzes", "geen"})


class RulesInvalid(ValueError):
    """The milestone rule set itself is malformed (a developer's error)."""


@dataclass(frozen=True)
class MilestoneRule:
    key: str
    label: str
    value: str  # one of VALUE_TYPES: what the recorded value is
    required: bool = False
    repeats: bool = False
    grond: str = ""  # the legal ground or source sentence


@dataclass(frozen=True)
class ReachedMilestone:
    """A milestone a case reached during one engine operation."""

    key: str
    bpmn_id: str
    at: datetime
    value: Any = None


MilestoneRules = Mapping[str, MilestoneRule]


def parse_rules(data: Mapping[str, Any]) -> dict[str, MilestoneRule]:
    """The rule set from its JSON form: {"mijlpalen": [{key, label, waarde, ...}]}."""
    rules: dict[str, MilestoneRule] = {}
    entries = data.get("mijlpalen")
    if not isinstance(entries, list) or not entries:
        raise RulesInvalid("'mijlpalen' must be a non-empty list")
    for entry in entries:
        key = entry.get("key")
        if not isinstance(key, str) or not key.isidentifier() or key in rules:
            raise RulesInvalid(f"bad or duplicate milestone key {key!r}")
        value = entry.get("waarde", "geen")
        if value not in VALUE_TYPES:
            raise RulesInvalid(f"{key}: 'waarde' must be one of {sorted(VALUE_TYPES)}")
        rules[key] = MilestoneRule(
            key=key,
            label=str(entry.get("label") or key),
            value=value,
            required=bool(entry.get("verplicht", False)),
            repeats=bool(entry.get("herhaalt", False)),
            grond=str(entry.get("grond", "")),
        )
    return rules
