"""Every page, as each role opens it on a phone (375 px): no serious or critical
WCAG 2.1 AA violation (axe-core) and no sideways scrolling; and no sideways scrolling
at 1280 px either."""

from typing import TYPE_CHECKING

import pytest

from webui.tasks.services import task_claim

from ..conftest import World
from .conftest import axe_violations, login, shot, sideways

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


def pages(world: World) -> dict[str, list[str]]:
    case = world.run_until(world.start(), "intake_gesprek")
    # The begeleider picks the intake up from the pool: the case is theirs to see.
    task = case.tasks.get(state="open", bpmn_id="intake_gesprek")
    task_claim(item=task, user=world.who("begeleider", world.polderdam))
    pvt = world.coupled()
    pvt = world.run_until(pvt, "pvt_workshop", max_steps=60)
    closed = world.run_to_end(world.coupled())
    ref = case.reference
    studio = "/processen/polderdam/studio"
    return {
        "begeleider.polderdam": [
            "/",
            "/dossiers/",
            f"/dossiers/{ref}/",
            f"/taak/{task.task_id}/",
            f"/dossiers/{ref}/contactmoment/",
            f"/dossiers/{ref}/toestemming/",
            f"/dossiers/{ref}/verwijzing/",
            "/processen/",
            f"/processen/polderdam/intake_mb.bpmn/?dossier={ref}",
        ],
        "coordinator.polderdam": [
            "/dossiers/nieuw/",
            f"/dossiers/{closed.reference}/",
            f"/dossiers/{closed.reference}/heropenen/",
        ],
        "regievoerder.polderdam": [f"/dossiers/{ref}/", f"/dossiers/{ref}/rapportage/"],
        "trainer.polderdam": [f"/dossiers/{pvt.reference}/"],
        "manager.polderdam": ["/dossiers/"],
        "beheerder.polderdam": [
            f"{studio}/",
            f"{studio}/controleren/",
            f"{studio}/verschillen/",
            f"{studio}/instellingen/",
            f"{studio}/diagram/voortraject.bpmn/",
            f"{studio}/formulier/contactmoment/",
            "/processen/polderdam/migratie/?doel=1",
        ],
        "privacy.polderdam": [f"/privacy/?dossier={ref}"],
    }


def test_every_page_is_accessible_and_fits_a_phone(
    browser: "Browser", live_server, e2e_world: World
) -> None:
    found: dict[str, object] = {}
    for username, urls in pages(e2e_world).items():
        for width in (375, 1280):
            context = browser.new_context(
                locale="nl-NL",
                base_url=live_server.url,
                viewport={"width": width, "height": 800},
                bypass_csp=True,  # only so that axe-core can be injected
            )
            page = context.new_page()
            login(page, username)
            for url in urls:
                page.goto(url)
                page.wait_for_load_state("load")
                if width == 375:
                    shot(page, f"a11y-{username}-{url.strip('/').replace('/', '_')}")
                    violations = axe_violations(page)
                    if violations:
                        found[f"{username} {url} axe"] = violations
                if sideways(page) > 0:
                    found[f"{username} {url} {width}px"] = sideways(page)
            context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_login_page_is_accessible(browser: "Browser", live_server) -> None:
    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": 375, "height": 800},
        bypass_csp=True,
    )
    page = context.new_page()
    page.goto("/inloggen/")
    assert axe_violations(page) == []
    assert sideways(page) == 0
    context.close()
