"""What v3 of the base trajectory puts right (issue 18), walked on an injected
clock: each test fails on v2."""

from datetime import datetime, timedelta

import pytest

from .conftest import Driver, ids


def moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def finish_the_parts(driver: Driver, *, signed: bool) -> None:
    """Every part of the inburgering done; the PVT signed or not."""
    driver.run_until("pvt_ondertekening")
    driver.complete("pvt_ondertekening", verklaring_ondertekend=signed)
    if not signed:
        driver.complete("pvt_niet_voldaan", verwijtbaar_niet_voldaan=False)
    driver.complete("taal_resultaat")
    driver.complete("knm_resultaat")
    driver.complete("map_resultaat")


# ---- 1. PVT niet voldaan is not "voldaan" ----


@pytest.mark.parametrize(
    ("signed", "uitkomst"), [(True, "voldaan"), (False, "niet_voldaan")]
)
def test_the_inburgering_records_its_outcome_as_what_it_is(
    driver: Driver, signed: bool, uitkomst: str
) -> None:
    driver.start()
    finish_the_parts(driver, signed=signed)
    assert driver.milestones("inburgering_uitkomst") == [uitkomst]


def test_pvt_niet_voldaan_keeps_the_termijn_watched(driver: Driver) -> None:
    driver.start()
    finish_the_parts(driver, signed=False)
    # 26 weeks before the end of the termijn (2029-03-01) the warning still comes.
    driver.clock.set(moment("2028-08-31T00:01:00+02:00"))
    driver.fire()
    assert "inburgeringstermijn_bewaken" in ids(driver.ready())


# ---- 2. the termijn runs out ----


