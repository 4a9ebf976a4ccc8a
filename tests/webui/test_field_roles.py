"""Fields by declared role, not by name: the code reads the statushouder's name, the
contact moment and the PVT answers from the fields that declare a role, and a set
that lacks a form or a field role the code needs is refused at deploy, in Dutch."""

import json

from webui.definitions.bundles import check_files, version_files
from webui.definitions.services import active_version, version_deploy

from ..conftest import World
from .test_privacy_floor import base_form, refusal

START = "formulieren/aanmelding.json"
CONTACT = "formulieren/contactmoment.json"


def edited(form: dict, field_name: str, **changes: object) -> dict:
    """The form with one field changed (a value None drops that key)."""
    for step in form["steps"]:
        for field in step["fields"]:
            if field["name"] == field_name:
                field.update(changes)
                for key in [k for k, v in changes.items() if v is None]:
                    del field[key]
    return form


def test_a_start_form_without_the_first_name_role_is_refused_in_dutch(
    world: World,
) -> None:
    form = edited(base_form(world, START), "voornaam", field_role=None)
    [finding] = refusal(world, {START: json.dumps(form, ensure_ascii=False)})
    assert finding.startswith(f"{START}:")
    assert "het formulier ‘aanmelding’ heeft geen veld met de rol ‘voornaam’" in (
        finding
    )
    assert "voornaam van de statushouder" in finding
    assert '"field_role": "voornaam"' in finding, "the hint says how to mend it"


def test_a_set_without_the_contact_form_is_refused(world: World) -> None:
    files = version_files(world.versions["polderdam"].base)
    del files[CONTACT]
    findings, bundle = check_files(files, base=None)
    assert bundle is None
    [missing] = [f for f in findings if f.is_error]
    assert missing.file == CONTACT
    assert missing.message == "het formulier ‘contactmoment’ ontbreekt"
    assert "contactmomenten" in missing.hint


def test_renamed_name_fields_still_name_the_case_by_their_roles(
    world: World,
) -> None:
    form = base_form(world, START)
    form = edited(form, "voornaam", name="roepnaam", label="Roepnaam")
    form = edited(form, "achternaam", name="familienaam", label="Familienaam")
    version_deploy(
        gemeente=world.polderdam,
        own_files={START: json.dumps(form, ensure_ascii=False)},
    )
    assert active_version(world.polderdam) != world.versions["polderdam"]

    case = world.start(roepnaam="Amal", familienaam="Haddad")
    assert case.client_naam == "Amal Haddad"


def test_a_role_on_a_field_of_the_wrong_type_is_refused(world: World) -> None:
    form = edited(
        base_form(world, CONTACT), "contact_verslag", field_role="contact_datum"
    )
    form = edited(form, "contact_datum", field_role=None)
    findings = refusal(world, {CONTACT: json.dumps(form, ensure_ascii=False)})
    assert any(
        "de rol ‘contact_datum’ (datum van het contact) vraagt een veld van het type"
        " date" in f
        for f in findings
    ), findings
