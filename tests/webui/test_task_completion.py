import json
import threading
from datetime import date, timedelta

from django.db import connection

import pytest

from webui.cases.models import Case, Submission
from webui.casework.services import (
    CaseError,
    TaskAlreadyDone,
    TaskNotAllowed,
    task_complete,
)
from webui.logs.models import AuditEvent
from webui.tasks.models import TaskItem

from ..conftest import World, state_of


def test_starting_a_case_starts_the_mb_and_the_regie_track_side_by_side(
    world: World,
) -> None:
    # The PIP clock runs from the arrival in the gemeente, not from the koppeling.
    case = world.start(datum_binnenkomst=date(2025, 12, 29))

    assert case.reference.startswith("WW-2026-")
    assert case.open_phases == ["voortraject", "brede_intake_pip", "ontzorgen"]
    assert case.phase == "voortraject"
    assert case.phase_label == (
        "Voortraject · Brede intake en PIP · Financieel ontzorgen"
    )
    assert str(case.pip_deadline) == "2026-03-09"
    items = {i.bpmn_id: i for i in world.open_tasks(case)}
    assert {(b, i.role, i.assignee) for b, i in items.items()} == {
        ("huisvesting_inschrijvingen", "begeleider", None),
        ("financien_regelen", "begeleider", None),
        ("brede_intake_uitnodigen", "regievoerder", None),
        ("ontzorgen_starten", "regievoerder", None),
    }
    assert str(items["huisvesting_inschrijvingen"].due_date) == "2026-01-19"
    assert str(items["brede_intake_uitnodigen"].due_date) == "2026-03-09"
    assert "spec" not in json.loads(state_of(case)), (
        "diagram specs belong to the version, not the case"
    )


def test_start_form_personal_data_stays_out_of_the_engine(world: World) -> None:
    case = world.start()
    state = state_of(case)
    assert "111222333" not in state and "Testa" not in state
    start = case.submissions.get()
    assert start.data["bsn"] == "111222333" and start.data["voornaam"] == "Testa"


def test_koppelen_assigns_the_begeleider_tasks_to_the_vaste_begeleider(
    world: World,
) -> None:
    case = world.start()
    # Until a vaste begeleider is coupled, the MB tasks are the pool's.
    assert all(
        i.assignee is None for i in world.open_tasks(case) if i.role == "begeleider"
    )
    case = world.run_until(case, "intake_gesprek")
    case = world.complete(case, "intake_gesprek", begeleidingsvorm="individueel")
    (koppelen,) = [i for i in world.open_tasks(case) if i.role == "coordinator"]
    assert (koppelen.bpmn_id, koppelen.assignee) == ("begeleider_koppelen", None)

    case = world.complete(case, "begeleider_koppelen")

    begeleider = world.who("begeleider", world.polderdam)
    assert case.begeleider == begeleider
    assert case.phase == "intake_mb"
    items = world.open_tasks(case)
    assert {i.bpmn_id for i in items if i.role == "begeleider"} == {
        "begeleidingsafspraken"
    }
    assert all(i.assignee == begeleider for i in items if i.role == "begeleider")
    # The gemeente's track is not the begeleider's.
    assert all(i.assignee != begeleider for i in items if i.role == "regievoerder")
    case = world.run_until(case, "pip_toelichten", max_steps=60)
    (toelichten,) = [i for i in world.open_tasks(case) if i.bpmn_id == "pip_toelichten"]
    assert toelichten.assignee == begeleider


def test_completion_moves_the_case_and_records_submission_and_audit(
    world: World,
) -> None:
    case = world.run_until(world.start(), "intake_gesprek")
    case = world.complete(case, "intake_gesprek", begeleidingsvorm="individueel")
    before = case.lock_version
    audits = AuditEvent.objects.filter(case=case, event="task_completed").count()
    case = world.complete(
        case, "begeleider_koppelen", koppeling_toelichting="Spreekt Tigrinya"
    )

    done = TaskItem.objects.get(case=case, bpmn_id="begeleider_koppelen")
    assert done.state == TaskItem.State.DONE
    assert done.completed_by == world.who("coordinator", world.polderdam)
    submission = Submission.objects.get(case=case, bpmn_id="begeleider_koppelen")
    assert submission.data["koppeling_toelichting"] == "Spreekt Tigrinya"
    assert (
        AuditEvent.objects.filter(case=case, event="task_completed").count()
        == audits + 1
    )
    assert case.lock_version == before + 1
    assert "begeleidingsafspraken" in {i.bpmn_id for i in world.open_tasks(case)}


def open_task(world: World, case, bpmn_id: str) -> TaskItem:
    return next(i for i in world.open_tasks(case) if i.bpmn_id == bpmn_id)


def test_someone_without_the_role_cannot_complete_and_nothing_changes(
    world: World,
) -> None:
    case = world.start()
    state, tasks = state_of(case), [i.pk for i in world.open_tasks(case)]
    item = open_task(world, case, "brede_intake_uitnodigen")
    for username in ("trainer.polderdam", "begeleider.polderdam"):
        with pytest.raises(TaskNotAllowed):
            task_complete(
                task_id=item.task_id,
                user=world.users[username],
                cleaned_data=world.answers(item),
            )
    case.refresh_from_db()
    assert state_of(case) == state and case.submissions.count() == 1
    assert [i.pk for i in world.open_tasks(case)] == tasks


