"""What changed between two sets of files, in words for the beheerder and as element
ids to highlight on the diagram."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from lxml import etree

from engine.validation import BPMN_NS, SAFE_PARSER, spiff_property
from forms.jsontext import json_loads
from forms.registry import form_key_of

from .files import is_bpmn, is_decision_table

_B = f"{{{BPMN_NS}}}"
_KINDS = {
    "process": "proces",
    "participant": "deelnemer",
    "lane": "lane",
    "userTask": "taak",
    "scriptTask": "scripttaak",
    "manualTask": "taak",
    "task": "taak",
    "callActivity": "aanroep",
    "subProcess": "deelproces",
    "startEvent": "start",
    "endEvent": "einde",
    "intermediateCatchEvent": "tussengebeurtenis",
    "boundaryEvent": "randgebeurtenis",
    "exclusiveGateway": "gateway",
    "inclusiveGateway": "gateway",
    "parallelGateway": "gateway",
    "eventBasedGateway": "gateway",
    "sequenceFlow": "pijl",
}
_PROPERTIES = {
    "formKey": "formulier",
    "dueInDays": "termijn (dagen)",
    "dueDate": "termijn (datum)",
    "milestone": "mijlpaal",
    "milestoneValue": "mijlpaalwaarde",
}


@dataclass(frozen=True)
class Change:
    """One change in words."""

    file: str
    element: str
    kind: str  # "toegevoegd", "verwijderd", "gewijzigd"
    text: str


@dataclass
class FileDiff:
    name: str
    status: str  # "toegevoegd", "verwijderd", "gewijzigd"
    changes: list[Change] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def markers(self) -> dict[str, str]:
        """Element id -> marker class, for the diagram of the new version."""
        marks = {i: "wegwijs-toegevoegd" for i in self.added}
        marks.update({i: "wegwijs-gewijzigd" for i in self.changed})
        return marks


def _elements(xml: str) -> dict[str, dict[str, str]]:
    """The elements a beheerder recognises, with what a diff compares of them."""
    try:
        root = etree.fromstring(xml.encode(), SAFE_PARSER)
    except etree.XMLSyntaxError:
        return {}
    lanes: dict[str, str] = {}
    for lane in root.iter(f"{_B}lane"):
        for ref in lane.findall(f"{_B}flowNodeRef"):
            lanes[(ref.text or "").strip()] = lane.get("name") or ""
    found: dict[str, dict[str, str]] = {}
    for element in root.iter():
        if (
            not isinstance(element.tag, str)
            or etree.QName(element).namespace != BPMN_NS
        ):
            continue
        kind = etree.QName(element).localname
        if kind not in _KINDS or not element.get("id"):
            continue
        facts = {
            "soort": _KINDS[kind],
            "naam": element.get("name") or "",
            "lane": lanes.get(element.get("id"), ""),
        }
        for prop, label in _PROPERTIES.items():
            facts[label] = spiff_property(element, prop) or ""
        condition = element.find(f"{_B}conditionExpression")
        facts["voorwaarde"] = (
            (condition.text or "").strip() if condition is not None else ""
        )
        script = element.find(f"{_B}script")
        facts["script"] = (script.text or "").strip() if script is not None else ""
        facts["timer"] = " ".join(
            (t.text or "").strip()
            for t in element.iter(
                f"{_B}timeDuration", f"{_B}timeDate", f"{_B}timeCycle"
            )
        )
        facts["aanroep"] = element.get("calledElement") or ""
        facts["van"] = element.get("sourceRef") or ""
        facts["naar"] = element.get("targetRef") or ""
        found[element.get("id")] = facts
    return found


def _title(
    facts: Mapping[str, str],
    element_id: str,
    elements: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    if facts.get("soort") == "pijl" and elements is not None:
        source = elements.get(facts.get("van", ""), {})
        target = elements.get(facts.get("naar", ""), {})
        return (
            f"pijl van ‘{source.get('naam') or facts.get('van')}’"
            f" naar ‘{target.get('naam') or facts.get('naar')}’"
        )
    name = facts.get("naam") or element_id
    return f"{facts.get('soort', 'element')} ‘{name}’"


def _describe(key: str, value: str, previous: str) -> str:
    if key == "naam":
        return f"heet nu ‘{value}’ (was ‘{previous}’)"
    if key == "lane":
        return f"ligt nu in lane ‘{value}’ (was ‘{previous or 'geen'}’)"
    if not previous:
        return f"heeft nu {key} ‘{value}’"
    if not value:
        return f"heeft geen {key} meer (was ‘{previous}’)"
    return f"{key} is nu ‘{value}’ (was ‘{previous}’)"


def _bpmn_diff(name: str, old: str, new: str) -> FileDiff:
    before, after = _elements(old), _elements(new)
    diff = FileDiff(name, "gewijzigd")
    for element_id in sorted(after.keys() - before.keys()):
        diff.added.append(element_id)
        diff.changes.append(
            Change(
                name,
                element_id,
                "toegevoegd",
                f"Nieuw: {_title(after[element_id], element_id, after)}.",
            )
        )
    for element_id in sorted(before.keys() - after.keys()):
        diff.removed.append(element_id)
        diff.changes.append(
            Change(
                name,
                element_id,
                "verwijderd",
                f"Verwijderd: {_title(before[element_id], element_id, before)}.",
            )
        )
    for element_id in sorted(before.keys() & after.keys()):
        old_facts, new_facts = before[element_id], after[element_id]
        texts = [
            _describe(key, value, old_facts.get(key, ""))
            for key, value in new_facts.items()
            if key != "soort" and value != old_facts.get(key, "")
        ]
        if texts:
            diff.changed.append(element_id)
            title = _title(old_facts, element_id, before)
            diff.changes.append(
                Change(
                    name,
                    element_id,
                    "gewijzigd",
                    f"{title[0].upper()}{title[1:]} " + "; ".join(texts) + ".",
                )
            )
    return diff


def _fields(text: str) -> tuple[dict[str, dict], str]:
    try:
        form = json_loads(text)
        fields = {
            f["name"]: f
            for step in form.get("steps", [])
            for f in step.get("fields", [])
            if isinstance(f, dict) and "name" in f
        }
        return fields, str(form.get("title", ""))
    except (ValueError, TypeError, AttributeError, KeyError):
        return {}, ""


_FIELD_FACTS = {
    "label": "vraag",
    "type": "type",
    "required": "verplicht",
    "privacy": "privacyklasse",
    "help": "hulptekst",
    "choices": "keuzes",
    "milestone": "mijlpaal",
    "routing": "stuurt het proces",
}


def _shown(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _form_diff(name: str, old: str, new: str) -> FileDiff:
    (before, old_title), (after, new_title) = _fields(old), _fields(new)
    diff = FileDiff(name, "gewijzigd")
    if old_title != new_title:
        diff.changes.append(
            Change(
                name,
                "",
                "gewijzigd",
                f"De titel is nu ‘{new_title}’ (was ‘{old_title}’).",
            )
        )
    for field_name in [f for f in after if f not in before]:
        diff.changes.append(
            Change(
                name,
                field_name,
                "toegevoegd",
                f"Nieuw veld ‘{after[field_name].get('label')}’ ({field_name}).",
            )
        )
    for field_name in [f for f in before if f not in after]:
        diff.changes.append(
            Change(
                name,
                field_name,
                "verwijderd",
                f"Veld ‘{before[field_name].get('label')}’ ({field_name}) is weg.",
            )
        )
    for field_name in [f for f in after if f in before]:
        texts = [
            f"{label} is nu {_shown(after[field_name].get(key))}"
            for key, label in _FIELD_FACTS.items()
            if before[field_name].get(key) != after[field_name].get(key)
        ]
        if texts:
            diff.changes.append(
                Change(
                    name,
                    field_name,
                    "gewijzigd",
                    f"Veld ‘{field_name}’: " + "; ".join(texts) + ".",
                )
            )
    order_before = [f for f in before if f in after]
    order_after = [f for f in after if f in before]
    if order_before != order_after:
        diff.changes.append(
            Change(name, "", "gewijzigd", "De volgorde van de velden is veranderd.")
        )
    return diff


def set_diff(old: Mapping[str, str], new: Mapping[str, str]) -> list[FileDiff]:
    """Per file that differs between two sets: what changed, in words."""
    diffs: list[FileDiff] = []
    for name in sorted(old.keys() | new.keys()):
        if old.get(name) == new.get(name):
            continue
        if name not in old:
            diffs.append(
                FileDiff(
                    name,
                    "toegevoegd",
                    [Change(name, "", "toegevoegd", "Nieuw bestand.")],
                )
            )
            continue
        if name not in new:
            diffs.append(
                FileDiff(
                    name,
                    "verwijderd",
                    [Change(name, "", "verwijderd", "Bestand verwijderd.")],
                )
            )
            continue
        if is_bpmn(name):
            diffs.append(_bpmn_diff(name, old[name], new[name]))
        elif is_decision_table(name):
            diffs.append(_table_diff(name, old[name], new[name]))
        elif form_key_of(name) is not None:
            diffs.append(_form_diff(name, old[name], new[name]))
        else:
            diffs.append(
                FileDiff(
                    name,
                    "gewijzigd",
                    [Change(name, "", "gewijzigd", "De inhoud is veranderd.")],
                )
            )
        if not diffs[-1].changes:
            diffs[-1].changes.append(
                Change(
                    name,
                    "",
                    "gewijzigd",
                    "Alleen de opmaak of de tekening is veranderd.",
                )
            )
    return diffs


# ---- decision tables -----------------------------------------------------------------


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _kids(element: etree._Element, local: str) -> list[etree._Element]:
    return [c for c in element if _local(c) == local]


def _cell(element: etree._Element) -> str:
    texts = _kids(element, "text")
    return (texts[0].text or "").strip() if texts else ""


def _table(xml: str) -> dict[str, object]:
    """What a diff compares of a decision table: its columns, hit policy and rows."""
    try:
        root = etree.fromstring(xml.encode(), SAFE_PARSER)
    except etree.XMLSyntaxError:
        return {}
    tables = [t for t in root.iter() if _local(t) == "decisionTable"]
    if not tables:
        return {}
    table = tables[0]
    columns = [
        (c.get("label") or "invoer")
        + " ("
        + next((_cell(e) for e in _kids(c, "inputExpression")), "")
        + ")"
        for c in _kids(table, "input")
    ] + [
        f"{c.get('label') or c.get('name') or 'uitkomst'} ({c.get('name') or ''})"
        for c in _kids(table, "output")
    ]
    rows = {}
    for number, rule in enumerate(_kids(table, "rule"), start=1):
        cells = [_cell(e) for e in _kids(rule, "inputEntry")]
        cells += [_cell(e) for e in _kids(rule, "outputEntry")]
        label = " ".join(_cell(d) or (d.text or "") for d in _kids(rule, "description"))
        rows[rule.get("id") or f"regel-{number}"] = (number, label.strip(), cells)
    return {
        "policy": (table.get("hitPolicy") or "UNIQUE").upper(),
        "columns": columns,
        "rows": rows,
    }


def _row_name(number: int, label: str) -> str:
    return f"regel {number}" + (f" (‘{label}’)" if label else "")


def _table_diff(name: str, old_xml: str, new_xml: str) -> FileDiff:
    """A decision table's changes in words: hit policy, columns, and per rule the
    cells that changed (old → new)."""
    diff = FileDiff(name, "gewijzigd")
    old, new = _table(old_xml), _table(new_xml)

    def say(element: str, kind: str, text: str) -> None:
        diff.changes.append(Change(name, element, kind, text))

    if old.get("policy") != new.get("policy"):
        say("", "gewijzigd", f"hit policy {old.get('policy')} → {new.get('policy')}")
    old_columns = list(old.get("columns") or [])
    columns = list(new.get("columns") or [])
    if old_columns != columns:
        say("", "gewijzigd", f"kolommen {old_columns} → {columns}")
    old_rows = dict(old.get("rows") or {})
    rows = dict(new.get("rows") or {})
    for rule_id, (number, label, cells) in rows.items():
        if rule_id not in old_rows:
            diff.added.append(rule_id)
            say(
                rule_id,
                "toegevoegd",
                f"{_row_name(number, label)}: {' | '.join(cells)}",
            )
            continue
        _old_number, _old_label, old_cells = old_rows[rule_id]
        changed = [
            f"{columns[i] if i < len(columns) else i + 1}: ‘{before}’ → ‘{after}’"
            for i, (before, after) in enumerate(zip(old_cells, cells, strict=False))
            if before != after
        ]
        if changed or len(old_cells) != len(cells):
            diff.changed.append(rule_id)
            say(
                rule_id,
                "gewijzigd",
                f"{_row_name(number, label)}: {'; '.join(changed)}",
            )
    for rule_id, (number, label, cells) in old_rows.items():
        if rule_id not in rows:
            diff.removed.append(rule_id)
            say(
                rule_id,
                "verwijderd",
                f"{_row_name(number, label)}: {' | '.join(cells)}",
            )
    return diff
