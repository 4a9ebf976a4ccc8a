"""API clients of the test world, and a way to call the API with their token."""

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.test import Client
from django.utils import timezone

import pytest

import vocabulary
from webui.api.services import client_register

ALL_READING = [
    vocabulary.SCOPE_DOSSIERS,
    vocabulary.SCOPE_PERSOONSGEGEVENS,
    vocabulary.SCOPE_AANMELDEN,
    vocabulary.SCOPE_ABONNEREN,
]


def token_request(http: Client, client_id: str, secret: str) -> Any:
    """POST /api/v1/token as OAuth2 asks: a form, urlencoded."""
    return http.post(
        "/api/v1/token",
        urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )


class Api:
    """One client's view of the API: its id, secret and a fresh bearer token."""

    def __init__(self, organisation: Any, beheerder: Any, scopes: list[str]) -> None:
        self.client, self.secret = client_register(
            organisation=organisation,
            name="Testsysteem",
            scopes=scopes,
            expires_at=timezone.now() + timedelta(days=30),
            user=beheerder,
        )
        self.http = Client()
        answer = token_request(self.http, self.client.client_id, self.secret)
        assert answer.status_code == 200, answer.content
        self.token = answer.json()["access_token"]

    def headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.http.get(path, params, **self.headers())

    def post(self, path: str, body: Any) -> Any:
        return self.http.post(
            path, body, content_type="application/json", **self.headers()
        )

    def delete(self, path: str) -> Any:
        return self.http.delete(path, **self.headers())


@pytest.fixture(autouse=True)
def fresh_rate_limits():  # type: ignore[no-untyped-def]
    """Every test starts with the rate limits untouched: the token endpoint allows
    30 a minute per address, and one run of these tests asks for more than that."""
    cache.clear()
    yield


@pytest.fixture
def api_for(world):  # type: ignore[no-untyped-def]
    """api_for(organisation, scopes=...) -> Api; the beheerder of the organisation
    registers the client."""

    def make(organisation: Any, scopes: list[str] | None = None) -> Api:
        gemeente = getattr(organisation, "gemeenten", None)
        place = gemeente.first() if gemeente is not None else organisation
        return Api(
            organisation, world.who("beheerder", place), scopes or list(ALL_READING)
        )

    return make
