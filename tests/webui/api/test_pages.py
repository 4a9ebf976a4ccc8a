"""The Koppelingen pages: a beheerder registers an API client of their own
organisation, sees its secret once, revokes it and reads its delivery log; another
organisation's client is a 404, and so are the pages to anyone but a beheerder."""

from django.urls import reverse
from django.utils import timezone

import pytest

from webui.api.models import ApiClient
from webui.logs.models import ProcessingRecord

from ..test_consent import client_for
from .conftest import token_request

pytestmark = pytest.mark.django_db


def register_client(world, username: str = "beheerder.polderdam", **data):
    key = f"gemeente-{world.polderdam.pk}"
    return client_for(username).post(
        reverse("koppelingen:new", args=[key]),
        {
            "name": "Zaaksysteem",
            "scopes": ["dossiers.lezen", "aanmeldingen.schrijven"],
            "expires_on": (
                timezone.localdate().replace(year=timezone.localdate().year + 1)
            ).isoformat(),
            **data,
        },
    )


def test_the_secret_is_shown_once_and_stored_hashed(world):
    answer = register_client(world)
    assert answer.status_code == 200
    client = ApiClient.objects.get()
    secret = answer.context["secret"]
    assert secret in answer.content.decode()
    assert client.secret_hash != secret and secret not in client.secret_hash
    assert client.gemeente == world.polderdam
    assert client.scopes == ["aanmeldingen.schrijven", "dossiers.lezen"]
    detail = client_for("beheerder.polderdam").get(
        reverse("koppelingen:detail", args=[client.pk])
    )
    assert detail.status_code == 200 and secret not in detail.content.decode()
    assert (
        token_request(
            client_for("beheerder.polderdam"), client.client_id, secret
        ).status_code
        == 200
    )
    record = ProcessingRecord.objects.filter(action="gebruikers").get()
    assert record.detail["api_client"] == client.client_id


def test_bad_input_is_named_in_dutch_and_nothing_is_made(world):
    answer = register_client(world, scopes=[], expires_on="2020-01-01")
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "Kies een datum na vandaag." in page
    assert "Dit veld is vereist." in page
    assert not ApiClient.objects.exists()


def test_another_organisations_client_and_other_roles_get_a_404(world):
    register_client(world)
    client = ApiClient.objects.get()
    other = client_for("beheerder.rivierstad")
    assert other.get(reverse("koppelingen:detail", args=[client.pk])).status_code == 404
    assert (
        other.post(reverse("koppelingen:revoke", args=[client.pk])).status_code == 404
    )
    assert (
        other.get(
            reverse("koppelingen:new", args=[f"gemeente-{world.polderdam.pk}"])
        ).status_code
        == 404
    )
    regie = client_for("regievoerder.polderdam")
    assert regie.get(reverse("koppelingen:list")).status_code == 404
    assert ApiClient.objects.get().revoked_at is None


def test_a_revoked_client_gets_no_more_tokens(world):
    answer = register_client(world)
    secret = answer.context["secret"]
    client = ApiClient.objects.get()
    beheerder = client_for("beheerder.polderdam")
    revoked = beheerder.post(reverse("koppelingen:revoke", args=[client.pk]))
    assert revoked.status_code == 302
    assert token_request(beheerder, client.client_id, secret).status_code == 401
    listed = beheerder.get(reverse("koppelingen:list")).content.decode()
    assert "ingetrokken" in listed
