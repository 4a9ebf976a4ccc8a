"""The REST API: a client of a gemeente or MB organisation, its token, its scopes,
need-to-know as for people, the processing log, problem+json in Dutch."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

import pytest
import yaml

import vocabulary
from webui.api.models import ApiToken
from webui.api.services import client_revoke
from webui.cases.models import Case
from webui.logs.models import ProcessingRecord

from .conftest import token_request

OPENAPI = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.yaml"

pytestmark = pytest.mark.django_db


def aanmelding(**overrides: Any) -> dict[str, Any]:
    return {
        "voornaam": "Amina",
        "achternaam": "Test",
        "geboortedatum": "1990-04-01",
        "bsn": "111222333",
        "herkomstland": "Eritrea",
        "gezinsgrootte": 3,
        "soort_aanmelding": "asiel",
        "aangemeld_door": "gemeente",
        "koppeling_datum": "2026-01-05",
        "datum_binnenkomst": "2026-01-20",
        **overrides,
    }


def problem_of(answer: Any) -> dict[str, Any]:
    assert answer["Content-Type"] == "application/problem+json", answer.content
    body = answer.json()
    assert body["status"] == answer.status_code
    assert body["title"] and body["detail"]
    return body


def invalid_names(answer: Any) -> set[str]:
    return {p["name"] for p in problem_of(answer).get("invalidParams", [])}


def test_a_client_registers_a_statushouder_once_per_reference(world, api_for):
    api = api_for(world.polderdam)
    body = {"referentie": "ZS-1", "gegevens": aanmelding()}
    first = api.post("/api/v1/aanmeldingen", body)
    assert first.status_code == 201, first.content
    kenmerk = first.json()["kenmerk"]
    assert first["Location"].endswith(f"/api/v1/dossiers/{kenmerk}")
    assert first["API-Version"] == "1.0.0"
    again = api.post("/api/v1/aanmeldingen", body)
    assert again.status_code == 200
    assert again.json() == {**first.json(), "status": "al_bekend"}
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert case.gemeente == world.polderdam
    # The change is in the processing log, naming the client.
    record = ProcessingRecord.objects.filter(action="wijzigen").get()
    assert api.client.client_id in record.username
    assert record.roles == "api_gemeente" and "systeem van de gemeente" in record.ground


def test_bad_aanmeldingen_are_400_or_409_naming_the_field(world, api_for):
    api = api_for(world.polderdam)
    wrong_bsn = api.post(
        "/api/v1/aanmeldingen",
        {"referentie": "ZS-2", "gegevens": aanmelding(bsn="123456789")},
    )
    assert wrong_bsn.status_code == 400
    assert invalid_names(wrong_bsn) == {"bsn"}
    assert "elfproef" in wrong_bsn.json()["invalidParams"][0]["reason"]
    unknown = api.post(
        "/api/v1/aanmeldingen",
        {"referentie": "ZS-3", "gegevens": aanmelding(lievelingskleur="blauw")},
    )
    assert unknown.status_code == 400 and invalid_names(unknown) == {"lievelingskleur"}
    top = api.post(
        "/api/v1/aanmeldingen",
        {"referentie": "ZS-4", "gegevens": aanmelding(), "extra": 1},
    )
    assert top.status_code == 400 and invalid_names(top) == {"extra"}
    no_date = api.post(
        "/api/v1/aanmeldingen",
        {"referentie": "ZS-5", "gegevens": aanmelding(koppeling_datum="5 januari")},
    )
    assert no_date.status_code == 400 and "koppeling_datum" in invalid_names(no_date)
    malformed = api.http.post(
        "/api/v1/aanmeldingen",
        "{niet: json",
        content_type="application/json",
        **api.headers(),
    )
    assert malformed.status_code == 400
    assert "JSON" in problem_of(malformed)["detail"]
    api.post("/api/v1/aanmeldingen", {"referentie": "ZS-6", "gegevens": aanmelding()})
    conflict = api.post(
        "/api/v1/aanmeldingen",
        {"referentie": "ZS-6", "gegevens": aanmelding(voornaam="Anders")},
    )
    assert conflict.status_code == 409 and invalid_names(conflict) == {"referentie"}
    assert Case.objects.count() == 1
    # What the client gets is what the committed document promises it.
    document = yaml.safe_load(OPENAPI.read_text())
    declared = document["paths"]["/api/v1/aanmeldingen"]["post"]["responses"]
    assert list(declared["409"]["content"]) == [conflict["Content-Type"]]


def test_a_wrong_or_expired_token_is_401_and_nothing_is_logged(world, api_for):
    api = api_for(world.polderdam)
    world.start()
    before = ProcessingRecord.objects.count()
    wrong = api.http.get("/api/v1/dossiers", HTTP_AUTHORIZATION="Bearer verzonnen")
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"].startswith("Bearer")
    assert "token" in problem_of(wrong)["detail"]
    missing = api.http.get("/api/v1/dossiers")
    assert missing.status_code == 401
    assert "Het toegangstoken ontbreekt" in problem_of(missing)["detail"]
    wrong_method = api.http.put("/api/v1/dossiers", **api.headers())
    assert wrong_method.status_code == 405
    assert "PUT" in problem_of(wrong_method)["detail"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    expired = api.get("/api/v1/dossiers")
    assert expired.status_code == 401
    assert ProcessingRecord.objects.count() == before


def test_an_unknown_address_under_the_api_is_a_dutch_problem_not_a_page(world, api_for):
    api = api_for(world.polderdam)
    case = world.start()
    before = ProcessingRecord.objects.count()
    for method, path in (
        ("get", "/api/v1/bestaat-niet"),
        ("get", "/api/v1/dossiers/"),  # no trailing slashes in this API
        ("get", f"/api/v1/dossiers/{case.reference}/onbekend"),
        ("get", "/api/v1/"),
        ("get", "/api/v1"),
        ("post", "/api/v1/v2/aanmeldingen"),
        ("delete", "/api/v1/bestaat-niet"),
    ):
        with_token = getattr(api.http, method)(path, **api.headers())
        without = getattr(api.http, method)(path)
        for answer in (with_token, without):
            assert answer.status_code == 404, (method, path)
            body = problem_of(answer)
            assert body["title"] == "Niet gevonden"
            assert body["type"] == "urn:wegwijs:probleem:niet-gevonden"
            assert body["instance"] == path
            assert "bestaat niet" in body["detail"]
    # A wrong method on an address that exists: a 405 problem, not a page.
    patch = api.http.patch(f"/api/v1/dossiers/{case.reference}", **api.headers())
    assert patch.status_code == 405
    assert "PATCH" in problem_of(patch)["detail"]
    assert ProcessingRecord.objects.count() == before


def test_a_wrong_secret_gets_no_token_and_a_revoked_client_nothing(world, api_for):
    api = api_for(world.polderdam)
    wrong = token_request(api.http, api.client.client_id, "geraden")
    assert wrong.status_code == 401
    assert problem_of(wrong)["error"] == "invalid_client"
    client_revoke(client=api.client, user=world.who("beheerder", world.polderdam))
    assert api.get("/api/v1/dossiers").status_code == 401


def test_a_scope_too_small_is_403(world, api_for):
    api = api_for(world.polderdam, scopes=[vocabulary.SCOPE_DOSSIERS])
    answer = api.post(
        "/api/v1/aanmeldingen", {"referentie": "ZS-1", "gegevens": aanmelding()}
    )
    assert answer.status_code == 403
    assert vocabulary.SCOPE_AANMELDEN in problem_of(answer)["detail"]
    assert not Case.objects.exists()


def test_a_client_sees_its_own_organisations_cases_only(world, api_for):
    mine = world.start(world.polderdam)
    theirs = world.start(world.rivierstad)
    api = api_for(world.polderdam)
    listed = api.get("/api/v1/dossiers")
    assert listed.status_code == 200
    assert [r["kenmerk"] for r in listed.json()["resultaten"]] == [mine.reference]
    assert listed.json()["resultaten"][0]["naam"] == "Testa Persoon"
    assert api.get(f"/api/v1/dossiers/{mine.reference}").status_code == 200
    for path in ("", "/mijlpalen", "/gebeurtenissen"):
        refused = api.get(f"/api/v1/dossiers/{theirs.reference}{path}")
        assert refused.status_code == 404
        problem_of(refused)
    refusals = ProcessingRecord.objects.filter(action="geweigerd")
    assert refusals.count() == 3
    assert all(api.client.client_id in r.username for r in refusals)


def test_an_mb_organisations_client_sees_the_cases_it_guides(world, api_for):
    case = world.start(world.polderdam)
    api = api_for(world.mb["polderdam"])
    assert api.get(f"/api/v1/dossiers/{case.reference}").status_code == 200
    other = api_for(world.mb["rivierstad"])
    assert other.get(f"/api/v1/dossiers/{case.reference}").status_code == 404


def test_without_the_scope_for_personal_data_the_name_is_left_out(world, api_for):
    case = world.start()
    api = api_for(world.polderdam, scopes=[vocabulary.SCOPE_DOSSIERS])
    row = api.get("/api/v1/dossiers").json()["resultaten"][0]
    assert row["naam"] is None
    detail = api.get(f"/api/v1/dossiers/{case.reference}").json()
    assert detail["naam"] is None
    events = api.get(f"/api/v1/dossiers/{case.reference}/gebeurtenissen").json()
    shown = " ".join(g["waarde"] for e in events for g in e["gegevens"])
    assert "Testa" not in shown and "111222333" not in shown


def test_the_detail_gives_tracks_milestones_deadlines_and_open_tasks(world, api_for):
    case = world.start()
    api = api_for(world.polderdam)
    detail = api.get(f"/api/v1/dossiers/{case.reference}").json()
    assert {t["spoor"] for t in detail["sporen"]} >= {"Begeleiding"}
    assert "koppeling" in {m["sleutel"] for m in detail["mijlpalen"]}
    assert detail["termijnen"][0]["naam"] == "PIP-termijn"
    assert detail["openTaken"], "a new case has open tasks"
    milestones = api.get(f"/api/v1/dossiers/{case.reference}/mijlpalen").json()
    assert [m["sleutel"] for m in milestones] == [
        m["sleutel"] for m in detail["mijlpalen"]
    ]


def test_every_read_writes_a_processing_record_naming_the_client(world, api_for):
    case = world.start()
    api = api_for(world.polderdam)
    for path in (
        "/api/v1/dossiers",
        f"/api/v1/dossiers/{case.reference}",
        f"/api/v1/dossiers/{case.reference}/mijlpalen",
        f"/api/v1/dossiers/{case.reference}/gebeurtenissen",
    ):
        before = ProcessingRecord.objects.count()
        assert api.get(path).status_code == 200
        record = ProcessingRecord.objects.order_by("-id").first()
        assert ProcessingRecord.objects.count() == before + 1, path
        assert record.username.startswith("API-client Testsysteem")
        assert record.roles == "api_gemeente"
        assert record.subjects.get().case_reference == case.reference


def test_filters_and_pages(world, api_for):
    cases = [world.start() for _ in range(3)]
    api = api_for(world.polderdam)
    page = api.get("/api/v1/dossiers", paginagrootte=2).json()
    assert page["aantal"] == 3 and len(page["resultaten"]) == 2
    assert "pagina=2" in page["volgende"] and page["vorige"] is None
    closed = api.get("/api/v1/dossiers", afgesloten="true").json()
    assert closed["aantal"] == 0
    assert api.get("/api/v1/dossiers", afgesloten="misschien").status_code == 400
    bad = api.get("/api/v1/dossiers", bsn="111222333")
    assert bad.status_code == 400 and invalid_names(bad) == {"bsn"}
    assert len(cases) == 3


def test_calls_beyond_the_rate_are_429(world, api_for, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "api_client": "2/min"},
    )
    api = api_for(world.polderdam)
    assert api.get("/api/v1/dossiers").status_code == 200
    assert api.get("/api/v1/dossiers").status_code == 200
    third = api.get("/api/v1/dossiers")
    assert third.status_code == 429
    assert "Te veel" in problem_of(third)["detail"]
    assert int(third["Retry-After"]) > 0
    other = api_for(world.rivierstad)
    assert other.get("/api/v1/dossiers").status_code == 200, "per client"


def test_a_gemeente_names_the_mb_organisation_that_will_guide(world, api_for):
    api = api_for(world.polderdam)
    other = api.post(
        "/api/v1/aanmeldingen",
        {
            "referentie": "ZS-7",
            "mbOrganisatie": "mb-rivierstad",
            "gegevens": aanmelding(),
        },
    )
    assert other.status_code == 400 and invalid_names(other) == {"mbOrganisatie"}
    unknown = api.post(
        "/api/v1/aanmeldingen",
        {
            "referentie": "ZS-8",
            "mbOrganisatie": "bestaat-niet",
            "gegevens": aanmelding(),
        },
    )
    assert unknown.status_code == 400 and invalid_names(unknown) == {"mbOrganisatie"}
    answer = api.post(
        "/api/v1/aanmeldingen",
        {
            "referentie": "ZS-9",
            "mbOrganisatie": "mb-polderdam",
            "gegevens": aanmelding(),
        },
    )
    assert answer.status_code == 201
    assert Case.objects.get().mb_organisation == world.mb["polderdam"]
