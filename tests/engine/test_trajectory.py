"""The base trajectory (v2) walked on an injected clock: both tracks, every route
through the Wet inburgering, the PVT, the vervolgtraject and a reopened case."""

from datetime import datetime, timedelta

import pytest

import engine

from .conftest import (
    Driver,
    full_check,
    ids,
    start_clock,
    variant_files,
    variant_settings,
    with_table_cells,
)

MB_TRACK = ["voortraject", "intake_mb", "uitvoering", "vervolgtraject"]
REGIE_TRACK = ["brede_intake_pip", "ontzorgen", "inburgering", "voortgang", "bezwaar"]


def moment(iso: str) -> datetime:
    """An ISO moment as the engine's timers compare it."""
    return datetime.fromisoformat(iso)


def walk_to_the_end(driver: Driver, limit: int = 200) -> dict[str, engine.ReadyTask]:
    """Complete whatever is ready (happy path), moving the clock to the next timer
    when nothing is; every task seen, by BPMN id."""
    seen: dict[str, engine.ReadyTask] = {}
    for _ in range(limit):
        if driver.snapshot.completed:
            return seen
        ready = driver.ready()
        if not ready:
            driver.clock.set(driver.snapshot.next_timer_at + timedelta(minutes=1))
            driver.fire()
            continue
        seen[ready[0].bpmn_id] = ready[0]
        driver.complete(ready[0].bpmn_id)
    raise AssertionError("the case did not finish")


# ---- the whole trajectory ------------------------------------------------------------


def test_a_case_runs_both_tracks_to_the_end(driver: Driver) -> None:
    driver.start()
    seen = walk_to_the_end(driver)

    assert driver.snapshot.completed
    assert driver.snapshot.phase == engine.COMPLETED_PHASE
    assert set(MB_TRACK + REGIE_TRACK) <= set(driver.phases)
    assert set(driver.version.phase_order) == {"aanmelding", *MB_TRACK, *REGIE_TRACK}
    for task in seen.values():
        assert task.role in engine.ROLES, task
        assert task.form_key, task
    roles = {bpmn_id: task.role for bpmn_id, task in seen.items()}
    assert roles["begeleider_koppelen"] == "coordinator"
    assert roles["brede_intake"] == "regievoerder"
    assert roles["pvt_workshop"] == "trainer"
    assert roles["pvt_ondertekening"] == "trainer"
    assert roles["ontzorgen_evalueren"] == "regievoerder"
    assert {"taal_resultaat", "knm_resultaat", "map_resultaat"} <= set(seen)


def test_both_tracks_start_side_by_side_at_the_koppeling(driver: Driver) -> None:
    driver.start()
    ready = {t.bpmn_id: t for t in driver.ready()}

    assert set(ready) == {
        "huisvesting_inschrijvingen",
        "financien_regelen",
        "brede_intake_uitnodigen",
        "ontzorgen_starten",
    }
    assert ready["brede_intake_uitnodigen"].role == "regievoerder"
    assert ready["brede_intake_uitnodigen"].name == "Brede intake: uitnodiging 1"
    # The gemeente's brede intake does not wait for the MB voortraject and intake.
    driver.complete("brede_intake_uitnodigen")
    assert "brede_intake" in ids(driver.ready())
    assert "intake_gesprek" not in ids(driver.ready())


def test_the_begeleiding_works_from_the_vastgesteld_pip(driver: Driver) -> None:
    """The tracks join when the PIP is vastgesteld: not before."""
    driver.start()
    driver.run_until("begeleidingsafspraken")
    driver.complete("begeleidingsafspraken")
    driver.run_until("pip_vaststellen")
    assert "pip_toelichten" not in ids(driver.ready())

    driver.complete("pip_vaststellen")
    ready = {t.bpmn_id: t for t in driver.ready()}
    assert ready["pip_toelichten"].role == "begeleider"
    assert ready["pip_toelichten"].phase == "uitvoering"
    assert {"pvt_workshop", "taal_resultaat", "knm_resultaat"} <= set(ready)


