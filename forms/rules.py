"""Plausibility rules: checks on a form's answers, kept as data in the form's
definition (``"rules"``), so a gemeente's beheerder reads and changes them like the
fields, and every page that shows the form refuses an implausible answer with the
rule's own Dutch message, at the field it is about.

A rule compares one date or number field with today (give or take days), with
another field of the same kind in the same step, or with a number; ``when`` makes it
apply only for some answers to another question::

    {"field": "geboortedatum", "must_be": "<=", "than": "vandaag",
     "message": "De geboortedatum ligt in de toekomst."}
    {"field": "eerste_evaluatie_datum", "must_be": ">=",
     "than": {"field": "begeleiding_startdatum"}, "message": "…"}
    {"field": "ontzorgen_verlenging_maanden", "must_be": ">=", "than": 1,
     "when": {"field": "ontzorgen_zelfredzaamheid", "is": ["nog_niet"]},
     "message": "…"}

A rule is silent while either side is empty (whether a field must be filled in is
``required``'s business). Nothing here imports Django.
"""

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

TODAY = "vandaag"

# The comparisons a rule may ask for, with their words for the form editor (for a
# date, for a number).
OPERATORS: dict[str, tuple[Callable[[Any, Any], bool], str, str]] = {
    "<": (operator.lt, "vóór", "kleiner dan"),
    "<=": (operator.le, "op of vóór", "hoogstens"),
    ">": (operator.gt, "na", "groter dan"),
    ">=": (operator.ge, "op of na", "ten minste"),
}
RULE_KEYS = frozenset({"field", "must_be", "than", "when", "message"})
COMPARABLE_TYPES = frozenset({"date", "number"})


