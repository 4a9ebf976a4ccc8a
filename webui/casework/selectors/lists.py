"""The case list under its filters, with open-task counts, and the figures of the
case overview."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from webui.access import cases_for_user, visible_cases
from webui.cases.models import Case
from webui.cases.tracks import CLOSED, TrackCounts, counts_per_track, phase_label
from webui.definitions.models import DefinitionVersion
from webui.tasks.models import TaskItem


def with_open_task_counts(cases: list[Case]) -> list[Case]:
    """The cases, each with its number of open tasks (``open_tasks``), in one
    grouped query over the task rows of these cases only: counting in the case query
    itself would group every visible case's task rows before a list is cut to its
    first rows."""
    counts = dict(
        TaskItem.objects.filter(
            case_id__in=[case.pk for case in cases], state=TaskItem.State.OPEN
        )
        .order_by()
        .values("case_id")
        .annotate(n=Count("id"))
        .values_list("case_id", "n")
    )
    for case in cases:
        case.open_tasks = counts.get(case.pk, 0)
    return cases


def overdue_q(today: date) -> Q:
    """Cases whose PIP deadline passed without a PIP vastgesteld (the law's
    deadline is on the beschikking, not on the drawing up)."""
    return Q(pip_deadline__lt=today, pip_vastgesteld_op__isnull=True, is_closed=False)


def filtered_cases(
    *,
    user: AbstractBaseUser,
    today: date,
    only_overdue: bool = False,
    phase: str = "",
    search: str = "",
) -> QuerySet[Case]:
    """The case list under its filters: past the PIP deadline, in one phase, a part
    of the statushouder's name or of the kenmerk; newest first."""
    cases = cases_for_user(user=user)
    if only_overdue:
        cases = cases.filter(overdue_q(today))
    if phase:
        cases = cases.filter(in_phase_q(phase))
    if search:
        cases = cases.filter(
            Q(client_naam__icontains=search) | Q(reference__icontains=search)
        )
    return cases


def in_phase_q(key: str) -> Q:
    """Cases in one phase now, by its key (the process id, the same on every
    version; a case is in one phase per track), or the closed ones."""
    if key == CLOSED:
        return Q(is_closed=True)
    # open_phases is a JSON list of process ids; the quotes make it the whole id,
    # on SQLite and PostgreSQL.
    return Q(is_closed=False, open_phases__icontains=f'"{key}"')


def _versions_of(cases: QuerySet[Case]) -> list[DefinitionVersion]:
    return list(
        DefinitionVersion.objects.filter(
            pk__in=cases.order_by().values("version_id").distinct()
        )
    )


@dataclass(frozen=True)
class Overview:
    total: int
    overdue: int
    tracks: list[TrackCounts]


def case_overview(*, user: AbstractBaseUser, today: date) -> Overview:
    """How many cases the user can open, per track and phase, and past their PIP
    deadline (a manager's figures are on the overview page, webui.reports)."""
    cases = visible_cases(user=user)
    rows = list(
        cases.order_by()
        .values("version_id", "open_phases", "is_closed")
        .annotate(n=Count("id"))
        .values_list("version_id", "open_phases", "is_closed", "n")
    )
    return Overview(
        total=sum(row[3] for row in rows),
        overdue=cases.filter(overdue_q(today)).count(),
        tracks=counts_per_track(rows, _versions_of(cases)),
    )


def phase_filter_label(*, user: AbstractBaseUser, key: str) -> str:
    """The ``?fase=`` key of the case list in words ("Begeleiding: Voortraject")."""
    return phase_label(key, _versions_of(visible_cases(user=user)))
