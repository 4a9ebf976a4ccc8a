"""Form definitions as data: one JSON document per form key, checked when loaded.

A version of a gemeente's process holds its own form definitions (made in the studio);
the repository's ``definitions/`` seed the base version. Everything wrong with a
definition is reported when it is loaded — every problem, each with file, line and
field, in Dutch for the beheerder — so a begeleider never meets a broken form.
"""

import json
import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from vocabulary import ENGINE_PRIVACY, LANE_ROLES, PRIVACY_CLASSES

from .field_roles import FIELD_ROLES, NAMES_BEFORE_ROLES
from .jsontext import JsonTooDeep, json_loads

# "persoonsgegevens": ordinary personal data (name, address, contact details): like the
# sensitive classes it stays out of the workflow engine. The classes: the vocabulary;
# their order and the floor a variant keeps: forms/privacy.py.
from .privacy import PrivacyFloor, privacy_floor
from .rules import PlausibilityRule, RuleError, parse_rule

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"
# Where form files live inside a version's set of files.
FORMS_FOLDER = "formulieren"

FIELD_TYPES = frozenset(
    {
        "text",
        "textarea",
        "number",
        "date",
        "yesno",
        "choice",
        "multichoice",
        "bsn",
        "postcode",
        "phone",
        "email",
        "gebruiker",
    }
)
CHOICE_TYPES = frozenset({"choice", "multichoice"})


# The BPMN lane names (docs/trajectory.md); a `gebruiker` field offers users of a role.
ROLES = frozenset(LANE_ROLES)

# Which field types can carry a milestone of each value type (engine/milestones.py).
MILESTONE_FIELD_TYPES = {
    "datum": frozenset({"date"}),
    "janee": frozenset({"yesno"}),
    "gebruiker": frozenset({"gebruiker"}),
    "keuze": frozenset({"choice"}),
    "keuzes": frozenset({"multichoice"}),
}

_FORM_KEYS = frozenset({"key", "title", "description", "steps", "rules"})
_STEP_KEYS = frozenset({"title", "fields"})
_FIELD_KEYS = frozenset(
    {
        "name",
        "type",
        "label",
        "required",
        "privacy",
        "help",
        "routing",
        "milestone",
        "field_role",
        "voor_statushouder",
    }
)
_TYPE_KEYS = {
    "number": frozenset({"min", "max", "decimals"}),
    "choice": frozenset({"choices"}),
    "multichoice": frozenset({"choices"}),
    "gebruiker": frozenset({"role"}),
}
MAX_FORM_BYTES = 200_000


@dataclass(frozen=True)
class FormProblem:
    """One thing wrong in a form file, where it is and how to mend it."""

    file: str
    line: int | None
    element: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.message}. {self.hint}" if self.hint else self.message
        return f"{self.file}:{self.line or 0}: {self.element or '-'}: {text}"


class FormDefinitionError(Exception):
    """Form definitions are missing or invalid; carries every problem found."""

    def __init__(self, problems: "list[FormProblem] | str") -> None:
        if isinstance(problems, str):
            problems = [FormProblem("", None, "", problems)]
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownFormKey(FormDefinitionError):
    """No definition exists for the requested form key."""


@dataclass(frozen=True)
class FieldDefinition:
    """One question on a form; `name` is also the variable name in the case data."""

    name: str
    type: str
    label: str
    privacy: str
    required: bool = False
    help: str = ""
    # The diagrams branch on this field (docs/trajectory.md): it must reach the engine.
    routing: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    min_value: int | float | None = None
    max_value: int | float | None = None
    decimals: int = 0
    role: str | None = None
    milestone: str = ""
    # What Wegwijs's own code reads this field for (forms/field_roles.py).
    field_role: str = ""
    # Meant for the statushouder: their own portal (Mijn Wegwijs) shows the answer.
    # Nothing else a begeleider or regievoerder writes is shown there.
    for_statushouder: bool = False


@dataclass(frozen=True)
class StepDefinition:
    """One page of a form."""

    title: str
    fields: tuple[FieldDefinition, ...]


