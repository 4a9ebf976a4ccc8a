"""The shipped definitions honour the contract in docs/trajectory.md."""

import re
from collections import Counter
from pathlib import Path

import pytest

from forms import PRIVACY_CLASSES, build_step_forms, default_registry, load_registry
from forms.registry import DEFINITIONS_DIR

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "trajectory.md"

FORM_KEYS = {
    "aanmelding",
    "begeleider_koppelen",
    "huisvesting_inschrijvingen",
    "financien_regelen",
    "voorbereiding_inburgering",
    "juridische_ondersteuning",
    "taalmaatje_koppelen",
    "intake_gesprek",
    "begeleidingsafspraken",
    "spreekuur_inplannen",
    "groep_indelen",
    "brede_intake",
    "pip_opstellen",
    "pip_termijn_escalatie",
    "pip_vaststellen",
    "pip_toelichten",
    "bezwaar_behandelen",
    "pip_bijstellen",
    "begeleiding_afronden",
    "pvt_workshop",
    "pvt_ondertekening",
    "voortgangsgesprek",
    "eindgesprek",
    "overdracht",
    "voortzetting",
    "dossier_afsluiten",
    "contactmoment",
}

YES_NO = ("yesno", None)

# form key -> field -> (type, choice values, required); None: the contract is silent.
ROUTING_FIELDS = {
    "aanmelding": {
        "koppeling_datum": ("date", None, True),
        "soort_aanmelding": ("choice", ["asiel", "gezinshereniging"], None),
    },
    "begeleider_koppelen": {"begeleider": ("gebruiker", None, True)},
    "voorbereiding_inburgering": {"juridische_hulp_nodig": (*YES_NO, True)},
    "intake_gesprek": {
        "begeleidingsvorm": ("choice", ["individueel", "spreekuur", "groep"], True),
    },
    "pip_opstellen": {"leerroute": ("choice", ["b1", "onderwijs", "z"], None)},
    "pip_vaststellen": {"beschikking_datum": ("date", None, True)},
    "pip_toelichten": {"bezwaar_gewenst": (*YES_NO, True)},
    "bezwaar_behandelen": {
        "bezwaar_uitkomst": ("choice", ["gegrond", "ongegrond"], True)
    },
    "pvt_workshop": {"aanwezig": (*YES_NO, True)},
    "pvt_ondertekening": {"verklaring_ondertekend": (*YES_NO, True)},
    "voortgangsgesprek": {
        "pip_aanpassen": (*YES_NO, True),
        "traject_afronden": (*YES_NO, True),
    },
    "eindgesprek": {
        "uitkomst": ("choice", ["afronden", "overdragen", "voortzetten"], True),
    },
}

STEP_COUNTS = {"intake_gesprek": 4, "brede_intake": 6, "pip_opstellen": 3}

AANMELDING_FIELDS = {
    "voornaam": "text",
    "achternaam": "text",
    "bsn": "bsn",
    "geboortedatum": "date",
    "herkomstland": "text",
    "taal": "text",
    "gezinsgrootte": "number",
    "telefoon": "phone",
    "email": "email",
    "postcode": "postcode",
    "adres": "text",
    "aangemeld_door": "choice",
}


def _contract_form_keys() -> set[str]:
    """Form keys named in the contract's tables and prose."""
    text = CONTRACT.read_text(encoding="utf-8")
    keys = set(re.findall(r"form(?: key)? `([a-z0-9_]+)`", text))
    keys |= set(re.findall(r"^`([a-z0-9_]+)` — ", text, flags=re.MULTILINE))
    column = None
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|"):
            column = None
        elif "form key" in cells:
            column = cells.index("form key")
        elif column is not None and not set(cells[0]) <= {"-"}:
            keys |= set(re.findall(r"^`([a-z0-9_]+)`", cells[column]))
    return keys


def test_every_definition_file_loads_and_its_stem_is_its_key():
    registry = load_registry()
    stems = {path.stem for path in DEFINITIONS_DIR.rglob("*.json")}
    assert set(registry.keys()) == stems


def test_there_is_a_definition_for_every_form_key_of_the_contract():
    registry = default_registry()
    assert set(registry.keys()) == FORM_KEYS
    assert _contract_form_keys() == FORM_KEYS


@pytest.mark.parametrize(
    ("form_key", "name", "spec"),
    [
        (form_key, name, spec)
        for form_key, fields in ROUTING_FIELDS.items()
        for name, spec in fields.items()
    ],
)
def test_routing_field_matches_the_contract(form_key, name, spec):
    field_type, choice_values, required = spec
    fields = {field.name: field for field in default_registry().get(form_key).fields}
    field = fields[name]
    assert field.type == field_type
    assert field.routing
    assert field.privacy == "normaal"
    if choice_values is not None:
        assert [value for value, _label in field.choices] == choice_values
    if required is not None:
        assert field.required is required


def test_begeleider_is_chosen_among_begeleiders():
    fields = {f.name: f for f in default_registry().get("begeleider_koppelen").fields}
    assert fields["begeleider"].role == "begeleider"


def test_only_contract_routing_fields_are_marked_routing():
    marked = {
        (definition.key, field.name)
        for definition in map(default_registry().get, default_registry().keys())
        for field in definition.fields
        if field.routing
    }
    expected = {
        (key, name) for key, fields in ROUTING_FIELDS.items() for name in fields
    }
    assert marked == expected


def test_aanmelding_has_the_contract_fields_with_the_bsn_kept_out_of_the_engine():
    fields = {
        field.name: field for field in default_registry().get("aanmelding").fields
    }
    assert {name: fields[name].type for name in AANMELDING_FIELDS} == AANMELDING_FIELDS
    assert fields["bsn"].privacy == "bsn"
    assert [value for value, _ in fields["aangemeld_door"].choices] == [
        "gemeente",
        "coa",
        "anders",
    ]


@pytest.mark.parametrize(("form_key", "count"), STEP_COUNTS.items())
def test_wizard_forms_have_the_contract_steps(form_key, count):
    definition = default_registry().get(form_key)
    assert definition.is_multistep
    assert len(definition.steps) == count
    assert len(build_step_forms(definition, user_choices=lambda role: [])) == count


def test_all_other_forms_are_single_step():
    registry = default_registry()
    multistep = {key for key in registry.keys() if registry.get(key).is_multistep}
    assert multistep == set(STEP_COUNTS)


def test_field_names_are_unique_across_forms():
    registry = default_registry()
    names = Counter(
        field.name for key in registry.keys() for field in registry.get(key).fields
    )
    assert [name for name, count in names.items() if count > 1] == []


def test_every_field_has_a_privacy_class_and_sensitive_steps_are_marked():
    registry = default_registry()
    for key in registry.keys():
        for field in registry.get(key).fields:
            assert field.privacy in PRIVACY_CLASSES
    brede_intake = {step.title: step for step in registry.get("brede_intake").steps}
    assert {f.privacy for f in brede_intake["Gezondheid"].fields} == {
        "gezondheid",
        "psychisch",
    }
    assert any(f.privacy == "schulden" for f in brede_intake["Financiën"].fields)


@pytest.mark.parametrize("form_key", sorted(FORM_KEYS))
def test_every_form_builds_and_renders(form_key):
    definition = default_registry().get(form_key)
    for form_class in build_step_forms(
        definition, user_choices=lambda role: [("7", "Anna")]
    ):
        assert form_class().as_div()
