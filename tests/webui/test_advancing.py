"""One way to advance a case: whoever moves it — a completion, the timer sweep, a
migration, a reopen — and someone else changes it while the engine runs, the same
thing happens: the work is redone on the case as it is now, never stored over the
other change; when the case keeps changing, nothing is saved and the user is told."""

from collections.abc import Callable
from datetime import timedelta

from django.db.models import F

import pytest

from engine import ManualClock
from webui.cases.models import Case, CaseMigration
from webui.casework.services import (
    CaseConflict,
    CaseError,
    advancing,
    case_migrate,
    case_reopen,
    task_complete,
    timers_run,
)
from webui.logs.models import AuditEvent
from webui.tasks.models import TaskItem

from ..conftest import World, state_of
from .test_migration import v2_without_legal_help_and_renamed_afspraken

Change = Callable[[], object]


@pytest.fixture
def meanwhile(monkeypatch) -> list[Change]:
    """Changes that land on a case after the engine ran and before the case is
    locked: the moment another user's save comes first. One per lock, in order."""
    changes: list[Change] = []
    lock = advancing.case_lock

    def locked_after_the_change(case: Case, advance: advancing.Advance) -> Case | None:
        if changes:
            changes.pop(0)()
        return lock(case, advance)

    monkeypatch.setattr(advancing, "case_lock", locked_after_the_change)
    return changes


def completes(world: World, case: Case, bpmn_id: str) -> Change:
    """Another user completes ``bpmn_id`` of the case."""
    return lambda: world.complete(case, bpmn_id)


def another_save(case: Case) -> Change:
    """Someone else stores the case (its stamp moves on)."""
    return lambda: Case.objects.filter(pk=case.pk).update(
        lock_version=F("lock_version") + 1
    )


def open_ids(world: World, case: Case) -> set[str]:
    return {i.bpmn_id for i in world.open_tasks(case)}


def done_by(case: Case, bpmn_id: str) -> str:
    item = TaskItem.objects.get(case=case, bpmn_id=bpmn_id)
    return f"{item.state}:{item.completed_by.username}"


def test_a_completion_that_loses_the_race_is_redone_on_the_other_completion(
    world: World, meanwhile: list[Change]
) -> None:
    case = world.start()
    meanwhile.append(completes(world, case, "huisvesting_inschrijvingen"))

    world.complete(case, "brede_intake_uitnodigen")

    assert done_by(case, "huisvesting_inschrijvingen") == "done:begeleider.polderdam"
    assert done_by(case, "brede_intake_uitnodigen") == "done:regievoerder.polderdam"
    opened = open_ids(world, case)
    assert "brede_intake" in opened, "our completion moved the case"
    assert "huisvesting_inschrijvingen" not in opened, "theirs was not undone"
    assert Case.objects.get(pk=case.pk).lock_version == 2
    assert AuditEvent.objects.filter(case=case, event="task_completed").count() == 2


def test_a_timer_sweep_that_loses_the_race_fires_on_the_other_completion(
    world: World, meanwhile: list[Change]
) -> None:
    case = world.run_until(world.start(), "brede_intake")
    # The regievoerder's click, a moment before the deadline (a completion fires
    # what is due itself).
    item = next(i for i in world.open_tasks(case) if i.bpmn_id == "ontzorgen_starten")
    before = ManualClock(world.clock.now())
    meanwhile.append(
        lambda: task_complete(
            task_id=item.task_id,
            user=world.who("regievoerder", world.polderdam),
            cleaned_data=world.answers(item),
            clock=before,
        )
    )
    world.clock.advance(timedelta(weeks=11))  # past the PIP deadline

    assert timers_run(clock=world.clock) == 1

    assert done_by(case, "ontzorgen_starten") == "done:regievoerder.polderdam"
    opened = open_ids(world, case)
    assert {"pip_termijn_waarschuwing", "pip_termijn_verstreken"} <= opened
    assert "ontzorgen_starten" not in opened
    assert AuditEvent.objects.filter(case=case, event="timers_fired").count() == 1


def test_a_migration_that_loses_the_race_moves_the_case_as_it_is_now(
    world: World, meanwhile: list[Change]
) -> None:
    case = world.coupled()  # waits at 'Begeleiding afspreken', the regie track runs
    changed = v2_without_legal_help_and_renamed_afspraken(world)
    meanwhile.append(completes(world, case, "brede_intake"))

    result = case_migrate(case_id=case.pk, target=changed, user=None, clock=world.clock)

    assert result.ok, result.reasons
    case.refresh_from_db()
    assert case.version == changed
    assert done_by(case, "brede_intake") == "done:regievoerder.polderdam"
    opened = open_ids(world, case)
    assert "brede_intake" not in opened and "begeleidingsafspraken" in opened
    [migration] = CaseMigration.objects.filter(case=case)
    assert migration.lock_version_after == case.lock_version, "revertible"


def test_two_reopens_at_once_reopen_the_case_once(
    world: World, meanwhile: list[Change]
) -> None:
    case = world.run_to_end(world.coupled())
    other = world.user("coordinator2.polderdam", world.polderdam, "coordinator")
    closed = Case.objects.get(pk=case.pk)
    meanwhile.append(
        lambda: case_reopen(
            case=Case.objects.get(pk=case.pk),
            user=other,
            reason="Nieuwe hulpvraag",
            clock=world.clock,
        )
    )

    with pytest.raises(CaseError, match="niet afgesloten"):
        case_reopen(
            case=closed,
            user=world.who("coordinator", world.polderdam),
            reason="Nieuwe hulpvraag",
            clock=world.clock,
        )

    [reopened] = AuditEvent.objects.filter(case=case, event="case_reopened")
    assert reopened.user == other
    assert open_ids(world, case) == {"intake_gesprek"}


@pytest.mark.parametrize("path", ["completion", "timers", "migration", "reopen"])
def test_a_case_that_keeps_changing_is_left_alone_and_the_user_told(
    world: World, meanwhile: list[Change], path: str
) -> None:
    user = world.who("coordinator", world.polderdam)
    if path == "reopen":
        case = world.run_to_end(world.coupled())
    else:
        case = world.coupled()
    changed = v2_without_legal_help_and_renamed_afspraken(world)
    world.clock.advance(timedelta(weeks=11))  # the PIP deadline's timers are due
    case = Case.objects.get(pk=case.pk)
    state, tasks = state_of(case), open_ids(world, case)
    events = AuditEvent.objects.filter(case=case).count()
    meanwhile.extend(another_save(case) for _ in range(advancing.ATTEMPTS))

    if path == "completion":
        with pytest.raises(CaseConflict, match="Er is niets opgeslagen"):
            world.complete(case, "brede_intake")
    elif path == "timers":
        assert timers_run(clock=world.clock) == 0
    elif path == "migration":
        result = case_migrate(case_id=case.pk, target=changed, user=user)
        assert result.reasons == (
            "het dossier werd tegelijk bijgewerkt; probeer het opnieuw",
        )
    else:
        with pytest.raises(CaseConflict, match="Er is niets opgeslagen"):
            case_reopen(case=case, user=user, reason="Terug", clock=world.clock)

    assert not meanwhile, "the work was tried again each time"
    after = Case.objects.get(pk=case.pk)
    assert after.lock_version == case.lock_version + advancing.ATTEMPTS
    assert (state_of(after), open_ids(world, after)) == (state, tasks)
    assert AuditEvent.objects.filter(case=case).count() == events
