"""Reads for the task queue; who may see and work on which task comes from
webui.accounts.selectors (need-to-know)."""

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q, QuerySet

from webui.accounts.selectors import may_work_on, task_pools, visible_cases

from .models import TaskItem


@dataclass(frozen=True)
class Queue:
    mine: list[TaskItem]
    available: list[TaskItem]


def _ordered(items: QuerySet[TaskItem]) -> QuerySet[TaskItem]:
    # Earliest due date first puts overdue work on top; tasks without a date last.
    return items.select_related("case", "gemeente", "assignee").order_by(
        F("due_date").asc(nulls_last=True), "ready_at", "id"
    )


def _pools(user: AbstractBaseUser) -> Q | None:
    pools = task_pools(user=user)
    return reduce(or_, pools) if pools else None


def task_queue(*, user: AbstractBaseUser, limit: int = 200) -> Queue:
    """The user's own open tasks, then the unclaimed open tasks of their roles."""
    pools = _pools(user)
    if pools is None:
        return Queue(mine=[], available=[])
    open_ = TaskItem.objects.filter(pools, state=TaskItem.State.OPEN)
    mine = _ordered(open_.filter(assignee=user))[:limit]
    available = _ordered(open_.filter(assignee__isnull=True))[:limit]
    return Queue(mine=list(mine), available=list(available))


def task_for_user(*, task_id: str, user: AbstractBaseUser) -> TaskItem | None:
    """The task, if the user may work on it or see its case; None (a 404)
    otherwise."""
    item = (
        TaskItem.objects.select_related(
            "case__version", "gemeente", "assignee", "completed_by"
        )
        .filter(task_id=task_id)
        .first()
    )
    if item is None:
        return None
    if item.assignee_id == user.pk or item.completed_by_id == user.pk:
        return item
    # The pool of the user's role: an unclaimed task (a claimed one is its holder's).
    if may_work_on(user=user, item=item) and item.assignee_id is None:
        return item
    if visible_cases(user=user).filter(pk=item.case_id).exists():
        return item
    return None


def task_refusal(*, item: TaskItem, user: AbstractBaseUser) -> str | None:
    """Why the user may not work on this open task (Dutch), or None if they may."""
    if not may_work_on(user=user, item=item):
        return f"Deze taak is voor de rol {item.role_label}; die heeft u niet."
    if item.assignee_id is not None and item.assignee_id != user.pk:
        holder = item.assignee.get_full_name() or item.assignee.get_username()
        return f"Deze taak is opgepakt door {holder}."
    return None