@pytest.mark.parametrize(
    ("vorm", "task", "koppelen"),
    [
        ("individueel", "begeleidingsafspraken", True),
        ("spreekuur", "spreekuur_inplannen", False),
        ("groep", "groep_indelen", False),
    ],
)
def test_a_vaste_begeleider_is_coupled_only_after_the_intake_chose_individual(
    driver: Driver, vorm: str, task: str, koppelen: bool
) -> None:
    driver.start()
    driver.run_until("intake_gesprek")
    assert "begeleider_koppelen" not in ids(driver.ready())

    driver.complete("intake_gesprek", begeleidingsvorm=vorm)
    if koppelen:
        koppel = driver.task("begeleider_koppelen")
        assert (koppel.role, koppel.form_key) == ("coordinator", "begeleider_koppelen")
        assert str(koppel.due) == "2026-01-10"
        driver.complete("begeleider_koppelen")
    else:
        assert "begeleider_koppelen" not in ids(driver.ready())
    assert task in ids(driver.ready())


# ---- the PIP deadline ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "deadline", "warning"),
    [
        # binnenkomst 2026-02-02 + 10 weeks; summer time from 29 March
        ("binnenkomst", "2026-04-13T00:00:00+02:00", "2026-03-30T00:00:00+02:00"),
        # koppeling 2026-01-05 + 10 weeks
        ("koppeling", "2026-03-16T00:00:00+01:00", "2026-03-02T00:00:00+01:00"),
    ],
)
def test_the_pip_deadline_runs_from_the_date_the_gemeente_chose(
    driver: Driver, setting: str, deadline: str, warning: str
) -> None:
    driver.start(
        instelling_pip_start=setting,
        koppeling_datum="2026-01-05",
        datum_binnenkomst="2026-02-02",
    )
    assert driver.milestones("pip_termijn") == [deadline]
    assert driver.task("brede_intake_uitnodigen").due.isoformat() == deadline[:10]
    driver.run_until("pip_vaststellen")
    assert driver.task("pip_vaststellen").due.isoformat() == deadline[:10]

    # The warning, two weeks before, goes to the gemeente; not a minute early.
    driver.clock.set(moment(warning) - timedelta(minutes=1))
    driver.fire()
    assert "pip_termijn_waarschuwing" not in ids(driver.ready())
    driver.advance(timedelta(minutes=2))
    warned = driver.task("pip_termijn_waarschuwing")
    assert (warned.role, warned.due.isoformat()) == ("regievoerder", deadline[:10])
    assert driver.milestones("pip_waarschuwing") == [None]
    driver.complete("pip_termijn_waarschuwing", pip_op_schema=False)

    # The escalation at the deadline goes to the gemeente's teamleider.
    driver.clock.set(moment(deadline) - timedelta(minutes=1))
    driver.fire()
    assert "pip_termijn_verstreken" not in ids(driver.ready())
    driver.advance(timedelta(minutes=2))
    escalation = driver.task("pip_termijn_verstreken")
    assert (escalation.role, escalation.form_key) == (
        "teamleider",
        "pip_termijn_escalatie",
    )
    assert "pip_vaststellen" in ids(driver.ready()), "the deadline cancels nothing"


def test_the_escalation_never_holds_the_case(driver: Driver) -> None:
    driver.start(datum_binnenkomst="2026-01-05")  # deadline 2026-03-16
    driver.run_until("brede_intake")
    driver.clock.set(moment("2026-03-16T00:01:00+01:00"))
    driver.fire()
    assert "pip_termijn_verstreken" in ids(driver.ready())
    assert driver.milestones("pip_termijn_verstreken") == [None]
    # The deadline's tasks belong to the phase the deadline is on, not to the
    # process that draws them.
    for escalated in ("pip_termijn_verstreken", "pip_termijn_waarschuwing"):
        assert driver.task(escalated).belongs_to == "brede_intake_pip"
    assert driver.task("brede_intake").belongs_to == "brede_intake_pip"

    # The PIP is set late; the begeleiding, the inburgering and the rest go on while
    # the escalation stays open.
    open_task = {"pip_termijn_verstreken", "pip_termijn_waarschuwing", "pip_te_laat_mb"}
    driver.run_until("eindgesprek", skip=open_task)
    assert "pip_termijn_verstreken" in ids(driver.ready())
    assert {"uitvoering", "inburgering", "vervolgtraject"} <= set(driver.phases)
    assert "brede_intake_pip" not in driver.snapshot.phases, (
        "a late PIP keeps no phase open"
    )
    driver.complete("eindgesprek")
    driver.complete("pip_termijn_verstreken")
    walk_to_the_end(driver)
    assert driver.snapshot.completed


