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
``advance_store``; a COA file's cases are stored together by ``advance_store_many``,
which ``advance_store`` is with one advance.
"""

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Model, Value
from django.utils import timezone

from engine import ReachedMilestone, Snapshot
from webui.accounts.models import LANE_SIDE
from webui.cases.models import Case, CaseState
from webui.definitions.bundles import Bundle
from webui.events.services import case_event_rows
from webui.logs.services import audit_event
from webui.tasks.models import TaskItem
from webui.taskwork.services import TaskProjection, tasks_project_many
from webui.zaken.outbox import ZaakChange, zaak_updates_record_many

from .base import (
    CaseConflict,
    CaseError,
    apply_milestones,
    apply_snapshot,
    consent_rows,
    locked_case,
    milestone_rows,
)
from .rows import Update, writes_run

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
    system). A new case's step may give ``reference``, the case's reference once it
    has its key, and ``rows``, rows to insert once it has it (and its reference):
    storing many new cases inserts those of all of them together, where ``record``
    writes for one case at a time. ``inserts`` gives rows that point to nothing new
    (a submission): they go in with the audit event, on PostgreSQL in the one
    statement of the last writes (``writes_run``).
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
    rows: Callable[[Case], Iterable[Model]] | None = None
    inserts: Callable[[Case], Iterable[Model]] | None = None
    reference: Callable[[Case], str] | None = None


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
    return advance_store_many([advance], into=[into])[0]


@dataclass
class _Storing:
    advance: Advance
    case: Case
    new: bool
    was_closed: bool
    as_read: Mapping[str, Any]

    @property
    def closed(self) -> bool:
        return self.case.is_closed and not self.was_closed


def advance_store_many(
    advances: Sequence[Advance], *, into: Sequence[Case | None] = ()
) -> list[Case]:
    """Store many advances at once (``advance_store`` for each, with the same rows):
    the new cases of a COA file go in with one INSERT per table for all of them
    instead of a dozen statements each. ``into`` gives the locked row per advance,
    None (or nothing) for a new case. Call it inside a transaction."""
    targets = list(into) or [None] * len(advances)
    storing = [_prepared(a, t) for a, t in zip(advances, targets, strict=True)]
    # The updates of stored cases, their engine states and task rows, run at the
    # end with the audit events (one round trip on PostgreSQL, ``writes_run``).
    updates: list[Update] = []
    stamped = _store_cases(storing, updates)
    _insert(
        row
        for s in storing
        for row in (
            *milestone_rows(s.case, s.advance.reached),
            *consent_rows(s.case, s.advance.reached, s.advance.user, _side(s.advance)),
        )
    )
    tasks_project_many(
        [
            TaskProjection(
                case=s.case,
                snapshot=s.advance.snapshot,
                phase_names=dict(s.advance.bundle.process.phase_names),
                now=s.advance.now,
                completed_task_id=_completed_id(s.advance),
                completed_by=s.advance.user,
                new=s.new,
                open_items=s.advance.open_items,
            )
            for s in storing
        ],
        updates=updates,
    )
    for s in storing:
        if s.advance.record is not None:
            s.advance.record(s.case)
    _insert(row for s in storing if s.advance.rows for row in s.advance.rows(s.case))
    # The zaaksysteem hears of it through its outbox, in this same transaction.
    zaak_updates_record_many(
        [
            ZaakChange(
                s.case, s.advance.event, s.advance.reached, s.advance.now, s.closed
            )
            for s in storing
        ]
    )
    # The audit trail, and the outbox of events (webui/events), in this
    # transaction: sent only for a change that stands, never lost for one that does.
    counts = writes_run(
        updates,
        (
            row
            for s in storing
            for row in (
                *(s.advance.inserts(s.case) if s.advance.inserts else ()),
                audit_event(
                    case=s.case,
                    user=s.advance.user,
                    event=s.advance.event,
                    at=s.advance.now,
                    **s.advance.detail,
                ),
                *case_event_rows(
                    case=s.case,
                    at=s.advance.now,
                    started=s.advance.event == "case_started",
                    reopened=s.advance.event == "case_reopened",
                    closed=s.closed,
                    milestones=[m.key for m in s.advance.reached],
                ),
            )
        ),
    )
    if any(counts[index] != 1 for index in stamped):
        raise CaseConflict(CONFLICT)
    return [s.case for s in storing]


def _prepared(advance: Advance, into: Case | None) -> _Storing:
    """The case with the advance's changes, snapshot and milestones set on it."""
    case = into if into is not None else advance.case
    # The row as read under the lock: only what the advance changes is written.
    as_read = {f: getattr(case, f) for f in _SAVED_FIELDS}
    for name, value in advance.changes.items():
        setattr(case, name, value)
    was_closed = case.is_closed
    apply_snapshot(case, advance.snapshot, advance.bundle, advance.now)
    apply_milestones(case, advance.reached)
    return _Storing(
        advance, case, new=case.pk is None, was_closed=was_closed, as_read=as_read
    )


