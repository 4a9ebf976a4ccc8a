"""Consent per category and direction: given and withdrawn, with immediate effect on
what the other party sees."""

from datetime import date

from django.test import Client
from django.urls import reverse

import pytest

from engine import ReachedMilestone
from webui.casework.services import TaskNotAllowed, consent_record
from webui.casework.services.base import store_consents

from ..conftest import PASSWORD, World

SIGNAL = {
    "contact_datum": "2026-01-07",
    "contact_soort": "huisbezoek",
    "contact_leefgebieden": ["financien"],
    "contact_verslag": "Post doorgenomen.",
    "contact_signaal_schulden": "Aanmaning zorgverzekeraar",
    "contact_signaal_gezondheid": "Slaapt slecht",
    "contact_doorverwezen": "nee",
}
# The intake asked the statushouder, who consented to nothing.
NO_CONSENT = {"toestemming_delen_gemeente": []}


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def regie_sees(reference: str) -> str:
    page = client_for("regievoerder.polderdam").get(
        reverse("cases:detail", args=[reference])
    )
    return page.content.decode()


def record(reference: str, category: str, given: str) -> None:
    response = client_for("begeleider.polderdam").post(
        reverse("cases:consent", args=[reference]),
        {
            "categorie": category,
            "richting": "mb_naar_gemeente",
            "toestemming": given,
            "wijze": "mondeling",
            "datum": "2026-01-08",
        },
    )
    assert response.status_code == 302


def test_consent_is_per_category_and_direction_and_a_withdrawal_hides_at_once(
    world: World,
) -> None:
    case = world.coupled(intake=NO_CONSENT)
    client_for("begeleider.polderdam").post(
        reverse("cases:contact", args=[case.reference]), SIGNAL
    )
    html = regie_sees(case.reference)
    assert "Aanmaning zorgverzekeraar" not in html and "Slaapt slecht" not in html

    record(case.reference, "schulden", "ja")
    html = regie_sees(case.reference)
    assert "Aanmaning zorgverzekeraar" in html, "schulden: consented"
    assert "Slaapt slecht" not in html, "gezondheid: not consented"

    record(case.reference, "schulden", "nee")
    assert "Aanmaning zorgverzekeraar" not in regie_sees(case.reference)
    history = list(
        case.consents.filter(
            category="schulden", direction="mb_naar_gemeente"
        ).values_list("note", "given")
    )
    assert history == [
        ("vastgelegd bij het formulier", False),  # asked at the intake
        ("", True),
        ("", False),
    ]
    assert "Slaapt slecht" not in regie_sees(case.reference)


def test_the_gemeentes_answers_reach_the_begeleider_only_with_consent(
    world: World,
) -> None:
    case = world.coupled()
    case = world.run_until(case, "brede_intake")
    world.complete(case, "brede_intake", psychische_klachten=True)
    question = "Zijn er psychische klachten"
    begeleider = client_for("begeleider.polderdam")
    page = begeleider.get(reverse("cases:detail", args=[case.reference]))
    assert question not in page.content.decode()
    case.consents.create(
        category="psychisch",
        direction="gemeente_naar_mb",
        given=True,
        on_date="2026-02-01",
        recorded_by=world.who("regievoerder", world.polderdam),
        recorded_at="2026-02-01T10:00:00+01:00",
    )
    page = begeleider.get(reverse("cases:detail", args=[case.reference]))
    assert question in page.content.decode()


def test_only_people_of_the_case_record_consent(world: World) -> None:
    case = world.coupled(intake=NO_CONSENT)
    before = list(case.consents.values_list("pk", flat=True))
    response = client_for("trainer.polderdam").post(
        reverse("cases:consent", args=[case.reference]),
        {
            "categorie": "schulden",
            "richting": "mb_naar_gemeente",
            "toestemming": "ja",
            "wijze": "mondeling",
            "datum": "2026-01-08",
        },
    )
    assert response.status_code == 404
    assert list(case.consents.values_list("pk", flat=True)) == before
    assert not case.consents.filter(given=True).exists()