def test_a_pip_vastgesteld_in_time_raises_no_warning_or_escalation(
    driver: Driver,
) -> None:
    driver.start(datum_binnenkomst="2026-01-05")
    driver.run_until("pip_toelichten")
    driver.advance(timedelta(weeks=11))
    assert not {"pip_termijn_waarschuwing", "pip_termijn_verstreken"} & ids(
        driver.ready()
    )
    assert driver.milestones("pip_termijn_verstreken") == []


def test_the_pip_milestones_are_the_opstellen_and_the_beschikking() -> None:
    version = full_check(variant_files()).version
    assert version is not None
    declared = {(m.key, m.element, m.field) for m in version.milestones}
    assert ("pip_opgesteld", "pip_opstellen", "") in declared
    assert ("pip_vastgesteld", "pip_vaststellen", "beschikking_datum") in declared
    assert ("pip_termijn", "termijnen_berekenen", "") in declared
    piezo = {(m.element, m.field) for m in version.milestones if m.key == "piezo_fase"}
    assert ("intake_gesprek", "piezo_fase") in piezo
    assert ("begeleiding_evalueren", "evaluatie_piezo_fase") in piezo


# ---- brede intake: non-response ------------------------------------------------------


def test_non_response_to_the_brede_intake_is_enforced_by_the_gemeente(
    driver: Driver,
) -> None:
    driver.start()
    steps = [
        ("handhaving_waarschuwing", "Brede intake: uitnodiging 2"),
        ("handhaving_boete", "Brede intake: uitnodiging 3"),
    ]
    for step, next_invitation in steps:
        driver.complete("brede_intake_uitnodigen", brede_intake_verschenen=False)
        task = driver.task(step)
        assert (task.role, task.form_key) == ("regievoerder", "handhaving_brede_intake")
        driver.complete(step)
        assert driver.task("brede_intake_uitnodigen").name == next_invitation

    driver.complete("brede_intake_uitnodigen", brede_intake_verschenen=False)
    assert driver.task("handhaving_tweede_boete").role == "regievoerder"
    driver.complete("handhaving_tweede_boete")
    # The PIP is set without the statushouder's input: no brede intake.
    assert "pip_opstellen" in ids(driver.ready())
    assert "brede_intake" not in ids(driver.ready())
    assert driver.milestones("handhaving") == ["waarschuwing", "boete", "tweede_boete"]


def test_a_statushouder_who_comes_on_the_second_invitation_gets_the_brede_intake(
    driver: Driver,
) -> None:
    driver.start()
    driver.complete("brede_intake_uitnodigen", brede_intake_verschenen=False)
    driver.complete("handhaving_waarschuwing")
    driver.complete("brede_intake_uitnodigen", brede_intake_verschenen=True)
    assert "brede_intake" in ids(driver.ready())


# ---- the leerroute, KNM, MAP and ontheffing ------------------------------------------


@pytest.mark.parametrize(
    ("leerroute", "route_task", "knm_expected", "map_expected"),
    [
        ("b1", "taal_resultaat", True, True),
        ("onderwijs", "taalschakeltraject_resultaat", True, False),
        ("z", "z_route_voortgang", False, True),
    ],
)
def test_each_leerroute_has_its_own_part_and_knm_and_map_where_they_belong(
    driver: Driver,
    leerroute: str,
    route_task: str,
    knm_expected: bool,
    map_expected: bool,
) -> None:
    driver.start()
    driver.run_until(route_task, {"pip_opstellen": {"leerroute": leerroute}})
    ready = ids(driver.ready())
    assert ("knm_resultaat" in ready) is knm_expected, "the Z-route has no KNM exam"
    assert ("map_resultaat" in ready) is map_expected
    others = {"taal_resultaat", "taalschakeltraject_resultaat", "z_route_voortgang"}
    assert not (others - {route_task}) & ready


