"""Loading definitions rejects mistakes up front, naming the file."""

import json

import pytest

from forms import FormDefinitionError, UnknownFormKey, default_registry, load_registry
from forms.registry import parse_definition, registry_from_files


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


def test_a_file_whose_key_is_not_its_name_is_rejected(tmp_path):
    message = _rejected(tmp_path, _definition(key="ander_gesprek"))
    assert "‘ander_gesprek’ past niet bij de bestandsnaam" in message


def test_an_unknown_field_type_is_rejected(tmp_path):
    message = _rejected(tmp_path, _definition(fields=[_field(type="datum")]))
    assert "onbekend type ‘datum’" in message


def test_an_unknown_privacy_class_is_rejected(tmp_path):
    message = _rejected(tmp_path, _definition(fields=[_field(privacy="geheim")]))
    assert "onbekende privacyklasse ‘geheim’" in message


@pytest.mark.parametrize(
    ("definition", "problem"),
    [
        ("{not json", "geen geldige JSON"),
        (_definition(title=""), "‘title’ is leeg"),
        ({"key": "gesprek", "title": "Gesprek"}, "het formulier heeft geen stappen"),
        (_definition(steps=[{"title": "Leeg", "fields": []}]), "heeft geen velden"),
        (_definition(fields=[_field(privacy=None)]), "mist ‘privacy’"),
        (_definition(fields=[_field(type="choice")]), "heeft geen keuzes"),
        (_definition(fields=[_field(type="choice", choices=[])]), "geen keuzes"),
        (
            _definition(fields=[_field(type="choice", choices=[["a"]])]),
            "onvolledige keuze",
        ),
        (_definition(fields=[_field(type="gebruiker")]), "geen geldige rol"),
        (_definition(fields=[_field(type="gebruiker", role="baas")]), "geldige rol"),
        (_definition(fields=[_field(), _field()]), "komt twee keer voor"),
        (_definition(fields=[_field(name="datum-gesprek")]), "geen geldige naam"),
        (_definition(fields=[_field(name="_intern")]), "geen geldige naam"),
        (_definition(fields=[_field(name="class")]), "geen geldige naam"),
        (
            _definition(fields=[_field(requird=True)]),
            "onbekende eigenschap(pen): requird",
        ),
        (
            _definition(fields=[_field(role="begeleider")]),
            "onbekende eigenschap(pen): role",
        ),
        (_definition(fields=[_field(required="ja")]), "moet true of false zijn"),
        (
            _definition(fields=[_field(type="number", min=5, max=1)]),
            "het minimum is groter",
        ),
        (
            _definition(fields=[_field(privacy="gezondheid", routing=True)]),
            "heeft privacyklasse ‘gezondheid’",
        ),
        (
            _definition(fields=[_field(required=False, routing=True)]),
            "maar is niet verplicht",
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
    assert "‘datum_gesprek’ komt twee keer voor" in _rejected(tmp_path, definition)


def test_every_problem_of_a_form_is_reported_with_its_line(tmp_path):
    definition = _definition(
        fields=[
            _field(name="eerste", type="datum"),
            _field(name="tweede"),
            _field(name="derde", privacy="geheim"),
        ]
    )
    text = json.dumps(definition, indent=2)
    registry, problems = registry_from_files({"formulieren/gesprek.json": text})
    assert "gesprek" not in registry
    assert [p.element for p in problems] == ["gesprek.eerste", "gesprek.derde"]
    lines = text.splitlines()
    for problem in problems:
        field = problem.element.split(".")[1]
        assert f'"name": "{field}"' in lines[problem.line - 1]


def test_a_milestone_must_be_known_and_on_a_field_of_its_type(tmp_path):
    milestones = {"pip_vastgesteld": "datum", "uitkomst": "keuze"}
    good = _definition(fields=[_field(milestone="pip_vastgesteld")])
    bad = _definition(
        fields=[_field(milestone="onbekend"), _field(name="b", milestone="uitkomst")]
    )
    assert parse_definition(json.dumps(good), "g.json", milestones=milestones)[0]
    definition, problems = parse_definition(
        json.dumps(bad), "g.json", milestones=milestones
    )
    assert definition is None
    assert "onbekende mijlpaal ‘onbekend’" in problems[0].message
    assert "vraagt een veld van het type choice" in problems[1].message


def test_an_empty_directory_is_an_error(tmp_path):
    with pytest.raises(FormDefinitionError, match="geen formulieren"):
        load_registry(tmp_path)
