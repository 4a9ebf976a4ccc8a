"""The base is a privacy floor: a gemeente's variant may raise a field's privacy
class, never lower it, and a new field about health, debts, legal matters or a BSN
needs that class. Refused in the studio's check, the form editor, the command line and
again by the deploy itself; the version in use stays."""

import json
from io import StringIO

from django.core.management import call_command

import pytest

from forms.privacy import PRIVACY_CLASSES, lowers
from webui.access import READABLE
from webui.definitions.bundles import bundle_of, version_files
from webui.definitions.models import Draft
from webui.definitions.services import (
    DeployRefused,
    active_version,
    draft_open,
    draft_save_files,
    version_deploy,
)

from ..conftest import World
from .test_studio import studio_url
from .test_views import client_for

CONTACT = "formulieren/contactmoment.json"


def base_form(world: World, name: str = CONTACT) -> dict:
    return json.loads(version_files(world.versions["polderdam"].base)[name])


def with_privacy(form: dict, field_name: str, privacy: str) -> str:
    for step in form["steps"]:
        for field in step["fields"]:
            if field["name"] == field_name:
                field["privacy"] = privacy
    return json.dumps(form, indent=2, ensure_ascii=False)


def with_field(form: dict, field: dict) -> str:
    form["steps"][-1]["fields"].append(field)
    return json.dumps(form, indent=2, ensure_ascii=False)


def lowered_health_signal(world: World) -> str:
    return with_privacy(base_form(world), "contact_signaal_gezondheid", "normaal")


def refusal(world: World, own_files: dict[str, str]) -> list[str]:
    """The error findings of a refused deploy, as the beheerder reads them."""
    active = active_version(world.polderdam)
    with pytest.raises(DeployRefused) as caught:
        version_deploy(gemeente=world.polderdam, own_files=own_files)
    assert active_version(world.polderdam) == active, "the version in use stays"
    return [str(f) for f in caught.value.findings if f.is_error]


def test_a_variant_that_lowers_the_health_signal_to_normaal_is_not_deployed(
    world: World,
) -> None:
    active = world.versions["polderdam"]
    [finding] = refusal(world, {CONTACT: lowered_health_signal(world)})
    assert finding.startswith(f"{CONTACT}:")
    assert "contactmoment.contact_signaal_gezondheid" in finding
    assert "privacyklasse ‘normaal’, lager dan ‘gezondheid’ in de basis" in finding
    # New cases still start on the version in use, where the note stays protected.
    case = world.start()
    assert case.version == active
    field = {f.name: f for f in bundle_of(active).forms.get("contactmoment").fields}
    assert field["contact_signaal_gezondheid"].privacy == "gezondheid"


def test_raising_a_class_is_accepted(world: World) -> None:
    raised = with_privacy(base_form(world), "contact_duur_minuten", "persoonsgegevens")
    version, created = version_deploy(
        gemeente=world.polderdam, own_files={CONTACT: raised}
    )
    assert created and active_version(world.polderdam) == version
    fields = {f.name: f for f in bundle_of(version).forms.get("contactmoment").fields}
    assert fields["contact_duur_minuten"].privacy == "persoonsgegevens"


def test_a_sensitive_class_does_not_become_another_sensitive_class(
    world: World,
) -> None:
    moved = with_privacy(base_form(world), "contact_signaal_gezondheid", "schulden")
    [finding] = refusal(world, {CONTACT: moved})
    assert "contact_signaal_gezondheid" in finding
    assert "een gevoelige categorie wordt geen andere" in finding


def test_the_same_field_on_another_form_keeps_its_class(world: World) -> None:
    name = "formulieren/huisvesting_inschrijvingen.json"
    copy = {
        "name": "contact_signaal_gezondheid",
        "type": "textarea",
        "label": "Opmerking",
        "privacy": "normaal",
    }
    [finding] = refusal(world, {name: with_field(base_form(world, name), copy)})
    assert finding.startswith(f"{name}:")
    assert "huisvesting_inschrijvingen.contact_signaal_gezondheid" in finding