@pytest.mark.parametrize(
    ("route_task", "not_done", "done"),
    [
        (
            "taal_resultaat",
            {"taal_uitslag": "niet_behaald"},
            {"taal_uitslag": "behaald"},
        ),
        (
            "taalschakeltraject_resultaat",
            {"taalschakeltraject_uitslag": "loopt_nog"},
            {"taalschakeltraject_uitslag": "afgerond"},
        ),
        (
            "z_route_voortgang",
            {"z_route_uitslag": "loopt_nog", "z_participatie_uren": 400},
            {"z_route_uitslag": "afgerond", "z_participatie_uren": 1600},
        ),
    ],
)
def test_the_leerroute_is_followed_to_its_end(
    driver: Driver, route_task: str, not_done: dict, done: dict
) -> None:
    leerroute = {
        "taal_resultaat": "b1",
        "taalschakeltraject_resultaat": "onderwijs",
        "z_route_voortgang": "z",
    }[route_task]
    driver.start()
    driver.run_until(route_task, {"pip_opstellen": {"leerroute": leerroute}})
    driver.complete(route_task, **not_done)
    assert route_task in ids(driver.ready()), "not done yet: it comes back"
    driver.complete(route_task, **done)
    assert route_task not in ids(driver.ready())


@pytest.mark.parametrize(
    ("task", "field", "again", "end"),
    [
        ("knm_resultaat", "knm_uitslag", "niet_behaald", "behaald"),
        ("knm_resultaat", "knm_uitslag", "niet_behaald", "ontheffing"),
        ("map_resultaat", "map_uitslag", "niet_afgerond", "afgerond"),
        ("map_resultaat", "map_uitslag", "niet_afgerond", "ontheffing"),
    ],
)
def test_knm_and_map_are_followed_to_completion_or_an_ontheffing(
    driver: Driver, task: str, field: str, again: str, end: str
) -> None:
    driver.start()
    driver.run_until(task)
    label = "KNM-examen: uitslag" if task == "knm_resultaat" else "MAP: resultaat"
    assert driver.task(task).name == f"{label} (poging 1)"
    assert driver.task(task).role == "regievoerder"
    driver.complete(task, **{field: again})
    assert driver.task(task).name == f"{label} (poging 2)"
    driver.complete(task, **{field: again})
    driver.complete(task, **{field: end})
    assert task not in ids(driver.ready())


@pytest.mark.parametrize("besluit", ["ontheffing", "vrijstelling"])
def test_ontheffing_or_vrijstelling_skips_what_it_covers(
    driver: Driver, besluit: str
) -> None:
    driver.start()
    driver.run_until(
        "pip_toelichten", {"pip_opstellen": {"inburgeringsplicht_besluit": besluit}}
    )
    covered = {
        "taal_resultaat",
        "knm_resultaat",
        "map_resultaat",
        "pvt_workshop",
        "inburgeringstermijn_bewaken",
    }
    seen = walk_to_the_end(driver)
    assert not covered & set(seen)
    assert driver.milestones("inburgeringstermijn") == []
    assert driver.snapshot.completed


def test_the_inburgering_ends_when_every_part_is_done(driver: Driver) -> None:
    driver.start()
    driver.run_until("pvt_workshop")
    for _ in range(4):
        driver.complete("pvt_workshop")
    driver.complete("pvt_ondertekening")
    driver.complete("taal_resultaat")
    driver.complete("knm_resultaat")
    assert "inburgering" in {t.phase for t in driver.ready()}
    driver.complete("map_resultaat")
    assert "inburgering" not in {t.phase for t in driver.ready()}
    # The termijn is no longer watched: no warning when its moment comes.
    driver.clock.set(moment("2028-09-01T00:00:00+02:00"))
    driver.fire()
    assert "inburgeringstermijn_bewaken" not in ids(driver.ready())


# ---- the inburgeringstermijn ---------------------------------------------------------


