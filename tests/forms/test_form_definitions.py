"""The shipped definitions honour the contract in docs/trajectory.md."""

import re
from pathlib import Path

import pytest

from forms import PRIVACY_CLASSES, build_step_forms, default_registry, load_registry
from forms.registry import DEFINITIONS_DIR

CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "trajectory.md"

FORM_KEYS = {
    "aanmelding",
    # MB-spoor
    "huisvesting_inschrijvingen",
    "financien_regelen",
    "voorbereiding_inburgering",
    "juridische_ondersteuning",
    "taalmaatje_koppelen",
    "intake_gesprek",
    "begeleider_koppelen",
    "begeleidingsafspraken",
    "spreekuur_inplannen",
    "groep_indelen",
    "pip_toelichten",
    "begeleiding_evaluatie",
    "eindgesprek",
    "overdracht",
    "overdracht_uitvoeren",
    "overdracht_zonder_toestemming",
    "voortzetting",
    "begeleiding_afronden",
    "dossier_afsluiten",
    "contactmoment",
    # regiespoor
    "brede_intake_uitnodiging",
    "handhaving_brede_intake",
    "brede_intake",
    "pip_opstellen",
    "pip_vaststellen",
    "pip_termijn_waarschuwing",
    "pip_termijn_escalatie",
    "bezwaar_behandelen",
    "pip_bijstellen",
    "voortgangsgesprek",
    "ontzorgen_starten",
    "ontzorgen_evaluatie",
    "financiele_zelfredzaamheid",
    "taal_resultaat",
    "taalschakeltraject_resultaat",
    "z_route_voortgang",
    "knm_resultaat",
    "map_resultaat",
    "inburgeringstermijn_waarschuwing",
    "inburgeringstermijn_verlengen",
    "termijn_verstreken",
    "pip_te_laat_mb",
    "bezwaar_ontvangen",
    "besluit_herzien",
    "aanbod_bijstellen",
    "kinderopvang_regelen",
    "pip_bijstelling_verzoek",
    "inburgering_start_helpen",
    "kennismaken_omgeving",
    # participatieverklaringstraject
    "pvt_workshop",
    "pvt_inhaalworkshop",
    "pvt_uitzondering",
    "pvt_ondertekening",
    "pvt_niet_voldaan",
}

YES_NO = ("yesno", None)
DATE = ("date", None, True)
NUMBER = ("number", None, True)

