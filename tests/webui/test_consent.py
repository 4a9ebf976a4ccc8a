"""Consent per category and direction: given and withdrawn, with immediate effect on
what the other party sees."""

from django.test import Client
from django.urls import reverse

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
            "datum": "2026-01-08",
        },
    )
    assert response.status_code == 404
    assert list(case.consents.values_list("pk", flat=True)) == before
    assert not case.consents.filter(given=True).exists()