def test_the_inburgeringstermijn_warns_and_can_be_extended(driver: Driver) -> None:
    driver.start()
    driver.run_until("taal_resultaat")  # plicht from 2026-03-01: ends 2029-03-01
    assert driver.milestones("inburgeringstermijn") == ["2029-03-01T00:00:00+01:00"]

    # 26 weeks (the default setting) before the end.
    driver.clock.set(moment("2028-08-31T00:00:00+02:00") - timedelta(minutes=1))
    driver.fire()
    assert "inburgeringstermijn_bewaken" not in ids(driver.ready())
    driver.advance(timedelta(minutes=2))
    warning = driver.task("inburgeringstermijn_bewaken")
    assert (warning.role, str(warning.due)) == ("regievoerder", "2029-03-01")

    driver.complete("inburgeringstermijn_bewaken", termijn_verlengen=True)
    extend = driver.task("inburgeringstermijn_verlengen")
    assert extend.role == "regievoerder"
    driver.complete(
        "inburgeringstermijn_verlengen",
        verlengingsgrond="medisch",
        verlenging_weken=26,
    )
    assert driver.milestones("inburgeringstermijn")[-1] == "2029-08-30T00:00:00+02:00"

    # The warning comes again, 26 weeks before the new end.
    driver.clock.set(moment("2029-03-01T00:00:00+01:00") - timedelta(minutes=1))
    driver.fire()
    assert "inburgeringstermijn_bewaken" not in ids(driver.ready())
    driver.advance(timedelta(minutes=2))
    assert str(driver.task("inburgeringstermijn_bewaken").due) == "2029-08-30"
    driver.complete("inburgeringstermijn_bewaken", termijn_verlengen=False)
    assert "inburgeringstermijn_verlengen" not in ids(driver.ready())
    assert "taal_resultaat" in ids(driver.ready()), "the leerroute goes on"


def test_the_termijn_warning_follows_the_gemeentes_setting(driver: Driver) -> None:
    driver.start(instelling_termijn_waarschuwing_weken=8)
    driver.run_until("taal_resultaat")
    driver.clock.set(moment("2029-01-04T00:00:00+01:00") - timedelta(minutes=1))
    driver.fire()
    assert "inburgeringstermijn_bewaken" not in ids(driver.ready())
    driver.advance(timedelta(minutes=2))
    assert "inburgeringstermijn_bewaken" in ids(driver.ready())


# ---- ontzorgen -----------------------------------------------------------------------


def test_ontzorgen_is_evaluated_and_ends_after_the_minimum(driver: Driver) -> None:
    driver.start()
    driver.complete("ontzorgen_starten", bijstand_startdatum="2026-02-02")
    assert driver.milestones("ontzorgen_start") == ["2026-02-02"]

    # The evaluation at five months (default), not before.
    driver.clock.set(moment("2026-07-02T00:00:00+02:00") - timedelta(minutes=1))
    driver.fire()
    assert "ontzorgen_evalueren" not in ids(driver.ready())
    driver.advance(timedelta(minutes=2))
    assert driver.task("ontzorgen_evalueren").role == "regievoerder"
    driver.complete("ontzorgen_evalueren", ontzorgen_verlenging_maanden=0)

    # The switch to financial self-reliance: at six months, not before.
    assert "financiele_zelfredzaamheid" not in ids(driver.ready())
    driver.clock.set(moment("2026-08-02T00:00:00+02:00") - timedelta(minutes=1))
    driver.fire()
    assert "financiele_zelfredzaamheid" not in ids(driver.ready())
    driver.advance(timedelta(minutes=2))
    assert driver.task("financiele_zelfredzaamheid").role == "regievoerder"


