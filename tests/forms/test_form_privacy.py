"""The order of the privacy classes and the floor a base sets, without a database."""

import json

import pytest

from forms.privacy import NO_BASE, allowed_classes, kinds_of, lowers
from forms.registry import (
    default_registry,
    parse_definition,
    registry_floor,
    shipped_form_files,
)


@pytest.mark.parametrize(
    ("floor", "privacy"),
    [
        ("persoonsgegevens", "normaal"),
        ("bsn", "persoonsgegevens"),
        ("gezondheid", "bsn"),
        ("gezondheid", "normaal"),
        ("gezondheid", "schulden"),
        ("juridisch", "psychisch"),
    ],
)
def test_lowering_or_moving_sideways_between_sensitive_classes(
    floor: str, privacy: str
) -> None:
    assert lowers(floor, privacy)


@pytest.mark.parametrize(
    ("floor", "privacy"),
    [
        ("normaal", "normaal"),
        ("normaal", "persoonsgegevens"),
        ("persoonsgegevens", "bsn"),
        ("bsn", "gezondheid"),
        ("normaal", "juridisch"),
        ("schulden", "schulden"),
    ],
)
def test_keeping_or_raising(floor: str, privacy: str) -> None:
    assert not lowers(floor, privacy)


def test_a_sensitive_floor_allows_only_itself() -> None:
    assert allowed_classes("psychisch") == ("psychisch",)
    assert allowed_classes("bsn") == (
        "bsn",
        "gezondheid",
        "psychisch",
        "schulden",
        "juridisch",
        "begeleiding",
    )


def test_kinds_come_from_name_and_label_not_from_the_process_question() -> None:
    assert kinds_of("medicatie", "Welke medicijnen?") == {"gezondheid"}
    assert kinds_of("onder_behandeling", "Huisarts of GGZ?") == {
        "gezondheid",
        "psychisch",
    }
    # A question about the process (the base routes on it) is not a legal matter.
    assert kinds_of("juridische_hulp_nodig", "Is juridische ondersteuning nodig?") == (
        frozenset()
    )


def _form(privacy: str, name: str = "contact_signaal_gezondheid") -> str:
    field = {"name": name, "type": "textarea", "label": "Signaal", "privacy": privacy}
    step = {"title": "S", "fields": [field]}
    return json.dumps({"key": "contactmoment", "title": "T", "steps": [step]})


def test_the_floor_of_the_shipped_forms_refuses_a_lower_class_with_its_line() -> None:
    floor = registry_floor(default_registry())
    definition, problems = parse_definition(
        _form("normaal"), "formulieren/contactmoment.json", floor=floor
    )
    assert definition is None
    [problem] = problems
    assert problem.file == "formulieren/contactmoment.json"
    assert problem.line == 1
    assert problem.element == "contactmoment.contact_signaal_gezondheid"
    assert "lager dan ‘gezondheid’" in problem.message
    ok, problems = parse_definition(
        _form("gezondheid"), "formulieren/contactmoment.json", floor=floor
    )
    assert ok is not None and problems == []


def test_without_a_base_the_named_fields_keep_their_class() -> None:
    _definition, problems = parse_definition(_form("normaal"), "x.json", floor=NO_BASE)
    assert [p.element for p in problems] == ["contactmoment.contact_signaal_gezondheid"]


def test_the_shipped_forms_meet_their_own_floor_and_the_kind_rules() -> None:
    registry = default_registry()
    for name, text in shipped_form_files().items():
        for floor in (registry_floor(registry), NO_BASE):
            _definition, problems = parse_definition(text, name, floor=floor)
            assert problems == [], problems