@dataclass(frozen=True)
class FormDefinition:
    """The form behind one form key: a title and one or more steps."""

    key: str
    title: str
    steps: tuple[StepDefinition, ...]
    description: str = ""
    # Plausibility checks on the answers, each with its Dutch message (forms/rules.py).
    rules: tuple[PlausibilityRule, ...] = ()

    @property
    def fields(self) -> tuple[FieldDefinition, ...]:
        """All fields of all steps, in order."""
        return tuple(field for step in self.steps for field in step.fields)

    @property
    def is_multistep(self) -> bool:
        """Whether the form is shown as a wizard."""
        return len(self.steps) > 1

    @property
    def milestones(self) -> dict[str, str]:
        """Milestone key -> the field that declares it."""
        return {f.milestone: f.name for f in self.fields if f.milestone}

    def rule_lines(self) -> list[tuple[str, str]]:
        """Each plausibility rule in words, with the message it shows: what the
        form editor lists."""
        labels = {f.name: f.label for f in self.fields}
        choices = {f.name: dict(f.choices) for f in self.fields}
        return [(r.describe(labels, choices), r.message) for r in self.rules]

    def field_with_role(self, role: str) -> FieldDefinition | None:
        """The field that declares the field role (forms/field_roles.py), if any; in
        a form from before field roles, the field with the base's name for it."""
        declared = next((f for f in self.fields if f.field_role == role), None)
        if declared is not None or any(f.field_role for f in self.fields):
            return declared
        names = NAMES_BEFORE_ROLES.get(role, ())
        return next((f for f in self.fields if f.name in names), None)


class FormRegistry:
    """The form definitions by form key."""

    def __init__(self, definitions: Mapping[str, FormDefinition]) -> None:
        self._definitions = dict(definitions)

    def get(self, key: str) -> FormDefinition:
        """Return the definition for `key`; raise `UnknownFormKey` if there is none."""
        try:
            return self._definitions[key]
        except KeyError:
            raise UnknownFormKey(f"geen formulier met de sleutel {key!r}") from None

    def keys(self) -> tuple[str, ...]:
        """All form keys, sorted."""
        return tuple(sorted(self._definitions))

    def __contains__(self, key: object) -> bool:
        return key in self._definitions

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.keys())


def form_file_name(key: str) -> str:
    """The name of a form's file inside a version's set."""
    return f"{FORMS_FOLDER}/{key}.json"


def form_key_of(file_name: str) -> str | None:
    """The form key a version file holds, or None when it is not a form file."""
    prefix = FORMS_FOLDER + "/"
    if file_name.startswith(prefix) and file_name.endswith(".json"):
        return file_name[len(prefix) : -len(".json")]
    return None


