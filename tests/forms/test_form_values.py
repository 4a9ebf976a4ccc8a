"""What is stored, what the engine sees, and how a submission reads back."""

import json

import pytest

from forms import (
    build_form_class,
    build_step_forms,
    default_registry,
    display_rows,
    engine_data,
    stored_data,
)

AANMELDING = {
    "voornaam": "Amal",
    "achternaam": "Haddad",
    "geboortedatum": "1990-05-04",
    "bsn": "111222333",
    "herkomstland": "Syrië",
    "gezinsgrootte": "4",
    "telefoon": "06 1234 5678",
    "postcode": "1234ab",
    "soort_aanmelding": "gezinshereniging",
    "aangemeld_door": "coa",
    "koppeling_datum": "2026-01-31",
    "datum_binnenkomst": "2026-02-14",
}

BREDE_INTAKE_STEPS = [
    {
        "brede_intake_datum": "2026-02-10",
        "moedertaal": "Arabisch",
        "alfabetisering": "ander_schrift",
        "niveau_nederlands": "a1",
        "digitale_vaardigheden": "basis",
    },
    {
        "opleidingsniveau": "hoger",
        "diplomas_aanwezig": "ja",
        "diplomawaardering_aanvragen": "ja",
    },
    {
        "lichamelijke_gezondheid": "beperkingen",
        "psychische_klachten": "ja",
        "gezondheid_belemmert": "nee",
    },
    {
        "inkomstenbron": "bijstand",
        "financiele_zelfredzaamheid": "met_hulp",
        "schulden_aanwezig": "ja",
        "schulden_bedrag": "1250.50",
    },
    {
        "kinderopvang_nodig": "nee",
        "vve_informatie": "niet_van_toepassing",
        "gesprek_zonder_partner": "ja",
        "sociaal_netwerk": "klein",
    },
    {
        "leerbaarheidstoets_afgenomen": "ja",
        "leerbaarheid_advies": "b1",
        # How and when consent was given is asked even when none is given.
        "toestemming_mb_vorm": "mondeling",
        "toestemming_mb_datum": "2026-02-10",
    },
]


def _cleaned(form_key, data):
    form = build_form_class(default_registry().get(form_key))(data=data)
    assert form.is_valid(), form.errors
    return form.cleaned_data


@pytest.fixture
def brede_intake():
    """The cleaned data of all wizard steps merged, as a wizard's done() has it."""
    definition = default_registry().get("brede_intake")
    cleaned = {}
    for form_class, data in zip(
        build_step_forms(definition), BREDE_INTAKE_STEPS, strict=True
    ):
        form = form_class(data=data)
        assert form.is_valid(), form.errors
        cleaned |= form.cleaned_data
    return definition, cleaned


def test_stored_data_holds_every_field_as_json():
    definition = default_registry().get("aanmelding")
    stored = stored_data(definition, _cleaned("aanmelding", AANMELDING))
    assert list(stored) == [field.name for field in definition.fields]
    assert stored["koppeling_datum"] == "2026-01-31"
    assert stored["gezinsgrootte"] == 4
    assert stored["postcode"] == "1234 AB"
    assert stored["telefoon"] == "0612345678"
    assert stored["bsn"] == "111222333"
    assert stored["email"] == ""
    assert json.loads(json.dumps(stored)) == stored


def test_stored_data_of_a_wizard_keeps_bools_numbers_and_empty_answers(brede_intake):
    definition, cleaned = brede_intake
    stored = stored_data(definition, cleaned)
    assert stored["psychische_klachten"] is True
    assert stored["gezondheid_belemmert"] is False
    assert stored["schuldhulp_nodig"] is None
    assert stored["schulden_bedrag"] == 1250.5
    assert stored["leerbaarheidstoets_datum"] is None
    assert json.loads(json.dumps(stored)) == stored


def test_engine_data_leaves_out_bsn_health_debts_and_legal_answers(brede_intake):
    definition, cleaned = brede_intake
    data = engine_data(definition, cleaned)
    for field in definition.fields:
        assert (field.name in data) is (field.privacy == "normaal")
    assert "psychische_klachten" not in data and "schulden_bedrag" not in data
    assert data["inkomstenbron"] == "bijstand"
    json.dumps(data)

    aanmelding = default_registry().get("aanmelding")
    data = engine_data(aanmelding, _cleaned("aanmelding", AANMELDING))
    assert "bsn" not in data
    assert data["koppeling_datum"] == "2026-01-31"
    assert data["datum_binnenkomst"] == "2026-02-14"
    assert data["soort_aanmelding"] == "gezinshereniging"


def test_engine_data_keeps_empty_optional_fields_so_gateways_find_the_name():
    cleaned = _cleaned(
        "pip_toelichten",
        {
            "pip_toelichting_datum": "2026-04-01",
            "pip_begrepen": "deels",
            "bezwaar_gewenst": "nee",
        },
    )
    data = engine_data(default_registry().get("pip_toelichten"), cleaned)
    assert data["bezwaar_gewenst"] is False
    assert "bezwaar_gronden" not in data  # juridisch
    assert data["signalen_regievoerder"] == ""


def test_a_submission_reads_back_in_dutch(brede_intake):
    definition, cleaned = brede_intake
    rows = {
        row.name: row
        for row in display_rows(definition, stored_data(definition, cleaned))
    }
    assert rows["brede_intake_datum"].value == "10-02-2026"
    assert rows["brede_intake_datum"].label == "Datum brede intake"
    assert rows["psychische_klachten"].value == "Ja"
    assert rows["gezondheid_belemmert"].value == "Nee"
    assert rows["psychische_klachten"].privacy == "psychisch"
    assert rows["niveau_nederlands"].value == "A1"
    assert rows["alfabetisering"].value == "Kan lezen en schrijven in een ander schrift"
    assert rows["schulden_bedrag"].value == "1250,50"
    assert rows["leerbaarheidstoets_datum"].value == "Niet ingevuld"
    assert [row.name for row in display_rows(definition, {})] == [
        field.name for field in definition.fields
    ]


def test_multiple_choices_and_users_read_back_as_their_labels():
    financien = default_registry().get("financien_regelen")
    rows = display_rows(
        financien, {"toeslagen_aangevraagd": ["huurtoeslag", "zorgtoeslag"]}
    )
    assert rows[2].value == "Huurtoeslag, Zorgtoeslag"

    koppelen = default_registry().get("begeleider_koppelen")
    stored = {"begeleider": "12", "tolk_nodig": False}
    (begeleider, *_rest) = display_rows(
        koppelen, stored, user_choices=lambda role: [("12", "Anna de Vries")]
    )
    assert begeleider.value == "Anna de Vries"
    assert display_rows(koppelen, stored)[0].value == "12"


def test_stored_data_fills_the_form_again():
    definition = default_registry().get("pip_toelichten")
    cleaned = _cleaned(
        "pip_toelichten",
        {
            "pip_toelichting_datum": "2026-04-01",
            "pip_begrepen": "deels",
            "bezwaar_gewenst": "nee",
        },
    )
    form = build_form_class(definition)(initial=stored_data(definition, cleaned))
    assert 'value="2026-04-01"' in str(form["pip_toelichting_datum"])
    assert 'value="nee" required id="id_bezwaar_gewenst_1" checked' in str(
        form["bezwaar_gewenst"]
    )
