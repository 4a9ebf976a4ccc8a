"""Every deployed diagram opens in the vendored bpmn.io viewer, in a real browser.

This is the proof that each file of both gemeenten (Polderdam on the base trajectory,
Rivierstad with its variant) imports and renders in bpmn-js without errors or
warnings; and that the case page's link shows where a case stands.
"""

import re
from typing import TYPE_CHECKING

import pytest

from ..conftest import World
from .conftest import login, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

VIEWER = "#process-viewer"
MARKER = "wegwijs-open"


def imported(page: "Page") -> dict[str, str]:
    """Wait for the viewer to finish, and return what it wrote onto its container."""
    page.wait_for_selector(f"{VIEWER}[data-import]", state="attached")
    container = page.locator(VIEWER)
    return {
        "import": container.get_attribute("data-import") or "",
        "warnings": container.get_attribute("data-warnings") or "",
        "marked": container.get_attribute("data-marked") or "",
        "status": page.locator("#process-viewer-status").inner_text(),
        "shapes": str(page.locator(f"{VIEWER} .djs-element").count()),
    }


def test_every_diagram_of_both_gemeenten_renders_in_bpmn_js(
    e2e_world: World, page: "Page"
) -> None:
    world = e2e_world
    world.user("manager.polderdam", world.rivierstad, "manager")
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "manager.polderdam")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Processen"
    ).click()
    page.wait_for_url("**/processen/")

    hrefs: dict[str, list[str | None]] = {}
    for slug, version in world.versions.items():
        links = page.locator(f"#processes-{slug} tbody a")
        hrefs[slug] = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert len(hrefs[slug]) == len(
            [n for n in version.files if n.endswith(".bpmn")]
        ), slug

    for slug, urls in hrefs.items():
        for href in urls:
            assert href
            page.goto(href)
            result = imported(page)
            where = f"{slug} {href}: {result}"
            assert result["import"] == "ok", where
            assert result["warnings"] == "0", where
            assert int(result["shapes"]) > 5, where
    assert errors == []


def test_case_page_link_opens_the_diagram_with_the_open_tasks_marked(
    e2e_world: World, page: "Page"
) -> None:
    world = e2e_world
    case = world.run_until(world.start(world.rivierstad), "huisvesting_inschrijvingen")
    # No vaste begeleider yet (that comes after the intake): the coördinator follows it.
    login(page, "coordinator.rivierstad")
    page.goto(f"/dossiers/{case.reference}/")
    page.get_by_role("link", name="Bekijk het proces").click()
    page.wait_for_url(
        re.compile(
            rf"/processen/rivierstad/voortraject\.bpmn/\?dossier={case.reference}$"
        )
    )

    result = imported(page)
    # Of the four open tasks, two are in this file (the others are the gemeente's).
    assert result["import"] == "ok" and result["marked"] == "2", result
    for bpmn_id in ("huisvesting_inschrijvingen", "financien_regelen"):
        element = page.locator(f'{VIEWER} [data-element-id="{bpmn_id}"]')
        assert MARKER in (element.get_attribute("class") or "").split()
    # Rivierstad's own step is in the diagram, not yet marked.
    waiting = page.locator(f'{VIEWER} [data-element-id="taalmaatje_koppelen"]')
    assert MARKER not in (waiting.get_attribute("class") or "").split()
    assert (
        "Huisvesting en inschrijvingen regelen"
        in page.locator("#diagram-case").inner_text()
    )
    shot(page, "process-viewer-case")


def has_class(page: "Page", element_id: str, cls: str) -> bool:
    element = page.locator(f'{VIEWER} [data-element-id="{element_id}"]').first
    return cls in (element.get_attribute("class") or "").split()


def test_the_viewer_marks_an_open_task_inside_an_embedded_subprocess_as_now(
    e2e_world: World, page: "Page"
) -> None:
    from webui.definitions.services import base_register, version_deploy
    from webui.demo.seed import archived_base_v1

    world = e2e_world
    base_register(files=archived_base_v1())
    version_deploy(gemeente=world.polderdam, own_files={})
    case = world.run_until(world.start(), "brede_intake")
    login(page, "regievoerder.polderdam")
    page.goto(f"/processen/polderdam/brede_intake_pip.bpmn/?dossier={case.reference}")

    result = imported(page)
    assert result["import"] == "ok", result
    assert has_class(page, "brede_intake", MARKER)
    badge = page.locator(f"{VIEWER} .wegwijs-badge-open")
    assert badge.count() == 1 and badge.inner_text() == "nu"
    # The way in: the subprocess's start event to the open task.
    assert has_class(page, "pip_termijn_start", "wegwijs-path")
    assert "Brede intake" in page.locator("#diagram-case").inner_text()
    shot(page, "process-viewer-subprocess")


def test_the_viewer_does_not_mark_the_branch_an_absentee_never_took(
    e2e_world: World, page: "Page"
) -> None:
    world = e2e_world
    case = world.run_until(world.start(), "pvt_workshop", max_steps=80)
    case = world.complete(case, "pvt_workshop", aanwezig=False)
    case = world.complete(case, "pvt_inhaalworkshop", inhaal_aanwezig=True)
    login(page, "trainer.polderdam")
    page.goto(
        f"/processen/polderdam/participatieverklaring.bpmn/?dossier={case.reference}"
    )

    result = imported(page)
    assert result["import"] == "ok", result
    path = "wegwijs-path"
    assert has_class(page, "flow_aanwezig_keuze_to_pvt_inhaalworkshop", path)
    assert has_class(page, "flow_ingehaald_keuze_to_workshop_verwerkt", path)
    assert not has_class(page, "flow_aanwezig_keuze_to_workshop_verwerkt", path)
    assert has_class(page, "pvt_workshop", MARKER)  # the next workshop, now
    shot(page, "process-viewer-absentee")
