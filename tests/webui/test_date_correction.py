"""The regievoerder corrects a wrongly entered datum_binnenkomst on the case page
(issue 18, item 4): the PIP deadline, its warning and the due dates move along, the
correction is in the case's history (who, old, new, why), and a deadline that has
passed by the corrected date says so."""

from datetime import UTC, date, datetime

from django.test import Client
from django.urls import reverse

import pytest

from engine import SystemClock
from webui.cases.models import Case
from webui.casework.services import (
    CaseError,
    TaskNotAllowed,
    case_date_correct,
    timers_run,
)
from webui.logs.models import AuditEvent
from webui.tasks.models import TaskItem

from ..conftest import PASSWORD, World

REASON = "Bij de aanmelding geschat; de sleutel is later overgedragen"


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def open_item(case: Case, bpmn_id: str) -> TaskItem:
    return TaskItem.objects.get(case=case, bpmn_id=bpmn_id, state=TaskItem.State.OPEN)


def test_a_corrected_binnenkomst_moves_the_pip_deadline_and_is_audited(
    world: World,
) -> None:
    case = world.start()
    assert case.pip_deadline == date(2026, 3, 16)
    regievoerder = world.who("regievoerder", world.polderdam)
    done = case_date_correct(
        case=case,
        user=regievoerder,
        field="datum_binnenkomst",
        value=date(2026, 3, 2),
        reason=REASON,
        clock=world.clock,
    )
    case.refresh_from_db()
    assert case.pip_deadline == date(2026, 5, 11)
    assert open_item(case, "brede_intake_uitnodigen").due_date == date(2026, 5, 11)
    assert [t.name for t in done.moved] == ["Waarschuwing", "Termijn verstreken"]
    assert not done.passed
    [event] = AuditEvent.objects.filter(case=case, event="date_corrected")
    assert event.user == regievoerder
    assert (event.detail["old"], event.detail["new"]) == ("2026-01-05", "2026-03-02")
    assert event.detail["reason"] == REASON
    # The old warning date passes without a warning.
    world.clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    timers_run(clock=world.clock)
    assert not TaskItem.objects.filter(case=case, bpmn_id="pip_termijn_waarschuwing")

    # The case page shows the correction in its timeline, with who, old, new, why.
    page = client_for("regievoerder.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    html = page.content.decode()
    assert "Datum binnenkomst in de gemeente gecorrigeerd" in html
    assert "05-01-2026" in html and "02-03-2026" in html and REASON in html


def test_only_the_regievoerder_corrects_with_a_reason_on_an_open_case(
    world: World,
) -> None:
    case = world.start()
    url = reverse("cases:date_correct", args=[case.reference])
    detail = reverse("cases:detail", args=[case.reference])
    coordinator = client_for("coordinator.polderdam")
    assert f'href="{url}"' not in coordinator.get(detail).content.decode()
    with pytest.raises(TaskNotAllowed):
        case_date_correct(
            case=case,
            user=world.who("coordinator", world.polderdam),
            field="datum_binnenkomst",
            value=date(2026, 3, 2),
            reason=REASON,
            clock=world.clock,
        )
    regievoerder = client_for("regievoerder.polderdam")
    assert f'href="{url}"' in regievoerder.get(detail).content.decode()
    empty = regievoerder.post(
        url, {"veld": "datum_binnenkomst", "datum": "2026-03-02", "reden": ""}
    )
    assert "Geef een reden voor de correctie." in empty.content.decode()
    same = regievoerder.post(
        url, {"veld": "datum_binnenkomst", "datum": "2026-01-05", "reden": REASON}
    )
    html = same.content.decode()
    assert "dezelfde als de oude" in html and "Er is niets opgeslagen" in html
    assert 'value="2026-01-05"' in html, "the input is kept"
    other = Client()
    assert other.login(username="regievoerder.rivierstad", password=PASSWORD)
    assert other.get(url).status_code == 404
    assert not AuditEvent.objects.filter(case=case, event="date_corrected")
    case.refresh_from_db()
    assert case.pip_deadline == date(2026, 3, 16)


def test_a_closed_case_is_not_corrected(world: World) -> None:
    case = world.run_to_end(world.coupled())
    with pytest.raises(CaseError, match="afgesloten"):
        case_date_correct(
            case=case,
            user=world.who("regievoerder", world.polderdam),
            field="datum_binnenkomst",
            value=date(2026, 3, 2),
            reason=REASON,
            clock=world.clock,
        )


def test_a_correction_after_which_the_deadline_has_passed_says_so(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On 1 June a binnenkomst of 2 March gives a deadline of 11 May: passed. The
    escalation follows at once, and the message says so."""
    case = world.start()
    today = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    world.clock.set(today)
    timers_run(clock=world.clock)  # the warning of the old date (2 March) was given
    assert open_item(case, "pip_termijn_waarschuwing")
    monkeypatch.setattr(SystemClock, "now", lambda self: today)
    url = reverse("cases:date_correct", args=[case.reference])
    response = client_for("regievoerder.polderdam").post(
        url,
        {"veld": "datum_binnenkomst", "datum": "2025-12-01", "reden": REASON},
        follow=True,
    )
    html = response.content.decode()
    assert "met de nieuwe datum is ‘Termijn verstreken’ al verstreken" in html
    assert "Al gegeven op de oude datum en blijft staan: ‘Waarschuwing’" in html
    case.refresh_from_db()
    assert case.pip_deadline == date(2026, 2, 9)
    assert open_item(case, "pip_termijn_verstreken").role == "teamleider"


def test_the_sleuteloverdracht_is_offered_as_binnenkomst(world: World) -> None:
    case = world.start()
    case = world.complete(
        case, "huisvesting_inschrijvingen", sleuteloverdracht_datum=date(2026, 2, 16)
    )
    page = client_for("regievoerder.polderdam").get(
        reverse("cases:date_correct", args=[case.reference])
    )
    html = page.content.decode()
    assert 'value="2026-02-16"' in html and "sleuteloverdracht" in html