class _Bad(Exception):
    def __init__(self, message: str, hint: str = "", anchor: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.anchor = anchor


class _Parser:
    """Parses one form document, collecting every problem instead of stopping."""

    def __init__(
        self,
        text: str,
        file: str,
        milestones: Mapping[str, str] | None,
        floor: PrivacyFloor | None = None,
    ) -> None:
        self.text = text
        self.file = file
        self.milestones = milestones
        self.floor = floor
        self.problems: list[FormProblem] = []
        self.key = ""

    def problem(self, bad: _Bad, element: str, search_from: int = 0) -> None:
        self.problems.append(
            FormProblem(
                self.file,
                self._line(bad.anchor, search_from),
                element,
                bad.message,
                bad.hint,
            )
        )

    def _line(self, anchor: str, search_from: int) -> int | None:
        if not anchor:
            return 1
        found = re.compile(anchor).search(self.text, search_from)
        if found is None:
            found = re.compile(anchor).search(self.text)
        return self.text.count("\n", 0, found.start()) + 1 if found else 1

    def parse(self, expected_key: str | None) -> FormDefinition | None:
        try:
            raw = json_loads(self.text)
        except JsonTooDeep as exc:
            self.problems.append(
                FormProblem(
                    self.file,
                    None,
                    "",
                    str(exc),
                    "Een formulier heeft stappen, velden en keuzes: een paar lagen."
                    " Controleer de haakjes.",
                )
            )
            return None
        except json.JSONDecodeError as exc:
            self.problems.append(
                FormProblem(
                    self.file,
                    exc.lineno,
                    "",
                    f"geen geldige JSON: {exc.msg}",
                    f"Controleer komma's en aanhalingstekens rond regel {exc.lineno}.",
                )
            )
            return None
        try:
            data = _object(raw, _FORM_KEYS, "het formulier")
            self.key = _text(data, "key", "het formulier", anchor=r'"key"')
            if expected_key is not None and self.key != expected_key:
                raise _Bad(
                    f"de sleutel ‘{self.key}’ past niet bij de bestandsnaam"
                    f" ‘{expected_key}.json’",
                    "Geef het bestand dezelfde naam als de sleutel.",
                    r'"key"',
                )
            title = _text(data, "title", "het formulier", anchor=r'"title"')
            description = _text(data, "description", "het formulier", default="")
            raw_steps = data.get("steps")
            if not isinstance(raw_steps, list) or not raw_steps:
                raise _Bad(
                    "het formulier heeft geen stappen",
                    "Voeg minstens één stap met velden toe.",
                    r'"steps"',
                )
        except _Bad as bad:
            self.problem(bad, self.key)
            return None
        steps = [self._step(step, number) for number, step in enumerate(raw_steps, 1)]
        parsed = tuple(s for s in steps if s is not None)
        definition = FormDefinition(
            key=self.key,
            title=title,
            steps=parsed,
            description=description,
            rules=self._rules(data.get("rules"), parsed),
        )
        self._check_unique(definition)
        if self.floor is not None:
            self._check_floor(definition, self.floor)
        return None if self.problems else definition

    def _rules(
        self, raw: object, steps: tuple[StepDefinition, ...]
    ) -> tuple[PlausibilityRule, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(
                _Bad(
                    "‘rules’ is geen lijst",
                    "Zet de regels tussen [ en ], elk als {…}-blok.",
                    r'"rules"',
                ),
                f"{self.key}.regels",
            )
            return ()
        types = {f.name: f.type for step in steps for f in step.fields}
        step_of = {f.name: i for i, step in enumerate(steps) for f in step.fields}
        rules = []
        for number, rule in enumerate(raw, 1):
            try:
                rules.append(parse_rule(rule, types, step_of))
            except RuleError as bad:
                self.problem(
                    _Bad(bad.message, bad.hint, r'"rules"'),
                    f"{self.key}.regel {number}",
                )
        return tuple(rules)

    def _step(self, raw: object, number: int) -> StepDefinition | None:
        where = f"stap {number}"
        try:
            data = _object(raw, _STEP_KEYS, where)
            title = _text(data, "title", where, anchor=r'"title"')
            raw_fields = data.get("fields")
            if not isinstance(raw_fields, list) or not raw_fields:
                raise _Bad(
                    f"{where} heeft geen velden",
                    "Voeg een veld toe of verwijder de stap.",
                    r'"fields"',
                )
        except _Bad as bad:
            self.problem(bad, f"{self.key}.{where}")
            return None
        fields = [self._field(f, number, i) for i, f in enumerate(raw_fields, 1)]
        return StepDefinition(title, tuple(f for f in fields if f is not None))

    def _field(self, raw: object, step: int, number: int) -> FieldDefinition | None:
        where = f"veld {number} van stap {step}"
        name = raw.get("name") if isinstance(raw, dict) else None
        anchor = rf'"name"\s*:\s*"{re.escape(name)}"' if isinstance(name, str) else ""
        element = f"{self.key}.{name}" if isinstance(name, str) else self.key
        try:
            return _parse_field(raw, where, self.milestones, anchor)
        except _Bad as bad:
            bad.anchor = bad.anchor or anchor
            self.problem(bad, element)
            return None

    def _check_floor(self, definition: FormDefinition, floor: PrivacyFloor) -> None:
        for field in definition.fields:
            found = floor.problem(
                name=field.name,
                field_role=field.field_role,
                label=field.label,
                field_type=field.type,
                privacy=field.privacy,
            )
            if found is not None:
                self.problem(
                    _Bad(*found, rf'"name"\s*:\s*"{re.escape(field.name)}"'),
                    f"{self.key}.{field.name}",
                )

    def _check_unique(self, definition: FormDefinition) -> None:
        seen: set[str] = set()
        for field in definition.fields:
            if field.name in seen:
                self.problem(
                    _Bad(
                        f"het veld ‘{field.name}’ komt twee keer voor",
                        "Geef elk veld een eigen naam.",
                        rf'"name"\s*:\s*"{re.escape(field.name)}"',
                    ),
                    f"{self.key}.{field.name}",
                )
            seen.add(field.name)
        used: set[str] = set()
        for field in definition.fields:
            if field.milestone and field.milestone in used:
                self.problem(
                    _Bad(
                        f"mijlpaal ‘{field.milestone}’ staat op meer dan één veld",
                        "Zet een mijlpaal op één veld per formulier.",
                    ),
                    f"{self.key}.{field.name}",
                )
            used.add(field.milestone)
        roles: set[str] = set()
        for field in definition.fields:
            if field.field_role and field.field_role in roles:
                self.problem(
                    _Bad(
                        f"de rol ‘{field.field_role}’ staat op meer dan één veld",
                        "Geef een rol aan één veld per formulier.",
                    ),
                    f"{self.key}.{field.name}",
                )
            roles.add(field.field_role)


def _parse_field(
    raw: object,
    where: str,
    milestones: Mapping[str, str] | None,
    anchor: str,
) -> FieldDefinition:
    if not isinstance(raw, dict):
        raise _Bad(f"{where} is geen object", "Een veld is een {…}-blok.")
    name = _text(raw, "name", where)
    where = f"veld ‘{name}’"
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise _Bad(
            f"de veldnaam ‘{name}’ is geen geldige naam",
            "Gebruik kleine letters, cijfers en _, beginnend met een letter, bijv."
            " datum_gesprek.",
        )
    field_type = _text(raw, "type", where)
    if field_type not in FIELD_TYPES:
        raise _Bad(
            f"{where} heeft een onbekend type ‘{field_type}’",
            "Kies een van: " + ", ".join(sorted(FIELD_TYPES)) + ".",
        )
    _object(raw, _FIELD_KEYS | _TYPE_KEYS.get(field_type, frozenset()), where)
    privacy = _text(raw, "privacy", where)
    if privacy not in PRIVACY_CLASSES:
        raise _Bad(
            f"{where} heeft een onbekende privacyklasse ‘{privacy}’",
            "Kies een van: " + ", ".join(PRIVACY_CLASSES) + ".",
        )
    required, routing = _flag(raw, "required", where), _flag(raw, "routing", where)
    if routing:
        _check_routing(privacy, required, where)
    milestone = _text(raw, "milestone", where, default="")
    if milestone:
        _check_milestone(milestone, field_type, where, milestones)
    field_role = _text(raw, "field_role", where, default="")
    if field_role:
        _check_field_role(field_role, field_type, where)
    return FieldDefinition(
        name=name,
        type=field_type,
        label=_text(raw, "label", where),
        privacy=privacy,
        required=required,
        help=_text(raw, "help", where, default=""),
        routing=routing,
        milestone=milestone,
        field_role=field_role,
        for_statushouder=_flag(raw, "voor_statushouder", where),
        **_type_options(raw, field_type, where),
    )


def _check_milestone(
    key: str, field_type: str, where: str, milestones: Mapping[str, str] | None
) -> None:
    if milestones is None:
        return
    if key not in milestones:
        raise _Bad(
            f"{where} verklaart een onbekende mijlpaal ‘{key}’",
            "Kies een van: " + ", ".join(sorted(milestones)) + ".",
        )
    allowed = MILESTONE_FIELD_TYPES.get(milestones[key])
    if allowed is not None and field_type not in allowed:
        raise _Bad(
            f"mijlpaal ‘{key}’ vraagt een veld van het type"
            f" {', '.join(sorted(allowed))}, maar {where} is ‘{field_type}’",
            "Zet de mijlpaal op een veld van het juiste type.",
        )


def _check_field_role(role: str, field_type: str, where: str) -> None:
    known = FIELD_ROLES.get(role)
    if known is None:
        raise _Bad(
            f"{where} heeft een onbekende rol ‘{role}’",
            "Kies een van: " + ", ".join(sorted(FIELD_ROLES)) + ".",
        )
    if field_type not in known.types:
        raise _Bad(
            f"de rol ‘{role}’ ({known.label}) vraagt een veld van het type"
            f" {', '.join(sorted(known.types))}, maar {where} is ‘{field_type}’",
            "Geef de rol aan een veld van het juiste type.",
        )


def _check_routing(privacy: str, required: bool, where: str) -> None:
    # A gateway must see an answer: an empty one would silently take the default flow,
    # and a sensitive one never reaches the engine at all.
    if privacy != ENGINE_PRIVACY:
        raise _Bad(
            f"{where} stuurt het proces (routing) maar heeft privacyklasse"
            f" ‘{privacy}’; het komt dan nooit in het proces",
            f"Maak het veld ‘{ENGINE_PRIVACY}’ of zet routing uit.",
        )
    if not required:
        raise _Bad(
            f"{where} stuurt het proces (routing) maar is niet verplicht",
            "Maak het veld verplicht: een leeg antwoord kiest stilletjes de"
            " standaardtak.",
        )


def _type_options(data: dict[str, Any], field_type: str, where: str) -> dict[str, Any]:
    if field_type in CHOICE_TYPES:
        return {"choices": _choices(data.get("choices"), where)}
    if field_type == "gebruiker":
        role = data.get("role")
        if role not in ROLES:
            raise _Bad(
                f"{where} kiest een gebruiker maar noemt geen geldige rol ({role!r})",
                "Kies een rol: " + ", ".join(sorted(ROLES)) + ".",
            )
        return {"role": role}
    if field_type == "number":
        return _number_options(data, where)
    return {}


def _choices(raw: object, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list) or not raw:
        raise _Bad(f"{where} heeft geen keuzes", "Voeg minstens één keuze toe.")
    choices: list[tuple[str, str]] = []
    for choice in raw:
        if not (
            isinstance(choice, list)
            and len(choice) == 2
            and all(isinstance(part, str) and part.strip() for part in choice)
        ):
            raise _Bad(
                f"{where} heeft een onvolledige keuze {choice!r}",
                'Elke keuze heeft een waarde en een tekst, bijv. ["b1", "B1-route"].',
            )
        choices.append((choice[0], choice[1]))
    values = [value for value, _label in choices]
    if len(set(values)) != len(values):
        raise _Bad(
            f"{where} heeft keuzes met dezelfde waarde",
            "Geef elke keuze een eigen waarde.",
        )
    return tuple(choices)


def _number_options(data: dict[str, Any], where: str) -> dict[str, Any]:
    minimum, maximum = data.get("min"), data.get("max")
    for name, value in (("min", minimum), ("max", maximum)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise _Bad(f"{where}: ‘{name}’ is geen getal", "Vul een getal in.")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise _Bad(f"{where}: het minimum is groter dan het maximum")
    decimals = data.get("decimals", 0)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise _Bad(f"{where}: ‘decimals’ is geen heel getal van 0 of meer")
    return {"min_value": minimum, "max_value": maximum, "decimals": decimals}


def _object(raw: object, allowed: frozenset[str], where: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _Bad(f"{where} is geen object", "Een blok staat tussen { en }.")
    unknown = set(raw) - allowed
    if unknown:
        raise _Bad(
            f"{where} heeft onbekende eigenschap(pen): {', '.join(sorted(unknown))}",
            "Toegestaan: " + ", ".join(sorted(allowed)) + ".",
            "|".join(rf'"{re.escape(u)}"' for u in sorted(unknown)),
        )
    return raw


def _text(
    data: dict[str, Any],
    key: str,
    where: str,
    default: str | None = None,
    anchor: str = "",
) -> str:
    value = data.get(key, default)
    if value is None:
        raise _Bad(f"{where} mist ‘{key}’", f"Vul ‘{key}’ in.", anchor)
    if not isinstance(value, str):
        raise _Bad(f"{where}: ‘{key}’ moet tekst zijn", "", anchor)
    if default is None and not value.strip():
        raise _Bad(f"{where}: ‘{key}’ is leeg", f"Vul ‘{key}’ in.", anchor)
    return value


def _flag(data: dict[str, Any], key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise _Bad(f"{where}: ‘{key}’ moet true of false zijn")
    return value


def parse_definition(
    content: str | bytes,
    file_name: str,
    *,
    expected_key: str | None = None,
    milestones: Mapping[str, str] | None = None,
    floor: PrivacyFloor | None = None,
) -> tuple[FormDefinition | None, list[FormProblem]]:
    """One form document: its definition (None if it has problems) and every
    problem. ``milestones`` (key -> value type) checks the fields' milestones,
    ``floor`` their privacy classes against the base's (forms/privacy.py)."""
    if len(content) > MAX_FORM_BYTES:
        return None, [
            FormProblem(
                file_name,
                None,
                "",
                f"het formulier is groter dan {MAX_FORM_BYTES // 1000} kB",
                "Verdeel het over meer formulieren.",
            )
        ]
    try:
        text = content.decode("utf-8") if isinstance(content, bytes) else content
    except UnicodeDecodeError:
        return None, [
            FormProblem(
                file_name,
                None,
                "",
                "het bestand is geen UTF-8-tekst",
                "Sla op als UTF-8.",
            )
        ]
    parser = _Parser(text, file_name, milestones, floor)
    return parser.parse(expected_key), parser.problems


def registry_from_files(
    files: Mapping[str, str | bytes],
    *,
    milestones: Mapping[str, str] | None = None,
    floor: PrivacyFloor | None = None,
) -> tuple[FormRegistry, list[FormProblem]]:
    """The forms of a version's files (``formulieren/<key>.json``), with every
    problem; a form with problems is left out of the registry. With ``floor`` no
    field's privacy class may be below the base's (forms/privacy.py)."""
    definitions: dict[str, FormDefinition] = {}
    problems: list[FormProblem] = []
    for name in sorted(files):
        key = form_key_of(name)
        if key is None:
            continue
        definition, found = parse_definition(
            files[name], name, expected_key=key, milestones=milestones, floor=floor
        )
        problems.extend(found)
        if definition is not None:
            definitions[key] = definition
    return FormRegistry(definitions), problems


def shipped_form_files(directory: Path | None = None) -> dict[str, str]:
    """The repository's form definitions as version files (they seed the base)."""
    directory = DEFINITIONS_DIR if directory is None else directory
    return {
        form_file_name(path.stem): path.read_text(encoding="utf-8")
        for path in sorted(directory.glob("*.json"))
    }


def load_registry(directory: Path | None = None) -> FormRegistry:
    """Load and check every `*.json` definition in `directory` (the shipped ones by
    default). Raises `FormDefinitionError` with every problem."""
    files = shipped_form_files(directory)
    if not files:
        raise FormDefinitionError(f"{directory}: geen formulieren (*.json) gevonden")
    registry, problems = registry_from_files(files)
    if problems:
        raise FormDefinitionError(problems)
    return registry


@cache
def default_registry() -> FormRegistry:
    """The registry of the shipped definitions, loaded once per process."""
    return load_registry()


def registry_floor(registry: FormRegistry) -> PrivacyFloor:
    """The privacy floor the forms of a base set for a variant built on it."""
    return privacy_floor(
        (field.name, field.label, field.privacy)
        for key in registry.keys()
        for field in registry.get(key).fields
    )
