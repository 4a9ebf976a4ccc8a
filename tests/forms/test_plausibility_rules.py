"""Plausibility rules are data in the form definitions: every base rule refuses its
implausible answer with its Dutch message at the field, keeps what was typed, and
lets a plausible answer through; a rule that cannot hold is refused when the
definition is loaded."""

import json
from datetime import date

from django.utils import timezone

import pytest

from forms import build_form_class, default_registry
from forms.registry import parse_definition

TODAY = date(2026, 6, 1)


@pytest.fixture(autouse=True)
def today(monkeypatch) -> date:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _answers(form_key: str, **answers: object) -> dict[str, object]:
    """Plausible answers to every required field, with ``answers`` over them."""
    definition = default_registry().get(form_key)
    data: dict[str, object] = {}
    for field in definition.fields:
        if not field.required:
            continue
        data[field.name] = {
            "date": "2026-05-01",
            "number": "3",
            "yesno": "ja",
            "text": "Amal",
            "textarea": "Zo ging het.",
            "choice": field.choices[0][0] if field.choices else "",
            "multichoice": [field.choices[0][0]] if field.choices else [],
            "postcode": "1234 AB",
            "bsn": "",
            "phone": "0612345678",
            "email": "a@example.org",
        }.get(field.type, "x")
    data.update(answers)
    return data


def _form(form_key: str, **answers: object):
    definition = default_registry().get(form_key)
    users = [("gebruiker", "Gebruiker")]
    form_class = build_form_class(definition, user_choices=lambda role: users)
    return form_class(data=_answers(form_key, **answers))


# (form, field, implausible answers, plausible answers, words of the message)
CASES = [
    (
        "aanmelding",
        "geboortedatum",
        {"geboortedatum": "2030-01-01"},
        {"geboortedatum": "1990-01-01"},
        "De geboortedatum ligt in de toekomst",
    ),
    (
        "begeleidingsafspraken",
        "eerste_evaluatie_datum",
        {
            "begeleiding_startdatum": "2026-05-10",
            "eerste_evaluatie_datum": "2026-05-01",
        },
        {
            "begeleiding_startdatum": "2026-05-10",
            "eerste_evaluatie_datum": "2026-08-01",
        },
        "De eerste evaluatie ligt vóór de start van de begeleiding",
    ),
    (
        "pip_vaststellen",
        "inburgeringsplicht_start",
        {"inburgeringsplicht_start": "2022-01-03"},
        {"inburgeringsplicht_start": "2026-01-05"},
        "de inburgeringstermijn van drie jaar al voorbij",
    ),
    (
        "ontzorgen_evaluatie",
        "ontzorgen_verlenging_maanden",
        {"ontzorgen_zelfredzaamheid": "nog_niet", "ontzorgen_verlenging_maanden": "0"},
        {"ontzorgen_zelfredzaamheid": "ja", "ontzorgen_verlenging_maanden": "0"},
        "nog niet zelf betalen: verleng het ontzorgen",
    ),
    (
        "pvt_workshop",
        "workshop_datum",
        {"workshop_datum": "2026-06-08", "aanwezig": "ja"},
        {"workshop_datum": "2026-06-01", "aanwezig": "ja"},
        "Deze workshop is nog niet geweest",
    ),
    (
        "pvt_inhaalworkshop",
        "inhaal_datum",
        {"inhaal_datum": "2026-06-02", "inhaal_aanwezig": "nee"},
        {"inhaal_datum": "2026-05-30", "inhaal_aanwezig": "nee"},
        "Deze inhaalworkshop is nog niet geweest",
    ),
]


