"""Moving running cases to another version of their gemeente's process: a preview per
case in words, each case in its own transaction with a record that can be reverted, in
bulk in the background."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

import engine
from engine import Clock
from engine.migration import MoveRefused, check_move, move_case
from webui.definitions.bundles import bundle_of
from webui.definitions.models import DefinitionVersion
from webui.logs.services import audit

from ..models import Case, CaseMigration, CaseState, MigrationRun
from .base import (
    CaseError,
    case_state,
    clock_or_system,
    locked_case,
    store,
)


@dataclass(frozen=True)
class MovePreview:
    """Whether one case can move to the target, why not, and what changes for it."""

    case: Case
    reasons: tuple[str, ...]
    changes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.reasons


def _precheck(case: Case, target: DefinitionVersion) -> tuple[str, ...]:
    if case.gemeente_id != target.gemeente_id:
        return ("de versie hoort bij een andere gemeente",)
    if case.version_id == target.pk:
        return (f"het dossier staat al op {target.label}",)
    if case.is_closed:
        return ("het dossier is afgesloten",)
    return ()


def case_move_preview(*, case: Case, target: DefinitionVersion) -> MovePreview:
    """Whether the case can move to ``target``; changes nothing."""
    reasons = _precheck(case, target)
    if reasons:
        return MovePreview(case, reasons)
    check = check_move(
        bundle_of(case.version).process,
        bundle_of(target).process,
        case_state(case),
    )
    return MovePreview(case, check.reasons, check.changes)


def cases_move_preview(
    *, cases: Iterable[Case], target: DefinitionVersion
) -> list[MovePreview]:
    return [case_move_preview(case=case, target=target) for case in cases]


def case_migrate(
    *,
    case_id: int,
    target: DefinitionVersion,
    user: AbstractBaseUser | None,
    clock: Clock | None = None,
) -> MovePreview:
    """Move one case to ``target`` in its own transaction, keeping what it was so the
    move can be reverted. A case that cannot move stays exactly as it was."""
    clock = clock_or_system(clock)
    case = Case.objects.select_related("version").get(pk=case_id)
    reasons = _precheck(case, target)
    if reasons:
        return MovePreview(case, reasons)
    seen = case.lock_version
    old_state = CaseState.objects.values_list("state", flat=True).get(case_id=case_id)
    try:
        snapshot, check = move_case(
            bundle_of(case.version).process,
            bundle_of(target).process,
            json.loads(old_state),
            clock=clock,
        )
    except MoveRefused as exc:
        return MovePreview(case, exc.reasons)
    except engine.WorkflowFailed as exc:
        return MovePreview(case, (f"op de nieuwe versie loopt het vast: {exc}",))
    now = clock.now()
    with transaction.atomic():
        locked = locked_case(case_id)
        if locked is None or locked.lock_version != seen:
            return MovePreview(
                case, ("het dossier werd tegelijk bijgewerkt; probeer het opnieuw",)
            )
        previous = locked.version
        locked.version = target
        store(locked, snapshot, bundle_of(target), now, snapshot.reached)
        CaseMigration.objects.create(
            case=locked,
            from_version=previous,
            to_version=target,
            previous_state=old_state,
            lock_version_after=locked.lock_version,
            migrated_at=now,
            migrated_by=user,
        )
        audit(
            case=locked,
            user=user,
            event="case_migrated",
            at=now,
            from_version=previous.number,
            to_version=target.number,
        )
    return MovePreview(locked, (), check.changes)


def case_migration_revert(
    *,
    migration: CaseMigration,
    user: AbstractBaseUser | None,
    clock: Clock | None = None,
) -> Case:
    """Put a migrated case back on its previous version and state, as long as it has
    not moved on since."""
    clock = clock_or_system(clock)
    now = clock.now()
    if migration.reverted_at is not None:
        raise CaseError("Deze migratie is al teruggedraaid.")
    with transaction.atomic():
        case = locked_case(migration.case_id)
        assert case is not None
        if case.lock_version != migration.lock_version_after:
            raise CaseError(
                "Het dossier is na de migratie al verder gegaan; terugdraaien zou"
                " dat werk ongedaan maken."
            )
        previous = migration.from_version
        bundle = bundle_of(previous)
        state = json.loads(migration.previous_state)
        # The projection from what the state says; the state itself exactly as it was.
        snapshot = replace(
            engine.inspect_case(bundle.process, state, clock=clock), state=state
        )
        case.version = previous
        store(case, snapshot, bundle, now)
        migration.reverted_at = now
        migration.reverted_by = user
        migration.save(update_fields=["reverted_at", "reverted_by"])
        audit(
            case=case,
            user=user,
            event="case_migration_reverted",
            at=now,
            to_version=previous.number,
        )
    return case


def migration_run_start(
    *,
    cases: Iterable[Case],
    target: DefinitionVersion,
    user: AbstractBaseUser | None,
    clock: Clock | None = None,
) -> MigrationRun:
    """Record a bulk migration and hand it to the background worker."""
    from webui.cases.tasks import run_migration  # the task imports these services

    ids = [case.pk for case in cases]
    run = MigrationRun.objects.create(
        gemeente_id=target.gemeente_id,
        target=target,
        case_ids=ids,
        total=len(ids),
        requested_by=user,
        requested_at=clock_or_system(clock).now(),
    )
    transaction.on_commit(lambda: run_migration.enqueue(run.pk))
    return run


def migration_run_execute(*, run_id: int, clock: Clock | None = None) -> MigrationRun:
    """Move the cases of a run one by one, recording progress as it goes; one case
    that cannot move (or fails) never stops the others."""
    run = MigrationRun.objects.select_related("target", "requested_by").get(pk=run_id)
    if run.status == MigrationRun.Status.DONE:
        return run
    MigrationRun.objects.filter(pk=run.pk).update(
        status=MigrationRun.Status.RUNNING, touched_at=timezone.now()
    )
    refused = list(run.refused)
    moved = run.moved
    for index, case_id in enumerate(run.case_ids[run.done :], start=run.done + 1):
        try:
            result = case_migrate(
                case_id=case_id, target=run.target, user=run.requested_by, clock=clock
            )
            reasons = result.reasons
            reference = result.case.reference
        except Exception as exc:  # noqa: BLE001 - one case never stops the run
            reasons = (f"onverwachte fout: {exc}",)
            reference = str(case_id)
        if reasons:
            refused.append({"reference": reference, "reasons": list(reasons)})
        else:
            moved += 1
        MigrationRun.objects.filter(pk=run.pk).update(
            done=index, moved=moved, refused=refused, touched_at=timezone.now()
        )
    MigrationRun.objects.filter(pk=run.pk).update(
        status=MigrationRun.Status.DONE, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def migration_runs_resume(*, now: datetime | None = None) -> int:
    """Hand the bulk migrations that stopped halfway (a worker killed, a machine
    restarted: no progress for WEGWIJS_BACKGROUND_TIMEOUT_MINUTES) to the worker
    again; they go on from the first case not yet done. Returns how many."""
    from webui.cases.tasks import run_migration

    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.WEGWIJS_BACKGROUND_TIMEOUT_MINUTES)
    stuck = MigrationRun.objects.filter(status=MigrationRun.Status.RUNNING).filter(
        Q(touched_at__lt=limit) | Q(touched_at=None, requested_at__lt=limit)
    )
    resumed = 0
    for run in stuck.only("pk", "touched_at"):
        # Claimed by its timestamp: two sweeps at once resume a run once.
        claimed = MigrationRun.objects.filter(
            pk=run.pk, touched_at=run.touched_at
        ).update(touched_at=now)
        if claimed:
            transaction.on_commit(partial(run_migration.enqueue, run.pk))
            resumed += 1
    return resumed
