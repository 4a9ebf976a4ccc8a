"""Moving running cases to another version of their gemeente's process: a preview per
case in words, each case in its own transaction with a record that can be reverted, in
bulk in the background."""

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.utils import timezone

import engine
from engine import Clock
from engine.migration import MoveRefused, check_move, move_case
from webui.cases.models import Case, CaseMigration, MigrationRun
from webui.definitions.bundles import bundle_of
from webui.definitions.models import DefinitionVersion

from .advancing import Advance, case_advance
from .base import CaseConflict, CaseError, case_state, clock_or_system


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


class _Refused(Exception):
    """The case cannot move; the reasons, in words."""

    def __init__(self, reasons: tuple[str, ...]) -> None:
        super().__init__(*reasons)
        self.reasons = reasons


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
    changes: tuple[str, ...] = ()

    def move(case: Case) -> Advance:
        nonlocal changes
        reasons = _precheck(case, target)
        if reasons:
            raise _Refused(reasons)
        old_state = case_state(case)
        try:
            snapshot, check = move_case(
                bundle_of(case.version).process,
                bundle_of(target).process,
                json.loads(old_state),
                clock=clock,
            )
        except MoveRefused as exc:
            raise _Refused(exc.reasons) from exc
        except engine.WorkflowFailed as exc:
            raise _Refused((f"op de nieuwe versie loopt het vast: {exc}",)) from exc
        changes = check.changes
        now = clock.now()
        previous = case.version

        def record(moved: Case) -> None:
            CaseMigration.objects.create(
                case=moved,
                from_version=previous,
                to_version=target,
                previous_state=old_state,
                lock_version_after=moved.lock_version,
                migrated_at=now,
                migrated_by=user,
            )

        return Advance(
            case=case,
            snapshot=snapshot,
            bundle=bundle_of(target),
            now=now,
            event="case_migrated",
            user=user,
            detail={"from_version": previous.number, "to_version": target.number},
            reached=snapshot.reached,
            changes={"version": target},
            record=record,
        )

    case = Case.objects.select_related("version").get(pk=case_id)
    try:
        moved = case_advance(case=case, step=move)
    except _Refused as exc:
        return MovePreview(case, exc.reasons)
    except CaseConflict:
        return MovePreview(
            case, ("het dossier werd tegelijk bijgewerkt; probeer het opnieuw",)
        )
    assert moved is not None
    return MovePreview(moved, (), changes)


def case_migration_revert(
    *,
    migration: CaseMigration,
    user: AbstractBaseUser | None,
    clock: Clock | None = None,
) -> Case:
    """Put a migrated case back on its previous version and state, as long as it has
    not moved on since."""
    clock = clock_or_system(clock)
    if migration.reverted_at is not None:
        raise CaseError("Deze migratie is al teruggedraaid.")

    def revert(case: Case) -> Advance:
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
        now = clock.now()

        def record(_case: Case) -> None:
            migration.reverted_at = now
            migration.reverted_by = user
            migration.save(update_fields=["reverted_at", "reverted_by"])

        return Advance(
            case=case,
            snapshot=snapshot,
            bundle=bundle,
            now=now,
            event="case_migration_reverted",
            user=user,
            detail={"to_version": previous.number},
            changes={"version": previous},
            record=record,
        )

    reverted = case_advance(case=migration.case, step=revert)
    assert reverted is not None
    return reverted


def migration_run_record(
    *,
    cases: Iterable[Case],
    target: DefinitionVersion,
    user: AbstractBaseUser | None,
    clock: Clock | None = None,
) -> MigrationRun:
    """Record a bulk migration for the background worker (``migration_run_start``
    in webui.casework.tasks hands it over)."""
    ids = [case.pk for case in cases]
    run = MigrationRun.objects.create(
        gemeente_id=target.gemeente_id,
        target=target,
        case_ids=ids,
        total=len(ids),
        requested_by=user,
        requested_at=clock_or_system(clock).now(),
    )
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


def migration_runs_claim(*, now: datetime | None = None) -> list[int]:
    """The bulk migrations that stopped halfway (a worker killed, a machine
    restarted: no progress for WEGWIJS_BACKGROUND_TIMEOUT_MINUTES), claimed for the
    worker again (``migration_runs_resume`` in webui.casework.tasks hands them over)."""
    now = now or timezone.now()
    limit = now - timedelta(minutes=settings.WEGWIJS_BACKGROUND_TIMEOUT_MINUTES)
    stuck = MigrationRun.objects.filter(status=MigrationRun.Status.RUNNING).filter(
        Q(touched_at__lt=limit) | Q(touched_at=None, requested_at__lt=limit)
    )
    resumed = []
    for run in stuck.only("pk", "touched_at"):
        # Claimed by its timestamp: two sweeps at once resume a run once.
        claimed = MigrationRun.objects.filter(
            pk=run.pk, touched_at=run.touched_at
        ).update(touched_at=now)
        if claimed:
            resumed.append(run.pk)
    return resumed