@pytest.mark.parametrize(
    ("form_key", "field", "wrong", "right", "words"),
    CASES,
    ids=[case[0] for case in CASES],
)
def test_every_base_rule_refuses_with_its_message_and_keeps_the_answer(
    form_key: str, field: str, wrong: dict, right: dict, words: str
) -> None:
    refused = _form(form_key, **wrong)
    assert not refused.is_valid()
    assert words in " ".join(refused.errors[field]), refused.errors
    # What was typed stays in the field, to be mended rather than typed again.
    assert refused[field].value() == wrong[field]
    assert f'value="{wrong[field]}"' in str(refused[field])

    accepted = _form(form_key, **right)
    assert accepted.is_valid(), accepted.errors


def test_the_birth_date_in_the_issue_is_refused_today_and_tomorrow_is_too() -> None:
    assert not _form("aanmelding", geboortedatum="2030-01-01").is_valid()
    assert not _form("aanmelding", geboortedatum="2026-06-02").is_valid()
    assert _form("aanmelding", geboortedatum="2026-06-01").is_valid()


def _definition(rules: list) -> str:
    return json.dumps(
        {
            "key": "proef",
            "title": "Proef",
            "steps": [
                {
                    "title": "Een",
                    "fields": [
                        {
                            "name": "start",
                            "type": "date",
                            "label": "Start",
                            "privacy": "normaal",
                        },
                        {
                            "name": "aantal",
                            "type": "number",
                            "label": "Aantal",
                            "privacy": "normaal",
                        },
                    ],
                },
                {
                    "title": "Twee",
                    "fields": [
                        {
                            "name": "einde",
                            "type": "date",
                            "label": "Einde",
                            "privacy": "normaal",
                        }
                    ],
                },
            ],
            "rules": rules,
        }
    )


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (
            {"field": "nergens", "must_be": "<=", "than": "vandaag", "message": "x"},
            "noemt een veld dat niet in het formulier staat",
        ),
        (
            {"field": "start", "must_be": "=~", "than": "vandaag", "message": "x"},
            "geen geldige vergelijking",
        ),
        ({"field": "start", "must_be": "<=", "than": "vandaag"}, "geen melding"),
        (
            {"field": "start", "must_be": "<=", "than": 3, "message": "x"},
            "zegt niet waarmee",
        ),
        (
            {
                "field": "start",
                "must_be": "<=",
                "than": {"field": "aantal"},
                "message": "x",
            },
            "vergelijkt ‘start’ (date) met ‘aantal’ (number)",
        ),
        (
            {
                "field": "start",
                "must_be": "<=",
                "than": {"field": "einde"},
                "message": "x",
            },
            "velden uit verschillende stappen",
        ),
        (
            {
                "field": "aantal",
                "must_be": ">=",
                "than": 1,
                "when": {"field": "start"},
                "message": "x",
            },
            "voorwaarde",
        ),
        (
            {
                "field": "start",
                "must_be": "<=",
                "than": "vandaag",
                "message": "x",
                "script": "1",
            },
            "onbekende eigenschap",
        ),
    ],
)
def test_a_rule_that_cannot_hold_is_refused_when_the_form_is_loaded(
    rule: dict, words: str
) -> None:
    definition, problems = parse_definition(
        _definition([rule]), "formulieren/proef.json"
    )
    assert definition is None
    assert any(words in p.message for p in problems), problems
    assert all(p.element.startswith("proef.regel") for p in problems)


def test_the_rules_read_in_words_for_the_form_editor() -> None:
    lines = default_registry().get("ontzorgen_evaluatie").rule_lines()
    assert lines == [
        (
            "‘Ontzorgen verlengen met (maanden; 0 = niet verlengen)’ is ten minste 1,"
            " als het antwoord op ‘Kan de statushouder de vaste lasten zelf betalen?’"
            " ‘Nog niet’ is",
            "De statushouder kan de vaste lasten nog niet zelf betalen: verleng het"
            " ontzorgen met ten minste 1 maand, of kies bij de vorige vraag ‘met"
            " hulp’ of ‘ja’.",
        )
    ]
    (line,) = default_registry().get("pip_vaststellen").rule_lines()
    assert line[0] == (
        "‘Begin van de inburgeringstermijn’ ligt op of na vandaag min 1095 dagen"
    )