# ---- who records, who asks (issue 15, item 3) -----------------------------------


def post_consent(username: str, reference: str, direction: str, **extra: str):  # type: ignore[no-untyped-def]
    return client_for(username).post(
        reverse("cases:consent", args=[reference]),
        {
            "categorie": "schulden",
            "richting": direction,
            "toestemming": "ja",
            "wijze": "schriftelijk",
            "datum": "2026-01-08",
            **extra,
        },
    )


def test_a_regievoerder_cannot_record_the_mb_organisations_consent(
    world: World,
) -> None:
    case = world.coupled(intake=NO_CONSENT)
    client_for("begeleider.polderdam").post(
        reverse("cases:contact", args=[case.reference]), SIGNAL
    )
    before = case.consents.count()

    response = post_consent(
        "regievoerder.polderdam", case.reference, "mb_naar_gemeente"
    )

    assert response.status_code == 200
    assert "Deze richting legt u niet vast" in response.content.decode()
    assert case.consents.count() == before
    assert "Aanmaning zorgverzekeraar" not in regie_sees(case.reference)
    # Nor through the service, whatever a form lets through.
    with pytest.raises(TaskNotAllowed, match="U kunt er wel om vragen"):
        consent_record(
            case=case,
            user=world.who("regievoerder", world.polderdam),
            category="schulden",
            direction="mb_naar_gemeente",
            given=True,
            on_date=date(2026, 1, 8),
            way="mondeling",
        )
    assert case.consents.count() == before


def test_a_coordinator_cannot_record_the_gemeentes_consent(world: World) -> None:
    case = world.coupled()
    before = case.consents.count()

    response = post_consent("coordinator.polderdam", case.reference, "gemeente_naar_mb")

    assert response.status_code == 200
    assert "Deze richting legt u niet vast" in response.content.decode()
    assert case.consents.count() == before
    with pytest.raises(TaskNotAllowed):
        consent_record(
            case=case,
            user=world.who("coordinator", world.polderdam),
            category="gezondheid",
            direction="gemeente_naar_mb",
            given=True,
            on_date=date(2026, 1, 8),
            way="mondeling",
        )
    assert case.consents.count() == before


def test_each_side_records_the_consent_for_the_data_it_holds(world: World) -> None:
    case = world.coupled(intake=NO_CONSENT)
    assert (
        post_consent(
            "coordinator.polderdam", case.reference, "mb_naar_gemeente"
        ).status_code
        == 302
    )
    assert (
        post_consent(
            "regievoerder.polderdam", case.reference, "gemeente_naar_mb"
        ).status_code
        == 302
    )
    form = client_for("regievoerder.polderdam").get(
        reverse("cases:consent", args=[case.reference])
    )
    offered = [value for value, _ in form.context["form"].fields["richting"].choices]
    assert offered == ["gemeente_naar_mb"]


def test_the_recorded_consent_carries_its_date_way_and_recorder(world: World) -> None:
    case = world.coupled(intake=NO_CONSENT)
    response = post_consent(
        "begeleider.polderdam", case.reference, "mb_naar_gemeente", datum="2026-01-02"
    )
    assert response.status_code == 302

    consent = case.consents.latest("recorded_at", "id")
    assert (consent.on_date, consent.way, consent.given) == (
        date(2026, 1, 2),
        "schriftelijk",
        True,
    )
    assert consent.recorded_by == world.who("begeleider", world.polderdam)
    page = regie_sees(case.reference)
    assert "schriftelijk, vastgelegd door Begeleider Polderdam" in page
    # Without saying how, nothing is recorded.
    response = post_consent(
        "begeleider.polderdam", case.reference, "mb_naar_gemeente", wijze=""
    )
    assert response.status_code == 200
    assert not case.consents.filter(pk__gt=consent.pk).exists()


