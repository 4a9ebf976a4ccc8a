"""What the MB organisation records about its guidance (contact verslagen, evaluaties,
wishes and verblijfsintentie) is the MB's: it reaches the gemeente only when the
statushouder agreed to share that category (source 003: "informatie niet doorgeven
zonder toestemming"). The MB's report keeps what the gemeente may know."""

from django.urls import reverse

from ..conftest import World
from .test_consent import NO_CONSENT, SIGNAL, client_for, record, regie_sees


def test_the_mbs_contact_verslag_reaches_the_gemeente_only_with_consent(
    world: World,
) -> None:
    case = world.coupled(intake=NO_CONSENT)
    client_for("begeleider.polderdam").post(
        reverse("cases:contact", args=[case.reference]), SIGNAL
    )
    coordinator = client_for("coordinator.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    assert "Post doorgenomen." in coordinator.content.decode(), "the MB's own notes"
    assert "Post doorgenomen." not in regie_sees(case.reference)

    record(case.reference, "begeleiding", "ja")
    assert "Post doorgenomen." in regie_sees(case.reference)


def test_the_verblijfsintentie_stays_with_the_mb_without_consent(
    world: World,
) -> None:
    case = world.coupled(
        intake={**NO_CONSENT, "verblijfsintentie_elders": "Terug naar Asmara"}
    )
    assert "Terug naar Asmara" not in regie_sees(case.reference)
    record(case.reference, "begeleiding", "ja")
    assert "Terug naar Asmara" in regie_sees(case.reference)