class RuleError(ValueError):
    """A rule that cannot be read; the message says why, in Dutch."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Condition:
    """The rule applies only when ``field`` is answered with one of ``values``."""

    field: str
    values: tuple[Any, ...]

    def holds(self, answers: Mapping[str, Any]) -> bool:
        answer = answers.get(self.field)
        if isinstance(answer, list | tuple | set):
            return any(a in self.values for a in answer)
        return answer in self.values


@dataclass(frozen=True)
class PlausibilityRule:
    """One check on a form's answers and the message it shows when it fails."""

    field: str
    must_be: str
    message: str
    # What the field is compared with: today (+ days), another field, or a number.
    other_field: str = ""
    today_plus_days: int | None = None
    number: int | float | None = None
    when: Condition | None = None

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field the rule reads (they must be in one step)."""
        names = [self.field]
        if self.other_field:
            names.append(self.other_field)
        if self.when is not None:
            names.append(self.when.field)
        return tuple(names)

    def refuses(self, answers: Mapping[str, Any], today: date) -> bool:
        """Whether the answers break the rule (never while a side is empty)."""
        if self.when is not None and not self.when.holds(answers):
            return False
        value = answers.get(self.field)
        if self.other_field:
            other = answers.get(self.other_field)
        elif self.today_plus_days is not None:
            other = today + timedelta(days=self.today_plus_days)
        else:
            other = self.number
        if value in (None, "") or other in (None, ""):
            return False
        try:
            return not OPERATORS[self.must_be][0](value, other)
        except TypeError:
            return False  # a field of another kind than the rule was written for

    def describe(
        self,
        labels: Mapping[str, str],
        choices: Mapping[str, Mapping[str, str]] | None = None,
    ) -> str:
        """The rule in words for the form editor ("‘Geboortedatum’ ligt op of
        vóór vandaag"), with the fields' labels and the choices' words."""
        _compare, date_words, number_words = OPERATORS[self.must_be]
        name = labels.get(self.field, self.field)
        if self.other_field:
            other = f"‘{labels.get(self.other_field, self.other_field)}’"
        elif self.today_plus_days is not None:
            days = self.today_plus_days
            other = (
                TODAY
                if not days
                else f"{TODAY} {'plus' if days > 0 else 'min'} {abs(days)} dagen"
            )
        else:
            other = f"{self.number}"
        is_number = self.number is not None
        text = (
            f"‘{name}’ is {number_words} {other}"
            if is_number
            else f"‘{name}’ ligt {date_words} {other}"
        )
        if self.when is not None:
            words = (choices or {}).get(self.when.field, {})
            shown = " of ".join(
                f"‘{words.get(str(v), _word(v))}’" for v in self.when.values
            )
            when = labels.get(self.when.field, self.when.field)
            text += f", als het antwoord op ‘{when}’ {shown} is"
        return text


def _word(value: Any) -> str:
    if value is True:
        return "ja"
    if value is False:
        return "nee"
    return str(value)


def parse_rule(
    raw: object, field_types: Mapping[str, str], step_of: Mapping[str, int]
) -> PlausibilityRule:
    """A rule of a form definition, checked against the form's fields (name ->
    type, name -> step); RuleError in Dutch when it cannot hold."""
    if not isinstance(raw, dict):
        raise RuleError("een regel is geen object", "Een regel staat tussen { en }.")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise RuleError(
            f"een regel heeft onbekende eigenschap(pen): {', '.join(sorted(unknown))}",
            "Toegestaan: " + ", ".join(sorted(RULE_KEYS)) + ".",
        )
    field = _name(raw.get("field"), field_types, "de regel")
    kind = field_types[field]
    if kind not in COMPARABLE_TYPES:
        raise RuleError(
            f"de regel over ‘{field}’ vergelijkt een veld van het type ‘{kind}’",
            "Een regel vergelijkt een datum of een getal.",
        )
    must_be = raw.get("must_be")
    if must_be not in OPERATORS:
        raise RuleError(
            f"de regel over ‘{field}’ heeft geen geldige vergelijking ({must_be!r})",
            "Kies ‘must_be’: " + ", ".join(OPERATORS) + ".",
        )
    message = raw.get("message")
    if not isinstance(message, str) or not message.strip():
        raise RuleError(
            f"de regel over ‘{field}’ heeft geen melding",
            "Schrijf in ‘message’ wat de invuller ziet en hoe die het herstelt.",
        )
    rule = PlausibilityRule(
        field=field,
        must_be=str(must_be),
        message=message.strip(),
        when=_condition(raw.get("when"), field_types, field),
        **_than(raw.get("than"), field, kind, field_types),
    )
    steps = {step_of[name] for name in rule.fields}
    if len(steps) > 1:
        raise RuleError(
            f"de regel over ‘{field}’ leest velden uit verschillende stappen",
            "Zet de velden van één regel in dezelfde stap.",
        )
    return rule


def _name(value: object, field_types: Mapping[str, str], where: str) -> str:
    if not isinstance(value, str) or value not in field_types:
        raise RuleError(
            f"{where} noemt een veld dat niet in het formulier staat ({value!r})",
            "Gebruik de naam van een veld van dit formulier.",
        )
    return value


def _than(
    raw: object, field: str, kind: str, field_types: Mapping[str, str]
) -> dict[str, Any]:
    if kind == "date":
        if raw == TODAY:
            return {"today_plus_days": 0}
        if isinstance(raw, dict) and set(raw) == {TODAY}:
            days = raw[TODAY]
            if isinstance(days, int) and not isinstance(days, bool):
                return {"today_plus_days": days}
    if kind == "number" and isinstance(raw, int | float) and not isinstance(raw, bool):
        return {"number": raw}
    if isinstance(raw, dict) and set(raw) == {"field"}:
        other = _name(raw["field"], field_types, f"de regel over ‘{field}’")
        if field_types[other] != kind:
            raise RuleError(
                f"de regel vergelijkt ‘{field}’ ({kind}) met ‘{other}’"
                f" ({field_types[other]})",
                "Vergelijk een datum met een datum, een getal met een getal.",
            )
        return {"other_field": other}
    hint = (
        f'Bij een datum: ‘{TODAY}’, {{"{TODAY}": -30}} (dagen) of {{"field": "naam"}}.'
        if kind == "date"
        else 'Bij een getal: een getal of {"field": "naam"}.'
    )
    raise RuleError(f"de regel over ‘{field}’ zegt niet waarmee (‘than’)", hint)


def _condition(
    raw: object, field_types: Mapping[str, str], field: str
) -> Condition | None:
    if raw is None:
        return None
    if (
        not isinstance(raw, dict)
        or set(raw) != {"field", "is"}
        or not isinstance(raw["is"], list)
        or not raw["is"]
    ):
        raise RuleError(
            f"de voorwaarde (‘when’) van de regel over ‘{field}’ is onleesbaar",
            'Schrijf {"field": "naam", "is": ["antwoord", …]}.',
        )
    other = _name(raw["field"], field_types, f"de voorwaarde van ‘{field}’")
    values = raw["is"]
    if not all(isinstance(v, str | bool | int | float) for v in values):
        raise RuleError(
            f"de voorwaarde van de regel over ‘{field}’ noemt geen antwoorden",
            "Noem de antwoorden als tekst (de code van een keuze), getal of"
            " true/false.",
        )
    return Condition(other, tuple(values))


def broken_rules(
    rules: Sequence[PlausibilityRule],
    answers: Mapping[str, Any],
    today: date,
    fields: Sequence[str] | None = None,
) -> list[PlausibilityRule]:
    """The rules the answers break; with ``fields``, only the rules that read
    nothing else (one step of a form)."""
    shown = set(fields) if fields is not None else None
    return [
        rule
        for rule in rules
        if (shown is None or set(rule.fields) <= shown) and rule.refuses(answers, today)
    ]
