"""Writes to the task projection (``tasks_project``, called only from the case
services' transactions) and to who holds a task: claim, give back, hand over."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from engine import ReadyTask, Snapshot
from webui.access import may_work_on
from webui.accounts.models import LANE_SIDE, Role
from webui.logs.models import AuditEvent
from webui.tasks.models import TaskDraft, TaskItem

from .selectors import HANDED_OVER, hand_over_candidates, hand_over_refusal

NOTE_MAX_LENGTH = 500


class TaskNotClaimable(Exception):
    """The user may not take this task."""


class HandOverRefused(Exception):
    """The task cannot be handed over like this (a Dutch message)."""


def tasks_with_drafts(rows: "QuerySet[TaskItem]") -> "QuerySet[TaskItem]":
    """The task rows, each with ``has_drafts``: whether someone typed a draft of it
    (read with the rows, so a projection deletes drafts only where there are)."""
    return rows.annotate(
        has_drafts=Exists(TaskDraft.objects.filter(item_id=OuterRef("pk")))
    )


@dataclass(frozen=True)
class TaskProjection:
    """One stored change of a case whose task rows must follow its snapshot.
    ``new``: the case was inserted with this change and has no task rows yet;
    ``open_items``: its open rows, when the caller read them under its lock (read
    with ``tasks_with_drafts``)."""

    case: "Case"  # noqa: F821 - cases.models.Case; imported lazily to keep apps apart
    snapshot: Snapshot
    phase_names: dict[str, str]
    now: datetime
    completed_task_id: str | None = None
    completed_by: AbstractBaseUser | None = None
    new: bool = False
    open_items: Iterable[TaskItem] | None = None


def tasks_project(
    *,
    case: "Case",  # noqa: F821 - cases.models.Case, as in TaskProjection
    snapshot: Snapshot,
    phase_names: dict[str, str],
    now: datetime,
    completed_task_id: str | None = None,
    completed_by: AbstractBaseUser | None = None,
    open_items: Iterable[TaskItem] | None = None,
) -> None:
    """Make the case's open task rows match the snapshot's ready tasks (see
    ``tasks_project_many``)."""
    tasks_project_many(
        [
            TaskProjection(
                case,
                snapshot,
                phase_names,
                now,
                completed_task_id,
                completed_by,
                open_items=open_items,
            )
        ]
    )


# An update of task rows not yet run: the rows and the values they get.
RowUpdate = tuple["QuerySet[TaskItem]", dict[str, Any]]


def tasks_project_many(
    projections: Sequence[TaskProjection], *, updates: list[RowUpdate] | None = None
) -> None:
    """Make each case's open task rows match its snapshot's ready tasks.

    A new task that follows the task just completed in the flow, for the same role,
    goes to whoever completed it (see ``_follower``); other new tasks (of another
    role, or opened by a timer) wait in their role's pool, a begeleider's with the
    case's vaste begeleider.

    Few statements, whatever the number of tasks and cases: one read of the open
    rows (none for new cases, nor for a case whose caller read them under its lock),
    one insert of all new rows, and per case that had rows one update per way a row
    leaves (done, cancelled) and writes for rows that changed only.

    With ``updates`` the updates of rows that leave or are assigned are appended
    there instead of run: the caller runs them with its own writes, in one round
    trip on PostgreSQL (``casework``'s ``writes_run``). The rows are not read
    again, so the order of those updates and the insert of new rows is free."""
    open_rows: dict[int, dict[str, TaskItem]] = defaultdict(dict)
    for p in projections:
        for item in p.open_items or ():
            open_rows[p.case.pk][item.task_id] = item
    unread = [p.case.pk for p in projections if not p.new and p.open_items is None]
    if unread:
        found = tasks_with_drafts(
            TaskItem.objects.filter(case_id__in=unread, state=TaskItem.State.OPEN)
        )
        for item in found:
            open_rows[item.case_id][item.task_id] = item
    new: list[TaskItem] = []
    for projection in projections:
        new += _project(projection, open_rows.pop(projection.case.pk, {}), updates)
    TaskItem.objects.bulk_create(new)


def _project(
    projection: TaskProjection,
    open_items: dict[str, TaskItem],
    updates: list[RowUpdate] | None,
) -> list[TaskItem]:
    """Bring one case's open rows up to date; its new rows, to insert. The updates
    of rows that leave or are assigned go to ``updates`` when given."""
    pending: list[RowUpdate] = [] if updates is None else updates
    case, now = projection.case, projection.now
    completed_task_id = projection.completed_task_id
    completed_by = projection.completed_by
    phase_names = projection.phase_names
    completed = open_items.get(completed_task_id) if completed_task_id else None
    follower = _follower(case, completed, completed_by)
    role_done = completed.role if completed is not None else None
    new: list[TaskItem] = []
    kept: list[TaskItem] = []
    for ready in projection.snapshot.ready_tasks:
        item = open_items.pop(ready.id, None)
        if item is None:
            item = TaskItem(
                task_id=ready.id,
                case=case,
                gemeente_id=case.gemeente_id,
                mb_organisation_id=case.mb_organisation_id,
                bpmn_id=ready.bpmn_id,
                name=ready.name,
                role=ready.role,
                form_key=ready.form_key,
                phase=_phase_name(ready, phase_names),
                documentation=ready.documentation,
                ready_at=ready.ready_at,
                due_date=ready.due,
                assignee_id=(
                    case.begeleider_id if ready.role == Role.BEGELEIDER else None
                ),
            )
            if (
                item.assignee_id is None
                and follower is not None
                and ready.after == completed_task_id
                and ready.role == role_done
                and may_work_on(user=follower, item=item)
            ):
                item.assignee = follower
            new.append(item)
        else:
            _refresh(item, ready, case, phase_names)
            kept.append(item)
    drafted = [i for i in open_items.values() if getattr(i, "has_drafts", True)]
    if drafted:
        # Drafts hold sensitive answers: they go with the task they were typed for.
        TaskDraft.objects.filter(item__in=drafted).delete()
    done = open_items.pop(completed_task_id, None) if completed_task_id else None
    if done is not None:
        pending.append(
            (
                TaskItem.objects.filter(pk=done.pk),
                {
                    "state": TaskItem.State.DONE,
                    "completed_by": completed_by,
                    "completed_at": now,
                },
            )
        )
    if open_items:
        pending.append(
            (
                TaskItem.objects.filter(pk__in=[i.pk for i in open_items.values()]),
                {
                    "state": TaskItem.State.CANCELLED,
                    "completed_by": None,
                    "completed_at": now,
                },
            )
        )
    # A begeleider's task still open in the pool goes to the vaste begeleider (new
    # rows got them when made).
    unassigned = [
        item.pk
        for item in kept
        if item.role == Role.BEGELEIDER and item.assignee_id is None
    ]
    if case.begeleider_id and unassigned:
        pending.append(
            (
                TaskItem.objects.filter(pk__in=unassigned),
                {"assignee_id": case.begeleider_id},
            )
        )
    if updates is None:
        for rows, values in pending:
            rows.update(**values)
    return new


def _follower(
    case: "Case",  # noqa: F821 - cases.models.Case, as in tasks_project
    completed: TaskItem | None,
    completed_by: AbstractBaseUser | None,
) -> AbstractBaseUser | None:
    """Who the next steps of the completed task's role stay with: its completer,
    while active, unless the organisation of that role's side (the gemeente for a
    gemeente role, the MB organisation for an MB role) has switched it off. A
    regievoerder doing brede intake, PIP opstellen and vaststellen in a row then
    finds each next step in their own tasks instead of the shared pool."""
    if completed is None or completed_by is None or not completed_by.is_active:
        return None
    side = LANE_SIDE.get(completed.role)
    if side == "gemeente":
        organisation = case.gemeente
    elif side == "mb":
        organisation = case.mb_organisation
    else:
        return None
    if organisation is None or not organisation.keep_with_completer:
        return None
    return completed_by


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
        "phase": _phase_name(ready, phase_names),
        "documentation": ready.documentation,
    }
    if ready.role != item.role:
        # Another role now does it: whoever held it no longer may.
        changes["assignee_id"] = (
            case.begeleider_id if ready.role == Role.BEGELEIDER else None
        )
    changed = [name for name, value in changes.items() if getattr(item, name) != value]
    if {"form_key", "role"} & set(changed):
        # A draft of another form, or of someone who may no longer do the task.
        item.drafts.all().delete()
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


def task_release(*, item: TaskItem, user: AbstractBaseUser) -> bool:
    """Give a claimed task back to the role's pool; the user's draft of it goes.
    Returns whether a draft went."""
    with transaction.atomic():
        TaskItem.objects.filter(
            pk=item.pk, assignee=user, state=TaskItem.State.OPEN
        ).update(assignee=None)
        dropped, _ = TaskDraft.objects.filter(item=item, user=user).delete()
    return bool(dropped)


def task_hand_over(
    *,
    item: TaskItem,
    user: AbstractBaseUser,
    to_username: str,
    note: str,
    now: datetime | None = None,
) -> TaskItem:
    """Hand an open task to a colleague who may work on it, with a note for them:
    its holder may, and a coördinator for the MB tasks of their organisation. The
    former holder's draft goes; the case's timeline records it."""
    refusal = hand_over_refusal(item=item, user=user)
    if refusal:
        raise HandOverRefused(refusal)
    note = note.strip()
    if not note:
        raise HandOverRefused(
            "Schrijf een korte notitie voor uw collega: waarom, en wat er al gedaan is."
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise HandOverRefused(
            f"De notitie mag hoogstens {NOTE_MAX_LENGTH} tekens lang zijn;"
            f" nu zijn het er {len(note)}."
        )
    to = next(
        (u for u in hand_over_candidates(item=item) if u.get_username() == to_username),
        None,
    )
    if to is None:
        raise HandOverRefused("Kies een collega die deze taak mag doen.")
    previous = item.assignee
    with transaction.atomic():
        moved = TaskItem.objects.filter(
            pk=item.pk, state=TaskItem.State.OPEN, assignee_id=item.assignee_id
        ).update(assignee=to)
        if not moved:
            raise HandOverRefused(
                "De taak is intussen afgerond of door iemand anders opgepakt."
                " Bekijk hem opnieuw."
            )
        if previous is not None:
            TaskDraft.objects.filter(item=item, user=previous).delete()
        AuditEvent.objects.create(
            case_id=item.case_id,
            user=user,
            event=HANDED_OVER,
            at=now or timezone.now(),
            detail={
                "task_id": item.task_id,
                "task": item.bpmn_id,
                "task_name": item.name,
                "from": previous.get_username() if previous else "",
                "from_name": _name(previous) if previous else "",
                "to": to.get_username(),
                "to_name": _name(to),
                "note": note,
            },
        )
    item.refresh_from_db()
    return item


def _name(user: AbstractBaseUser) -> str:
    return user.get_full_name() or user.get_username()


def _phase_name(ready: ReadyTask, phase_names: dict[str, str]) -> str:
    """The name of the phase a task's work belongs to (a PIP deadline's escalation
    under *Brede intake en PIP*, not under the process's own name)."""
    phase = ready.belongs_to or ready.phase
    return phase_names.get(phase, phase)
