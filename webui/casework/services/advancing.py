"""One way to advance a case: run the engine outside the lock, then lock, check and
store.

Every change of a case's engine state goes through ``case_advance``: completing a
task, firing its timers, moving it to another version and back, reopening it. Each
of those is a *step*: a function that takes the case as read, checks what it must
(is the task still open, is the timer still due, is the case still closed), runs the
engine on a copy of the stored state and says what to store as an ``Advance``. The
helper then, in one transaction:

1. locks the case row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite every
   transaction takes the database's write lock when it begins, ``BEGIN IMMEDIATE``);
2. checks the row's version stamp (``lock_version``) is the one the step read;
3. stores: the case record, its engine state, milestones, consents, the task
   projection, the step's own records (a submission, a migration), its audit event,
   its events in the outbox (webui/events) and the zaaksysteem's outbox rows.

**The one policy on a changed stamp**: someone else advanced the case while the
engine ran. Nothing is stored; the step runs again on the case as it is now, which
checks again (a task another user finished is refused as "al afgerond", a timer
another sweep fired is not due any more, a case reopened meanwhile is no longer
closed). After ``ATTEMPTS`` runs that all lost the race the helper refuses with
``CaseConflict`` and its Dutch message; nothing is saved.

Case start has no row to lock yet: it stores its first ``Advance`` with the same
``advance_store``.
"""

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from engine import ReachedMilestone, Snapshot
from webui.accounts.models import LANE_SIDE
from webui.cases.models import Case, CaseState
from webui.definitions.bundles import Bundle
from webui.events.services import case_events_record
from webui.logs.services import audit
from webui.tasks.models import TaskItem
from webui.taskwork.services import tasks_project
from webui.zaken.outbox import zaak_updates_record

from .base import (
    CaseConflict,
    CaseError,
    apply_milestones,
    apply_snapshot,
    locked_case,
    store_consents,
    store_milestones,
)

# The first run and two reruns on a fresh state.
ATTEMPTS = 3

CONFLICT = (
    "Het dossier werd steeds tegelijk door anderen bijgewerkt. Er is niets"
    " opgeslagen; probeer het opnieuw."
)


@dataclass(frozen=True)
class Advance:
    """What a step decided to store, and about whom.

    ``case`` is the case as the step read it: its ``lock_version`` is the stamp the
    store checks. ``changes`` are set on the locked case before the snapshot is
    applied (another version, reopened). ``recheck`` runs under the lock before
    anything is written, ``record`` after the case is stored, both in the
    transaction: raising in either saves nothing. ``lock``, when given, locks the
    case row and reads what ``recheck`` needs in the same statement (one round trip
    instead of two); it returns the locked case, or None when the row is gone.
    ``event`` and ``detail`` are the audit event; ``user`` did it (None for the
    system).
    """

    case: Case
    snapshot: Snapshot
    bundle: Bundle
    now: datetime
    event: str
    user: AbstractBaseUser | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)
    reached: Sequence[ReachedMilestone] = ()
    changes: Mapping[str, Any] = field(default_factory=dict)
    completed: TaskItem | None = None
    # The case's open task rows, when ``lock`` read them under the lock (the
    # projection then needs no read of its own).
    open_items: Sequence[TaskItem] | None = None
    recheck: Callable[[], None] | None = None
    record: Callable[[Case], None] | None = None
    lock: Callable[[], Case | None] | None = None


Step = Callable[[Case], Advance | None]


def case_advance(*, case: Case, step: Step) -> Case | None:
    """Run ``step`` on ``case`` outside any transaction, then lock the case, check
    its stamp is unchanged and store the step's ``Advance``; returns the stored
    case, or None when the step found nothing to do. On a changed stamp the step
    runs again on the case as it is now, up to ``ATTEMPTS`` runs in all; then
    ``CaseConflict``. A step refuses by raising (a ``CaseError`` with its Dutch
    message); nothing is stored then."""
    for attempt in range(ATTEMPTS):
        if attempt:
            fresh = Case.objects.select_related("version").filter(pk=case.pk).first()
            if fresh is None:
                raise CaseError(
                    "Dit dossier bestaat niet (meer). Er is niets opgeslagen."
                )
            case = fresh
        advance = step(case)
        if advance is None:
            return None
        with transaction.atomic():
            locked = case_lock(case, advance)
            if locked is None or locked.lock_version != case.lock_version:
                continue
            if advance.recheck is not None:
                advance.recheck()
            return advance_store(advance, into=locked)
    raise CaseConflict(CONFLICT)