def test_an_unextended_termijn_gives_the_gemeente_the_duo_signal_due_at_its_end(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("taal_resultaat")
    driver.clock.set(moment("2028-08-31T00:01:00+02:00"))
    driver.fire()
    driver.complete("inburgeringstermijn_bewaken", termijn_verlengen=False)
    signal = driver.task("termijn_verstreken_signaleren")
    assert (signal.role, signal.form_key) == ("regievoerder", "termijn_verstreken")
    assert str(signal.due) == "2029-03-01", "due at the end of the termijn"
    driver.complete(
        "termijn_verstreken_signaleren",
        duo_signaal_datum="2029-03-02",
        duo_signaal_open=["leerroute"],
    )
    assert "termijn_verstreken_signaleren" not in ids(driver.ready())


def test_a_plicht_met_in_time_needs_no_signal(driver: Driver) -> None:
    driver.start()
    driver.run_until("pvt_workshop")
    driver.clock.set(moment("2028-08-31T00:01:00+02:00"))
    driver.fire()
    driver.complete("inburgeringstermijn_bewaken", termijn_verlengen=False)
    assert "termijn_verstreken_signaleren" in ids(driver.ready())
    finish_the_parts(driver, signed=True)
    assert "termijn_verstreken_signaleren" not in ids(driver.ready())


def test_a_finished_inburgering_is_not_signalled(driver: Driver) -> None:
    driver.start()
    finish_the_parts(driver, signed=True)
    driver.clock.set(moment("2029-03-02T00:00:00+01:00"))
    driver.fire()
    assert not {"inburgeringstermijn_bewaken", "termijn_verstreken_signaleren"} & ids(
        driver.ready()
    )


# ---- 3. each leerroute its own elements ----


def test_the_z_route_has_no_knm_exam(driver: Driver) -> None:
    driver.start()
    driver.run_until("z_route_voortgang", {"pip_opstellen": {"leerroute": "z"}})
    assert "knm_resultaat" not in ids(driver.ready())
    driver.complete("z_route_voortgang", z_participatie_uren=1600)
    driver.complete("map_resultaat")
    driver.run_until("pvt_ondertekening")
    driver.complete("pvt_ondertekening")
    assert driver.milestones("inburgering_uitkomst") == ["voldaan"]
    assert driver.milestones("knm_uitslag") == []


def test_afgeschaald_goes_on_with_the_exams_at_a2(driver: Driver) -> None:
    driver.start()
    driver.run_until("taal_resultaat")
    driver.complete("taal_resultaat", taal_uitslag="afgeschaald")
    assert "taal_resultaat" in ids(driver.ready()), "the B1-route goes on, at A2"
    driver.complete("taal_resultaat", taal_uitslag="behaald")
    assert "taal_resultaat" not in ids(driver.ready())


def test_moving_to_the_z_route_follows_that_route(driver: Driver) -> None:
    driver.start()
    driver.run_until("taal_resultaat")
    driver.complete("taal_resultaat", taal_uitslag="z_route")
    assert "taal_resultaat" not in ids(driver.ready())
    assert "z_route_voortgang" in ids(driver.ready())
    assert driver.milestones("leerroute")[-1] == "z"


# ---- 6. the escalation goes above the regievoerder ----


def test_a_late_pip_goes_to_the_teamleider_and_the_mb_coordinator_is_told(
    driver: Driver,
) -> None:
    driver.start(datum_binnenkomst="2026-01-05")  # deadline 2026-03-16
    driver.run_until("brede_intake")
    driver.clock.set(moment("2026-03-16T00:01:00+01:00"))
    driver.fire()
    escalation = driver.task("pip_termijn_verstreken")
    assert escalation.role == "teamleider"
    told = driver.task("pip_te_laat_mb")
    assert (told.role, told.form_key) == ("coordinator", "pip_te_laat_mb")
    warning = driver.task("pip_termijn_waarschuwing")
    assert warning.role == "regievoerder", "the warning stays with the regievoerder"


# ---- 5. bezwaar is the statushouder's right against the gemeente's besluit ----

MB_START = {"huisvesting_inschrijvingen", "financien_regelen"}


def test_the_gemeente_records_a_bezwaar_against_the_pip_without_the_mb(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("pip_vaststellen", skip=MB_START)
    driver.complete("pip_vaststellen", beschikking_datum="2026-03-02")
    assert MB_START <= ids(driver.ready()), "the MB has not even started"
    received = driver.task("bezwaar_ontvangen")
    assert (received.role, received.name) == ("regievoerder", "Bezwaar tegen het PIP?")
    assert str(received.due) == "2026-04-13", "six weeks from the besluit"
    driver.complete(
        "bezwaar_ontvangen",
        bezwaar_ingediend=True,
        bezwaarschrift_datum="2026-04-10",
    )
    decide = driver.task("bezwaar_behandelen")
    assert decide.role == "teamleider", "not the regievoerder who took the besluit"
    assert str(decide.due) == "2026-05-25", "six weeks after the bezwaartermijn"
    assert driver.milestones("bezwaar")[-1].startswith("2026-05-25")
    driver.complete("bezwaar_behandelen", bezwaar_uitkomst="gegrond")
    assert driver.task("besluit_herzien").role == "regievoerder"


def test_without_a_bezwaar_the_task_closes_after_the_term(driver: Driver) -> None:
    driver.start()
    driver.run_until("pip_vaststellen", skip=MB_START)
    driver.complete("pip_vaststellen", beschikking_datum="2026-03-02")
    # six weeks, and a week for a bezwaar posted in time (2026-04-20)
    driver.clock.set(moment("2026-04-19T23:00:00+02:00"))
    driver.fire()
    assert "bezwaar_ontvangen" in ids(driver.ready())
    driver.advance(timedelta(hours=2))
    assert "bezwaar_ontvangen" not in ids(driver.ready())


def test_a_bijstelling_of_the_pip_can_be_objected_to(driver: Driver) -> None:
    driver.start()
    driver.run_until("voortgangsgesprek", skip={"bezwaar_ontvangen"})
    driver.complete("voortgangsgesprek", pip_aanpassen=True, traject_afronden=False)
    driver.complete("pip_bijstellen", bijstelling_datum="2026-06-01")
    names = {t.name for t in driver.ready() if t.bpmn_id == "bezwaar_ontvangen"}
    assert "Bezwaar tegen de bijstelling van het PIP?" in names


@pytest.mark.parametrize("verwijtbaar", [True, False])
def test_verwijtbaar_niet_voldaan_can_be_objected_to(
    driver: Driver, verwijtbaar: bool
) -> None:
    driver.start()
    driver.run_until("pvt_ondertekening", skip={"bezwaar_ontvangen"})
    driver.complete("pvt_ondertekening", verklaring_ondertekend=False)
    driver.complete(
        "pvt_niet_voldaan",
        pvt_niet_voldaan_datum="2026-09-01",
        verwijtbaar_niet_voldaan=verwijtbaar,
    )
    names = {t.name for t in driver.ready() if t.bpmn_id == "bezwaar_ontvangen"}
    expected = "Bezwaar tegen verwijtbaar niet voldaan aan het PVT?"
    assert (expected in names) is verwijtbaar


def stay_away_until(driver: Driver, bpmn_id: str) -> None:
    """The statushouder does not come to the brede intake until ``bpmn_id``."""
    driver.run_until("brede_intake_uitnodigen", skip=MB_START)
    while bpmn_id not in ids(driver.ready()):
        driver.complete("brede_intake_uitnodigen", brede_intake_verschenen=False)
        if "handhaving_waarschuwing" in ids(driver.ready()):
            driver.complete("handhaving_waarschuwing", handhaving_datum="2026-01-20")


def test_a_boete_opens_bezwaar_without_holding_up_the_brede_intake(
    driver: Driver,
) -> None:
    driver.start()
    stay_away_until(driver, "handhaving_boete")
    driver.complete("handhaving_boete", handhaving_datum="2026-02-02")
    received = driver.task("bezwaar_ontvangen")
    assert (received.role, received.name) == ("regievoerder", "Bezwaar tegen de boete?")
    assert str(received.due) == "2026-03-16", "six weeks from the boetebesluit"
    # The third invitation is out at once: the brede intake does not wait 7 weeks.
    driver.complete("brede_intake_uitnodigen", brede_intake_verschenen=True)
    assert "brede_intake" in ids(driver.ready())
    driver.complete(
        "bezwaar_ontvangen", bezwaar_ingediend=True, bezwaarschrift_datum="2026-03-01"
    )
    decide = driver.task("bezwaar_behandelen")
    assert decide.role == "teamleider", "not the regievoerder who imposed the boete"
    assert str(decide.due) == "2026-04-27", "six weeks after the bezwaartermijn"
    assert decide.name == "Beslissen op bezwaar tegen de boete"
    # The PIP goes on meanwhile, and brings its own bezwaar.
    driver.run_until("pip_vaststellen", skip=MB_START | {"bezwaar_behandelen"})
    driver.complete("pip_vaststellen", beschikking_datum="2026-03-02")
    names = {t.name for t in driver.ready() if t.bpmn_id == "bezwaar_ontvangen"}
    assert names == {"Bezwaar tegen het PIP?"}
    assert "bezwaar_behandelen" in ids(driver.ready()), "still the teamleider's"


def test_each_boete_has_its_own_bezwaar_term(driver: Driver) -> None:
    driver.start()
    stay_away_until(driver, "handhaving_boete")
    driver.complete("handhaving_boete", handhaving_datum="2026-02-02")
    driver.complete("brede_intake_uitnodigen", brede_intake_verschenen=False)
    driver.complete("handhaving_tweede_boete", handhaving_datum="2026-02-23")
    received = {
        t.name: str(t.due) for t in driver.ready() if t.bpmn_id == "bezwaar_ontvangen"
    }
    assert received == {
        "Bezwaar tegen de boete?": "2026-03-16",
        "Bezwaar tegen de tweede boete?": "2026-04-06",
    }
    assert "pip_opstellen" in ids(driver.ready()), "the PIP without input goes on"
    # No bezwaar against either: each task closes a week after its own term.
    driver.clock.set(moment("2026-03-24T00:01:00+01:00"))
    driver.fire()
    received_after = {
        t.name for t in driver.ready() if t.bpmn_id == "bezwaar_ontvangen"
    }
    assert received_after == {"Bezwaar tegen de tweede boete?"}


# ---- 8. the evaluation adjusts the offer ----


@pytest.mark.parametrize(
    ("voldoet", "adjusted"), [("ja", False), ("bijgesteld", True), ("niet", True)]
)
def test_an_offer_that_no_longer_fits_is_adjusted(
    driver: Driver, voldoet: str, adjusted: bool
) -> None:
    driver.start()
    # The inburgering still runs (its exams not yet taken).
    driver.run_until("begeleiding_evalueren", skip={"taal_resultaat"})
    driver.complete(
        "begeleiding_evalueren", begeleiding_vervolg="doorgaan", aanbod_voldoet=voldoet
    )
    assert ("aanbod_bijstellen" in ids(driver.ready())) is adjusted
    if adjusted:
        assert driver.task("aanbod_bijstellen").role == "coordinator"


# ---- 8. the eindgesprek at the end of the inburgering ----


@pytest.mark.parametrize("signed", [True, False])
def test_the_end_of_the_inburgering_brings_the_begeleiding_to_the_eindgesprek(
    driver: Driver, signed: bool
) -> None:
    """003: "Bij beëindiging van het inburgeringstraject heeft VluchtelingenWerk een
    gesprek met de nieuwkomer", whatever the outcome, without waiting for the
    begeleider's next evaluation."""
    driver.start()
    driver.run_until("pip_toelichten")
    assert "eindgesprek" not in ids(driver.ready())
    finish_the_parts(driver, signed=signed)
    ready = ids(driver.ready())
    assert "eindgesprek" in ready
    assert driver.task("eindgesprek").role == "begeleider"
    # The begeleiding's open steps fall away: the eindgesprek replaces them.
    assert not {"pip_toelichten", "begeleiding_evalueren"} & ready


def test_an_eindgesprek_the_begeleider_chose_is_not_doubled_by_the_end(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("begeleiding_evalueren", skip={"taal_resultaat"})
    driver.complete("begeleiding_evalueren", begeleiding_vervolg="eindgesprek")
    assert "eindgesprek" in ids(driver.ready())
    # The last part of the inburgering ends it while the eindgesprek waits.
    assert driver.milestones("inburgering_uitkomst") == []
    driver.complete("taal_resultaat")
    assert driver.milestones("inburgering_uitkomst") == ["voldaan"]
    assert [t.bpmn_id for t in driver.ready()].count("eindgesprek") == 1


def test_without_an_inburgering_the_begeleider_chooses_the_eindgesprek(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until(
        "begeleiding_evalueren",
        {"pip_opstellen": {"inburgeringsplicht_besluit": "ontheffing"}},
    )
    assert "eindgesprek" not in ids(driver.ready())


# ---- 9. kinderopvang arranged ----


def test_kinderopvang_found_needed_at_the_brede_intake_is_arranged_by_the_gemeente(
    driver: Driver,
) -> None:
    """002 "Regel kinderopvang"; 003 kinderopvang and lestijden as points that
    matter for the newcomer's programme: what the brede intake finds needed becomes
    a task once the PIP is set."""
    driver.start()
    driver.run_until("pip_vaststellen", {"brede_intake": {"kinderopvang_nodig": True}})
    assert "kinderopvang_regelen" not in ids(driver.ready())
    driver.complete("pip_vaststellen")
    task = driver.task("kinderopvang_regelen")
    assert (task.role, task.form_key) == ("regievoerder", "kinderopvang_regelen")
    assert task.due is not None
    driver.complete("kinderopvang_regelen", kinderopvang_geregeld="ja")
    assert "kinderopvang_regelen" not in ids(driver.ready())


@pytest.mark.parametrize("overrides", [{"kinderopvang_nodig": False}, None])
def test_no_kinderopvang_task_when_it_is_not_needed_or_not_known(
    driver: Driver, overrides: dict | None
) -> None:
    """Not needed, or no brede intake (a PIP set without the statushouder's input)."""
    driver.start()
    if overrides is None:
        driver.run_until(
            "pip_opstellen",
            {"brede_intake_uitnodigen": {"brede_intake_verschenen": False}},
        )
    else:
        driver.run_until("pip_opstellen", {"brede_intake": overrides})
    driver.complete("pip_opstellen")
    driver.complete("pip_vaststellen")
    assert "kinderopvang_regelen" not in ids(driver.ready())
    assert "bezwaar_ontvangen" in ids(driver.ready()), "the PIP was set"


# ---- Missing: the begeleider asks for a PIP-bijstelling ----


def test_the_begeleider_asks_the_regievoerder_to_adjust_the_pip(driver: Driver) -> None:
    driver.start()
    driver.run_until("begeleiding_evalueren", skip={"taal_resultaat"})
    driver.complete(
        "begeleiding_evalueren",
        begeleiding_vervolg="doorgaan",
        pip_past_nog=False,
        pip_bijstelling_reden="Werk gevonden: de lestijden passen niet meer",
    )
    request = driver.task("pip_bijstelling_verzoek")
    assert (request.role, request.form_key) == (
        "regievoerder",
        "pip_bijstelling_verzoek",
    )
    assert request.due is not None
    driver.complete(
        "pip_bijstelling_verzoek",
        bijstelling_verzoek_besluit="bijstellen",
        bijstelling_verzoek_toelichting="Bij het volgende voortgangsgesprek",
    )
    assert "pip_bijstelling_verzoek" not in ids(driver.ready())
    # The begeleiding goes on to its next evaluation.
    driver.run_until("begeleiding_evalueren", skip={"taal_resultaat"})


def test_no_request_no_task_for_the_regievoerder(driver: Driver) -> None:
    driver.start()
    driver.run_until("begeleiding_evalueren", skip={"taal_resultaat"})
    driver.complete("begeleiding_evalueren", begeleiding_vervolg="doorgaan")
    assert "pip_bijstelling_verzoek" not in ids(driver.ready())


# ---- Missing: the start of the inburgering and the directe omgeving as MB steps ----


def test_after_the_toelichting_the_begeleider_helps_start_the_inburgering(
    driver: Driver,
) -> None:
    """001 "Hulp bij start inburgering" and "kennismaken met lokale organisaties";
    003 "wegwijs maken in de directe omgeving": steps with what was done."""
    driver.start()
    driver.run_until("pip_toelichten")
    assert not {"inburgering_start_helpen", "kennismaken_omgeving"} & ids(
        driver.ready()
    )
    driver.complete("pip_toelichten")
    start = driver.task("inburgering_start_helpen")
    assert (start.role, start.form_key) == ("begeleider", "inburgering_start_helpen")
    driver.complete("inburgering_start_helpen", inburgering_inschrijving="ingeschreven")
    visit = driver.task("kennismaken_omgeving")
    assert (visit.role, visit.form_key) == ("begeleider", "kennismaken_omgeving")
    driver.complete("kennismaken_omgeving", omgeving_bezocht=["bibliotheek"])
    assert not {"inburgering_start_helpen", "kennismaken_omgeving"} & ids(
        driver.ready()
    )
