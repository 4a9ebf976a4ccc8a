"""Form definitions as data: one JSON file per form key, loaded and checked at once.

Everything wrong with a definition is reported when the registry loads, in English for
developers and beheerders, naming the file, so a begeleider never meets a broken form.
"""

import json
import keyword
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DEFINITIONS_DIR = Path(__file__).resolve().parent / "definitions"

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

# "persoonsgegevens": ordinary personal data (name, address, contact details): every
# role of the gemeente may read it, but like the sensitive classes it stays out of the
# workflow engine.
PRIVACY_CLASSES = (
    "normaal",
    "persoonsgegevens",
    "bsn",
    "gezondheid",
    "schulden",
    "juridisch",
)
# Only this class enters the workflow engine; the others stay with the submission.
ENGINE_PRIVACY = "normaal"

# The BPMN lane names (docs/trajectory.md); a `gebruiker` field offers users of a role.
ROLES = frozenset({"begeleider", "coordinator", "regievoerder", "trainer"})

_FORM_KEYS = frozenset({"key", "title", "description", "steps"})
_STEP_KEYS = frozenset({"title", "fields"})
_FIELD_KEYS = frozenset(
    {"name", "type", "label", "required", "privacy", "help", "routing"}
)
_TYPE_KEYS = {
    "number": frozenset({"min", "max", "decimals"}),
    "choice": frozenset({"choices"}),
    "multichoice": frozenset({"choices"}),
    "gebruiker": frozenset({"role"}),
}


class FormDefinitionError(Exception):
    """A form definition is missing or invalid."""


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

    @property
    def fields(self) -> tuple[FieldDefinition, ...]:
        """All fields of all steps, in order."""
        return tuple(field for step in self.steps for field in step.fields)

    @property
    def is_multistep(self) -> bool:
        """Whether the form is shown as a wizard."""
        return len(self.steps) > 1


class FormRegistry:
    """The form definitions by form key."""

    def __init__(self, definitions: dict[str, FormDefinition]) -> None:
        self._definitions = dict(definitions)

    def get(self, key: str) -> FormDefinition:
        """Return the definition for `key`; raise `UnknownFormKey` if there is none."""
        try:
            return self._definitions[key]
        except KeyError:
            raise UnknownFormKey(f"no form definition for form key {key!r}") from None

    def keys(self) -> tuple[str, ...]:
        """All form keys, sorted."""
        return tuple(sorted(self._definitions))

    def __contains__(self, key: object) -> bool:
        return key in self._definitions


def load_registry(directory: Path | None = None) -> FormRegistry:
    """Load and validate every `*.json` definition under `directory` (recursively).

    Defaults to the definitions shipped with this package. Raises `FormDefinitionError`
    naming the file and the problem.
    """
    directory = DEFINITIONS_DIR if directory is None else directory
    definitions: dict[str, FormDefinition] = {}
    origins: dict[str, Path] = {}
    for path in sorted(directory.rglob("*.json")):
        definition = _load_file(path)
        if definition.key in definitions:
            raise FormDefinitionError(
                f"{path}: duplicate form key {definition.key!r}, "
                f"already defined in {origins[definition.key]}"
            )
        definitions[definition.key] = definition
        origins[definition.key] = path
    if not definitions:
        raise FormDefinitionError(f"{directory}: no form definitions (*.json) found")
    return FormRegistry(definitions)


@cache
def default_registry() -> FormRegistry:
    """The registry of the shipped definitions, loaded once per process."""
    return load_registry()


def _load_file(path: Path) -> FormDefinition:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise FormDefinitionError(f"{path}: invalid JSON: {exc}") from exc
    return _parse_form(raw, path)


def _parse_form(raw: object, path: Path) -> FormDefinition:
    where = str(path)
    data = _object(raw, where, _FORM_KEYS)
    key = _text(data, "key", where)
    if key != path.stem:
        raise FormDefinitionError(
            f"{where}: key {key!r} does not match the file name {path.stem!r}"
        )
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        raise FormDefinitionError(f"{where}: 'steps' must be a non-empty list")
    steps = tuple(
        _parse_step(step, f"{where}: step {number}")
        for number, step in enumerate(raw_steps, start=1)
    )
    definition = FormDefinition(
        key=key,
        title=_text(data, "title", where),
        steps=steps,
        description=_text(data, "description", where, default=""),
    )
    _check_unique_names(definition, where)
    return definition


def _parse_step(raw: object, where: str) -> StepDefinition:
    data = _object(raw, where, _STEP_KEYS)
    raw_fields = data.get("fields")
    if not isinstance(raw_fields, list) or not raw_fields:
        raise FormDefinitionError(f"{where}: 'fields' must be a non-empty list")
    return StepDefinition(
        title=_text(data, "title", where),
        fields=tuple(
            _parse_field(field, f"{where}, field {number}")
            for number, field in enumerate(raw_fields, start=1)
        ),
    )


