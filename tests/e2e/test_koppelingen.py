"""The Koppelingen pages and the API's reference page in a real browser: on a phone
and at a desk without sideways scrolling, no serious or critical WCAG 2.1 AA
violation, and the API's reference page (rendered on the server) under the strict
CSP."""

from typing import TYPE_CHECKING

import pytest

from webui.api.models import ApiClient

from ..conftest import World
from .conftest import axe_violations, login, shot, sideways
from .test_csp import Watch

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


def _register(page: "Page", key: str) -> None:
    page.goto(f"/koppelingen/{key}/nieuw/")
    page.get_by_label("Naam van het systeem").fill("Zaaksysteem")
    page.get_by_label("Dossiers lezen: fase, mijlpalen, termijnen, open taken").check()
    page.get_by_role("button", name="Client aanmaken").click()
    page.wait_for_load_state("load")


def _check(page: "Page", width: int, name: str, found: dict[str, object]) -> None:
    if width == 375 and (violations := axe_violations(page)):
        found[f"{name} axe"] = violations
    if sideways(page) > 0:
        found[f"{name} {width}px"] = sideways(page)


def test_the_koppelingen_pages_are_accessible_and_fit_a_phone(
    browser: "Browser", live_server, e2e_world: World
) -> None:
    key = f"gemeente-{e2e_world.polderdam.pk}"
    found: dict[str, object] = {}
    for width in (375, 1280):
        context = browser.new_context(
            locale="nl-NL",
            base_url=live_server.url,
            viewport={"width": width, "height": 800},
            bypass_csp=True,  # only so that axe-core can be injected
        )
        page = context.new_page()
        login(page, "beheerder.polderdam")
        # A form sent empty: the error summary.
        page.goto(f"/koppelingen/{key}/nieuw/")
        page.get_by_label("Geldig tot en met").fill("")
        page.get_by_role("button", name="Client aanmaken").click()
        page.wait_for_load_state("load")
        assert page.locator("#form-errors").is_visible()
        _register(page, key)
        assert page.get_by_text("Het wordt maar één keer getoond").is_visible()
        client = ApiClient.objects.order_by("-id").first()
        for url in ("/koppelingen/", f"/koppelingen/client/{client.pk}/"):
            response = page.goto(url)
            assert response is not None and response.status == 200, url
        page.goto(f"/koppelingen/client/{client.pk}/")
        _check(page, width, "detail", found)
        page.goto("/koppelingen/")
        _check(page, width, "list", found)
        _register(page, key)
        _check(page, width, "secret", found)
        page.goto(f"/koppelingen/{key}/nieuw/")
        page.get_by_role("button", name="Client aanmaken").click()
        page.wait_for_load_state("load")
        _check(page, width, "form errors", found)
        context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_api_reference_page_works_under_the_csp(page: "Page") -> None:
    watch = Watch(page)
    headers = watch.visit("/api/v1/docs")
    assert "content-security-policy" in headers
    page.get_by_text("Een statushouder aanmelden").first.wait_for()
    watch.assert_clean("/api/v1/docs")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert sideways(page) == 0, width


def test_the_api_reference_page_is_accessible_on_a_phone(
    browser: "Browser", live_server
) -> None:
    found: dict[str, object] = {}
    for width in (375, 1280):
        context = browser.new_context(
            locale="nl-NL",
            base_url=live_server.url,
            viewport={"width": width, "height": 800},
            bypass_csp=True,  # only so that axe-core can be injected
        )
        page = context.new_page()
        page.goto("/api/v1/docs")
        page.get_by_text("Een statushouder aanmelden").first.wait_for()
        _check(page, width, "reference", found)
        # The examples open (details), as a reader would.
        page.locator("details summary").first.click()
        _check(page, width, "reference with an example open", found)
        shot(page, f"api-reference-{width}")
        context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
