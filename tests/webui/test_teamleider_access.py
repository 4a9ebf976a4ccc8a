"""The teamleider (issue 18) sees the cases of their own gemeente, as a regievoerder
does, and nothing of another gemeente: a refusal is a 404."""

from django.test import Client
from django.urls import reverse

from ..conftest import PASSWORD, World


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_a_teamleider_sees_their_own_gemeentes_cases_only(world: World) -> None:
    here = world.start(world.polderdam)
    there = world.start(world.rivierstad)
    teamleider = _client("teamleider.polderdam")
    assert (
        teamleider.get(reverse("cases:detail", args=[here.reference])).status_code
        == 200
    )
    refused = teamleider.get(reverse("cases:detail", args=[there.reference]))
    assert refused.status_code == 404
    listed = teamleider.get(reverse("cases:list")).content.decode()
    assert here.reference in listed and there.reference not in listed
