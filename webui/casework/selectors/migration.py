"""The running cases a beheerder chooses to migrate, and whether a migration can
be reverted."""

from django.db.models import QuerySet

from webui.accounts.models import Gemeente
from webui.cases.models import Case, CaseMigration


def cases_for_migration(
    *,
    gemeente: Gemeente,
    from_version: int | None = None,
    phase: str = "",
    references: "list[str] | None" = None,
) -> QuerySet[Case]:
    """The running cases of a gemeente a beheerder chooses to migrate: all of them, of
    one version, in one phase (by its label, as ``migration_phases`` offers it), or a
    list of references."""
    cases = Case.objects.filter(gemeente=gemeente, is_closed=False).select_related(
        "version"
    )
    if from_version is not None:
        cases = cases.filter(version__number=from_version)
    if phase:
        cases = cases.filter(phase_label=phase)
    if references:
        cases = cases.filter(reference__in=references)
    return cases.order_by("reference")


def migration_phases(*, gemeente: Gemeente) -> list[str]:
    """The phases the gemeente's running cases are in, each label once: the same
    phase on several versions (or under another process id) is one choice."""
    labels = (
        cases_for_migration(gemeente=gemeente)
        .order_by("phase_label")
        .values_list("phase_label", flat=True)
        .distinct()
    )
    return [label for label in labels if label]


def migration_revertible(*, migration: CaseMigration) -> bool:
    """Whether *Terugdraaien* can succeed: the migration is not reverted yet and the
    case has not moved on since (what ``case_migration_revert`` checks under lock)."""
    return (
        migration.reverted_at is None
        and migration.case.lock_version == migration.lock_version_after
    )
