"""BSN, postcode and phone: what a begeleider may type and what gets stored."""

from django.core.exceptions import ValidationError

import pytest

from forms import (
    build_form_class,
    default_registry,
    normalise_phone,
    normalise_postcode,
    validate_bsn,
    validate_phone,
    validate_postcode,
)


@pytest.fixture
def aanmelding_form():
    return build_form_class(default_registry().get("aanmelding"))


def _clean(form_class, name, value):
    """Submit one field; return (cleaned value or None, error messages)."""
    form = form_class(data={name: value})
    form.is_valid()
    return form.cleaned_data.get(name), form.errors.get(name, [])


@pytest.mark.parametrize("bsn", ["111222333", "123456782"])
def test_a_bsn_that_passes_the_elfproef_is_accepted(bsn):
    validate_bsn(bsn)


@pytest.mark.parametrize("bsn", ["111222334", "123456789"])
def test_a_bsn_that_fails_the_elfproef_is_rejected_in_dutch(bsn):
    with pytest.raises(ValidationError) as excinfo:
        validate_bsn(bsn)
    assert excinfo.value.messages == ["Dit is geen geldig BSN: de elfproef klopt niet."]


@pytest.mark.parametrize("bsn", ["11122233", "1112223330", "11122233a", ""])
def test_a_bsn_of_the_wrong_length_is_rejected_in_dutch(bsn):
    with pytest.raises(ValidationError) as excinfo:
        validate_bsn(bsn)
    assert excinfo.value.messages == ["Een BSN bestaat uit 9 cijfers."]


def test_the_bsn_field_accepts_spaces_and_dots_and_stores_digits(aanmelding_form):
    assert _clean(aanmelding_form, "bsn", " 1112.22.333 ") == ("111222333", [])
    assert _clean(aanmelding_form, "bsn", "111222334")[1] == [
        "Dit is geen geldig BSN: de elfproef klopt niet."
    ]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1234 AB", "1234 AB"), ("1234ab", "1234 AB"), (" 1234  aB ", "1234 AB")],
)
def test_a_postcode_is_accepted_and_normalised(aanmelding_form, typed, stored):
    validate_postcode(typed)
    assert normalise_postcode(typed) == stored
    assert _clean(aanmelding_form, "postcode", typed) == (stored, [])


@pytest.mark.parametrize("typed", ["0123 AB", "1234", "ABCD 12", "1234 A1", "12345 AB"])
def test_an_invalid_postcode_is_rejected_in_dutch(aanmelding_form, typed):
    with pytest.raises(ValidationError) as excinfo:
        validate_postcode(typed)
    assert excinfo.value.messages == ["Vul een postcode in als 1234 AB."]
    assert _clean(aanmelding_form, "postcode", typed) == (
        None,
        ["Vul een postcode in als 1234 AB."],
    )


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("06 12345678", "0612345678"),
        ("06-1234 5678", "0612345678"),
        ("010 - 123 45 67", "0101234567"),
        ("(010) 1234567", "0101234567"),
        ("+31 6 12345678", "+31612345678"),
        ("0031 6 1234 5678", "+31612345678"),
    ],
)
def test_a_dutch_phone_number_is_accepted_without_separators(
    aanmelding_form, typed, stored
):
    validate_phone(typed)
    assert normalise_phone(typed) == stored
    assert _clean(aanmelding_form, "telefoon", typed) == (stored, [])


@pytest.mark.parametrize(
    "typed",
    ["0612345", "061234567890", "+32 6 12345678", "+31 06 12345678", "tel 0612345678"],
)
def test_an_invalid_phone_number_is_rejected_in_dutch(typed):
    with pytest.raises(ValidationError) as excinfo:
        validate_phone(typed)
    assert "Nederlands telefoonnummer" in excinfo.value.messages[0]


def test_optional_bsn_postcode_and_phone_may_stay_empty(aanmelding_form):
    for name in ("bsn", "postcode", "telefoon"):
        assert _clean(aanmelding_form, name, "") == ("", [])
