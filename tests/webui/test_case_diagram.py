"""The case in its process diagram: marked from what the engine ran for the case,
inside embedded subprocesses too, and no branch the case never took."""

import json

from webui.access import case_access
from webui.cases.models import CaseState
from webui.casework.selectors import case_diagram
from webui.definitions.services import base_register, version_deploy
from webui.demo.seed import archived_base_v1

from ..conftest import World
from .test_studio import diagram_url, embedded
from .test_views import client_for


def marks_for(world: World, case, username: str, file_name: str):
    access = case_access(user=world.users[username], case=case)
    assert access is not None
    diagram = case_diagram(case=case, access=access, file_name=file_name)
    assert diagram is not None and diagram.file_name == file_name
    return diagram


def test_an_open_task_inside_an_embedded_subprocess_is_named_and_marked(
    world: World,
) -> None:
    # The first base trajectory watched the PIP deadline in the embedded subprocess
    # "PIP binnen termijn", which holds the brede intake.
    base_register(files=archived_base_v1())
    version_deploy(gemeente=world.polderdam, own_files={})
    case = world.run_until(world.start(), "brede_intake")

    diagram = marks_for(world, case, "regievoerder.polderdam", "brede_intake_pip.bpmn")
    assert "Brede intake" in diagram.marks.open
    assert diagram.marks.elements["brede_intake"] == "wegwijs-open"
    assert not diagram.waiting
    # The way into it: the subprocess's start event, and the step to the task.
    assert "pip_termijn_start" in diagram.marks.trail["path"]
    assert ["pip_termijn_start", "brede_intake"] in diagram.marks.trail["steps"]

    # The regievoerder's case page opens on it, with its task named as open.
    client = client_for(world, "regievoerder.polderdam")
    html = client.get(f"/dossiers/{case.reference}/").content.decode()
    assert "Nu open in dit diagram:</strong> Brede intake" in html
    assert embedded(html, "case-diagram-markers")["brede_intake"] == "wegwijs-open"


def test_a_pvt_absentees_diagram_has_the_absent_branch_and_not_the_present_one(
    world: World,
) -> None:
    case = world.run_until(world.start(), "pvt_workshop", max_steps=80)
    case = world.complete(case, "pvt_workshop", aanwezig=False)
    case = world.complete(case, "pvt_inhaalworkshop", inhaal_aanwezig=True)

    client = client_for(world, "trainer.polderdam")
    url = diagram_url("polderdam", "participatieverklaring.bpmn", case.reference)
    trail = embedded(client.get(url).content.decode(), "diagram-trail")
    assert ["aanwezig_keuze", "pvt_inhaalworkshop"] in trail["steps"]
    assert ["aanwezig_keuze", "workshop_verwerkt"] not in trail["steps"]
    assert {"aanwezig_keuze", "ingehaald_keuze"} <= set(trail["path"])


def test_a_case_from_before_the_trail_marks_done_tasks_only_and_says_so(
    world: World,
) -> None:
    case = world.run_until(world.start(), "huisvesting_inschrijvingen")
    stored = CaseState.objects.get(pk=case.pk)
    state = json.loads(stored.state)
    del state["trail"]
    stored.state = json.dumps(state)
    stored.save()

    diagram = marks_for(world, case, "coordinator.polderdam", "voortraject.bpmn")
    assert diagram.marks.trail is None
    client = client_for(world, "coordinator.polderdam")
    html = client.get(f"/dossiers/{case.reference}/").content.decode()
    assert embedded(html, "case-diagram-trail") is None
    assert "is niet vastgelegd" in html

    # From its next step on the way is kept, and the page says since when.
    world.complete(case, "huisvesting_inschrijvingen")
    diagram = marks_for(world, case, "coordinator.polderdam", "voortraject.bpmn")
    assert diagram.marks.trail is not None
    assert diagram.marks.trail_since is not None
    html = client.get(f"/dossiers/{case.reference}/").content.decode()
    assert "alleen bekend voor wat na" in html
