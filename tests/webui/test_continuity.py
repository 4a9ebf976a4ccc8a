"""Consecutive steps stay with who did the last one: a new task of the same case for
the role of the task just completed goes to its completer, unless their organisation
switched that off; other roles' tasks and tasks a timer opened wait in the pool."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse

from webui.accounts.models import Role
from webui.accounts.selectors import organisation_key
from webui.casework.services import task_complete, timers_run
from webui.tasks.models import TaskItem

from ..conftest import PASSWORD, World


def complete_as(world: World, case, bpmn_id: str, user, **overrides):
    item = next(t for t in world.open_tasks(case) if t.bpmn_id == bpmn_id)
    return task_complete(
        task_id=item.task_id,
        user=user,
        cleaned_data=world.answers(item, **overrides),
        clock=world.clock,
    )


def holder(world: World, case, bpmn_id: str):
    return next(t for t in world.open_tasks(case) if t.bpmn_id == bpmn_id).assignee


def test_the_regievoerder_who_invited_gets_the_brede_intake_and_then_the_pip(
    world: World,
) -> None:
    # A second regievoerder, so the task cannot land on the default one by chance.
    anna = world.user("anna.polderdam", world.polderdam, Role.REGIEVOERDER)
    case = world.start()

    case = complete_as(world, case, "brede_intake_uitnodigen", anna)
    assert holder(world, case, "brede_intake") == anna
    # A regievoerder task that was already open stays where it was: in the pool.
    assert holder(world, case, "ontzorgen_starten") is None

    case = complete_as(world, case, "brede_intake", anna)
    assert holder(world, case, "pip_opstellen") == anna
    case = complete_as(world, case, "pip_opstellen", anna)
    assert holder(world, case, "pip_vaststellen") == anna


def test_switched_off_by_the_gemeente_the_next_step_goes_to_the_pool(
    world: World,
) -> None:
    world.polderdam.keep_with_completer = False
    world.polderdam.save()
    anna = world.user("anna.polderdam", world.polderdam, Role.REGIEVOERDER)
    case = world.start()

    case = complete_as(world, case, "brede_intake_uitnodigen", anna)

    assert holder(world, case, "brede_intake") is None


def test_the_mb_organisations_switch_does_not_touch_the_regievoerders_steps(
    world: World,
) -> None:
    world.mb["polderdam"].keep_with_completer = False
    world.mb["polderdam"].save()
    anna = world.user("anna.polderdam", world.polderdam, Role.REGIEVOERDER)
    case = world.start()

    case = complete_as(world, case, "brede_intake_uitnodigen", anna)

    assert holder(world, case, "brede_intake") == anna


def test_a_next_task_of_another_role_stays_in_the_pool(world: World) -> None:
    case = world.run_until(world.start(), "intake_gesprek")
    begeleider = world.who(Role.BEGELEIDER, world.polderdam)

    case = complete_as(
        world, case, "intake_gesprek", begeleider, begeleidingsvorm="individueel"
    )

    assert holder(world, case, "begeleider_koppelen") is None


def test_a_task_a_timer_opened_stays_in_the_pool(world: World) -> None:
    anna = world.user("anna.polderdam", world.polderdam, Role.REGIEVOERDER)
    case = complete_as(world, world.start(), "brede_intake_uitnodigen", anna)

    world.clock.advance(timedelta(weeks=11))  # past the PIP deadline
    timers_run(clock=world.clock)

    warnings = TaskItem.objects.filter(
        case=case,
        bpmn_id__in=["pip_termijn_waarschuwing", "pip_termijn_verstreken"],
        state=TaskItem.State.OPEN,
    )
    assert warnings.exists()
    assert not warnings.filter(assignee__isnull=False).exists()
    assert holder(world, case, "brede_intake") == anna


def test_the_beheerder_switches_it_off_and_on_on_the_gebruikers_page(
    world: World,
) -> None:
    client = Client()
    assert client.login(username="beheerder.polderdam", password=PASSWORD)
    page = client.get(reverse("users:list"))
    assert "Vervolgstappen blijven bij wie de vorige stap deed" in page.text
    key = organisation_key(world.polderdam)

    client.post(reverse("users:continuity", args=[key]), {})
    world.polderdam.refresh_from_db()
    assert world.polderdam.keep_with_completer is False

    client.post(reverse("users:continuity", args=[key]), {"keep_with_completer": "on"})
    world.polderdam.refresh_from_db()
    assert world.polderdam.keep_with_completer is True

    other = organisation_key(world.rivierstad)
    refused = client.post(reverse("users:continuity", args=[other]), {})
    assert refused.status_code == 404
    world.rivierstad.refresh_from_db()
    assert world.rivierstad.keep_with_completer is True


def test_a_same_role_task_a_timer_opens_during_a_completion_stays_in_the_pool(
    world: World,
) -> None:
    case = world.run_until(world.start(), "intake_gesprek")
    case = world.complete(case, "intake_gesprek", begeleidingsvorm="individueel")
    coordinator = world.who(Role.COORDINATOR, world.polderdam)
    world.clock.advance(timedelta(weeks=11))  # the PIP deadline passes meanwhile

    case = complete_as(world, case, "begeleider_koppelen", coordinator)

    # The deadline's task for the coördinatoren opened in the same step, but it
    # does not follow the koppeling: it waits in the pool.
    assert holder(world, case, "pip_te_laat_mb") is None
