"""Answers for a proefrit (test drive), made from a form definition.

The first answer set is the ordinary one: every field answered plausibly. The others
each change one thing the process can route on: every choice of a field some condition
or script reads, both answers of a yes/no, the bounds of a number, and every optional
field that code reads left empty. Only fields of privacy class ``normaal`` enter the
engine (forms.values.engine_data), so only they are answered.
"""

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from .registry import ENGINE_PRIVACY, FieldDefinition, FormDefinition

SAMPLE_TEXT = "Proefrit"
_SAMPLES = {
    "bsn": "111222333",
    "postcode": "1234 AB",
    "phone": "0612345678",
    "email": "proefrit@voorbeeld.invalid",
    "gebruiker": "proefrit",
}


def _ordinary(field: FieldDefinition, today: date) -> Any:
    if field.type == "yesno":
        return True
    if field.type == "choice":
        return field.choices[0][0] if field.choices else None
    if field.type == "multichoice":
        return [field.choices[0][0]] if field.choices else []
    if field.type == "number":
        return field.min_value if field.min_value is not None else 0
    if field.type == "date":
        return today.isoformat()
    return _SAMPLES.get(field.type, SAMPLE_TEXT)


def _others(field: FieldDefinition, ordinary: Any) -> list[Any]:
    """The values besides the ordinary one worth a path of their own."""
    if field.type == "yesno":
        found: list[Any] = [False]
    elif field.type == "choice":
        found = [value for value, _label in field.choices]
    elif field.type == "multichoice":
        found = [[value] for value, _label in field.choices] + [[]]
    elif field.type == "number":
        found = [v for v in (field.min_value, field.max_value) if v is not None]
        found += [1] if field.min_value is None else []
    else:
        found = []
    if not field.required and field.type not in ("yesno", "multichoice"):
        found.append(None)
    return [value for value in found if value != ordinary]


def answer_sets(
    definition: FormDefinition, *, today: date, read: Collection[str]
) -> list[dict[str, Any]]:
    """The ordinary answers of the form's engine fields, then one set per value
    worth trying of each field in ``read`` (the variables the process reads)."""
    fields = [f for f in definition.fields if f.privacy == ENGINE_PRIVACY]
    ordinary = {f.name: _ordinary(f, today) for f in fields}
    sets = [ordinary]
    for field in fields:
        if field.name in read or field.routing:
            for value in _others(field, ordinary[field.name]):
                sets.append({**ordinary, field.name: value})
    return sets


def describe(answers: Mapping[str, Any]) -> str:
    """Answers in a line a beheerder reads (for a finding's path)."""
    parts = []
    for name, value in answers.items():
        if value is True:
            shown = "ja"
        elif value is False:
            shown = "nee"
        elif value in (None, "", []):
            shown = "leeg"
        elif isinstance(value, list):
            shown = ", ".join(str(v) for v in value)
        else:
            shown = str(value)
        parts.append(f"{name} = {shown}")
    return "; ".join(parts)
