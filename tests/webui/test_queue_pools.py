"""A queue over more than one pool: a begeleider who works for two MB organisations
sees both pools' tasks in one order, counted and paged as one list."""

from datetime import date, timedelta

from django.db.models import Q

from webui.tasks.models import TaskItem
from webui.taskwork.selectors import (
    AVAILABLE,
    MINE,
    QueueFilters,
    next_task,
    queue_options,
    queue_page,
)

from ..conftest import World

DAY = date(2026, 1, 5)


def _due(case, bpmn_id: str, when: date | None) -> TaskItem:
    TaskItem.objects.filter(case=case, bpmn_id=bpmn_id, state="open").update(
        due_date=when
    )
    return TaskItem.objects.get(case=case, bpmn_id=bpmn_id, state="open")


def test_two_pools_are_one_list_in_due_order_with_one_count(world: World) -> None:
    user = world.who("begeleider", world.polderdam)
    world.user(user.username, world.rivierstad, "begeleider")  # a second pool
    here = world.start(world.polderdam, voornaam="Amal")
    there = world.start(world.rivierstad, voornaam="Rami")
    first = _due(here, "huisvesting_inschrijvingen", DAY + timedelta(1))
    second = _due(there, "huisvesting_inschrijvingen", DAY + timedelta(2))
    third = _due(here, "financien_regelen", DAY + timedelta(3))
    undated = _due(there, "financien_regelen", None)

    page = queue_page(
        user=user, tab=AVAILABLE, filters=QueueFilters(), page=1, today=DAY, per_page=3
    )
    assert list(page.page.object_list) == [first, second, third]
    assert page.counts == {AVAILABLE: 4, MINE: 0}
    assert page.page.paginator.num_pages == 2
    rest = queue_page(
        user=user, tab=AVAILABLE, filters=QueueFilters(), page=2, today=DAY, per_page=3
    )
    assert list(rest.page.object_list) == [undated]
    assert set(queue_options(user=user).phases) == {first.phase}


def test_the_next_task_is_the_first_due_of_any_pool(world: World) -> None:
    user = world.who("begeleider", world.polderdam)
    world.user(user.username, world.rivierstad, "begeleider")
    here = world.start(world.polderdam)
    there = world.start(world.rivierstad)
    _due(here, "huisvesting_inschrijvingen", DAY + timedelta(5))
    soonest = _due(there, "financien_regelen", DAY + timedelta(1))
    # One task of each case is the user's: no follow-up of the same case comes first.
    TaskItem.objects.filter(
        Q(case=here, bpmn_id="huisvesting_inschrijvingen")
        | Q(case=there, bpmn_id="financien_regelen"),
        state="open",
    ).update(assignee=user)

    assert next_task(user=user) == soonest
    assert next_task(user=user, after=soonest).due_date == DAY + timedelta(5)


def test_after_a_task_the_same_statushouders_next_task_comes_first(
    world: World,
) -> None:
    """Finishing a task for one statushouder opens their follow-up, even when
    another statushouder's task is due sooner; then the rest in due order."""
    user = world.who("begeleider", world.polderdam)
    helped = world.start(world.polderdam)
    other = world.start(world.polderdam)
    TaskItem.objects.filter(case__in=[helped, other], state="open").update(
        assignee=user
    )
    done = _due(helped, "huisvesting_inschrijvingen", DAY + timedelta(1))
    follow_up = _due(helped, "financien_regelen", DAY + timedelta(9))
    sooner = _due(other, "huisvesting_inschrijvingen", DAY + timedelta(2))
    _due(other, "financien_regelen", DAY + timedelta(3))

    assert next_task(user=user, after=done) == follow_up
    assert next_task(user=user, after=follow_up) == done  # still open here
    TaskItem.objects.filter(case=helped).update(assignee=None)
    assert next_task(user=user, after=done) == sooner
