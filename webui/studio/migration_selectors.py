"""Reads for the migration pages: the recent runs, one run's moved and refused
cases, one case's migration to revert."""

from django.contrib.auth.models import AbstractBaseUser

from webui.accounts.models import Gemeente, Role
from webui.cases.models import Case, CaseMigration, MigrationRun
from webui.logs.context import Occasion
from webui.logs.services import list_record


def migration_runs_recent(*, gemeente: Gemeente) -> list[MigrationRun]:
    return list(MigrationRun.objects.filter(gemeente=gemeente)[:5])


def migration_run_for(*, gemeente: Gemeente, run_id: int) -> MigrationRun | None:
    return MigrationRun.objects.filter(gemeente=gemeente, pk=run_id).first()


def migration_run_cases(
    *, gemeente: Gemeente, run: MigrationRun
) -> tuple[list[CaseMigration], list[Case]]:
    """The cases a run moved (their migrations) and those it refused."""
    moved = CaseMigration.objects.filter(
        to_version=run.target,
        case_id__in=run.case_ids,
        migrated_at__gte=run.requested_at,
    ).select_related("case", "from_version")
    refused = [item.get("reference", "") for item in run.refused or []]
    return list(moved), list(
        Case.objects.filter(gemeente=gemeente, reference__in=refused)
    )


def case_migration_for(
    *, gemeente: Gemeente, migration_id: int
) -> CaseMigration | None:
    return (
        CaseMigration.objects.filter(case__gemeente=gemeente, pk=migration_id)
        .select_related("case", "from_version")
        .first()
    )


def migration_cases_seen(
    *, user: AbstractBaseUser, cases: list[Case], occasion: Occasion
) -> None:
    """The migration pages list dossiers (kenmerk, phase, version): logged, naming
    each one, as every list of cases is."""
    list_record(
        user=user,
        cases=cases,
        categories=["normaal"],
        roles=[Role.BEHEERDER],
        occasion=occasion,
    )
