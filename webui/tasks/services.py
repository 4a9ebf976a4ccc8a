"""Writes to the task projection. Called only from the case services' transactions."""

from datetime import datetime

from django.contrib.auth.models import AbstractBaseUser

from engine import ReadyTask, Snapshot
from webui.accounts.models import Role
from webui.accounts.selectors import may_work_on

from .models import TaskItem


class TaskNotClaimable(Exception):
    """The user may not take this task."""


def tasks_project(
    *,
    case: "Case",  # noqa: F821 - cases.models.Case; imported lazily to keep apps apart
    snapshot: Snapshot,
    phase_names: dict[str, str],
    now: datetime,
    completed_task_id: str | None = None,
    completed_by: AbstractBaseUser | None = None,
) -> None:
    """Make the case's open task rows match the snapshot's ready tasks."""
    open_items = {
        item.task_id: item
        for item in TaskItem.objects.filter(case=case, state=TaskItem.State.OPEN)
    }
    for ready in snapshot.ready_tasks:
        item = open_items.pop(ready.id, None)
        if item is None:
            TaskItem.objects.create(
                task_id=ready.id,
                case=case,
                gemeente_id=case.gemeente_id,
                mb_organisation_id=case.mb_organisation_id,
                bpmn_id=ready.bpmn_id,
                name=ready.name,
                role=ready.role,
                form_key=ready.form_key,
                phase=phase_names.get(ready.phase, ready.phase),
                documentation=ready.documentation,
                ready_at=ready.ready_at,
                due_date=ready.due,
                assignee=case.begeleider if ready.role == Role.BEGELEIDER else None,
            )
        else:
            _refresh(item, ready, case, phase_names)
    for task_id, item in open_items.items():
        if task_id == completed_task_id:
            item.state = TaskItem.State.DONE
            item.completed_by = completed_by
        else:
            item.state = TaskItem.State.CANCELLED
        item.completed_at = now
        item.save(update_fields=["state", "completed_by", "completed_at"])
    if case.begeleider_id:
        TaskItem.objects.filter(
            case=case,
            state=TaskItem.State.OPEN,
            role=Role.BEGELEIDER,
            assignee__isnull=True,
        ).update(assignee=case.begeleider)


def _refresh(
    item: TaskItem,
    ready: ReadyTask,
    case: "Case",  # noqa: F821 - cases.models.Case, as in tasks_project
    phase_names: dict[str, str],
) -> None:
    """Bring an open task row up to date (its due date; after a migration also its
    name, role, form and phase)."""
    changes = {
        "due_date": ready.due,
        "name": ready.name,
        "role": ready.role,
        "form_key": ready.form_key,
        "phase": phase_names.get(ready.phase, ready.phase),
        "documentation": ready.documentation,
    }
    if ready.role != item.role:
        # Another role now does it: whoever held it no longer may.
        changes["assignee"] = case.begeleider if ready.role == Role.BEGELEIDER else None
    changed = [name for name, value in changes.items() if getattr(item, name) != value]
    if changed:
        for name in changed:
            setattr(item, name, changes[name])
        item.save(update_fields=changed)


def task_claim(*, item: TaskItem, user: AbstractBaseUser) -> TaskItem:
    """Take an unclaimed task of one of the user's roles."""
    if item.state != TaskItem.State.OPEN:
        raise TaskNotClaimable("Deze taak is al afgerond.")
    if not may_work_on(user=user, item=item):
        raise TaskNotClaimable("U heeft niet de rol die deze taak vraagt.")
    claimed = TaskItem.objects.filter(
        pk=item.pk, state=TaskItem.State.OPEN, assignee__isnull=True
    ).update(assignee=user)
    if not claimed and item.assignee_id != user.pk:
        raise TaskNotClaimable("Iemand anders heeft deze taak al opgepakt.")
    item.refresh_from_db()
    return item


def task_release(*, item: TaskItem, user: AbstractBaseUser) -> None:
    """Give a claimed task back to the role's pool."""
    TaskItem.objects.filter(
        pk=item.pk, assignee=user, state=TaskItem.State.OPEN
    ).update(assignee=None)
