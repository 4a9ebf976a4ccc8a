"""The OpenAPI document is generated from the code and committed: a change to the
API that is not in docs/api/openapi.yaml fails here (regenerate it with
``manage.py spectacular --file docs/api/openapi.yaml``). The reference page renders
it on the server, in Dutch, without a script."""

import io
from pathlib import Path

from django.core.management import call_command
from django.test import Client

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "docs" / "api" / "openapi.yaml"


def test_the_committed_openapi_document_matches_the_code():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert out.getvalue() == COMMITTED.read_text(encoding="utf-8"), (
        "docs/api/openapi.yaml differs from the code: run `python manage.py"
        " spectacular --file docs/api/openapi.yaml` and commit it"
    )


def test_the_document_names_every_resource_and_its_problems():
    document = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    paths = document["paths"]
    for path in (
        "/api/v1/token",
        "/api/v1/aanmeldingen",
        "/api/v1/dossiers",
        "/api/v1/dossiers/{kenmerk}",
        "/api/v1/dossiers/{kenmerk}/mijlpalen",
        "/api/v1/dossiers/{kenmerk}/gebeurtenissen",
        "/api/v1/abonnementen",
    ):
        assert path in paths, path
    refused = paths["/api/v1/dossiers/{kenmerk}"]["get"]["responses"]["404"]
    assert "application/problem+json" in refused["content"]


@pytest.mark.django_db
def test_the_reference_page_shows_every_operation_of_the_committed_document():
    http = Client()
    page = http.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="nl">' in html
    assert "<script" not in html and "cdn" not in html.lower()
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    document = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    for path, item in document["paths"].items():
        assert f"<code>{path}</code>" in html, path
        for operation in item.values():
            assert 'id="' + operation["operationId"] + '"' in html
            assert operation["summary"] in html
    for name in document["components"]["schemas"]:
        assert f'id="schema-{name}"' in html, name
    # The examples: the document's own for an aanmelding, one made for the rest.
    assert "&quot;soort_aanmelding&quot;: &quot;asiel&quot;" in html
    assert "&quot;kenmerk&quot;: &quot;WW-2026-00042&quot;" in html
    assert "Recht nodig: <code>aanmeldingen.schrijven</code>" in html
    # Under /api/v1/ a wrong method is a problem, not a page.
    wrong = http.post("/api/v1/docs")
    assert wrong.status_code == 405
    assert wrong["Content-Type"] == "application/problem+json"
    assert wrong.json()["detail"] == "De methode POST is hier niet toegestaan."
    document_json = http.get("/api/v1/openapi.json")
    assert document_json.status_code == 200
    assert document_json.json()["info"]["title"] == "Wegwijs API"