def case_lock(case: Case, advance: Advance) -> Case | None:
    """Lock ``case``'s row for storing ``advance``: with the advance's own
    lock-and-read when it has one. Call it inside the transaction."""
    return advance.lock() if advance.lock is not None else locked_case(case.pk)


def advance_store(advance: Advance, *, into: Case | None = None) -> Case:
    """Store ``advance`` on ``into`` (the locked case row) or, for a new case, insert
    ``advance.case``: the case record, its engine state, milestones, consents, task
    rows, the step's records and its audit event. Call it inside a transaction."""
    case = into if into is not None else advance.case
    # The row as read under the lock: only what the advance changes is written.
    as_read = {f: getattr(case, f) for f in _SAVED_FIELDS}
    for name, value in advance.changes.items():
        setattr(case, name, value)
    was_closed = case.is_closed
    apply_snapshot(case, advance.snapshot, advance.bundle, advance.now)
    apply_milestones(case, advance.reached)
    state = json.dumps(advance.snapshot.state, separators=(",", ":"))
    if case.pk is None:
        case.save()
        CaseState.objects.create(case=case, state=state)
    else:
        _save_advanced(case, as_read)
        CaseState.objects.filter(case_id=case.pk).update(state=state)
    store_milestones(case, advance.reached)
    completed = advance.completed
    side = LANE_SIDE.get(completed.role) if completed is not None else None
    store_consents(case, advance.reached, advance.user, side)
    tasks_project(
        case=case,
        snapshot=advance.snapshot,
        phase_names=dict(advance.bundle.process.phase_names),
        now=advance.now,
        completed_task_id=completed.task_id if completed is not None else None,
        completed_by=advance.user,
        open_items=advance.open_items,
    )
    if advance.record is not None:
        advance.record(case)
    # The zaaksysteem hears of it through its outbox, in this same transaction.
    zaak_updates_record(
        case=case,
        event=advance.event,
        reached=advance.reached,
        now=advance.now,
        closed=case.is_closed and not was_closed,
    )
    audit(
        case=case,
        user=advance.user,
        event=advance.event,
        at=advance.now,
        **advance.detail,
    )
    # The outbox of events (webui/events), in this transaction: sent only for a
    # change that stands, never lost for one that does.
    case_events_record(
        case=case,
        at=advance.now,
        started=advance.event == "case_started",
        reopened=advance.event == "case_reopened",
        closed=case.is_closed and not was_closed,
        milestones=[m.key for m in advance.reached],
    )
    return case


_UNREAD = object()

_SAVED_FIELDS = (
    "phase",
    "phase_label",
    "open_phases",
    "next_timer_at",
    "koppeling_datum",
    "pip_deadline",
    "pip_opgesteld_op",
    "pip_vastgesteld_op",
    "uitkomst",
    "piezo_fase",
    "begeleider_id",
    "is_closed",
    "closed_at",
    "version_id",
)


def _save_advanced(case: Case, as_read: Mapping[str, Any]) -> None:
    """Write the case back with the next stamp: the fields that differ from the row
    ``as_read`` under the lock (most completions change one or two of fourteen; an
    UPDATE of all of them cost a tenth of a completion's CPU time). The row is
    locked and its stamp checked, so the condition on the stamp is a guard that
    never fails. The vaste begeleider and version by their ids: reading the objects
    would load them."""
    fields = {
        f: value
        for f in _SAVED_FIELDS
        if (value := getattr(case, f)) != as_read.get(f, _UNREAD)
    }
    updated = Case.objects.filter(pk=case.pk, lock_version=case.lock_version).update(
        lock_version=F("lock_version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise CaseConflict(CONFLICT)
    case.lock_version += 1