def test_the_receiving_side_asks_and_the_holder_sees_it_on_their_task_list(
    world: World,
) -> None:
    case = world.coupled(intake=NO_CONSENT)
    regie = client_for("regievoerder.polderdam")
    response = regie.post(
        reverse("cases:consent_request", args=[case.reference]),
        {
            "categorie": "schulden",
            "richting": "mb_naar_gemeente",
            "toelichting": "Voor de brede intake",
        },
    )
    assert response.status_code == 302
    assert not case.consents.filter(given=True).exists(), "asking records nothing"

    queue = client_for("coordinator.polderdam").get(reverse("tasks:queue"))
    listed = queue.content.decode()
    assert 'id="consent-request-list"' in listed
    assert "schulden en financiën" in listed
    detail = client_for("begeleider.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    assert "gevraagd" in detail.content.decode()
    form = client_for("begeleider.polderdam").get(
        reverse("cases:consent", args=[case.reference])
    )
    assert [r.category for r in form.context["asked"]] == ["schulden"]
    own_form = regie.get(reverse("cases:consent", args=[case.reference]))
    assert own_form.context["asked"] == []
    # The requester's own task list does not show it: it is not theirs to answer.
    assert (
        'id="consent-request-list"'
        not in regie.get(reverse("tasks:queue")).content.decode()
    )

    # The holder may not ask for what it records itself: a form error.
    own = client_for("begeleider.polderdam").post(
        reverse("cases:consent_request", args=[case.reference]),
        {"categorie": "schulden", "richting": "mb_naar_gemeente"},
    )
    assert own.status_code == 200
    assert "Om deze toestemming vraagt u niet" in own.content.decode()
    assert case.consent_requests.count() == 1

    # Once the holder records the answer, the request is done.
    post_consent("begeleider.polderdam", case.reference, "mb_naar_gemeente")
    queue = client_for("coordinator.polderdam").get(reverse("tasks:queue"))
    assert 'id="consent-request-list"' not in queue.content.decode()


def test_a_form_of_the_gemeente_records_no_consent_for_the_mb_organisations_data(
    world: World,
) -> None:
    case = world.coupled(intake=NO_CONSENT)
    before = case.consents.count()
    at = world.clock.now()
    reached = [
        ReachedMilestone("toestemming_gemeente", "intake_gesprek", at, ["schulden"])
    ]
    store_consents(
        case, reached, world.who("regievoerder", world.polderdam), "gemeente"
    )
    assert case.consents.count() == before
    store_consents(case, reached, world.who("begeleider", world.polderdam), "mb")
    assert case.consents.filter(category="schulden", given=True).count() == 1


def test_the_intakes_consent_carries_how_and_when_the_statushouder_gave_it(
    world: World,
) -> None:
    case = world.coupled(
        intake={
            "toestemming_delen_gemeente": ["schulden"],
            "toestemming_vorm": "schriftelijk",
            "toestemming_datum": date(2026, 1, 3),
        }
    )
    recorded = case.consents.get(category="schulden", direction="mb_naar_gemeente")
    assert (recorded.given, recorded.way, recorded.on_date) == (
        True,
        "schriftelijk",
        date(2026, 1, 3),
    )
    assert recorded.recorded_by == world.who("begeleider", world.polderdam)
    assert "(schriftelijk, per 03-01-2026)" in regie_sees(case.reference)


def test_the_brede_intakes_consent_carries_how_and_when_too(world: World) -> None:
    case = world.run_until(world.coupled(), "brede_intake", max_steps=60)
    case = world.complete(
        case,
        "brede_intake",
        toestemming_delen_mb=["gezondheid"],
        toestemming_mb_vorm="mondeling",
        toestemming_mb_datum=date(2026, 1, 20),
    )
    recorded = case.consents.get(category="gezondheid", direction="gemeente_naar_mb")
    assert (recorded.given, recorded.way, recorded.on_date) == (
        True,
        "mondeling",
        date(2026, 1, 20),
    )
    assert recorded.recorded_by == world.who("regievoerder", world.polderdam)
