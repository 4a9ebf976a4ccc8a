"""A form declares the fields Wegwijs reads by their role; a role that is unknown, on
a field of the wrong type or class, or on two fields is a problem at load time."""

import json

from forms.privacy import NO_BASE
from forms.registry import parse_definition


def _form(*fields: dict) -> str:
    return json.dumps(
        {"key": "aanmelding", "title": "T", "steps": [{"title": "S", "fields": fields}]}
    )


def _field(name: str, role: str, field_type: str = "text", privacy: str = "") -> dict:
    return {
        "name": name,
        "type": field_type,
        "label": name.capitalize(),
        "privacy": privacy or "persoonsgegevens",
        "field_role": role,
    }


def _problems(text: str) -> list[str]:
    _definition, problems = parse_definition(text, "aanmelding.json", floor=NO_BASE)
    return [p.message for p in problems]


def test_the_code_finds_a_renamed_field_by_its_role() -> None:
    definition, problems = parse_definition(
        _form(_field("roepnaam", "voornaam")), "aanmelding.json"
    )
    assert problems == [] and definition is not None
    found = definition.field_with_role("voornaam")
    assert found is not None and found.name == "roepnaam"
    assert definition.field_with_role("achternaam") is None


def test_an_unknown_role_is_refused_with_the_known_ones() -> None:
    [message] = _problems(_form(_field("roepnaam", "bijnaam")))
    assert message == "veld ‘roepnaam’ heeft een onbekende rol ‘bijnaam’"


def test_a_role_keeps_its_type_and_its_privacy_class() -> None:
    [wrong_type] = _problems(_form(_field("roepnaam", "voornaam", "date")))
    assert "vraagt een veld van het type text" in wrong_type
    [lowered] = _problems(_form(_field("roepnaam", "voornaam", privacy="normaal")))
    assert "lager dan ‘persoonsgegevens’" in lowered


def test_a_role_is_on_one_field_of_a_form() -> None:
    [message] = _problems(
        _form(_field("roepnaam", "voornaam"), _field("tweede_naam", "voornaam"))
    )
    assert message == "de rol ‘voornaam’ staat op meer dan één veld"


def test_a_form_from_before_field_roles_is_read_by_the_base_names() -> None:
    """A version deployed before field roles existed keeps its case names, reports
    and PVT sessions: its forms declare no role, so the base's names stand in."""
    old = {"name": "voornaam", "type": "text", "label": "Voornaam"}
    old["privacy"] = "persoonsgegevens"
    definition, problems = parse_definition(_form(old), "aanmelding.json")
    assert problems == [] and definition is not None
    found = definition.field_with_role("voornaam")
    assert found is not None and found.name == "voornaam"
    # A form that declares any role is read by its roles only.
    declared, _ = parse_definition(
        _form(old, _field("familienaam", "achternaam")), "aanmelding.json"
    )
    assert declared is not None and declared.field_with_role("voornaam") is None