@pytest.mark.parametrize(
    ("name", "label", "field_type", "privacy", "needed"),
    [
        (
            "medicatie",
            "Welke medicijnen gebruikt de statushouder?",
            "text",
            "normaal",
            "‘gezondheid’",
        ),
        (
            "gesprek_ggz",
            "Is er contact met de GGZ?",
            "yesno",
            "persoonsgegevens",
            "‘psychisch’",
        ),
        (
            "deurwaarder_betrokken",
            "Is er een deurwaarder?",
            "yesno",
            "gezondheid",
            "‘schulden’",
        ),
        (
            "strafblad",
            "Heeft de statushouder een strafblad?",
            "yesno",
            "normaal",
            "‘juridisch’",
        ),
        ("bsn_partner", "BSN van de partner", "bsn", "persoonsgegevens", "‘bsn’"),
    ],
)
def test_a_new_field_of_a_sensitive_kind_needs_its_class(
    world: World, name: str, label: str, field_type: str, privacy: str, needed: str
) -> None:
    field = {"name": name, "type": field_type, "label": label, "privacy": privacy}
    [finding] = refusal(world, {CONTACT: with_field(base_form(world), field)})
    assert f"contactmoment.{name}" in finding and needed in finding

    right = needed.strip("‘’")
    fixed = with_field(base_form(world), {**field, "privacy": right})
    version, created = version_deploy(
        gemeente=world.polderdam, own_files={CONTACT: fixed}
    )
    assert created


def test_relabelling_an_open_field_as_a_health_question_needs_the_class(
    world: World,
) -> None:
    form = base_form(world)
    for step in form["steps"]:
        for field in step["fields"]:
            if field["name"] == "contact_verslag":
                field["label"] = "Medische bijzonderheden"
    [finding] = refusal(world, {CONTACT: json.dumps(form)})
    assert "contactmoment.contact_verslag" in finding and "gezondheid" in finding


def test_the_studio_check_and_deploy_name_the_file_and_the_field(
    world: World,
) -> None:
    client = client_for(world, "beheerder.polderdam")
    draft = draft_open(gemeente=world.polderdam, user=None)
    draft_save_files(
        draft=draft, files={CONTACT: lowered_health_signal(world)}, user=None
    )

    check = client.get(studio_url("check"))
    assert not check.context["ok"]
    page = check.content.decode()
    assert CONTACT in page and "contact_signaal_gezondheid" in page
    assert "lager dan ‘gezondheid’ in de basis" in page

    editor = client.get(studio_url("form_editor", "contactmoment"))
    [problem] = editor.context["problems"]
    assert problem.element == "contactmoment.contact_signaal_gezondheid"

    refused = client.post(studio_url("deploy"), {"note": "signaal open"})
    assert refused.status_code == 422
    assert "contact_signaal_gezondheid" in refused.content.decode()
    assert active_version(world.polderdam) == world.versions["polderdam"]
    assert Draft.objects.get(gemeente=world.polderdam).files, "nothing is lost"


def test_validate_workflows_reports_a_lowered_class(world: World, tmp_path) -> None:
    path = tmp_path / "contactmoment.json"
    path.write_text(lowered_health_signal(world), encoding="utf-8")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command(
            "validate_workflows",
            str(path),
            "--gemeente",
            "polderdam",
            stdout=out,
            stderr=StringIO(),
        )
    assert "contactmoment.contact_signaal_gezondheid: fout:" in out.getvalue()


def test_a_raise_never_lets_a_role_read_more() -> None:
    # The order in forms/privacy.py agrees with who reads what: every class a field
    # may move to is read by no role that could not read it before.
    for floor in PRIVACY_CLASSES:
        for privacy in PRIVACY_CLASSES:
            if lowers(floor, privacy):
                continue
            for role, readable in READABLE.items():
                assert privacy not in readable or floor in readable, (
                    floor,
                    privacy,
                    role,
                )
