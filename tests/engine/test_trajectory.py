from datetime import timedelta

import pytest

import engine

from .conftest import Driver, ids, start_clock

PHASES = [
    "aanmelding",
    "voortraject",
    "intake_mb",
    "brede_intake_pip",
    "uitvoering",
    "vervolgtraject",
]

OUTCOME_TASK = {
    "afronden": "dossier_afsluiten",
    "overdragen": "overdracht_regelen",
    "voortzetten": "voortzetting_afspreken",
}


@pytest.mark.parametrize("uitkomst", ["afronden", "overdragen", "voortzetten"])
def test_case_runs_through_every_phase_to_each_outcome(
    driver: Driver, uitkomst: str
) -> None:
    driver.start()
    driver.run_until("eindgesprek")
    driver.complete("eindgesprek", uitkomst=uitkomst)

    assert ids(driver.ready()) == {OUTCOME_TASK[uitkomst]}
    driver.complete(OUTCOME_TASK[uitkomst])

    assert driver.snapshot.completed
    assert driver.snapshot.phase == engine.COMPLETED_PHASE
    assert driver.snapshot.data["uitkomst"] == uitkomst
    assert [p for p in driver.phases if p in PHASES] == PHASES
    assert list(driver.version.phase_order) == PHASES


def test_every_user_task_names_a_role_lane_and_form(driver: Driver) -> None:
    driver.start()
    seen = {}
    for _ in range(60):
        for task in driver.ready():
            seen[task.bpmn_id] = task
        if driver.snapshot.completed:
            break
        ready = driver.ready()
        if not ready:
            driver.clock.set(driver.snapshot.next_timer_at + timedelta(minutes=1))
            driver.fire()
            continue
        driver.complete(ready[0].bpmn_id)
    assert driver.snapshot.completed
    for task in seen.values():
        assert task.role in engine.ROLES, task
        assert task.form_key, task
    assert seen["begeleider_koppelen"].role == "coordinator"
    assert seen["brede_intake"].role == "regievoerder"
    assert seen["pvt_workshop_1"].role == "trainer"


def test_first_task_is_koppelen_with_due_date_and_pip_deadline(driver: Driver) -> None:
    driver.start(koppeling_datum="2026-01-05")

    (task,) = driver.ready()
    assert (task.bpmn_id, task.role, task.form_key) == (
        "begeleider_koppelen",
        "coordinator",
        "begeleider_koppelen",
    )
    assert task.due is not None and str(task.due) == "2026-01-10"
    assert driver.snapshot.phase == "aanmelding"
    assert driver.snapshot.data["pip_deadline"].startswith("2026-03-16")


@pytest.mark.parametrize("bpmn_id", ["brede_intake", "pip_opstellen"])
def test_brede_intake_and_pip_are_due_on_the_pip_deadline(
    driver: Driver, bpmn_id: str
) -> None:
    driver.start(koppeling_datum="2026-01-05")
    driver.run_until(bpmn_id)
    assert str(driver.task(bpmn_id).due) == "2026-03-16"


def test_missed_pip_deadline_escalates_to_coordinator_after_ten_weeks_not_before(
    driver: Driver,
) -> None:
    driver.start(koppeling_datum="2026-01-05")
    driver.run_until("brede_intake")

    # 10 weeks after 2026-01-05 is 2026-03-16 00:00 Dutch time (23:00 UTC the day
    # before).
    driver.clock.set(driver.clock.now().replace(month=3, day=15, hour=22, minute=59))
    driver.fire()
    assert "pip_termijn_escalatie" not in ids(driver.ready())

    driver.advance(timedelta(minutes=2))
    ready = {t.bpmn_id: t for t in driver.ready()}
    assert ready["pip_termijn_escalatie"].role == "coordinator"
    assert "brede_intake" in ready, "the escalation must not cancel the intake"

    driver.complete("pip_termijn_escalatie")
    driver.run_until("pip_vaststellen")


def test_pip_finished_in_time_raises_no_escalation(driver: Driver) -> None:
    driver.start(koppeling_datum="2026-01-05")
    driver.run_until("pip_vaststellen")
    driver.advance(timedelta(weeks=11))
    assert "pip_termijn_escalatie" not in ids(driver.ready())


