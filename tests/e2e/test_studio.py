"""The studio in a real browser, as a gemeente's functioneel beheerder works in it.

The beheerder changes a task in the bpmn-js modeler and its form in the form editor,
reads the differences, and deploys; or uploads a diagram drawn in plain bpmn.io, mends
what the check finds, and deploys. Each test builds its World first (committed, so the
live server sees it) and reads the database only after the browser work: new cases run
on the new version, running cases stay on theirs.
"""

import re
from typing import TYPE_CHECKING

import pytest

from webui.cases.models import Case
from webui.casework.selectors import case_form
from webui.definitions.services import active_version
from webui.tasks.models import TaskItem

from ..conftest import PASSWORD, World
from .conftest import login, shot

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = pytest.mark.browser

STUDIO_LINK = "Diagrammen en formulieren beheren (studio)"
MODELER = "#process-modeler"
RENAMED = "Begeleidingsplan opstellen"
# begeleidingsafspraken asks four questions; the new one is the fifth.
NEW_LABEL = "Zaaknummer begeleidingsplan"
NEW_FIELD = "zaaknummer_begeleidingsplan"
NARROW = 375

# Drawn in bpmn.io: no spiffworkflow namespace, no form keys. Process id "voortraject",
# so it replaces the base voortraject of the gemeente that deploys it.
PLAIN_VOORTRAJECT = """\
<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" \
xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" \
xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Definitions_1" \
targetNamespace="http://bpmn.io/schema/bpmn" exporter="bpmn-js (https://demo.bpmn.io)" \
exporterVersion="17.0.0">
  <bpmn:collaboration id="Collaboration_1">
    <bpmn:participant id="Participant_1" name="Voortraject" processRef="voortraject" />
  </bpmn:collaboration>
  <bpmn:process id="voortraject" name="Voortraject" isExecutable="true">
    <bpmn:laneSet id="LaneSet_1">
      <bpmn:lane id="Lane_begeleider" name="begeleider">
        <bpmn:flowNodeRef>StartEvent_1</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>welkom_heten</bpmn:flowNodeRef>
      </bpmn:lane>
      <bpmn:lane id="Lane_coordinator" name="coordinator">
        <bpmn:flowNodeRef>buddy_zoeken</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>EndEvent_1</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="StartEvent_1" name="Start">
      <bpmn:outgoing>Flow_1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:userTask id="welkom_heten" name="Welkom heten">
      <bpmn:incoming>Flow_1</bpmn:incoming>
      <bpmn:outgoing>Flow_2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:userTask id="buddy_zoeken" name="Buddy zoeken">
      <bpmn:incoming>Flow_2</bpmn:incoming>
      <bpmn:outgoing>Flow_3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="EndEvent_1" name="Klaar">
      <bpmn:incoming>Flow_3</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="welkom_heten" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="welkom_heten" targetRef="buddy_zoeken" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="buddy_zoeken" targetRef="EndEvent_1" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="Collaboration_1">
      <bpmndi:BPMNShape id="Participant_1_di" bpmnElement="Participant_1" \
isHorizontal="true">
        <dc:Bounds x="160" y="80" width="600" height="300" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Lane_begeleider_di" bpmnElement="Lane_begeleider" \
isHorizontal="true">
        <dc:Bounds x="190" y="80" width="570" height="150" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Lane_coordinator_di" bpmnElement="Lane_coordinator" \
isHorizontal="true">
        <dc:Bounds x="190" y="230" width="570" height="150" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="232" y="137" width="36" height="36" />
        <bpmndi:BPMNLabel>
          <dc:Bounds x="238" y="180" width="24" height="14" />
        </bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="welkom_heten_di" bpmnElement="welkom_heten">
        <dc:Bounds x="320" y="115" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="buddy_zoeken_di" bpmnElement="buddy_zoeken">
        <dc:Bounds x="480" y="265" width="100" height="80" />
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1">
        <dc:Bounds x="652" y="287" width="36" height="36" />
        <bpmndi:BPMNLabel>
          <dc:Bounds x="657" y="330" width="26" height="14" />
        </bpmndi:BPMNLabel>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="268" y="155" />
        <di:waypoint x="320" y="155" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_2_di" bpmnElement="Flow_2">
        <di:waypoint x="420" y="155" />
        <di:waypoint x="450" y="155" />
        <di:waypoint x="450" y="305" />
        <di:waypoint x="480" y="305" />
      </bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="Flow_3_di" bpmnElement="Flow_3">
        <di:waypoint x="580" y="305" />
        <di:waypoint x="652" y="305" />
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


# ---- helpers ---------------------------------------------------------------------


def open_studio(page: "Page") -> None:
    """From the main menu to the studio of Polderdam, as the beheerder finds it."""
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Processen").click()
    page.wait_for_url("**/processen/")
    page.get_by_role("link", name=STUDIO_LINK).click()
    page.wait_for_url("**/processen/polderdam/studio/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Studio")


def back_to_studio(page: "Page") -> None:
    crumbs = page.get_by_role("navigation", name="Kruimelpad")
    crumbs.get_by_role("link", name="Studio Polderdam").click()
    page.wait_for_url("**/processen/polderdam/studio/")


def edit_file(page: "Page", file_name: str) -> None:
    """Click "Bewerken" in the row of one file of the draft."""
    row = page.locator("#draft-files").get_by_role("row").filter(has_text=file_name)
    row.get_by_role("link", name=re.compile(r"^Bewerken")).click()


def modeler_ready(page: "Page") -> "Locator":
    page.wait_for_selector(f'{MODELER}[data-import="ok"]', state="attached")
    return page.locator(MODELER)


def panel(page: "Page") -> "Locator":
    return page.locator("#properties-panel")


def pick(page: "Page", name: str, kind: str = "Gebruikerstaak") -> None:
    """Choose an element with the panel's element picker (the keyboard way)."""
    panel(page).get_by_label("Element kiezen").select_option(label=f"{name} – {kind}")
    panel(page).locator(".panel-kind").get_by_text(kind, exact=True).wait_for()


