"""Moving running cases to a new version: a preview per case in words, cases that can
move complete on the new version with their deadlines intact, the others stay as they
were."""

import copy

import pytest
from lxml import etree

import engine
from engine.migration import MoveRefused, check_move, move_case

from .conftest import Driver, start_clock, variant_files

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def changed(name: str, *replacements: tuple[str, str]) -> engine.DeployedVersion:
    files = variant_files()
    text = files[name].decode()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    files[name] = text.encode()
    return engine.build_version(files)


@pytest.fixture(scope="module")
def renamed_and_moved() -> engine.DeployedVersion:
    """v2: 'PIP vaststellen' renamed and moved from the regievoerder's lane to the
    coördinator's."""
    return changed(
        "brede_intake_pip.bpmn",
        ("<bpmn:flowNodeRef>pip_vaststellen</bpmn:flowNodeRef>\n", ""),
        (
            "<bpmn:flowNodeRef>pip_termijn_escalatie</bpmn:flowNodeRef>",
            "<bpmn:flowNodeRef>pip_termijn_escalatie</bpmn:flowNodeRef>"
            "<bpmn:flowNodeRef>pip_vaststellen</bpmn:flowNodeRef>",
        ),
        ('name="PIP vaststellen"', 'name="PIP vastleggen in beschikking"'),
    )


def test_a_case_before_the_change_moves_and_keeps_its_pip_deadline(
    base_version, renamed_and_moved
) -> None:
    driver = Driver(base_version, start_clock())
    driver.start()
    driver.run_until("brede_intake")
    deadline = driver.snapshot.next_timer_at
    assert deadline is not None
    assert check_move(base_version, renamed_and_moved, driver.state).ok
    driver.clock.advance(engine_weeks(3))
    snapshot, _check = move_case(
        base_version, renamed_and_moved, driver.state, clock=driver.clock
    )
    assert snapshot.next_timer_at == deadline, "the deadline is not restarted"
    driver.version = renamed_and_moved
    driver._keep(snapshot)
    driver.run_until("pip_vaststellen")
    task = driver.task("pip_vaststellen")
    assert (task.name, task.role) == ("PIP vastleggen in beschikking", "coordinator")


def test_a_case_waiting_on_the_changed_task_moves_with_the_change_in_words(
    base_version, renamed_and_moved
) -> None:
    driver = Driver(base_version, start_clock())
    driver.start()
    driver.run_until("pip_vaststellen")
    ready_at = driver.task("pip_vaststellen").ready_at
    check = check_move(base_version, renamed_and_moved, driver.state)
    assert check.ok
    assert check.changes == (
        "de open taak ‘PIP vaststellen’ heet nu ‘PIP vastleggen in beschikking’",
        "de open taak ‘PIP vastleggen in beschikking’ gaat nu naar de rol coördinator"
        " (was regievoerder)",
    )
    snapshot, _check = move_case(
        base_version, renamed_and_moved, driver.state, clock=driver.clock
    )
    [task] = snapshot.ready_tasks
    assert task.ready_at == ready_at, "its due date keeps counting from the start"
    driver.version = renamed_and_moved
    driver._keep(snapshot)
    driver.run_until("dossier_afsluiten")


def test_a_case_waiting_on_a_removed_task_cannot_move_and_says_why(
    base_version,
) -> None:
    files = variant_files()
    files["voortraject.bpmn"] = without_task(
        files["voortraject.bpmn"], "juridische_ondersteuning", "voortraject_einde"
    )
    without_legal_help = engine.build_version(files)
    driver = Driver(base_version, start_clock())
    driver.start()
    overrides = {"voorbereiding_inburgering": {"juridische_hulp_nodig": True}}
    driver.run_until("juridische_ondersteuning", overrides)
    state = copy.deepcopy(driver.state)
    check = check_move(base_version, without_legal_help, state)
    assert not check.ok
    assert check.reasons == (
        "de taak ‘Juridische ondersteuning’ waarop dit dossier wacht bestaat niet meer",
    )
    with pytest.raises(MoveRefused):
        move_case(base_version, without_legal_help, state, clock=driver.clock)
    assert state == driver.state, "a refused case stays exactly as it was"
    # A case that already passed that task (its history is in the tables) moves.
    other = Driver(base_version, start_clock())
    other.start()
    other.run_until("intake_gesprek", overrides)
    assert check_move(base_version, without_legal_help, other.state).ok


def without_task(content: bytes, task_id: str, reroute_to: str) -> bytes:
    """The diagram without one task: its incoming flows lead to ``reroute_to``."""
    root = etree.fromstring(content)
    ns = {"bpmn": BPMN}
    gone = {task_id}
    for flow in root.iterfind(".//bpmn:sequenceFlow", ns):
        if flow.get("targetRef") == task_id:
            flow.set("targetRef", reroute_to)
        elif flow.get("sourceRef") == task_id:
            gone.add(flow.get("id"))
    for element in list(root.iter()):
        if (
            element.get("id") in gone
            or element.get("bpmnElement") in gone
            or (isinstance(element.tag, str) and (element.text or "").strip() in gone)
        ):
            element.getparent().remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def engine_weeks(n: int):
    from datetime import timedelta

    return timedelta(weeks=n)


def test_a_case_before_a_removed_task_moves_and_takes_the_new_path(
    base_version,
) -> None:
    files = variant_files()
    files["voortraject.bpmn"] = without_task(
        files["voortraject.bpmn"], "juridische_ondersteuning", "voortraject_einde"
    )
    v2 = engine.build_version(files)
    driver = Driver(base_version, start_clock())
    driver.start()
    driver.run_until("huisvesting_inschrijvingen")
    snapshot, check = move_case(base_version, v2, driver.state, clock=driver.clock)
    assert check.ok
    driver.version = v2
    driver._keep(snapshot)
    driver.run_until("voorbereiding_inburgering")
    driver.complete("voorbereiding_inburgering", juridische_hulp_nodig=True)
    assert driver.ready_ids() == {"intake_gesprek"}
