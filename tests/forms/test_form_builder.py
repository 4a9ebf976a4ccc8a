"""Django forms built from definitions behave as a begeleider expects."""

from decimal import Decimal

import pytest

from forms import (
    FIELD_TYPES,
    FieldDefinition,
    FormDefinition,
    StepDefinition,
    build_form_class,
    build_step_forms,
    default_registry,
)

REQUIRED = "Dit veld is verplicht."


def _form_class(form_key, **kwargs):
    return build_form_class(default_registry().get(form_key), **kwargs)


def _single_field_form(field):
    definition = FormDefinition(
        key="proef", title="Proef", steps=(StepDefinition("Stap", (field,)),)
    )
    return build_form_class(definition)


@pytest.mark.parametrize(("answer", "value"), [("nee", False), ("ja", True)])
def test_a_required_yes_no_question_accepts_nee_and_ja(answer, value):
    form = _form_class("voorbereiding_inburgering")(
        data={"juridische_hulp_nodig": answer}
    )
    form.is_valid()
    assert "juridische_hulp_nodig" not in form.errors
    assert form.cleaned_data["juridische_hulp_nodig"] is value


def test_a_required_yes_no_question_left_open_is_an_error():
    form = _form_class("voorbereiding_inburgering")(data={})
    assert not form.is_valid()
    assert form.errors["juridische_hulp_nodig"] == [REQUIRED]


def test_an_optional_yes_no_question_left_open_is_none():
    form = _form_class("voorbereiding_inburgering")(data={})
    form.is_valid()
    assert form.cleaned_data["medische_verklaring_nodig"] is None


def test_a_yes_no_question_is_two_radio_buttons_that_show_a_stored_answer():
    form = _form_class("voorbereiding_inburgering")(
        initial={"juridische_hulp_nodig": False}
    )
    html = str(form["juridische_hulp_nodig"])
    assert html.count('type="radio"') == 2
    assert ">\n Ja</label>" in html and ">\n Nee</label>" in html
    assert 'value="nee" required id="id_juridische_hulp_nodig_1" checked' in html


def test_an_invalid_form_keeps_what_was_typed_and_explains_each_error_in_dutch():
    typed = {
        "voornaam": "Amal",
        "geboortedatum": "1990-05-04",
        "bsn": "123456789",
        "postcode": "0123 AB",
        "telefoon": "12345",
        "email": "amal@",
        "gezinsgrootte": "0",
        "soort_aanmelding": "toerist",
        "koppeling_datum": "2026-01-31",
    }
    form = _form_class("aanmelding")(data=typed)
    assert not form.is_valid()
    assert form.errors["achternaam"] == [REQUIRED]
    assert form.errors["bsn"] == ["Dit is geen geldig BSN: de elfproef klopt niet."]
    assert form.errors["postcode"] == ["Vul een postcode in als 1234 AB."]
    assert "Nederlands telefoonnummer" in form.errors["telefoon"][0]
    assert form.errors["email"] == ["Voer een geldig e-mailadres in."]
    assert form.errors["gezinsgrootte"] == [
        "Zorg ervoor dat deze waarde minstens 1 is."
    ]
    assert "toerist" in form.errors["soort_aanmelding"][0]
    assert "voornaam" not in form.errors and "koppeling_datum" not in form.errors
    assert form.data == typed
    html = form.as_div()
    assert 'value="0123 AB"' in html and 'value="Amal"' in html


def test_dates_use_the_date_picker_and_accept_dutch_notation():
    form = _form_class("pip_vaststellen")(
        data={
            "beschikking_datum": "31-01-2026",
            "beschikking_kenmerk": "INB-1",
            "beschikking_verzonden_via": "post",
            "inburgeringsplicht_start": "2026-01-31",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["beschikking_datum"].isoformat() == "2026-01-31"
    assert 'type="date"' in str(form["inburgeringsplicht_start"])


def test_choices_are_radio_buttons_and_multiple_choice_are_checkboxes():
    form = _form_class("financien_regelen")()
    assert str(form["toeslagen_aangevraagd"]).count('type="checkbox"') == 5
    assert "<textarea" in str(form["schulden_toelichting"])
    assert str(_form_class("eindgesprek")()["uitkomst"]).count('type="radio"') == 3


def test_a_number_with_decimals_is_a_decimal():
    form = _form_class("brede_intake")(data={"schulden_bedrag": "1250.50"})
    form.is_valid()
    assert form.cleaned_data["schulden_bedrag"] == Decimal("1250.50")


@pytest.mark.parametrize("field_type", sorted(FIELD_TYPES - {"gebruiker"}))
def test_every_field_type_builds_a_form_field(field_type):
    options = {
        "choice": {"choices": (("a", "A"),)},
        "multichoice": {"choices": (("a", "A"),)},
    }.get(field_type, {})
    field = FieldDefinition(
        name="veld", type=field_type, label="Veld", privacy="normaal", **options
    )
    assert _single_field_form(field)()["veld"].label == "Veld"


def test_help_text_from_a_definition_is_escaped():
    field = FieldDefinition(
        name="opmerking",
        type="text",
        label="Opmerking",
        privacy="normaal",
        help="<script>alert(1)</script>",
    )
    html = _single_field_form(field)().as_div()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_user_field_offers_the_users_of_its_role_at_run_time():
    users = {
        "begeleider": [("12", "Anna de Vries")],
        "regievoerder": [("30", "Bas Jansen")],
    }
    asked = []

    def user_choices(role):
        asked.append(role)
        return users[role]

    form_class = _form_class("begeleider_koppelen", user_choices=user_choices)
    # A user added after the form class was built is on offer too.
    users["begeleider"].append(("13", "Chris Bakker"))
    form = form_class(data={"begeleider": "13", "tolk_nodig": "nee"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["begeleider"] == "13"
    assert set(asked) == {"begeleider"}
    assert "Anna de Vries" in str(form_class()["begeleider"])


def test_a_user_field_rejects_a_user_not_on_offer():
    form_class = _form_class(
        "begeleider_koppelen", user_choices=lambda role: [("12", "Anna de Vries")]
    )
    form = form_class(data={"begeleider": "30", "tolk_nodig": "ja"})
    assert not form.is_valid()
    assert form.errors["begeleider"] == [
        "Selecteer een geldige keuze. 30 is geen beschikbare keuze."
    ]


def test_a_form_with_a_user_field_needs_user_choices():
    with pytest.raises(ValueError, match="user_choices"):
        _form_class("begeleider_koppelen")


def test_a_wizard_gets_one_form_per_step_with_that_steps_fields():
    definition = default_registry().get("intake_gesprek")
    step_forms = build_step_forms(definition)
    assert len(step_forms) == 4
    for step, form_class in zip(definition.steps, step_forms, strict=True):
        assert list(form_class.base_fields) == [field.name for field in step.fields]
    assert list(build_form_class(definition).base_fields) == [
        field.name for field in definition.fields
    ]


def test_a_single_step_form_gets_one_form():
    assert len(build_step_forms(default_registry().get("eindgesprek"))) == 1


@pytest.mark.parametrize("step", [-1, 3])
def test_asking_for_a_step_that_does_not_exist_is_an_error(step):
    with pytest.raises(ValueError, match="no step"):
        _form_class("pip_opstellen", step=step)