def save_in_draft(page: "Page") -> None:
    """Press "Opslaan in concept" and wait for the page that comes back."""
    with page.expect_navigation():
        page.get_by_role("button", name="Opslaan in concept").click()


def fits(page: "Page", width: int = NARROW) -> int:
    """The page's scroll width at a phone's width (restored to 1280 afterwards)."""
    page.set_viewport_size({"width": width, "height": 800})
    try:
        return page.evaluate("document.documentElement.scrollWidth")
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})


def messages(page: "Page") -> str:
    return page.locator(".messages").inner_text()


def open_task(case: Case, bpmn_id: str) -> TaskItem:
    return TaskItem.objects.get(case=case, bpmn_id=bpmn_id, state=TaskItem.State.OPEN)


# ---- the tests -------------------------------------------------------------------


def test_a_beheerder_changes_a_task_and_its_form_in_the_browser_and_deploys(
    e2e_world: World, page: "Page", browser: "Browser", live_server
) -> None:
    world = e2e_world
    # Its intake is done and its vaste begeleider coupled: it waits at the
    # begeleidingsafspraken.
    running = world.coupled(voornaam="Lopend", achternaam="Dossier")
    v1 = world.versions["polderdam"]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    login(page, "beheerder.polderdam")
    open_studio(page)
    assert page.locator("#active-version").inner_text().startswith("v1")
    assert fits(page) <= NARROW, "the studio page scrolls sideways at 375 px"
    shot(page, "studio-home")

    # The modeler: pick the task in the panel, rename it, move it to another lane.
    edit_file(page, "intake_mb.bpmn")
    page.wait_for_url("**/studio/diagram/intake_mb.bpmn/")
    modeler = modeler_ready(page)
    assert modeler.get_attribute("data-dirty") == "false"
    pick(page, "Begeleiding afspreken")
    name = panel(page).get_by_label("Naam", exact=True)
    assert name.input_value() == "Begeleiding afspreken"
    assert (
        panel(page).get_by_label("Formulier").input_value() == "begeleidingsafspraken"
    )
    lane = panel(page).get_by_label("In lane (rol)")
    assert lane.input_value() == "lane_begeleider"
    name.fill(RENAMED)
    name.press("Enter")
    lane.select_option(label="Coördinator (coordinator)")
    assert lane.input_value() == "lane_coordinator"
    picker = panel(page).get_by_label("Element kiezen")
    assert (
        picker.locator("option:checked").inner_text() == f"{RENAMED} – Gebruikerstaak"
    )
    assert modeler.get_attribute("data-dirty") == "true"
    shot(page, "studio-modeler-changed")
    save_in_draft(page)
    modeler = modeler_ready(page)
    assert "‘intake_mb.bpmn’ is opgeslagen in het concept" in messages(page)
    assert modeler.get_attribute("data-dirty") == "false"
    assert modeler.get_attribute("data-findings") == "0"
    # What was saved comes back: the renamed task, in the coordinator's lane.
    pick(page, RENAMED)
    assert panel(page).get_by_label("In lane (rol)").input_value() == "lane_coordinator"
    assert fits(page) <= NARROW, "the modeler page scrolls sideways at 375 px"

    # The form editor: a new question on the task's form, seen in the preview.
    back_to_studio(page)
    edit_file(page, "formulieren/begeleidingsafspraken.json")
    page.wait_for_url("**/studio/formulier/begeleidingsafspraken/")
    page.wait_for_selector('#form-editor[data-editor="ready"]', state="attached")
    page.get_by_role("button", name=re.compile(r"^Veld toevoegen")).click()
    field = page.get_by_role("group", name=re.compile(r"^Veld 5:"))
    field.get_by_label("Label (de vraag)").fill(NEW_LABEL)
    assert field.get_by_label("Naam (in de dossiergegevens)").input_value() == NEW_FIELD
    field.get_by_label("Soort veld").select_option(label="Tekst (één regel)")
    field.get_by_label("Privacyklasse").select_option(
        label="Normaal (mag het proces sturen)"
    )
    field.get_by_label("Verplicht").check()
    preview = page.locator("#form-preview")
    preview.get_by_label(NEW_LABEL).wait_for()
    shot(page, "studio-form-editor")
    save_in_draft(page)
    page.wait_for_selector('#form-editor[data-editor="ready"]', state="attached")
    assert "Formulier ‘begeleidingsafspraken’ is opgeslagen in het concept" in messages(
        page
    )
    assert page.locator("#form-problems").count() == 0
    saved = page.get_by_role("group", name=re.compile(r"^Veld 5:"))
    assert saved.get_by_label("Label (de vraag)").input_value() == NEW_LABEL
    assert fits(page) <= NARROW, "the form editor scrolls sideways at 375 px"

    # The differences, in words and marked in the diagram.
    back_to_studio(page)
    page.get_by_role("link", name="Verschillen bekijken").click()
    page.wait_for_url("**/studio/verschillen/")
    changes = page.get_by_role("region", name="Ten opzichte van de versie in gebruik")
    words = changes.inner_text()
    assert f"heet nu ‘{RENAMED}’ (was ‘Begeleiding afspreken’)" in words
    assert "ligt nu in lane ‘coordinator’ (was ‘begeleider’)" in words
    assert f"Nieuw veld ‘{NEW_LABEL}’ ({NEW_FIELD})" in words
    viewer = page.locator(".diff-diagram .process-viewer")
    assert viewer.count() == 1
    page.wait_for_selector(".diff-diagram .process-viewer[data-import]")
    assert viewer.get_attribute("data-import") == "ok"
    assert int(viewer.get_attribute("data-marked") or 0) > 0
    marked = viewer.locator('[data-element-id="begeleidingsafspraken"]')
    assert "wegwijs-gewijzigd" in (marked.get_attribute("class") or "").split()
    shot(page, "studio-diff")

    # Deploy, with a note for the colleagues.
    back_to_studio(page)
    note = "Begeleidingsplan door de coördinator; zaaknummer erbij."
    page.get_by_label("Wat is er veranderd?").fill(note)
    page.get_by_role("button", name="Controleren en in gebruik nemen").click()
    page.wait_for_url("**/processen/polderdam/studio/")
    assert "v2 is in gebruik" in messages(page)
    assert page.locator("#active-version").inner_text().startswith("v2")
    current = page.locator("#versions tr[aria-current='true']").inner_text()
    assert note in current and "intake_mb.bpmn" in current
    shot(page, "studio-deployed")
    assert errors == []

    # A begeleider has no studio: not in the menu's page, and not by its address.
    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    other = context.new_page()
    try:
        login(other, "begeleider.polderdam", PASSWORD)
        response = other.goto("/processen/polderdam/studio/")
        assert response is not None and response.status == 404
        other.goto("/processen/")
        assert other.get_by_role("heading", name="Polderdam").is_visible()
        assert other.get_by_role("link", name=STUDIO_LINK).count() == 0
    finally:
        context.close()

    # The database: new cases run on v2, the running case stays on v1.
    v2 = active_version(world.polderdam)
    assert v2 is not None and v2.number == 2 and v2.note == note
    assert v1.pk != v2.pk
    fresh = world.coupled(voornaam="Nieuw", achternaam="Dossier")
    assert fresh.version_id == v2.pk
    task = open_task(fresh, "begeleidingsafspraken")
    # Now the coördinator's step right after their koppeling: it stays with them.
    coupler = world.who("coordinator", world.polderdam)
    assert (task.name, task.role, task.assignee) == (RENAMED, "coordinator", coupler)
    new_form = case_form(case=fresh, form_key="begeleidingsafspraken")
    added = {f.name: f for f in new_form.fields}[NEW_FIELD]
    assert (added.label, added.type, added.privacy) == (NEW_LABEL, "text", "normaal")
    assert added.required

    running = Case.objects.get(pk=running.pk)
    assert running.version_id == v1.pk
    task = open_task(running, "begeleidingsafspraken")
    assert (task.name, task.role) == ("Begeleiding afspreken", "begeleider")
    assert task.assignee == world.who("begeleider", world.polderdam)
    old_form = case_form(case=running, form_key="begeleidingsafspraken")
    assert NEW_FIELD not in {f.name for f in old_form.fields}