def _parse_field(raw: object, where: str) -> FieldDefinition:
    if not isinstance(raw, dict):
        raise FormDefinitionError(f"{where}: must be an object")
    name = _text(raw, "name", where)
    where = f"{where} ({name!r})"
    if not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
        raise FormDefinitionError(
            f"{where}: field name must be a Python identifier not starting with '_'"
        )
    field_type = _text(raw, "type", where)
    if field_type not in FIELD_TYPES:
        raise FormDefinitionError(
            f"{where}: unknown field type {field_type!r}; "
            f"expected one of {', '.join(sorted(FIELD_TYPES))}"
        )
    _object(raw, where, _FIELD_KEYS | _TYPE_KEYS.get(field_type, frozenset()))
    privacy = _text(raw, "privacy", where)
    if privacy not in PRIVACY_CLASSES:
        raise FormDefinitionError(
            f"{where}: unknown privacy class {privacy!r}; "
            f"expected one of {', '.join(PRIVACY_CLASSES)}"
        )
    required, routing = _flag(raw, "required", where), _flag(raw, "routing", where)
    if routing:
        _check_routing(privacy, required, where)
    return FieldDefinition(
        name=name,
        type=field_type,
        label=_text(raw, "label", where),
        privacy=privacy,
        required=required,
        help=_text(raw, "help", where, default=""),
        routing=routing,
        **_type_options(raw, field_type, where),
    )


def _check_routing(privacy: str, required: bool, where: str) -> None:
    # A gateway must see an answer: an empty one would silently take the default flow,
    # and a sensitive one never reaches the engine at all.
    if privacy != ENGINE_PRIVACY:
        raise FormDefinitionError(
            f"{where}: a routing field must have privacy {ENGINE_PRIVACY!r}, "
            "otherwise it never reaches the engine"
        )
    if not required:
        raise FormDefinitionError(f"{where}: a routing field must be required")


def _type_options(data: dict[str, Any], field_type: str, where: str) -> dict[str, Any]:
    if field_type in CHOICE_TYPES:
        return {"choices": _choices(data.get("choices"), where)}
    if field_type == "gebruiker":
        role = data.get("role")
        if role not in ROLES:
            raise FormDefinitionError(
                f"{where}: a 'gebruiker' field needs a 'role', one of "
                f"{', '.join(sorted(ROLES))}; got {role!r}"
            )
        return {"role": role}
    if field_type == "number":
        return _number_options(data, where)
    return {}


def _choices(raw: object, where: str) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list) or not raw:
        raise FormDefinitionError(f"{where}: 'choices' must be a non-empty list")
    choices: list[tuple[str, str]] = []
    for choice in raw:
        if not (
            isinstance(choice, list)
            and len(choice) == 2
            and all(isinstance(part, str) and part.strip() for part in choice)
        ):
            raise FormDefinitionError(
                f"{where}: each choice must be a [value, label] pair of non-empty "
                f"strings, got {choice!r}"
            )
        choices.append((choice[0], choice[1]))
    values = [value for value, _label in choices]
    if len(set(values)) != len(values):
        raise FormDefinitionError(f"{where}: duplicate choice values in {values}")
    return tuple(choices)


def _number_options(data: dict[str, Any], where: str) -> dict[str, Any]:
    minimum, maximum = data.get("min"), data.get("max")
    for name, value in (("min", minimum), ("max", maximum)):
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise FormDefinitionError(f"{where}: {name!r} must be a number")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise FormDefinitionError(f"{where}: 'min' is greater than 'max'")
    decimals = data.get("decimals", 0)
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise FormDefinitionError(f"{where}: 'decimals' must be a whole number >= 0")
    return {"min_value": minimum, "max_value": maximum, "decimals": decimals}


def _check_unique_names(definition: FormDefinition, where: str) -> None:
    seen: set[str] = set()
    for field in definition.fields:
        if field.name in seen:
            raise FormDefinitionError(f"{where}: duplicate field name {field.name!r}")
        seen.add(field.name)


def _object(raw: object, where: str, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise FormDefinitionError(f"{where}: must be an object")
    unknown = set(raw) - allowed
    if unknown:
        raise FormDefinitionError(
            f"{where}: unknown attribute(s) {', '.join(sorted(unknown))}"
        )
    return raw


def _text(
    data: dict[str, Any], key: str, where: str, default: str | None = None
) -> str:
    value = data.get(key, default)
    if value is None:
        raise FormDefinitionError(f"{where}: missing {key!r}")
    if not isinstance(value, str):
        raise FormDefinitionError(f"{where}: {key!r} must be a string")
    if default is None and not value.strip():
        raise FormDefinitionError(f"{where}: {key!r} must not be empty")
    return value


def _flag(data: dict[str, Any], key: str, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise FormDefinitionError(f"{where}: {key!r} must be true or false")
    return value
