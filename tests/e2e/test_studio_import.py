"""A diagram from a generator or another modeler, in a real browser.

Such files often hold only the process: no BPMNDiagram (nothing to draw) and no
bpmn:incoming/outgoing. The modeler lays them out on opening (the vendored
bpmn-auto-layout) and the beheerder saves that layout into the draft.
"""

import re
from typing import TYPE_CHECKING

import pytest

from webui.definitions.bundles import version_files
from webui.definitions.models import Draft
from webui.definitions.services import version_deploy

from ..conftest import World
from .conftest import login, shot
from .test_studio import edit_file, messages, modeler_ready, open_studio, save_in_draft

if TYPE_CHECKING:
    from playwright.sync_api import Locator, Page

pytestmark = pytest.mark.browser

# As a generator writes it: semantics only, flows named by sourceRef/targetRef alone.
LAYOUTLESS_NAZORG = """\
<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
id="nazorg_definitions" targetNamespace="http://example.org/generator">
  <bpmn:process id="nazorg" name="Nazorg" isExecutable="true">
    <bpmn:laneSet id="nazorg_lanes">
      <bpmn:lane id="lane_begeleider" name="begeleider">
        <bpmn:flowNodeRef>nazorg_start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>nazorg_gesprek</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="lane_coordinator" name="coordinator">
        <bpmn:flowNodeRef>nazorg_afsluiten</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>nazorg_klaar</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="nazorg_start" name="Start" />
    <bpmn:userTask id="nazorg_gesprek" name="Nazorggesprek voeren" />
    <bpmn:userTask id="nazorg_afsluiten" name="Nazorg afsluiten" />
    <bpmn:endEvent id="nazorg_klaar" name="Klaar" />
    <bpmn:sequenceFlow id="flow_start" sourceRef="nazorg_start" \
targetRef="nazorg_gesprek" />
    <bpmn:sequenceFlow id="flow_afsluiten" sourceRef="nazorg_gesprek" \
targetRef="nazorg_afsluiten" />
    <bpmn:sequenceFlow id="flow_klaar" sourceRef="nazorg_afsluiten" \
targetRef="nazorg_klaar" />
  </bpmn:process>
</bpmn:definitions>
"""


def box(modeler: "Locator", element_id: str) -> dict:
    found = modeler.locator(f'g.djs-element[data-element-id="{element_id}"]')
    rect = found.first.bounding_box()
    assert rect, element_id
    return rect


def inside(inner: dict, outer: dict) -> bool:
    cx, cy = inner["x"] + inner["width"] / 2, inner["y"] + inner["height"] / 2
    return (
        outer["x"] < cx < outer["x"] + outer["width"]
        and outer["y"] < cy < outer["y"] + outer["height"]
    )


def test_a_layoutless_diagram_opens_in_the_modeler_laid_out_and_saves_with_its_layout(
    e2e_world: World, page: "Page"
) -> None:
    world = e2e_world
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "beheerder.polderdam")
    open_studio(page)
    page.get_by_label("Bestand", exact=True).set_input_files(
        files=[
            {
                "name": "nazorg.bpmn",
                "mimeType": "application/xml",
                "buffer": LAYOUTLESS_NAZORG.encode(),
            }
        ]
    )
    page.get_by_role("button", name="Uploaden naar het concept").click()
    page.wait_for_url("**/processen/polderdam/studio/controleren/")
    assert "In het concept gezet: nazorg.bpmn" in messages(page)

    page.get_by_role("link", name="Terug naar de studio").click()
    page.wait_for_url("**/processen/polderdam/studio/")
    edit_file(page, "nazorg.bpmn")
    page.wait_for_url("**/studio/diagram/nazorg.bpmn/")
    modeler = modeler_ready(page)
    assert modeler.get_attribute("data-layout") == "generated"
    # Every element is drawn: the shapes and both arrows are on the canvas.
    for element_id in (
        "nazorg_start",
        "nazorg_gesprek",
        "nazorg_afsluiten",
        "nazorg_klaar",
    ):
        assert modeler.locator(f'g.djs-shape[data-element-id="{element_id}"]').count()
    for flow_id in ("flow_start", "flow_afsluiten", "flow_klaar"):
        assert modeler.locator(f'g.djs-connection[data-element-id="{flow_id}"]').count()
    assert "Nazorggesprek voeren" in modeler.inner_text()
    # The lanes are drawn too (in Wegwijs a lane is the role), each task in its own.
    begeleider, coordinator = (
        box(modeler, "lane_begeleider"),
        box(modeler, "lane_coordinator"),
    )
    for task, lane in (
        ("nazorg_start", begeleider),
        ("nazorg_gesprek", begeleider),
        ("nazorg_afsluiten", coordinator),
        ("nazorg_klaar", coordinator),
    ):
        assert inside(box(modeler, task), lane), task
    status = page.locator("#modeler-status").inner_text()
    assert "automatisch ingedeeld" in status and "Sla het op" in status
    assert modeler.get_attribute("data-dirty") == "true"
    shot(page, "studio-import-layout")

    save_in_draft(page)
    modeler = modeler_ready(page)
    assert "‘nazorg.bpmn’ is opgeslagen in het concept" in messages(page)
    # Opened again, the file has its own drawing now: nothing is laid out twice.
    assert modeler.get_attribute("data-layout") == "given"
    assert modeler.get_attribute("data-dirty") == "false"
    assert errors == []

    saved = Draft.objects.get(gemeente=world.polderdam).files["nazorg.bpmn"]
    assert "BPMNDiagram" in saved and 'bpmnElement="nazorg_gesprek"' in saved
    assert 'bpmnElement="lane_coordinator"' in saved
    # The semantics came through the layout: the lane that gives the task its role.
    assert "<bpmn:flowNodeRef>nazorg_gesprek</bpmn:flowNodeRef>" in saved


def test_a_layoutless_diagram_deployed_unsaved_still_shows_where_a_case_stands(
    e2e_world: World, page: "Page"
) -> None:
    """Deployed straight from the check, never saved in the modeler: the case's
    process page lays it out as well, with the case's open tasks marked."""
    world = e2e_world
    base = version_files(world.versions["polderdam"])["voortraject.bpmn"]
    layoutless = re.sub(
        r"\s*<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", base, flags=re.S
    )
    assert "BPMNShape" not in layoutless
    version, created = version_deploy(
        gemeente=world.polderdam,
        own_files={"voortraject.bpmn": layoutless},
        note="Voortraject uit een generator",
    )
    assert created
    case = world.run_until(world.start(), "huisvesting_inschrijvingen")
    assert case.version_id == version.pk
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "coordinator.polderdam")
    page.goto(f"/dossiers/{case.reference}/")
    page.get_by_role("link", name="Bekijk het proces").click()
    page.wait_for_selector("#process-viewer[data-import]", state="attached")
    viewer = page.locator("#process-viewer")
    assert viewer.get_attribute("data-import") == "ok"
    assert viewer.get_attribute("data-layout") == "generated"
    assert int(viewer.get_attribute("data-marked") or 0) >= 1
    task = viewer.locator('[data-element-id="huisvesting_inschrijvingen"]')
    assert "wegwijs-open" in (task.get_attribute("class") or "").split()
    # The pool and its lane are drawn around the laid-out steps.
    assert inside(
        box(viewer, "huisvesting_inschrijvingen"), box(viewer, "lane_begeleider")
    )
    assert viewer.locator(
        'g.djs-shape[data-element-id="voortraject_participant"]'
    ).count()
    assert errors == []