def test_a_plain_bpmn_io_diagram_uploads_gets_its_findings_and_runs_once_its_form_keys_are_set(  # noqa: E501
    e2e_world: World, page: "Page"
) -> None:
    world = e2e_world
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    login(page, "beheerder.polderdam")
    open_studio(page)

    # Upload: it lands on the check, which names both tasks without a form.
    page.get_by_label("Bestand", exact=True).set_input_files(
        files=[
            {
                "name": "voortraject.bpmn",
                "mimeType": "application/xml",
                "buffer": PLAIN_VOORTRAJECT.encode(),
            }
        ]
    )
    page.get_by_role("button", name="Uploaden naar het concept").click()
    page.wait_for_url("**/processen/polderdam/studio/controleren/")
    assert "In het concept gezet: voortraject.bpmn" in messages(page)
    findings = page.get_by_role("region", name="voortraject.bpmn")
    for task in ("Welkom heten", "Buddy zoeken"):
        finding = findings.get_by_role("listitem").filter(has_text=f"‘{task}’")
        assert finding.count() == 1, task
        text = finding.inner_text()
        assert "Fout" in text and "heeft geen formulier (formKey)" in text, text
    assert page.get_by_role("button", name="In gebruik nemen").count() == 0
    shot(page, "studio-upload-check")

    # The modeler marks both tasks; the panel sets their forms.
    page.get_by_role("link", name="Terug naar de studio").click()
    page.wait_for_url("**/processen/polderdam/studio/")
    edit_file(page, "voortraject.bpmn")
    page.wait_for_url("**/studio/diagram/voortraject.bpmn/")
    modeler = modeler_ready(page)
    assert modeler.get_attribute("data-findings") == "2"
    assert (
        "2 bevindingen in dit diagram" in page.locator("#modeler-findings").inner_text()
    )
    for task, form_key in (
        ("Welkom heten", "huisvesting_inschrijvingen"),
        ("Buddy zoeken", "taalmaatje_koppelen"),
    ):
        pick(page, task)
        assert "heeft geen formulier" in panel(page).inner_text()
        chooser = panel(page).get_by_label("Formulier")
        assert chooser.input_value() == ""
        chooser.select_option(value=form_key)
        assert chooser.input_value() == form_key
    assert modeler.get_attribute("data-dirty") == "true"
    shot(page, "studio-upload-modeler")
    save_in_draft(page)
    modeler = modeler_ready(page)
    assert "‘voortraject.bpmn’ is opgeslagen in het concept" in messages(page)
    assert modeler.get_attribute("data-findings") == "0"
    assert page.locator("#modeler-no-findings").is_visible()

    # The check is clean now; deploy from there.
    back_to_studio(page)
    page.get_by_role("link", name="Controleren").click()
    page.wait_for_url("**/processen/polderdam/studio/controleren/")
    assert "geen fouten" in page.locator("#check-ok").inner_text()
    note = "Voortraject uit bpmn.io: welkom heten en een buddy zoeken."
    page.get_by_label("Wat is er veranderd?").fill(note)
    page.get_by_role("button", name="In gebruik nemen").click()
    page.wait_for_url("**/processen/polderdam/studio/")
    assert "v2 is in gebruik" in messages(page)
    shot(page, "studio-upload-deployed")
    assert errors == []

    # The database: a new case walks the new voortraject into the intake.
    version = active_version(world.polderdam)
    assert version is not None and version.number == 2
    assert version.own_files == ["voortraject.bpmn"] and version.note == note
    case = world.run_until(world.start(), "welkom_heten")
    assert case.version_id == version.pk
    welkom = open_task(case, "welkom_heten")
    assert (welkom.name, welkom.role, welkom.form_key) == (
        "Welkom heten",
        "begeleider",
        "huisvesting_inschrijvingen",
    )
    case = world.complete(case, "welkom_heten")
    buddy = open_task(case, "buddy_zoeken")
    assert (buddy.name, buddy.role, buddy.form_key) == (
        "Buddy zoeken",
        "coordinator",
        "taalmaatje_koppelen",
    )
    case = world.complete(case, "buddy_zoeken")
    # The MB track goes on to the intake; the gemeente's track runs alongside.
    tasks = {t.bpmn_id: t.role for t in world.open_tasks(case)}
    assert tasks == {
        "intake_gesprek": "begeleider",
        "brede_intake_uitnodigen": "regievoerder",
        "ontzorgen_starten": "regievoerder",
    }
    assert Case.objects.get(pk=case.pk).phase == "intake_mb"
