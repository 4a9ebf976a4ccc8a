"""Ownership per PIP part (issue 18, Missing; 002 e "Zorg voor eigenaarschap:
duidelijkheid over wie waarover verantwoordelijk is op onderdelen uit de PIP"): the
PIP names who is responsible for each part, the begeleider sees it, and a contact
moment records which part of the PIP it worked on."""

from datetime import date

from django.test import Client
from django.urls import reverse

from webui.casework.services import CONTACT_FORM, contactmoment_record
from webui.definitions.bundles import bundle_of

from ..conftest import PASSWORD, World


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_the_pip_says_who_is_responsible_and_the_begeleider_reads_it(
    world: World,
) -> None:
    case = world.run_until(world.coupled(), "pip_opstellen", max_steps=60)
    case = world.complete(
        case,
        "pip_opstellen",
        wie_hoofddoel=["begeleider", "statushouder"],
        wie_doet_wat="De begeleider zoekt met de statushouder een vrijwilligersplek.",
    )
    html = (
        client_for("begeleider.polderdam")
        .get(reverse("cases:pip", args=[case.reference]))
        .content.decode()
    )
    assert (
        "Hoofddoel (werk, onderwijs of participatie): wie is verantwoordelijk?" in html
    )
    assert "De maatschappelijk begeleider" in html
    assert "zoekt met de statushouder een vrijwilligersplek" in html


def test_a_contact_moment_records_the_pip_part_it_worked_on(world: World) -> None:
    case = world.coupled()
    form = bundle_of(case.version).forms.get(CONTACT_FORM)
    submission = contactmoment_record(
        case=case,
        user=world.who("begeleider", world.polderdam),
        cleaned_data={
            **{field.name: None for field in form.fields},
            "contact_datum": date(2026, 2, 2),
            "contact_soort": "huisbezoek",
            "contact_leefgebieden": ["werk"],
            "contact_pip_onderdelen": ["participatie"],
            "contact_verslag": "Samen naar het vrijwilligerscentrum.",
            "contact_doorverwezen": False,
        },
        clock=world.clock,
    )
    assert submission.data["contact_pip_onderdelen"] == ["participatie"]
