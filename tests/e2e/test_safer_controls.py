"""The studio on a phone and the lanes in words, in a real browser: the studio says
plainly that the modeler is meant for a larger screen (and stays usable), the diff
page fits 375 px without sideways scrolling, and every diagram names a lane by its
role's Dutch name (Begeleider) instead of the role code the engine reads."""

import json
from typing import TYPE_CHECKING

import pytest

from webui.definitions.bundles import version_files
from webui.definitions.services import draft_open, draft_save_files

from ..conftest import World
from .conftest import login, shot, sideways

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

NARROW = {"width": 375, "height": 800}
WIDE = {"width": 1280, "height": 900}
LANE = '[data-element-id="lane_begeleider"] .djs-visual text'
DUTCH = ("Begeleider", "Coördinator", "Regievoerder", "Trainer PVT")


def imported(page: "Page", selector: str) -> None:
    page.wait_for_selector(f"{selector}[data-import]", state="attached")
    assert page.locator(selector).first.get_attribute("data-import") == "ok"


def test_the_studio_on_a_phone_says_so_and_the_diff_page_fits(
    e2e_world: World, page: "Page"
) -> None:
    world = e2e_world
    beheerder = world.who("beheerder", world.polderdam)
    draft = draft_open(gemeente=world.polderdam, user=beheerder)
    xml = version_files(world.versions["polderdam"])["voortraject.bpmn"]
    renamed = xml.replace(
        'name="Huisvesting en inschrijvingen regelen"',
        'name="Huisvesting, inschrijvingen en een heel lange nieuwe naam regelen"',
    )
    assert renamed != xml
    # A form with a long file name and no space to break at, as the diff names it.
    files = version_files(world.versions["polderdam"])
    form_name = max((n for n in files if n.startswith("formulieren/")), key=len)
    form = json.loads(files[form_name])
    form["title"] = form["title"] + " (aangepast voor Polderdam)"
    draft_save_files(
        draft=draft,
        files={
            "voortraject.bpmn": renamed,
            form_name: json.dumps(form, indent=2, ensure_ascii=False),
        },
        user=beheerder,
    )
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "beheerder.polderdam")

    page.set_viewport_size(NARROW)
    page.goto("/processen/polderdam/studio/")
    notice = page.locator("#studio-small-screen")
    assert notice.is_visible()
    assert "gemaakt voor een groter scherm" in notice.inner_text()
    assert sideways(page) == 0

    page.goto("/processen/polderdam/studio/verschillen/")
    imported(page, ".diff-diagram .process-viewer")
    assert "heel lange nieuwe naam" in page.locator("#against-active").evaluate(
        "h => h.parentElement.innerText"
    )
    assert form_name in page.locator("main").inner_text()
    assert sideways(page) == 0, "the diff page scrolls sideways at 375 px"
    shot(page, "studio-diff-375")

    page.goto("/processen/polderdam/studio/diagram/voortraject.bpmn/")
    imported(page, "#process-modeler")
    assert page.locator("#modeler-small-screen").is_visible()
    assert page.get_by_role("button", name="Opslaan in concept").is_visible()
    assert sideways(page) == 0
    # The modeler shows the lane's role in Dutch, and again after an edit redraws it.
    lane = page.locator(f"#process-modeler {LANE}")
    assert lane.text_content() == "Begeleider"
    panel = page.locator("#properties-panel")
    picker = panel.get_by_label("Element kiezen")
    option = next(
        text
        for text in picker.locator("option").all_text_contents()
        if text.startswith("begeleider") or text.startswith("Begeleider")
    )
    picker.select_option(label=option)
    panel.get_by_label("Rol (naam van de lane)").select_option("coordinator")
    page.wait_for_function(
        "s => document.querySelector(s).textContent === 'Coördinator'",
        arg=f"#process-modeler {LANE}",
    )
    shot(page, "studio-modeler-375")

    page.set_viewport_size(WIDE)
    assert not page.locator("#modeler-small-screen").is_visible()
    assert not page.locator("#studio-small-screen").count()
    assert errors == []


def test_lanes_show_the_roles_dutch_name_in_every_diagram(
    e2e_world: World, page: "Page"
) -> None:
    world = e2e_world
    case = world.run_until(world.start(), "huisvesting_inschrijvingen")
    login(page, "coordinator.polderdam")
    page.set_viewport_size(NARROW)

    page.goto(f"/dossiers/{case.reference}/")
    imported(page, "#case-diagram")
    lanes = page.locator(
        '#case-diagram [data-element-id^="lane_"] .djs-visual text'
    ).all_text_contents()
    assert lanes, "the case's diagram has lanes"
    assert set(lanes) <= set(DUTCH), lanes

    page.goto("/processen/polderdam/intake_mb.bpmn/")
    imported(page, "#process-viewer")
    coordinator = page.locator(
        '#process-viewer [data-element-id="lane_coordinator"] .djs-visual text'
    )
    assert coordinator.text_content() == "Coördinator"
    assert page.locator(f"#process-viewer {LANE}").text_content() == "Begeleider"
    shot(page, "viewer-lanes-375")
