"""Reads for the task queue."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q, QuerySet

from webui.accounts.selectors import user_role_pairs, user_roles

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


def task_queue(*, user: AbstractBaseUser, limit: int = 200) -> Queue:
    """The user's own open tasks, then the unclaimed open tasks of their roles."""
    pairs = user_role_pairs(user=user)
    gemeente_ids = {g for g, _ in pairs}
    mine = _ordered(
        TaskItem.objects.filter(
            state=TaskItem.State.OPEN, assignee=user, gemeente_id__in=gemeente_ids
        )
    )[:limit]
    pool = Q(pk__in=[])
    for gemeente_id, role in pairs:
        pool |= Q(gemeente_id=gemeente_id, role=role)
    available = _ordered(
        TaskItem.objects.filter(pool, state=TaskItem.State.OPEN, assignee__isnull=True)
    )[:limit]
    return Queue(mine=list(mine), available=list(available))


def task_for_user(*, task_id: str, user: AbstractBaseUser) -> TaskItem | None:
    """The task, if it belongs to a gemeente the user works in; None otherwise."""
    gemeente_ids = {g for g, _ in user_role_pairs(user=user)}
    return (
        TaskItem.objects.select_related(
            "case__version", "gemeente", "assignee", "completed_by"
        )
        .filter(task_id=task_id, gemeente_id__in=gemeente_ids)
        .first()
    )


def task_refusal(*, item: TaskItem, user: AbstractBaseUser) -> str | None:
    """Why the user may not work on this open task (Dutch), or None if they may."""
    if item.role not in user_roles(user=user, gemeente=item.gemeente):
        return f"Deze taak is voor de rol {item.role_label}; die heeft u niet."
    if item.assignee_id is not None and item.assignee_id != user.pk:
        holder = item.assignee.get_full_name() or item.assignee.get_username()
        return f"Deze taak is opgepakt door {holder}."
    return None
