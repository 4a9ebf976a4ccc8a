"""The beheerder's Gebruikers pages in a real browser, on a phone and at a desk: no
serious or critical WCAG 2.1 AA violation, no sideways scrolling, and the invitation
and a form error work by keyboard-reachable controls."""

from typing import TYPE_CHECKING

import pytest

from ..conftest import World
from .conftest import axe_violations, login, sideways

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


def test_the_gebruikers_pages_are_accessible_and_fit_a_phone(
    browser: "Browser", live_server, e2e_world: World
) -> None:
    manager = e2e_world.who("manager", e2e_world.polderdam)
    invite = f"/gebruikers/uitnodigen/gemeente-{e2e_world.polderdam.pk}/"
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
        for url in ("/gebruikers/", invite, f"/gebruikers/{manager.pk}/"):
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            if width == 375 and (violations := axe_violations(page)):
                found[f"{url} axe"] = violations
            if sideways(page) > 0:
                found[f"{url} {width}px"] = sideways(page)
        # A form sent without a reason: the error summary, itself accessible.
        page.goto(f"/gebruikers/{manager.pk}/")
        page.get_by_role("button", name="Op non-actief zetten").click()
        page.wait_for_load_state("load")
        assert page.locator("#form-errors").is_visible()
        if width == 375 and (violations := axe_violations(page)):
            found["error summary axe"] = violations
        context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
