"""A client reads the other party's sensitive data only as a person of its own
organisation would: with the scope for it and the statushouder's consent."""

from django.urls import reverse

import pytest

import vocabulary
from webui.logs.models import ProcessingRecord

from ..test_consent import NO_CONSENT, SIGNAL, client_for, record

pytestmark = pytest.mark.django_db

SENSITIVE_READER = [
    vocabulary.SCOPE_DOSSIERS,
    vocabulary.SCOPE_PERSOONSGEGEVENS,
    vocabulary.SCOPE_BIJZONDER,
]


def shown(api, reference: str) -> str:
    answer = api.get(f"/api/v1/dossiers/{reference}/gebeurtenissen")
    assert answer.status_code == 200
    return " ".join(g["waarde"] for e in answer.json() for g in e["gegevens"])


def test_the_mbs_notes_reach_a_gemeentes_client_only_with_consent(world, api_for):
    case = world.coupled(intake=NO_CONSENT)
    client_for("begeleider.polderdam").post(
        reverse("cases:contact", args=[case.reference]), SIGNAL
    )
    gemeente = api_for(world.polderdam, scopes=SENSITIVE_READER)
    assert "Post doorgenomen." not in shown(gemeente, case.reference)
    mb = api_for(world.mb["polderdam"], scopes=SENSITIVE_READER)
    assert "Post doorgenomen." in shown(mb, case.reference), "the MB's own notes"

    record(case.reference, "begeleiding", "ja")
    assert "Post doorgenomen." in shown(gemeente, case.reference)
    read = ProcessingRecord.objects.filter(
        username__startswith="API-client", action="inzien"
    ).first()
    assert "toestemming" in read.ground, "read on the ground of the consent"


def test_without_the_scope_consent_alone_opens_nothing(world, api_for):
    case = world.coupled(intake=NO_CONSENT)
    client_for("begeleider.polderdam").post(
        reverse("cases:contact", args=[case.reference]), SIGNAL
    )
    record(case.reference, "begeleiding", "ja")
    plain = api_for(
        world.polderdam,
        scopes=[vocabulary.SCOPE_DOSSIERS, vocabulary.SCOPE_PERSOONSGEGEVENS],
    )
    assert "Post doorgenomen." not in shown(plain, case.reference)
