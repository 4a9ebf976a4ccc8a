"""Moving running cases to a new version: a preview per case in words, cases that can
move complete on the new version with their deadlines intact, the others stay as they
were. Also: cases of the first base trajectory (v1, archived) moving to v2."""

import copy
from datetime import timedelta

import pytest
from lxml import etree

import engine
from engine.migration import MoveRefused, check_move, move_case

from .conftest import (
    HAPPY_PATH,
    HAPPY_PATH_V1,
    WORKFLOWS,
    Driver,
    ids,
    start_clock,
    variant_files,
)

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
    """A next version: 'PIP vaststellen' renamed and moved from the regievoerder's
    lane to a coördinator's lane."""
    return changed(
        "brede_intake_pip.bpmn",
        ("<bpmn:flowNodeRef>pip_vaststellen</bpmn:flowNodeRef>\n", ""),
        (
            "</bpmn:laneSet>",
            '<bpmn:lane id="lane_coordinator" name="coordinator">'
            "<bpmn:flowNodeRef>pip_vaststellen</bpmn:flowNodeRef></bpmn:lane>"
            "</bpmn:laneSet>",
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
    driver.clock.advance(timedelta(weeks=3))
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
    [task] = [t for t in snapshot.ready_tasks if t.bpmn_id == "pip_vaststellen"]
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
    assert "intake_gesprek" in ids(driver.ready())
    assert "juridische_ondersteuning" not in ids(driver.ready())


@pytest.fixture(scope="module")
def before_boete_bezwaar() -> engine.DeployedVersion:
    """The earlier v3 content: no event after the boete, no boundary on the brede
    intake that opens its bezwaar."""
    files = variant_files()
    files["brede_intake_pip.bpmn"] = without_task(
        files["brede_intake_pip.bpmn"], "boete_bezwaar_openen", "uitnodiging_lus"
    )
    for step in (
        "boete_opgelegd",
        "tweede_boete_opgelegd",
        "boete_bezwaar_samen",
        "bezwaar_boete_voorbereiden",
        "fase_bezwaar_boete",
        "bezwaar_boete_einde",
    ):
        files["traject.bpmn"] = without_task(files["traject.bpmn"], step, "")
    return engine.build_version(files)


def test_a_case_in_the_brede_intake_moves_and_its_boete_opens_bezwaar(
    before_boete_bezwaar, base_version
) -> None:
    """A case waiting on the boete moves: after it the third invitation comes (the
    new event had no next step and the path stopped dead), and the bezwaar opens (the
    new boundary event is armed on the running brede intake)."""
    driver = Driver(before_boete_bezwaar, start_clock())
    driver.start()
    driver.complete("brede_intake_uitnodigen", brede_intake_verschenen=False)
    driver.complete("handhaving_waarschuwing")
    driver.complete("brede_intake_uitnodigen", brede_intake_verschenen=False)
    snapshot, check = move_case(
        before_boete_bezwaar, base_version, driver.state, clock=driver.clock
    )
    assert check.ok
    driver.version = base_version
    driver._keep(snapshot)
    driver.complete("handhaving_boete", handhaving_datum="2026-02-02")
    assert driver.task("brede_intake_uitnodigen").name == "Brede intake: uitnodiging 3"
    received = driver.task("bezwaar_ontvangen")
    assert received.name == "Bezwaar tegen de boete?"
    assert str(received.due) == "2026-03-16", "six weeks from the boete"


# ---- from the first base trajectory (v1) to v2 ---------------------------------------


def v1_case_at(v1_version, bpmn_id: str, overrides: dict | None = None) -> Driver:
    """A case of the first version, walked to ``bpmn_id``."""
    driver = Driver(v1_version, start_clock(), HAPPY_PATH_V1)
    driver.start()
    driver.run_until(bpmn_id, overrides)
    return driver


def moved_to_v2(
    v1_version, base_version, bpmn_id: str, overrides: dict | None = None
) -> Driver:
    driver = v1_case_at(v1_version, bpmn_id, overrides)
    check = check_move(v1_version, base_version, driver.state)
    assert check.ok, check.reasons
    snapshot, _check = move_case(
        v1_version, base_version, driver.state, clock=driver.clock
    )
    driver.version, driver.happy = base_version, HAPPY_PATH
    driver._keep(snapshot)
    return driver


@pytest.mark.parametrize(
    ("uitkomst", "answers", "steps"),
    [
        ("afronden", {}, []),
        ("overdragen", {"overdracht_toestemming": True}, ["overdracht_uitvoeren"]),
        (
            "overdragen",
            {"overdracht_toestemming": False},
            ["overdracht_zonder_gegevens"],
        ),
    ],
)
def test_a_v1_case_at_its_eindgesprek_moves_to_v2_and_finishes_there(
    v1_version, base_version, uitkomst: str, answers: dict, steps: list[str]
) -> None:
    driver = moved_to_v2(v1_version, base_version, "eindgesprek")
    assert driver.task("eindgesprek").form_key == "eindgesprek"
    driver.complete("eindgesprek", uitkomst=uitkomst)
    if uitkomst == "overdragen":
        driver.complete("overdracht_regelen", **answers)
    for step in steps:
        driver.complete(step)
    # v2: the begeleiding ends after the eindgesprek, then the dossier closes.
    driver.complete("begeleiding_afronden")
    driver.complete("dossier_afsluiten")
    assert driver.snapshot.completed


def test_a_v1_case_waiting_on_a_renamed_task_moves_with_the_change_in_words(
    v1_version, base_version
) -> None:
    driver = v1_case_at(
        v1_version, "overdracht_regelen", {"eindgesprek": {"uitkomst": "overdragen"}}
    )
    check = check_move(v1_version, base_version, driver.state)
    assert check.ok
    assert check.changes == (
        "de open taak ‘Overdracht regelen’ heet nu ‘Overdracht bespreken’",
    )


def test_a_v1_case_that_chooses_voortzetten_on_v2_stays_open(
    v1_version, base_version
) -> None:
    driver = moved_to_v2(v1_version, base_version, "eindgesprek")
    driver.complete("eindgesprek", uitkomst="voortzetten")
    driver.complete("voortzetting_afspreken", voortzetting_tot="2027-09-01")
    assert not driver.snapshot.completed


@pytest.mark.parametrize(
    ("bpmn_id", "reason"),
    [
        # v1 ran the phases one after another; v2 starts the MB and the regie track
        # side by side, so a case still in the voortraject cannot join v2's tracks.
        # v2 still has a Voortraject (at another place): the reason says so.
        (
            "huisvesting_inschrijvingen",
            "de fase ‘Voortraject’ waarop dit dossier wacht staat in de nieuwe versie"
            " op een andere plaats in het proces; een dossier dat er al in zit kan"
            " niet mee",
        ),
        # The v1 PVT had four fixed workshop tasks; v2 has one workshop in a loop.
        (
            "pvt_workshop_2",
            "de taak ‘PVT-workshop 2’ waarop dit dossier wacht bestaat niet meer",
        ),
        # v1 watched the PIP in an embedded subprocess that v2 does not have.
        (
            "brede_intake",
            "de fase ‘PIP binnen termijn’ waarop dit dossier wacht bestaat niet meer",
        ),
    ],
)
def test_a_v1_case_in_an_incompatible_position_stays_on_v1_with_the_reason(
    v1_version, base_version, bpmn_id: str, reason: str
) -> None:
    driver = v1_case_at(v1_version, bpmn_id)
    state = copy.deepcopy(driver.state)
    check = check_move(v1_version, base_version, state)
    assert not check.ok
    assert reason in check.reasons
    with pytest.raises(MoveRefused):
        move_case(v1_version, base_version, state, clock=driver.clock)
    assert state == driver.state, "a refused case stays exactly as it was"
    # It finishes on v1.
    driver.run_until("dossier_afsluiten")


def test_a_refused_v1_voortraject_case_is_not_told_v2_lacks_a_voortraject(
    v1_version, base_version
) -> None:
    """v2 has a Voortraject (the same process, called from another step): a reason
    saying it "bestaat niet meer" would send a beheerder looking for a lost phase."""
    assert "voortraject" in base_version.subprocess_specs
    driver = v1_case_at(v1_version, "huisvesting_inschrijvingen")
    check = check_move(v1_version, base_version, copy.deepcopy(driver.state))
    assert not check.ok
    assert not [r for r in check.reasons if "Voortraject" in r and "niet meer" in r]
    assert any("andere plaats" in r and "Voortraject" in r for r in check.reasons)


# ---- the second base (v2, archived) to v3 -----------------------------------------

ARCHIVE_V2 = WORKFLOWS / "archief" / "basis-v2"


@pytest.fixture(scope="module")
def v2_version() -> engine.DeployedVersion:
    return engine.build_version(
        {
            p.name: p.read_bytes()
            for p in sorted(ARCHIVE_V2.iterdir())
            if p.suffix in (".bpmn", ".dmn")
        }
    )


def test_a_v2_case_in_the_leerroute_moves_to_v3_and_follows_v3(
    v2_version, base_version
) -> None:
    driver = Driver(v2_version, start_clock())
    driver.start()
    # The MB intake not yet done, so the begeleiding has not started: a running
    # begeleiding stays on v2 (the next test but one).
    driver.run_until("taal_resultaat", skip={"intake_gesprek"})
    snapshot, _check = move_case(
        v2_version, base_version, driver.state, clock=driver.clock
    )
    driver.version = base_version
    driver._keep(snapshot)
    driver.complete("taal_resultaat", taal_uitslag="afgeschaald")
    assert "taal_resultaat" in ids(driver.ready()), "v3: afschalen goes on at A2"


def test_a_v2_case_at_the_old_bezwaar_stays_on_v2(v2_version, base_version) -> None:
    driver = Driver(v2_version, start_clock())
    driver.start()
    driver.run_until("pip_toelichten")
    driver.complete("pip_toelichten", bezwaar_gewenst=True)
    state = copy.deepcopy(driver.state)
    check = check_move(v2_version, base_version, state)
    assert not check.ok
    assert any("Bezwaar behandelen" in r for r in check.reasons), check.reasons


def test_a_v2_case_in_the_begeleiding_stays_on_v2_the_new_boundary_cannot_guard_it(
    v2_version, base_version
) -> None:
    """v3 guards the running begeleiding with a boundary event (the end of the
    inburgering brings the eindgesprek); a begeleiding already running never passed
    the split SpiffWorkflow puts before it and would fail at its end."""
    driver = Driver(v2_version, start_clock())
    driver.start()
    driver.run_until("pip_toelichten")
    check = check_move(v2_version, base_version, copy.deepcopy(driver.state))
    assert not check.ok
    assert any("Begeleiding vanuit het PIP" in r for r in check.reasons), check.reasons


def test_a_v2_case_before_the_begeleiding_moves_and_gets_the_eindgesprek_at_the_end(
    v2_version, base_version
) -> None:
    driver = Driver(v2_version, start_clock())
    driver.start()
    driver.run_until("brede_intake")
    snapshot, _check = move_case(
        v2_version, base_version, driver.state, clock=driver.clock
    )
    driver.version = base_version
    driver._keep(snapshot)
    driver.run_until("pip_toelichten")
    driver.run_until("pvt_ondertekening")
    driver.complete("pvt_ondertekening")
    for exam in ("taal_resultaat", "knm_resultaat", "map_resultaat"):
        if exam in ids(driver.ready()):
            driver.complete(exam)
    assert "eindgesprek" in ids(driver.ready())