def test_ontzorgen_can_be_extended_and_follows_the_decision_table() -> None:
    # The gemeente ontzorgt large households nine months, evaluated after seven.
    files = with_table_cells(
        variant_files(),
        "ontzorgen_duur.dmn",
        {"ontzorgen_duur_groot_maanden": "9", "ontzorgen_duur_groot_evaluatie": "7"},
    )
    driver = Driver(engine.build_version(files), start_clock())
    driver.start(gezinsgrootte=6)
    driver.complete("ontzorgen_starten", bijstand_startdatum="2026-02-02")
    driver.clock.set(moment("2026-09-02T00:01:00+02:00"))
    driver.fire()
    driver.complete("ontzorgen_evalueren", ontzorgen_verlenging_maanden=3)
    # Nine months plus three: until 2027-02-02; evaluated again two months before.
    driver.clock.set(moment("2026-12-02T00:00:00+01:00") - timedelta(minutes=1))
    driver.fire()
    assert "ontzorgen_evalueren" not in ids(driver.ready())
    driver.advance(timedelta(minutes=2))
    driver.complete("ontzorgen_evalueren", ontzorgen_verlenging_maanden=0)
    driver.clock.set(moment("2027-02-02T00:00:00+01:00") - timedelta(minutes=1))
    driver.fire()
    assert "financiele_zelfredzaamheid" not in ids(driver.ready())
    driver.advance(timedelta(minutes=2))
    assert "financiele_zelfredzaamheid" in ids(driver.ready())


def test_without_bijstand_there_is_no_ontzorgen(driver: Driver) -> None:
    driver.start()
    driver.complete("ontzorgen_starten", ontzorgen_van_toepassing=False)
    assert driver.milestones("ontzorgen_start") == []
    driver.advance(timedelta(days=400))
    assert "ontzorgen_evalueren" not in ids(driver.ready())


# ---- the participatieverklaringstraject ----------------------------------------------


def test_every_workshop_attended_leads_to_the_signing(driver: Driver) -> None:
    driver.start()
    driver.run_until("pvt_workshop")
    names = []
    for _ in range(4):
        names.append(driver.task("pvt_workshop").name)
        assert "pvt_ondertekening" not in ids(driver.ready())
        driver.complete("pvt_workshop", aanwezig=True)
    assert names == [f"PVT-workshop {n} van 4" for n in range(1, 5)]
    signing = driver.task("pvt_ondertekening")
    assert signing.role == "trainer"
    driver.complete(
        "pvt_ondertekening",
        verklaring_ondertekend=True,
        ondertekening_datum="2026-04-01",
        ondertekening_plaats="Polderdam",
    )
    assert not {"pvt_ondertekening", "pvt_niet_voldaan"} & ids(driver.ready())


def test_an_absence_gets_a_catch_up_workshop(driver: Driver) -> None:
    driver.start()
    driver.run_until("pvt_workshop")
    driver.complete("pvt_workshop", aanwezig=True)
    driver.complete("pvt_workshop", aanwezig=False)
    catch_up = driver.task("pvt_inhaalworkshop")
    assert (catch_up.role, catch_up.name) == (
        "trainer",
        "Inhaalworkshop voor workshop 2",
    )
    assert "pvt_workshop" not in ids(driver.ready())
    driver.complete("pvt_inhaalworkshop", inhaal_aanwezig=True)
    assert driver.task("pvt_workshop").name == "PVT-workshop 3 van 4"
    driver.complete("pvt_workshop")
    driver.complete("pvt_workshop")
    assert "pvt_ondertekening" in ids(driver.ready())


def absent_everywhere(driver: Driver) -> None:
    driver.start()
    driver.run_until("pvt_workshop")
    for _ in range(4):
        driver.complete("pvt_workshop", aanwezig=False)
        driver.complete("pvt_inhaalworkshop", inhaal_aanwezig=False)


def test_absent_at_every_workshop_cannot_simply_sign(driver: Driver) -> None:
    absent_everywhere(driver)
    assert "pvt_ondertekening" not in ids(driver.ready())
    decision = driver.task("pvt_uitzondering")
    assert decision.role == "regievoerder"


@pytest.mark.parametrize(
    ("besluit", "next_task", "role"),
    [
        ("ondertekenen", "pvt_ondertekening", "trainer"),
        ("opnieuw", "pvt_workshop", "trainer"),
        ("niet_voldaan", "pvt_niet_voldaan", "regievoerder"),
    ],
)
def test_the_gemeente_decides_on_missed_workshops(
    driver: Driver, besluit: str, next_task: str, role: str
) -> None:
    absent_everywhere(driver)
    driver.complete("pvt_uitzondering", pvt_besluit=besluit)
    assert driver.task(next_task).role == role
    if besluit == "opnieuw":
        assert driver.task("pvt_workshop").name == "PVT-workshop 1 van 4"


