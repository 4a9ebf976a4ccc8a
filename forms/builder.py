"""Turn a form definition into Django form classes (one per step for a wizard)."""

from collections.abc import Callable, Sequence
from decimal import Decimal
from functools import partial
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from .fields import BoundedDateField, BsnField, PhoneField, PostcodeField, YesNoField
from .registry import FieldDefinition, FormDefinition
from .rules import PlausibilityRule, broken_rules

UserChoices = Callable[[str], Sequence[tuple[str, str]]]
"""Given a role, the users to choose from as (value, label) pairs."""

TEXT_MAX_LENGTH = 255
TEXTAREA_MAX_LENGTH = 5000
# A number field without its own minimum or maximum still gets one: nothing Wegwijs
# counts comes near a billion, and unbounded input ("1E+999999", a 4,000-digit
# integer) would reach the stored data and the engine.
NUMBER_MIN = -1_000_000_000
NUMBER_MAX = 1_000_000_000
# Digits a decimal answer may have in all (a billion with 2 decimals needs 12).
DECIMAL_MAX_DIGITS = 20


def build_form_class(
    definition: FormDefinition,
    *,
    step: int | None = None,
    user_choices: UserChoices | None = None,
) -> type[forms.Form]:
    """Return a form class for one step (0-based) or, with `step=None`, all steps.

    `user_choices` supplies the options of `gebruiker` fields at run time; it is
    required when the form has one.
    """
    if step is None:
        fields = definition.fields
    elif 0 <= step < len(definition.steps):
        fields = definition.steps[step].fields
    else:
        raise ValueError(f"form {definition.key!r} has no step {step}")
    attrs: dict[str, Any] = {
        field.name: _form_field(field, user_choices) for field in fields
    }
    names = [field.name for field in fields]
    rules = [r for r in definition.rules if set(r.fields) <= set(names)]
    if rules:
        attrs["clean"] = _rules_clean(rules)
    return type(_class_name(definition.key, step), (forms.Form,), attrs)


def _rules_clean(rules: Sequence[PlausibilityRule]) -> Callable[[Any], Any]:
    """A form's clean() that refuses what the definition's plausibility rules
    refuse, each message at its field; what was typed stays in the form."""

    def clean(self: forms.Form) -> Any:
        cleaned = forms.Form.clean(self)
        today = timezone.localdate()
        for rule in broken_rules(rules, cleaned, today):
            if rule.field in self.fields and rule.field not in self.errors:
                self.add_error(rule.field, rule.message)
        return cleaned

    return clean


def build_step_forms(
    definition: FormDefinition, *, user_choices: UserChoices | None = None
) -> list[type[forms.Form]]:
    """Return one form class per step, in order, as a formtools wizard's form list."""
    return [
        build_form_class(definition, step=number, user_choices=user_choices)
        for number in range(len(definition.steps))
    ]


def _class_name(key: str, step: int | None) -> str:
    name = "".join(part.title() for part in key.split("_")) + "Form"
    return name if step is None else f"{name}Step{step + 1}"


def _form_field(
    field: FieldDefinition, user_choices: UserChoices | None
) -> forms.Field:
    # Django renders help_text unescaped; definitions come from beheerders.
    options: dict[str, Any] = {
        "label": field.label,
        "required": field.required,
        "help_text": escape(field.help),
    }
    if field.type == "gebruiker":
        return _user_field(field, user_choices, options)
    return _FACTORIES[field.type](field, options)


def _user_field(
    field: FieldDefinition, user_choices: UserChoices | None, options: dict[str, Any]
) -> forms.Field:
    if user_choices is None:
        raise ValueError(f"field {field.name!r} chooses a user: pass user_choices")
    assert field.role is not None
    return forms.ChoiceField(
        choices=partial(_user_options, user_choices, field.role), **options
    )


def _user_options(user_choices: UserChoices, role: str) -> list[tuple[str, Any]]:
    return [("", _("Maak een keuze")), *user_choices(role)]


def _number_field(field: FieldDefinition, options: dict[str, Any]) -> forms.Field:
    minimum, maximum = _number_bounds(field)
    if field.decimals:
        return forms.DecimalField(
            decimal_places=field.decimals,
            max_digits=max(DECIMAL_MAX_DIGITS, field.decimals + 10),
            min_value=_decimal(minimum),
            max_value=_decimal(maximum),
            **options,
        )
    return forms.IntegerField(min_value=minimum, max_value=maximum, **options)


def _number_bounds(field: FieldDefinition) -> tuple[int | float, int | float]:
    """The field's own minimum and maximum, or sane ones where it has none."""
    minimum, maximum = field.min_value, field.max_value
    if minimum is None:
        minimum = min(NUMBER_MIN, maximum) if maximum is not None else NUMBER_MIN
    if maximum is None:
        maximum = max(NUMBER_MAX, minimum)
    return minimum, maximum


def _decimal(value: int | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


_FACTORIES: dict[str, Callable[[FieldDefinition, dict[str, Any]], forms.Field]] = {
    "text": lambda field, options: forms.CharField(
        max_length=TEXT_MAX_LENGTH, **options
    ),
    "textarea": lambda field, options: forms.CharField(
        max_length=TEXTAREA_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        **options,
    ),
    "number": _number_field,
    "date": lambda field, options: BoundedDateField(**options),
    "yesno": lambda field, options: YesNoField(**options),
    "choice": lambda field, options: forms.ChoiceField(
        choices=field.choices, widget=forms.RadioSelect, **options
    ),
    "multichoice": lambda field, options: forms.MultipleChoiceField(
        choices=field.choices, widget=forms.CheckboxSelectMultiple, **options
    ),
    "bsn": lambda field, options: BsnField(**options),
    "postcode": lambda field, options: PostcodeField(**options),
    "phone": lambda field, options: PhoneField(**options),
    "email": lambda field, options: forms.EmailField(**options),
}