# form key -> field -> (type, choice values, required); None: the contract is silent.
# Routing fields are what a gateway branches on or a script computes a deadline from.
ROUTING_FIELDS = {
    "aanmelding": {
        "koppeling_datum": DATE,
        "datum_binnenkomst": DATE,
        "soort_aanmelding": ("choice", ["asiel", "gezinshereniging"], None),
    },
    "begeleider_koppelen": {"begeleider": ("gebruiker", None, True)},
    "voorbereiding_inburgering": {"juridische_hulp_nodig": (*YES_NO, True)},
    "intake_gesprek": {
        "begeleidingsvorm": ("choice", ["individueel", "spreekuur", "groep"], True),
    },
    "brede_intake_uitnodiging": {"brede_intake_verschenen": (*YES_NO, True)},
    "pip_opstellen": {
        "inburgeringsplicht_besluit": (
            "choice",
            ["plichtig", "ontheffing", "vrijstelling"],
            True,
        ),
        "leerroute": ("choice", ["b1", "onderwijs", "z"], True),
    },
    "pip_vaststellen": {"inburgeringsplicht_start": DATE, "beschikking_datum": DATE},
    "bezwaar_ontvangen": {"bezwaar_ingediend": (*YES_NO, True)},
    "bezwaar_behandelen": {
        "bezwaar_uitkomst": ("choice", ["gegrond", "ongegrond"], True)
    },
    "taal_resultaat": {
        "taal_uitslag": (
            "choice",
            ["behaald", "niet_behaald", "afgeschaald", "z_route", "ontheffing"],
            True,
        )
    },
    "taalschakeltraject_resultaat": {
        "taalschakeltraject_uitslag": (
            "choice",
            ["afgerond", "loopt_nog", "ontheffing"],
            True,
        )
    },
    "z_route_voortgang": {
        "z_route_uitslag": ("choice", ["afgerond", "loopt_nog", "ontheffing"], True)
    },
    "knm_resultaat": {
        "knm_uitslag": ("choice", ["behaald", "niet_behaald", "ontheffing"], True)
    },
    "map_resultaat": {
        "map_uitslag": ("choice", ["afgerond", "niet_afgerond", "ontheffing"], True)
    },
    "inburgeringstermijn_waarschuwing": {"termijn_verlengen": (*YES_NO, True)},
    "inburgeringstermijn_verlengen": {"verlenging_weken": NUMBER},
    "ontzorgen_starten": {
        "ontzorgen_van_toepassing": (*YES_NO, True),
        "bijstand_startdatum": DATE,
    },
    "ontzorgen_evaluatie": {"ontzorgen_verlenging_maanden": NUMBER},
    "pvt_workshop": {"aanwezig": (*YES_NO, True)},
    "pvt_inhaalworkshop": {"inhaal_aanwezig": (*YES_NO, True)},
    "pvt_uitzondering": {
        "pvt_besluit": ("choice", ["ondertekenen", "opnieuw", "niet_voldaan"], True)
    },
    "pvt_ondertekening": {"verklaring_ondertekend": (*YES_NO, True)},
    "pvt_niet_voldaan": {
        "pvt_niet_voldaan_datum": DATE,
        "verwijtbaar_niet_voldaan": (*YES_NO, True),
    },
    "pip_bijstellen": {"bijstelling_datum": DATE},
    "voortgangsgesprek": {
        "pip_aanpassen": (*YES_NO, True),
        "traject_afronden": (*YES_NO, True),
    },
    "begeleiding_evaluatie": {
        "begeleiding_vervolg": ("choice", ["doorgaan", "eindgesprek"], True),
        "aanbod_voldoet": ("choice", ["ja", "bijgesteld", "niet"], True),
        "pip_past_nog": (*YES_NO, True),
    },
    "eindgesprek": {
        "uitkomst": ("choice", ["afronden", "overdragen", "voortzetten"], True),
    },
    "overdracht": {"overdracht_toestemming": (*YES_NO, True)},
    "voortzetting": {"voortzetting_tot": DATE},
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


# Names two forms share on purpose: the Piëzo phase of the intake and of a contact
# moment (recorded from the case page, never in the engine) are the same question.
SHARED_ON_PURPOSE = {"piezo_fase": {"intake_gesprek", "contactmoment"}}


def test_field_names_are_unique_across_forms():
    registry = default_registry()
    owners: dict[str, set[str]] = {}
    for key in registry.keys():
        for field in registry.get(key).fields:
            owners.setdefault(field.name, set()).add(key)
    shared = {name: keys for name, keys in owners.items() if len(keys) > 1}
    assert shared == SHARED_ON_PURPOSE


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


def test_the_start_form_asks_for_the_date_of_arrival_in_the_gemeente():
    fields = {f.name: f for f in default_registry().get("aanmelding").fields}
    binnenkomst = fields["datum_binnenkomst"]
    assert (binnenkomst.type, binnenkomst.required) == ("date", True)
    assert fields["koppeling_datum"].milestone == "koppeling"


def test_the_piezo_phase_is_a_milestone_on_the_intake_and_on_a_contact_moment():
    intake = {f.name: f for f in default_registry().get("intake_gesprek").fields}
    contact = {f.name: f for f in default_registry().get("contactmoment").fields}
    assert intake["piezo_fase"].milestone == "piezo_fase"
    assert intake["piezo_fase"].required
    assert contact["piezo_fase"].milestone == "piezo_fase"
    assert not contact["piezo_fase"].required
    assert intake["piezo_fase"].choices == contact["piezo_fase"].choices
    assert [v for v, _ in intake["piezo_fase"].choices] == ["0", "1", "2", "3", "4"]


def test_the_intake_asks_for_the_verblijfsintentie_and_the_three_year_goal():
    fields = {f.name: f for f in default_registry().get("intake_gesprek").fields}
    assert fields["verblijfsintentie"].required
    assert "blijven wonen" in fields["verblijfsintentie"].label
    assert "drie jaar" in fields["verwachtingen_statushouder"].label
    assert fields["verwachtingen_reeel"].required


def test_the_trainer_records_attendance_and_signing_but_never_judges_blame():
    registry = default_registry()
    trainer_forms = ("pvt_workshop", "pvt_inhaalworkshop", "pvt_ondertekening")
    for key in trainer_forms:
        names = {f.name for f in registry.get(key).fields}
        assert not {n for n in names if "verwijtbaar" in n}, key
    signing = {f.name for f in registry.get("pvt_ondertekening").fields}
    assert {"ondertekening_datum", "ondertekening_plaats"} <= signing
    judged = {f.name: f for f in registry.get("pvt_niet_voldaan").fields}
    assert judged["verwijtbaar_niet_voldaan"].required
