"""Registering a statushouder from another system (the API, a COA file): the same
validation as the aanmelding form, once per sender's reference."""

from typing import Any

import pytest

from webui.cases.models import Case, Registration
from webui.casework.services import register

pytestmark = pytest.mark.django_db


def answers(**overrides: Any) -> dict[str, Any]:
    return {
        "voornaam": "Testa",
        "achternaam": "Persoon",
        "geboortedatum": "1990-04-01",
        "bsn": "111222333",
        "herkomstland": "Eritrea",
        "gezinsgrootte": 3,
        "soort_aanmelding": "asiel",
        "aangemeld_door": "coa",
        "koppeling_datum": "2026-01-05",
        "datum_binnenkomst": "2026-01-20",
        **overrides,
    }


def test_an_aanmelding_registers_the_statushouder_once_per_reference(world):
    first = register(
        organisation=world.polderdam,
        answers=answers(),
        sender="coa",
        reference="TVS-1",
        actor=None,
        clock=world.clock,
    )
    assert first.status == "created"
    assert first.case.client_naam == "Testa Persoon"
    again = register(
        organisation=world.polderdam,
        answers=answers(),
        sender="coa",
        reference="TVS-1",
        actor=None,
        clock=world.clock,
    )
    assert again.status == "known"
    assert again.case == first.case
    assert Case.objects.count() == 1


def test_the_same_reference_with_other_answers_is_a_conflict(world):
    register(
        organisation=world.polderdam,
        answers=answers(),
        sender="coa",
        reference="TVS-1",
        actor=None,
        clock=world.clock,
    )
    other = register(
        organisation=world.polderdam,
        answers=answers(voornaam="Anders"),
        sender="coa",
        reference="TVS-1",
        actor=None,
        clock=world.clock,
    )
    assert other.refused and other.conflict
    assert "referentie" in other.errors
    assert Case.objects.count() == 1


def test_a_wrong_bsn_an_unknown_field_and_a_missing_date_are_named(world):
    outcome = register(
        organisation=world.polderdam,
        answers=answers(bsn="123456789", kleur="blauw", koppeling_datum=None),
        sender="coa",
        reference="TVS-2",
        actor=None,
        clock=world.clock,
    )
    assert outcome.refused and not outcome.conflict
    assert "elfproef" in " ".join(outcome.errors["bsn"])
    assert "kleur" in outcome.errors
    assert "koppeling_datum" in outcome.errors
    assert not Case.objects.exists() and not Registration.objects.exists()


def test_an_mb_organisation_registers_for_the_gemeente_it_works_for(world):
    mb = world.mb["polderdam"]
    outcome = register(
        organisation=mb,
        answers=answers(),
        sender="mb",
        reference="X-1",
        actor=None,
        clock=world.clock,
    )
    assert outcome.status == "created"
    assert outcome.case.gemeente == world.polderdam
    assert outcome.case.mb_organisation == mb
    refused = register(
        organisation=mb,
        answers=answers(),
        sender="mb",
        reference="X-2",
        actor=None,
        gemeente=world.rivierstad,
        clock=world.clock,
    )
    assert refused.refused and "gemeente" in refused.errors


def test_a_dry_run_stores_nothing(world):
    outcome = register(
        organisation=world.polderdam,
        answers=answers(),
        sender="coa",
        reference="TVS-3",
        actor=None,
        dry_run=True,
        clock=world.clock,
    )
    assert outcome.status == "created" and outcome.case is None
    assert not Case.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_aanmelding_sent_twice_at_once_makes_one_case(world):
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    outcomes = []

    def send() -> None:
        try:
            barrier.wait()
            outcomes.append(
                register(
                    organisation=world.polderdam,
                    answers=answers(),
                    sender="coa",
                    reference="TVS-race",
                    actor=None,
                    clock=world.clock,
                )
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o.status for o in outcomes) == ["created", "known"]
    assert outcomes[0].case == outcomes[1].case
    assert Case.objects.count() == 1 and Registration.objects.count() == 1


# What one registration may cost in statements (issue 20: POST aanmelding p95 ≤ 100 ms
# at 100,000 cases, a 5,000-row COA file in ≤ 60 s). Counted with the world's
# gemeente: the repeat check, the version in use (read once: the validation and the
# start share it), the MB organisations, then in one transaction the case, its
# state, milestone, task rows (one INSERT for all; a new case has none to read),
# reference, start submission, sender's reference, zaaksysteem check, audit event and
# outbox event.
# A dry run reads the repeat check and the version in use, nothing more. A change
# that adds a read per registration fails here; raise the figure only with a reason.
REGISTRATION_STATEMENTS = 15
DRY_RUN_STATEMENTS = 2


def test_one_registration_costs_a_fixed_number_of_statements(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def send(reference: str, **extra: Any) -> Any:
        return register(
            organisation=world.polderdam,
            answers=answers(achternaam=reference),
            sender="coa",
            reference=reference,
            actor=None,
            clock=world.clock,
            **extra,
        )

    assert send("TVS-warm").status == "created"  # caches filled: the steady state
    with CaptureQueriesContext(connection) as dry:
        assert send("TVS-dry", dry_run=True).status == "created"
    with CaptureQueriesContext(connection) as made:
        outcome = send("TVS-count")
    assert outcome.status == "created"
    assert len(dry) <= DRY_RUN_STATEMENTS
    assert len(made) <= REGISTRATION_STATEMENTS
