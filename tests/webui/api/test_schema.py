"""The OpenAPI document is generated from the code and committed: a change to the
API that is not in docs/api/openapi.yaml fails here (regenerate it with
``manage.py spectacular --file docs/api/openapi.yaml``). The reference page serves
it with Swagger UI from our own static files, under the CSP."""

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
def test_the_reference_page_and_the_document_are_served_from_our_own_files():
    http = Client()
    page = http.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger-ui" in html
    assert "https://" not in html and "cdn" not in html.lower()
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    document = http.get("/api/v1/openapi.json")
    assert document.status_code == 200
    assert document.json()["info"]["title"] == "Wegwijs API"