def _store_cases(storing: Sequence[_Storing], updates: list[Update]) -> list[int]:
    """The case rows and their engine state: new ones inserted together (then named,
    when their step names them by their key); the updates of stored ones appended to
    ``updates``. Returns the positions in ``updates`` of the stamped case updates,
    each of which must change its row."""
    new = [s for s in storing if s.new]
    Case.objects.bulk_create([s.case for s in new])
    named = [s.case for s in new if s.advance.reference is not None]
    for s in new:
        if s.advance.reference is not None:
            s.case.reference = s.advance.reference(s.case)
    if named:
        Case.objects.bulk_update(named, ["reference"])
    states = []
    stamped = []
    for s in storing:
        state = json.dumps(s.advance.snapshot.state, separators=(",", ":"))
        if s.new:
            # As a Value: Django 5.2 inserts many plain values on PostgreSQL as
            # arrays (INSERT … SELECT UNNEST), which psycopg quotes in Python
            # character by character; a state is ~40 KB of JSON with thousands of
            # quotes, and for a COA file that doubled the store's CPU time. An
            # expression keeps the ordinary multi-row VALUES, quoted by libpq.
            states.append(CaseState(case=s.case, state=Value(state)))
        else:
            stamped.append(len(updates))
            updates.append(_advanced_update(s.case, s.as_read))
            updates.append(
                (CaseState.objects.filter(case_id=s.case.pk), {"state": state})
            )
    CaseState.objects.bulk_create(states)
    return stamped


def _insert(rows: Iterable[Model]) -> None:
    """Insert ``rows`` with one INSERT per table, the tables in the order their
    first row comes (a row that points to another comes after it: the processing
    log's record before its subjects)."""
    per_table: dict[type[Model], list[Model]] = {}
    for row in rows:
        per_table.setdefault(type(row), []).append(row)
    for model, table_rows in per_table.items():
        model._default_manager.bulk_create(table_rows)


def _completed_id(advance: Advance) -> str | None:
    return advance.completed.task_id if advance.completed is not None else None


def _side(advance: Advance) -> str | None:
    completed = advance.completed
    return LANE_SIDE.get(completed.role) if completed is not None else None


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


def _advanced_update(case: Case, as_read: Mapping[str, Any]) -> Update:
    """The update that writes the case back with the next stamp: the fields that
    differ from the row ``as_read`` under the lock (most completions change one or
    two of fourteen; an UPDATE of all of them cost a tenth of a completion's CPU
    time). The row is locked and its stamp checked, so the condition on the stamp is
    a guard that never fails (the caller checks it changed one row). The vaste
    begeleider and version by their ids: reading the objects would load them."""
    fields = {
        f: value
        for f in _SAVED_FIELDS
        if (value := getattr(case, f)) != as_read.get(f, _UNREAD)
    }
    rows = Case.objects.filter(pk=case.pk, lock_version=case.lock_version)
    case.lock_version += 1
    return rows, {
        "lock_version": F("lock_version") + 1,
        "updated_at": timezone.now(),
        **fields,
    }
