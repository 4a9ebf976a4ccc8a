"""The running cases a beheerder chooses to migrate, and whether a migration can
be reverted."""

from django.db.models import QuerySet

from webui.accounts.models import Gemeente
from webui.cases.models import Case, CaseMigration
from webui.cases.tracks import TRACKS, phases_across
from webui.definitions.models import DefinitionVersion

from .lists import in_phase_q


def cases_for_migration(
    *,
    gemeente: Gemeente,
    from_version: int | None = None,
    phase: str = "",
    references: "list[str] | None" = None,
) -> QuerySet[Case]:
    """The running cases of a gemeente a beheerder chooses to migrate: all of them, of
    one version, in one phase (by its key, as ``migration_phases`` offers it), or a
    list of references."""
    cases = Case.objects.filter(gemeente=gemeente, is_closed=False).select_related(
        "version"
    )
    if from_version is not None:
        cases = cases.filter(version__number=from_version)
    if phase:
        cases = cases.filter(in_phase_q(phase))
    if references:
        cases = cases.filter(reference__in=references)
    return cases.order_by("reference")


def migration_phases(*, gemeente: Gemeente) -> list[tuple[str, str]]:
    """The phases the gemeente's running cases are in, as (key, words) per track
    ("Gemeente: Brede intake en PIP"): the same phase on several versions is one
    choice, and a case in two tracks is found under each."""
    cases = cases_for_migration(gemeente=gemeente)
    versions = list(
        DefinitionVersion.objects.filter(
            pk__in=cases.order_by().values("version_id").distinct()
        )
    )
    now_in: set[str] = set()
    for phases in cases.order_by().values_list("open_phases", flat=True).distinct():
        now_in.update(phases or ())
    return [
        (pid, f"{TRACKS.get(track, track)}: {name}")
        for pid, (track, name) in phases_across(versions).items()
        if pid in now_in
    ]


def migration_revertible(*, migration: CaseMigration) -> bool:
    """Whether *Terugdraaien* can succeed: the migration is not reverted yet and the
    case has not moved on since (what ``case_migration_revert`` checks under lock)."""
    return (
        migration.reverted_at is None
        and migration.case.lock_version == migration.lock_version_after
    )
