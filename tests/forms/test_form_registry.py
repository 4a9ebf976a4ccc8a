"""Loading definitions rejects mistakes up front, naming the file."""

import json

import pytest

from forms import FormDefinitionError, UnknownFormKey, default_registry, load_registry


def _field(**overrides):
    return {
        "name": "datum_gesprek",
        "type": "date",
        "label": "Datum gesprek",
        "required": True,
        "privacy": "normaal",
        **overrides,
    }


def _definition(key="gesprek", fields=None, **overrides):
    return {
        "key": key,
        "title": "Gesprek",
        "steps": [{"title": "Gesprek", "fields": fields or [_field()]}],
        **overrides,
    }


def _write(directory, name, content):
    path = directory / name
    path.parent.mkdir(parents=True, exist_ok=True)
    text = content if isinstance(content, str) else json.dumps(content)
    path.write_text(text, encoding="utf-8")
    return path


def _rejected(tmp_path, definition, file_name="gesprek.json"):
    _write(tmp_path, file_name, definition)
    with pytest.raises(FormDefinitionError) as excinfo:
        load_registry(tmp_path)
    message = str(excinfo.value)
    assert file_name in message
    return message


def test_a_valid_definition_loads(tmp_path):
    _write(tmp_path, "gesprek.json", _definition())
    registry = load_registry(tmp_path)
    assert registry.keys() == ("gesprek",)
    assert "gesprek" in registry
    definition = registry.get("gesprek")
    assert definition.title == "Gesprek"
    assert not definition.is_multistep
    assert [field.name for field in definition.fields] == ["datum_gesprek"]


def test_an_unknown_form_key_is_an_error_naming_the_key():
    with pytest.raises(UnknownFormKey, match="bestaat_niet"):
        default_registry().get("bestaat_niet")
    assert "bestaat_niet" not in default_registry()
    assert issubclass(UnknownFormKey, FormDefinitionError)


def test_a_duplicate_form_key_is_rejected_naming_both_files(tmp_path):
    _write(tmp_path, "begeleider/gesprek.json", _definition())
    second = _write(tmp_path, "coordinator/gesprek.json", _definition())
    with pytest.raises(FormDefinitionError, match="duplicate form key") as excinfo:
        load_registry(tmp_path)
    assert str(second) in str(excinfo.value)
    assert "begeleider/gesprek.json" in str(excinfo.value)


def test_an_unknown_field_type_is_rejected(tmp_path):
    message = _rejected(tmp_path, _definition(fields=[_field(type="datum")]))
    assert "unknown field type 'datum'" in message


def test_an_unknown_privacy_class_is_rejected(tmp_path):
    message = _rejected(tmp_path, _definition(fields=[_field(privacy="geheim")]))
    assert "unknown privacy class 'geheim'" in message


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        ("{not json", "invalid JSON"),
        (_definition(key="ander_gesprek"), "does not match the file name"),
        (_definition(title=""), "'title' must not be empty"),
        ({"key": "gesprek", "title": "Gesprek"}, "'steps' must be a non-empty list"),
        (_definition(steps=[{"title": "Leeg", "fields": []}]), "'fields' must be"),
        (_definition(fields=[_field(privacy=None)]), "missing 'privacy'"),
        (_definition(fields=[_field(type="choice")]), "'choices' must be a non-empty"),
        (_definition(fields=[_field(type="choice", choices=[])]), "'choices'"),
        (
            _definition(fields=[_field(type="choice", choices=[["a"]])]),
            "[value, label]",
        ),
        (_definition(fields=[_field(type="gebruiker")]), "needs a 'role'"),
        (_definition(fields=[_field(type="gebruiker", role="baas")]), "needs a 'role'"),
        (_definition(fields=[_field(), _field()]), "duplicate field name"),
        (_definition(fields=[_field(name="datum-gesprek")]), "Python identifier"),
        (_definition(fields=[_field(name="_intern")]), "Python identifier"),
        (_definition(fields=[_field(name="class")]), "Python identifier"),
        (_definition(fields=[_field(requird=True)]), "unknown attribute(s) requird"),
        (_definition(fields=[_field(role="begeleider")]), "unknown attribute(s) role"),
        (
            _definition(fields=[_field(required="ja")]),
            "'required' must be true or false",
        ),
        (_definition(fields=[_field(type="number", min=5, max=1)]), "'min' is greater"),
        (
            _definition(fields=[_field(privacy="gezondheid", routing=True)]),
            "routing field must have privacy 'normaal'",
        ),
        (
            _definition(fields=[_field(required=False, routing=True)]),
            "routing field must be required",
        ),
    ],
)
def test_an_invalid_definition_is_rejected_with_the_reason(
    tmp_path, definition, problem
):
    assert problem in _rejected(tmp_path, definition)


def test_duplicate_field_names_across_steps_are_rejected(tmp_path):
    definition = _definition()
    definition["steps"].append({"title": "Nog een", "fields": [_field()]})
    assert "duplicate field name 'datum_gesprek'" in _rejected(tmp_path, definition)


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(FormDefinitionError, match="no form definitions"):
        load_registry(tmp_path)
