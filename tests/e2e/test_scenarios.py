"""Scenarios in the browser: a beheerder keeps a proefdossier as a scenario from the
proefrit page, sees it among the draft's scenarios and removes one after confirming;
the pages fit a phone and have no serious WCAG violation."""

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from webui.definitions.models import Draft

from ..conftest import World
from .conftest import axe_violations, login, shot, sideways

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

STUDIO = "/processen/polderdam/studio"
BASE_SCENARIOS = Path(__file__).resolve().parents[2] / "workflows/base/scenarios"


def checked(page: "Page", name: str, found: dict) -> None:
    """The page as it is now, at 375 px: axe-clean and no sideways scrolling."""
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, name)
    if violations := axe_violations(page):
        found[f"{name} axe"] = violations
    if sideways(page) > 0:
        found[f"{name} 375px"] = sideways(page)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_proefdossier_kept_as_a_scenario_and_one_removed_in_the_browser(
    browser: "Browser", live_server, e2e_world: World
) -> None:
    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        bypass_csp=True,  # only so that axe-core can be injected
    )
    page = context.new_page()
    found: dict[str, object] = {}
    login(page, "beheerder.polderdam")

    page.goto(f"{STUDIO}/proefrit/")
    checked(page, "scenario-proefrit", found)
    form = page.locator("#scenario-save")
    form.get_by_label("Naam").fill("Z-route zonder examen")
    form.get_by_label("Wat het bewijst").fill("De Z-route doet geen B1-examen")
    form.get_by_label("Antwoorden per taak").fill(
        '{"pip_opstellen": {"leerroute": "z"}}'
    )
    with page.expect_navigation():
        form.get_by_role("button", name="Bewaar als scenario").click()

    assert page.url.endswith(f"{STUDIO}/scenarios/")
    saved = page.locator('[data-scenario="Z-route zonder examen"]')
    assert "Slaagt" in saved.inner_text()
    # the base's own and this one
    assert (
        page.locator("#scenarios > li").count()
        == len(list(BASE_SCENARIOS.glob("*.json"))) + 1
    )
    checked(page, "scenario-list", found)

    page.get_by_role("link", name="Verwijderen Leerroute Z", exact=True).click()
    page.wait_for_url("**/verwijderen/")
    checked(page, "scenario-delete", found)
    page.get_by_role("button", name="Scenario verwijderen").click()
    assert page.get_by_role("alert").is_visible(), "nothing happens without the tick"
    page.get_by_label("Ik weet het zeker").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Scenario verwijderen").click()
    assert page.locator('[data-scenario="Leerroute Z"]').count() == 0

    page.goto("/processen/polderdam/versies/1/scenarios/")
    checked(page, "scenario-version", found)
    assert page.locator('[data-scenario="Leerroute Z"]').count() == 1
    context.close()

    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
    names = set(
        Draft.objects.get(gemeente=e2e_world.polderdam).scenarios.values_list(
            "name", flat=True
        )
    )
    assert "Z-route zonder examen" in names and "Leerroute Z" not in names