def test_voortgangsgesprek_comes_every_twelve_weeks_and_can_adjust_the_pip(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("pvt_workshop_1")
    assert "voortgangsgesprek" not in ids(driver.ready())
    waiting_since = driver.clock.now()

    driver.advance(timedelta(weeks=12) - timedelta(hours=1))
    assert "voortgangsgesprek" not in ids(driver.ready())
    driver.advance(timedelta(hours=2))
    driver.complete("voortgangsgesprek", pip_aanpassen=True, traject_afronden=False)
    driver.complete("pip_bijstellen")
    assert "voortgangsgesprek" not in ids(driver.ready())

    driver.advance(timedelta(weeks=12, hours=1))
    assert driver.clock.now() - waiting_since > timedelta(weeks=24)
    driver.complete("voortgangsgesprek", pip_aanpassen=False, traject_afronden=True)
    for n in range(1, 5):
        driver.complete(f"pvt_workshop_{n}")
    driver.complete("pvt_ondertekening")
    driver.complete("begeleiding_afronden")
    assert ids(driver.ready()) == {"eindgesprek"}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"voorbereiding_inburgering": {"juridische_hulp_nodig": True}},
            "juridische_ondersteuning",
        ),
        ({"intake_gesprek": {"begeleidingsvorm": "spreekuur"}}, "spreekuur_inplannen"),
        ({"intake_gesprek": {"begeleidingsvorm": "groep"}}, "groep_indelen"),
        (
            {"intake_gesprek": {"begeleidingsvorm": "individueel"}},
            "begeleidingsafspraken",
        ),
    ],
)
def test_gateways_branch_on_form_data(driver: Driver, overrides, expected: str) -> None:
    driver.start()
    driver.run_until(expected, overrides=overrides)


def test_gezinshereniging_always_gets_juridische_ondersteuning(driver: Driver) -> None:
    driver.start(soort_aanmelding="gezinshereniging")
    driver.run_until("juridische_ondersteuning")


def test_asiel_without_legal_question_skips_juridische_ondersteuning(
    driver: Driver,
) -> None:
    driver.start(soort_aanmelding="asiel")
    driver.run_until("intake_gesprek")
    assert "juridische_ondersteuning" not in {t.bpmn_id for t in driver.ready()}


@pytest.mark.parametrize(
    ("uitkomst", "herzien"), [("gegrond", True), ("ongegrond", False)]
)
def test_bezwaar_against_the_pip(driver: Driver, uitkomst: str, herzien: bool) -> None:
    driver.start()
    driver.run_until("pip_toelichten")
    driver.complete("pip_toelichten", bezwaar_gewenst=True)
    driver.complete("bezwaar_behandelen", bezwaar_uitkomst=uitkomst)
    if herzien:
        driver.complete("pip_herzien")
    assert "pvt_workshop_1" in ids(driver.ready())


def test_gemeente_variant_replaces_the_base_file(
    base_version, rivierstad_version
) -> None:
    variant = Driver(rivierstad_version, start_clock())
    variant.start()
    variant.run_until("taalmaatje_koppelen")
    assert variant.task("taalmaatje_koppelen").role == "coordinator"
    variant.run_until("pvt_workshop_5")

    base = Driver(base_version, start_clock())
    base.start()
    base.run_until("voorbereiding_inburgering")
    assert "taalmaatje_koppelen" not in ids(base.ready())

    assert "taalmaatje_koppelen" in rivierstad_version.user_task_form_keys
    assert "taalmaatje_koppelen" not in base_version.user_task_form_keys
    assert "pvt_workshop_5" in rivierstad_version.user_task_form_keys
    assert "pvt_workshop_5" not in base_version.user_task_form_keys
    assert rivierstad_version.content_hash != base_version.content_hash


def test_a_case_waiting_only_for_its_voortgang_timer_stays_in_uitvoering(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("pvt_workshop_1")
    for n in range(1, 5):
        driver.complete(f"pvt_workshop_{n}")
    driver.complete("pvt_ondertekening")
    driver.complete("begeleiding_afronden")
    assert driver.ready() == []
    assert driver.snapshot.phase == "uitvoering"
    assert driver.snapshot.next_timer_at is not None
