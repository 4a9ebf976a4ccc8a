"""Settings of a version: what the law leaves to the gemeente (which date starts the
PIP clock, the number of PVT workshops, the length of ontzorgen...).

The rules (label, type, range, default) are repository data
(workflows/instellingen.json): the source for a new base version and for checking a
draft. A version is frozen when it is made: it keeps every value, defaults resolved
(DefinitionVersion.setting_values), so a running case never reads the repository. A
base takes the repository's defaults; a gemeente's version takes its base's values,
with its own ``instellingen.json`` on top. A case gets them as ``instelling_<key>``."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

from engine import ERROR, Finding
from forms.jsontext import json_loads

from .files import SETTINGS_FILE

PREFIX = "instelling_"
# Settings that were a table in disguise and became a decision table of the version.
MOVED_TO_TABLES = {
    "ontzorgen_maanden": "ontzorgen_duur.dmn",
    "ontzorgen_evaluatie_maanden": "ontzorgen_duur.dmn",
    "voortgang_weken": "voortgang_frequentie.dmn",
}


@dataclass(frozen=True)
class SettingRule:
    key: str
    label: str
    type: str  # "keuze", "getal" or "janee"
    default: Any
    choices: tuple[tuple[str, str], ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    grond: str = ""


@lru_cache(maxsize=4)
def _rules(path: Path) -> dict[str, SettingRule]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        entry["key"]: SettingRule(
            key=entry["key"],
            label=entry["label"],
            type=entry["type"],
            default=entry["default"],
            choices=tuple(tuple(c) for c in entry.get("choices", ())),
            minimum=entry.get("min"),
            maximum=entry.get("max"),
            grond=entry.get("grond", ""),
        )
        for entry in data["instellingen"]
    }


def setting_rules() -> dict[str, SettingRule]:
    return _rules(Path(settings.WORKFLOWS_DIR) / "instellingen.json")


def _problem(rule: SettingRule, value: Any) -> str | None:
    if rule.type == "getal":
        if isinstance(value, bool) or not isinstance(value, int):
            return f"‘{rule.key}’ moet een heel getal zijn"
        if rule.minimum is not None and value < rule.minimum:
            return f"‘{rule.key}’ is minstens {rule.minimum}"
        if rule.maximum is not None and value > rule.maximum:
            return f"‘{rule.key}’ is hoogstens {rule.maximum}"
    elif rule.type == "keuze":
        if value not in {c for c, _label in rule.choices}:
            options = ", ".join(c for c, _label in rule.choices)
            return f"‘{rule.key}’ is een van: {options}"
    elif rule.type == "janee" and not isinstance(value, bool):
        return f"‘{rule.key}’ is true of false"
    return None


def parse_settings(
    text: str | None, *, defaults: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], list[Finding]]:
    """The values of a set's settings, and every finding about its instellingen.json.

    What the file leaves out takes ``defaults`` (the frozen values of the base version
    the set is built on), else the repository's default; only keys the repository's
    rules know are kept, and a default outside a rule's range is not taken.
    """
    rules = setting_rules()
    values = {key: rule.default for key, rule in rules.items()}
    for key, value in (defaults or {}).items():
        rule = rules.get(key)
        if rule is not None and _problem(rule, value) is None:
            values[key] = value
    if text is None:
        return values, []
    findings: list[Finding] = []

    def finding(message: str, hint: str = "") -> None:
        findings.append(Finding(ERROR, SETTINGS_FILE, None, "", message, hint))

    try:
        given = json_loads(text)
    except ValueError as exc:
        finding(f"geen geldige JSON: {exc}", "Bewerk de instellingen in de studio.")
        return values, findings
    if not isinstance(given, dict):
        finding("de instellingen zijn geen object", 'Gebruik {"sleutel": waarde}.')
        return values, findings
    for key, value in given.items():
        problem = _key_problem(rules, key, value)
        if problem is None:
            values[key] = value
        else:
            finding(*problem)
    return values, findings


def _key_problem(
    rules: Mapping[str, SettingRule], key: str, value: Any
) -> tuple[str, str] | None:
    """What is wrong with one key of a set's instellingen.json (message, hint)."""
    rule = rules.get(key)
    if rule is None and key in MOVED_TO_TABLES:
        return (
            f"de instelling ‘{key}’ staat nu in de beslistabel {MOVED_TO_TABLES[key]}",
            f"Haal ‘{key}’ uit instellingen.json en pas de waarde aan in de"
            " beslistabel.",
        )
    if rule is None:
        return f"onbekende instelling ‘{key}’", "Bekend: " + ", ".join(sorted(rules))
    problem = _problem(rule, value)
    return (problem, rule.label) if problem is not None else None


def engine_variables(values: dict[str, Any]) -> dict[str, Any]:
    """The settings as the case's variables."""
    return {f"{PREFIX}{key}": value for key, value in values.items()}


def known_variables() -> set[str]:
    return {f"{PREFIX}{key}" for key in setting_rules()}
