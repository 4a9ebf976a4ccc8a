"""Correcting datum_binnenkomst outside the diagram (issue 18, item 4): the PIP
deadline, its warning and the escalation move with it, on an injected clock."""

from datetime import date, datetime

import pytest

import engine
from engine.corrections import CorrectionRefused, correct_value

from .conftest import Driver, ids


def moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


def correct(driver: Driver, name: str, value: str) -> engine.corrections.Corrected:
    corrected = correct_value(
        driver.version, driver.state, name, value, clock=driver.clock
    )
    driver._keep(corrected.snapshot)
    return corrected


def test_a_later_binnenkomst_moves_the_pip_deadline_its_warning_and_due_dates(
    driver: Driver,
) -> None:
    driver.start(datum_binnenkomst="2026-01-05")
    assert driver.task("brede_intake_uitnodigen").due == date(2026, 3, 16)
    corrected = correct(driver, "datum_binnenkomst", "2026-03-02")
    assert corrected.changed["pip_deadline"][1].startswith("2026-05-11")
    assert corrected.rerun == ("termijnen_berekenen",)
    assert {t.bpmn_id: t.after.date() for t in corrected.moved} == {
        "pip_waarschuwing": date(2026, 4, 26),  # 00:00 Dutch time, in UTC
        "pip_termijn_verlopen": date(2026, 5, 10),
    }
    assert not any(t.passed for t in corrected.moved)
    # The case record's deadline moves with it (milestone pip_termijn).
    assert driver.milestones("pip_termijn")[-1].startswith("2026-05-11")
    assert driver.task("brede_intake_uitnodigen").due == date(2026, 5, 11)
    # The old warning date passes quietly; the new one warns.
    driver.clock.set(moment("2026-03-03T09:00:00+01:00"))
    driver.fire()
    assert "pip_termijn_waarschuwing" not in ids(driver.ready())
    driver.clock.set(moment("2026-04-27T09:00:00+02:00"))
    driver.fire()
    assert "pip_termijn_waarschuwing" in ids(driver.ready())
    assert "pip_termijn_verstreken" not in ids(driver.ready())


def test_an_earlier_binnenkomst_whose_deadline_has_passed_escalates_at_once(
    driver: Driver,
) -> None:
    driver.start(datum_binnenkomst="2026-01-05")
    driver.clock.set(moment("2026-03-03T09:00:00+01:00"))
    driver.fire()
    assert "pip_termijn_waarschuwing" in ids(driver.ready())
    corrected = correct(driver, "datum_binnenkomst", "2025-12-01")
    (escalation,) = corrected.moved
    assert escalation.bpmn_id == "pip_termijn_verlopen"
    assert escalation.after.date() == date(2026, 2, 8)
    assert escalation.passed, "the corrected deadline lies in the past"
    assert corrected.fired_before == ("Waarschuwing",)
    assert {"pip_termijn_verstreken", "pip_te_laat_mb"} <= ids(driver.ready())


def test_a_gemeente_that_counts_from_the_koppeling_keeps_its_deadline(
    driver: Driver,
) -> None:
    driver.start(instelling_pip_start="koppeling", datum_binnenkomst="2026-01-05")
    corrected = correct(driver, "datum_binnenkomst", "2026-03-02")
    assert set(corrected.changed) == {"datum_binnenkomst"}
    assert corrected.moved == ()
    assert driver.task("brede_intake_uitnodigen").due == date(2026, 3, 16)


def test_the_corrected_date_survives_later_steps(driver: Driver) -> None:
    driver.start(datum_binnenkomst="2026-01-05")
    correct(driver, "datum_binnenkomst", "2026-03-02")
    driver.run_until("pip_vaststellen")
    assert driver.task("pip_vaststellen").due == date(2026, 5, 11)


@pytest.mark.parametrize(
    ("name", "value", "says"),
    [
        ("datum_binnenkomst", "2026-01-05", "dezelfde"),
        ("sleuteloverdracht_datum", "2026-02-01", "geen waarde"),
    ],
)
def test_a_correction_that_changes_nothing_is_refused(
    driver: Driver, name: str, value: str, says: str
) -> None:
    driver.start(datum_binnenkomst="2026-01-05")
    with pytest.raises(CorrectionRefused, match=says):
        correct(driver, name, value)


def test_a_corrected_start_of_the_termijn_moves_its_end_and_warning(
    driver: Driver,
) -> None:
    driver.start()
    driver.run_until("taal_resultaat")
    corrected = correct(driver, "inburgeringsplicht_start", "2026-06-01")
    assert corrected.changed["inburgeringstermijn_einde"][1].startswith("2029-06-01")
    assert [t.bpmn_id for t in corrected.moved] == ["termijn_waarschuwing"]
    driver.clock.set(moment("2028-09-01T09:00:00+02:00"))
    driver.fire()
    assert "inburgeringstermijn_bewaken" not in ids(driver.ready())


def test_a_step_that_builds_on_its_own_result_is_not_recomputed(
    driver: Driver,
) -> None:
    """An extended termijn (einde = einde + verlenging) cannot be recomputed from
    its start: the correction refuses rather than lose the extension."""
    driver.start()
    driver.run_until("taal_resultaat")
    driver.clock.set(moment("2028-08-31T00:01:00+02:00"))
    driver.fire()
    driver.complete("inburgeringstermijn_bewaken", termijn_verlengen=True)
    driver.complete("inburgeringstermijn_verlengen")
    with pytest.raises(CorrectionRefused, match="eerdere uitkomst"):
        correct(driver, "inburgeringsplicht_start", "2026-06-01")