def test_a_refusal_to_sign_is_judged_by_the_gemeente_not_the_trainer(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("pvt_ondertekening")
    driver.complete("pvt_ondertekening", verklaring_ondertekend=False)
    judged = driver.task("pvt_niet_voldaan")
    assert (judged.role, judged.form_key) == ("regievoerder", "pvt_niet_voldaan")
    driver.complete("pvt_niet_voldaan", verwijtbaar_niet_voldaan=True)
    assert "pvt_niet_voldaan" not in ids(driver.ready())


# ---- begeleiding and vervolgtraject --------------------------------------------------


def test_the_begeleiding_is_evaluated_until_the_eindgesprek(driver: Driver) -> None:
    driver.start()
    driver.run_until("pip_toelichten")
    driver.complete("pip_toelichten")
    started = driver.clock.now()
    # The inburgering runs meanwhile (its exams not yet taken): its end would send
    # the begeleiding to the eindgesprek.
    exams = {"taal_resultaat"}
    driver.run_until("begeleiding_evalueren", skip=exams)
    assert driver.clock.now() - started >= timedelta(weeks=13)
    driver.complete(
        "begeleiding_evalueren",
        begeleiding_vervolg="doorgaan",
        volgende_evaluatie_datum="2026-12-01",
    )
    driver.run_until("begeleiding_evalueren", skip={"eindgesprek", *exams})
    assert driver.clock.now() >= moment("2026-12-01T00:00:00+01:00")
    assert "eindgesprek" not in ids(driver.ready())
    driver.complete("begeleiding_evalueren", begeleiding_vervolg="eindgesprek")
    assert driver.task("eindgesprek").role == "begeleider"


def test_the_eindgesprek_comes_before_the_begeleiding_ends(driver: Driver) -> None:
    driver.start()
    driver.run_until("eindgesprek")
    assert "begeleiding_afronden" not in ids(driver.ready())
    driver.complete("eindgesprek", uitkomst="afronden")
    driver.complete("begeleiding_afronden")
    assert driver.task("dossier_afsluiten").role == "coordinator"
    driver.complete("dossier_afsluiten")
    assert not {"eindgesprek", "begeleiding_evalueren"} & ids(driver.ready())


@pytest.mark.parametrize(
    ("toestemming", "done", "not_done"),
    [
        (True, "overdracht_uitvoeren", "overdracht_zonder_gegevens"),
        (False, "overdracht_zonder_gegevens", "overdracht_uitvoeren"),
    ],
)
def test_an_overdracht_transfers_data_only_with_consent(
    driver: Driver, toestemming: bool, done: str, not_done: str
) -> None:
    driver.start()
    driver.run_until("eindgesprek")
    driver.complete("eindgesprek", uitkomst="overdragen")
    driver.complete("overdracht_regelen", overdracht_toestemming=toestemming)
    assert done in ids(driver.ready())
    assert not_done not in ids(driver.ready())
    driver.complete(done)
    driver.complete("begeleiding_afronden")
    assert "dossier_afsluiten" in ids(driver.ready())


def test_voortzetten_keeps_the_case_open_with_a_new_review_moment(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("eindgesprek")
    driver.complete("eindgesprek", uitkomst="voortzetten")
    assert driver.task("voortzetting_afspreken").role == "coordinator"
    driver.complete("voortzetting_afspreken", voortzetting_tot="2027-09-01")
    assert not driver.snapshot.completed
    assert "begeleiding_afronden" not in ids(driver.ready())

    # Back in the begeleiding: no second PIP-toelichting; the evaluation comes back
    # on the agreed date.
    driver.run_until("begeleiding_evalueren")
    assert driver.clock.now() >= moment("2027-09-01T00:00:00+02:00")
    assert driver.task("begeleiding_evalueren").phase == "uitvoering"
    assert "pip_toelichten" not in ids(driver.ready())
    driver.complete("begeleiding_evalueren")
    driver.complete("eindgesprek", uitkomst="afronden")
    walk_to_the_end(driver)
    assert driver.snapshot.completed


def test_a_reopened_case_starts_at_a_new_intake(driver: Driver) -> None:
    driver.start(heropend=True, heropen_reden="Terug na een verhuizing")
    assert ids(driver.ready()) == {"intake_gesprek"}
    assert driver.milestones("heropend") == [True]
    assert driver.milestones("pip_termijn") == []

    driver.complete("intake_gesprek", begeleidingsvorm="individueel")
    driver.complete("begeleider_koppelen")
    driver.complete("begeleidingsafspraken")
    assert "pip_toelichten" not in ids(driver.ready())
    seen = walk_to_the_end(driver)
    assert "eindgesprek" in seen
    assert not {"brede_intake_uitnodigen", "ontzorgen_starten", "pvt_workshop"} & set(
        seen
    )
    assert driver.snapshot.completed


def test_a_new_case_is_not_reopened(driver: Driver) -> None:
    driver.start()
    assert driver.milestones("heropend") == [False]


# ---- voortgang, bezwaar, voortraject -------------------------------------------------


def test_the_voortgangsgesprek_follows_the_decision_table_and_can_adjust_the_pip() -> (
    None
):
    # The gemeente sees people on the B1-route every eight weeks.
    files = with_table_cells(
        variant_files(),
        "voortgang_frequentie.dmn",
        {"voortgang_frequentie_b1_weken": "8"},
    )
    driver = Driver(engine.build_version(files), start_clock())
    driver.start()
    driver.run_until("pip_toelichten", {"pip_opstellen": {"leerroute": "b1"}})
    set_at = driver.clock.now()
    driver.clock.set(set_at + timedelta(weeks=8) - timedelta(hours=1))
    driver.fire()
    assert "voortgangsgesprek" not in ids(driver.ready())
    driver.advance(timedelta(hours=2))
    assert driver.task("voortgangsgesprek").role == "regievoerder"
    driver.complete("voortgangsgesprek", pip_aanpassen=True, traject_afronden=False)
    driver.complete("pip_bijstellen")
    driver.advance(timedelta(weeks=8, hours=1))
    driver.complete("voortgangsgesprek", pip_aanpassen=False, traject_afronden=True)
    driver.advance(timedelta(weeks=9))
    assert "voortgangsgesprek" not in ids(driver.ready())


@pytest.mark.parametrize(
    ("overrides", "start", "expected"),
    [
        (
            {"voorbereiding_inburgering": {"juridische_hulp_nodig": True}},
            {},
            True,
        ),
        # A nareiziger is not forced into legal support for a gezinshereniging
        # that already happened: the begeleider asks.
        ({}, {"soort_aanmelding": "gezinshereniging"}, False),
        ({}, {}, False),
    ],
)
def test_juridische_ondersteuning_where_it_applies(
    driver: Driver, overrides: dict, start: dict, expected: bool
) -> None:
    driver.start(**start)
    driver.run_until("voorbereiding_inburgering", overrides)
    driver.complete(
        "voorbereiding_inburgering", **overrides.get("voorbereiding_inburgering", {})
    )
    assert ("juridische_ondersteuning" in ids(driver.ready())) is expected
    assert ("intake_gesprek" in ids(driver.ready())) is not expected


# ---- a gemeente's variant ------------------------------------------------------------


def test_rivierstad_adds_a_taalmaatje_and_sets_five_workshops(
    base_version: engine.DeployedVersion, rivierstad_version: engine.DeployedVersion
) -> None:
    variant = Driver(rivierstad_version, start_clock())
    variant.start(**variant_settings("rivierstad"))
    variant.run_until("taalmaatje_koppelen")
    assert variant.task("taalmaatje_koppelen").role == "coordinator"
    variant.run_until("pvt_workshop")
    names = []
    for _ in range(5):
        names.append(variant.task("pvt_workshop").name)
        variant.complete("pvt_workshop")
    assert names[-1] == "PVT-workshop 5 van 5"
    assert "pvt_ondertekening" in ids(variant.ready())

    assert "taalmaatje_koppelen" in rivierstad_version.user_task_form_keys
    assert "taalmaatje_koppelen" not in base_version.user_task_form_keys
    assert rivierstad_version.content_hash != base_version.content_hash
