"""The trail: what the engine ran for a case, kept in its state for the diagram."""

import dataclasses

import engine

from .conftest import Driver


def test_a_pvt_absentees_trail_has_the_absent_branch_and_not_the_present_one(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("pvt_workshop")
    driver.complete("pvt_workshop", aanwezig=False)
    driver.complete("pvt_inhaalworkshop", inhaal_aanwezig=True)

    trail = engine.trail_of(driver.state)
    assert trail is not None and trail.from_start
    done = set(trail.done["participatieverklaring"])
    steps = set(trail.steps["participatieverklaring"])
    assert {"aanwezig_keuze", "pvt_inhaalworkshop", "workshop_verwerkt"} <= done
    assert ("aanwezig_keuze", "pvt_inhaalworkshop") in steps
    assert ("ingehaald_keuze", "workshop_verwerkt") in steps
    # workshop_verwerkt was reached, but not from the "aanwezig" branch.
    assert ("aanwezig_keuze", "workshop_verwerkt") not in steps


def test_the_trail_names_each_element_once_however_often_it_ran(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("pvt_workshop")
    for _ in range(3):
        driver.complete("pvt_workshop", aanwezig=True)

    trail = engine.trail_of(driver.state)
    assert trail is not None
    done = trail.done["participatieverklaring"]
    assert done.count("pvt_workshop") == 1
    assert len(trail.steps["participatieverklaring"]) == len(
        set(trail.steps["participatieverklaring"])
    )


def test_a_case_without_a_trail_gets_one_from_its_next_step_on(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("pvt_workshop")
    old = {k: v for k, v in driver.state.items() if k != "trail"}
    assert engine.trail_of(old) is None
    driver.snapshot = dataclasses.replace(driver.snapshot, state=old)
    driver.complete("pvt_workshop", aanwezig=True)

    trail = engine.trail_of(driver.state)
    assert trail is not None and not trail.from_start
    assert trail.since == driver.clock.now().isoformat()
    assert "pvt_workshop" in trail.done["participatieverklaring"]
    assert "pvt_starten" not in trail.done["participatieverklaring"]


def test_an_embedded_subprocess_is_drawn_in_its_parents_file(
    v1_version: engine.DeployedVersion,
) -> None:
    # v1 watched the PIP deadline in the embedded subprocess "PIP binnen termijn".
    owners = engine.file_processes(
        v1_version.process_files,
        {engine.MAIN_PROCESS: v1_version.spec, **v1_version.subprocess_specs},
    )
    assert owners["pip_termijn"] == "brede_intake_pip"
    assert owners["brede_intake_pip"] == "brede_intake_pip"
    assert owners[engine.MAIN_PROCESS] == engine.MAIN_PROCESS


def test_each_phase_runs_in_the_lane_its_version_draws_it_in(
    base_version: engine.DeployedVersion, v1_version: engine.DeployedVersion
) -> None:
    from engine.tracks import phase_lanes

    lanes = phase_lanes(base_version)
    assert lanes["voortraject"] == lanes["uitvoering"] == "begeleider"
    assert lanes["brede_intake_pip"] == lanes["ontzorgen"] == "regievoerder"
    # v1 draws no lanes in its main process: most of a phase's tasks decide, those
    # in its embedded subprocess included.
    old = phase_lanes(v1_version)
    assert old["brede_intake_pip"] == "regievoerder"
    assert old["voortraject"] == "begeleider"
