"""Access follows the present assignment (issue 15, item 4): once the coördinator
hands a case to a colleague, the former vaste begeleider no longer reads it — not its
page, not the tasks they once did in it, not its line in their list — and the new one
does."""

from django.test import Client
from django.urls import reverse

import pytest

from webui.access import visible_cases
from webui.cases.models import Case
from webui.casework.services import cases_begeleider_reassign
from webui.tasks.models import TaskDraft, TaskItem

from ..conftest import PASSWORD, World

FORMER, NEW = "begeleider.polderdam", "begeleider2.polderdam"


def client_as(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def case(world: World) -> Case:
    world.user(NEW, world.polderdam, "begeleider")
    return world.coupled()


def done_by(case: Case, username: str) -> TaskItem:
    """A task of the case the user completed themselves."""
    return TaskItem.objects.filter(
        case=case, state="done", completed_by__username=username
    ).first()


def hand_over(world: World, case: Case) -> None:
    results = cases_begeleider_reassign(
        moves=[(case.pk, world.users[NEW])],
        from_user=world.users[FORMER],
        by=world.who("coordinator", world.polderdam),
        note="Stopt als vrijwilliger",
        clock=world.clock,
    )
    assert [r.moved for r in results] == [True]


def test_after_a_handover_the_former_begeleider_reads_nothing_of_the_case(
    world: World, case: Case
) -> None:
    done = done_by(case, FORMER)
    assert done is not None, "the former begeleider did the intake"
    former = client_as(FORMER)
    case_url = reverse("cases:detail", args=[case.reference])
    task_url = reverse("tasks:task", args=[done.task_id])
    assert former.get(case_url).status_code == 200
    assert former.get(task_url).status_code == 200

    hand_over(world, case)

    assert former.get(case_url).status_code == 404
    assert former.get(task_url).status_code == 404
    listed = former.get(reverse("cases:list")).content.decode()
    assert case.reference not in listed and case.client_naam not in listed
    assert case.client_naam not in former.get(reverse("tasks:queue")).content.decode()
    # The new vaste begeleider reads the case, its history included.
    new = client_as(NEW)
    assert new.get(case_url).status_code == 200
    assert new.get(task_url).status_code == 200
    assert case.reference in new.get(reverse("cases:list")).content.decode()


def test_an_open_task_held_now_opens_the_case_and_giving_it_up_closes_it(
    world: World, case: Case
) -> None:
    hand_over(world, case)
    former = world.users[FORMER]
    assert not visible_cases(user=former).filter(pk=case.pk).exists()
    item = TaskItem.objects.filter(case=case, state="open", role="begeleider").first()
    TaskItem.objects.filter(pk=item.pk).update(assignee=former)
    assert visible_cases(user=former).filter(pk=case.pk).exists()
    TaskItem.objects.filter(pk=item.pk).update(state="done")
    assert not visible_cases(user=former).filter(pk=case.pk).exists()


def test_a_done_task_nobody_claimed_is_no_window_for_the_whole_pool(
    world: World, case: Case
) -> None:
    """A colleague of the same organisation who never worked on the case may pick up
    its open pool tasks, but not read the ones already done."""
    done = TaskItem.objects.filter(case=case, state="done").first()
    TaskItem.objects.filter(pk=done.pk).update(assignee=None)
    response = client_as(NEW).get(reverse("tasks:task", args=[done.task_id]))
    assert response.status_code == 404


def test_the_former_begeleiders_drafts_of_the_moved_tasks_go(
    world: World, case: Case
) -> None:
    item = TaskItem.objects.filter(
        case=case, state="open", assignee=world.users[FORMER]
    ).first()
    TaskDraft.objects.create(
        item=item,
        user=world.users[FORMER],
        step_data={"0": {"0-x": ["geheim"]}},
        updated_at=world.clock.now(),
    )
    hand_over(world, case)
    assert not TaskDraft.objects.filter(item=item).exists()


def test_a_pool_task_done_closes_the_case_until_the_next_is_picked_up(
    world: World,
) -> None:
    """The voortraject is the pool's: picking a task up opens its case, completing it
    closes it again; the pool shows no case data until a task is picked up."""
    fresh = world.start()
    begeleider = world.users[FORMER]
    assert not visible_cases(user=begeleider).filter(pk=fresh.pk).exists()
    item = TaskItem.objects.filter(
        case=fresh, role="begeleider", state="open", assignee=None
    ).first()
    TaskItem.objects.filter(pk=item.pk).update(assignee=begeleider)
    page = reverse("cases:detail", args=[fresh.reference])
    assert client_as(FORMER).get(page).status_code == 200
    TaskItem.objects.filter(pk=item.pk).update(state="done")
    assert client_as(FORMER).get(page).status_code == 404