def test_completing_a_task_twice_is_refused(world: World) -> None:
    case = world.start()
    item = open_task(world, case, "brede_intake_uitnodigen")
    user = world.who("regievoerder", world.polderdam)
    task_complete(
        task_id=item.task_id,
        user=user,
        cleaned_data=world.answers(item),
        clock=world.clock,
    )
    with pytest.raises(TaskAlreadyDone, match="al afgerond"):
        task_complete(
            task_id=item.task_id,
            user=user,
            cleaned_data=world.answers(item),
            clock=world.clock,
        )
    assert Submission.objects.filter(task_id=item.task_id).count() == 1


def test_a_task_already_submitted_is_refused_and_nothing_changes(
    world: World,
) -> None:
    """The last line of defence: should a submission of an open task exist (a race
    no lock caught), the completion says the task is done and stores nothing, on
    PostgreSQL also when the submission goes in one statement with the other
    writes."""
    case = world.start()
    item = open_task(world, case, "brede_intake_uitnodigen")
    user = world.who("regievoerder", world.polderdam)
    Submission.objects.create(
        case=case,
        task_id=item.task_id,
        bpmn_id=item.bpmn_id,
        task_name=item.name,
        form_key=item.form_key,
        role=item.role,
        version=case.version,
        data={},
        submitted_by=user,
        submitted_at=world.clock.now(),
    )
    state, audits = state_of(case), AuditEvent.objects.filter(case=case).count()

    with pytest.raises(TaskAlreadyDone, match="al afgerond"):
        task_complete(
            task_id=item.task_id,
            user=user,
            cleaned_data=world.answers(item),
            clock=world.clock,
        )

    case.refresh_from_db()
    assert state_of(case) == state
    assert AuditEvent.objects.filter(case=case).count() == audits
    assert open_task(world, case, "brede_intake_uitnodigen").pk == item.pk


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_completions_exactly_one_succeeds() -> None:
    world = World()
    case = world.start()
    item = open_task(world, case, "brede_intake_uitnodigen")
    # Two regievoerders of the same gemeente press "Afronden" at the same moment.
    first = world.who("regievoerder", world.polderdam)
    second = world.user("regievoerder2.polderdam", world.polderdam, "regievoerder")
    barrier = threading.Barrier(2)
    results: dict[str, object] = {}

    def complete(user) -> None:
        try:
            barrier.wait()
            task_complete(
                task_id=item.task_id,
                user=user,
                cleaned_data=world.answers(item),
                clock=world.clock,
            )
            results[user.username] = "ok"
        except CaseError as exc:
            results[user.username] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(u,)) for u in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    outcomes = list(results.values())
    assert outcomes.count("ok") == 1, outcomes
    (refused,) = [o for o in outcomes if o != "ok"]
    assert isinstance(refused, TaskAlreadyDone)
    assert "al afgerond" in str(refused)
    assert Submission.objects.filter(case=case, task_id=item.task_id).count() == 1
    case = Case.objects.get(pk=case.pk)
    assert case.lock_version == 1
    assert set(
        TaskItem.objects.filter(case=case, state="open").values_list(
            "bpmn_id", flat=True
        )
    ) == {
        "huisvesting_inschrijvingen",
        "financien_regelen",
        "ontzorgen_starten",
        "brede_intake",
    }


@pytest.mark.django_db(transaction=True)
def test_two_timer_sweeps_at_once_fire_every_due_case_exactly_once() -> None:
    """Two workers (or an overlapping cron run) sweep at the same moment: each due
    case moves once, by one of them, and gets its deadline tasks once."""
    from webui.casework.services import timers_run

    world = World()
    cases = [world.run_until(world.start(), "brede_intake") for _ in range(4)]
    world.clock.advance(timedelta(weeks=11))  # past every PIP deadline
    barrier = threading.Barrier(2)
    moved: list[int] = []

    def sweep() -> None:
        try:
            barrier.wait()
            moved.append(timers_run(clock=world.clock))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert len(moved) == 2 and sum(moved) == len(cases), moved
    for case in cases:
        fired = AuditEvent.objects.filter(case=case, event="timers_fired").count()
        assert fired == 1, (case.reference, fired)
        for bpmn_id in ("pip_termijn_waarschuwing", "pip_termijn_verstreken"):
            assert TaskItem.objects.filter(case=case, bpmn_id=bpmn_id).count() == 1


def test_a_diagram_error_leaves_the_case_as_it_was(
    world: World, settings, tmp_path
) -> None:
    from webui.definitions.services import version_deploy

    xml = (settings.WORKFLOWS_DIR / "base" / "voortraject.bpmn").read_text()
    # Valid at deploy (it reads only known data), failing when it runs.
    broken = xml.replace(
        ">juridische_hulp_nodig<", ">1 / 0 > 1 or juridische_hulp_nodig<", 1
    )
    assert broken != xml
    version_deploy(gemeente=world.polderdam, own_files={"voortraject.bpmn": broken})

    case = world.start()
    case = world.run_until(case, "voorbereiding_inburgering")
    case.refresh_from_db()
    state, lock = state_of(case), case.lock_version
    submissions = case.submissions.count()
    tasks = [(i.pk, i.bpmn_id) for i in world.open_tasks(case)]

    with pytest.raises(CaseError, match="niets opgeslagen"):
        world.complete(case, "voorbereiding_inburgering")

    case.refresh_from_db()
    assert (state_of(case), case.lock_version) == (state, lock)
    assert case.submissions.count() == submissions
    assert [(i.pk, i.bpmn_id) for i in world.open_tasks(case)] == tasks
    assert "voorbereiding_inburgering" in {b for _, b in tasks}
