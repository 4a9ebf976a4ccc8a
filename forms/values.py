"""Cleaned form data as stored JSON, as engine variables, and as rows to read back."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext

from .builder import UserChoices
from .registry import CHOICE_TYPES, ENGINE_PRIVACY, FieldDefinition, FormDefinition

JsonValue = str | int | float | bool | list[str] | None


@dataclass(frozen=True)
class DisplayRow:
    """One answer of a submission, ready for a template."""

    name: str
    label: str
    value: str
    privacy: str


def stored_data(
    definition: FormDefinition, cleaned_data: Mapping[str, Any]
) -> dict[str, JsonValue]:
    """Return every field of the form as JSON-safe values, keyed by field name.

    `cleaned_data` must hold all fields (for a wizard: the steps merged).
    """
    return {
        field.name: _json_value(cleaned_data[field.name]) for field in definition.fields
    }


def engine_data(
    definition: FormDefinition, cleaned_data: Mapping[str, Any]
) -> dict[str, JsonValue]:
    """Like `stored_data`, but only fields with privacy `normaal`.

    BSN, health, debt and legal answers never enter the workflow engine.
    """
    return {
        field.name: _json_value(cleaned_data[field.name])
        for field in definition.fields
        if field.privacy == ENGINE_PRIVACY
    }


def display_rows(
    definition: FormDefinition,
    stored: Mapping[str, Any],
    *,
    user_choices: UserChoices | None = None,
    keep_choice: Callable[[FieldDefinition, str], bool] | None = None,
) -> list[DisplayRow]:
    """Return label and Dutch display value of each field of a stored submission.

    `user_choices`, when given, turns a stored user value into that user's name.
    `keep_choice`, when given, says which chosen options of a choice field the
    reader may see; a field whose every chosen option is left out is left out
    (not shown as unanswered).
    """
    rows = []
    for field in definition.fields:
        value = stored.get(field.name)
        if keep_choice is not None and field.type in CHOICE_TYPES and value:
            chosen = value if isinstance(value, list) else [value]
            kept = [item for item in chosen if keep_choice(field, str(item))]
            if not kept:
                continue
            value = kept if isinstance(value, list) else kept[0]
        rows.append(
            DisplayRow(
                name=field.name,
                label=field.label,
                value=_display_value(field, value, user_choices),
                privacy=field.privacy,
            )
        )
    return rows


def _json_value(value: Any) -> JsonValue:
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | tuple):
        return [str(item) for item in value]
    raise TypeError(f"cannot store a {type(value).__name__} as form data")


def _display_value(
    field: FieldDefinition, value: Any, user_choices: UserChoices | None
) -> str:
    if value is None or value == "" or value == []:
        return gettext("Niet ingevuld")
    if field.type == "yesno":
        return gettext("Ja") if value else gettext("Nee")
    if field.type == "date":
        return date.fromisoformat(value).strftime("%d-%m-%Y")
    if field.type in CHOICE_TYPES:
        labels = dict(field.choices)
        values = value if isinstance(value, list) else [value]
        return ", ".join(labels.get(item, str(item)) for item in values)
    if field.type == "gebruiker" and user_choices is not None and field.role:
        return dict(user_choices(field.role)).get(value, value)
    if field.type == "number":
        return formats.number_format(value, decimal_pos=field.decimals or None)
    return str(value)
