"""The case list under its filters, with open-task counts, and the figures of the
case overview."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from webui.access import cases_for_user, visible_cases
from webui.cases.models import Case
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
        cases = cases.filter(phase_label=phase)
    if search:
        cases = cases.filter(
            Q(client_naam__icontains=search) | Q(reference__icontains=search)
        )
    return cases


@dataclass(frozen=True)
class Overview:
    total: int
    overdue: int
    phases: list[tuple[str, int]]


def case_overview(*, user: AbstractBaseUser, today: date) -> Overview:
    """How many cases the user can open, per phase and past their PIP deadline (a
    manager's figures are on the overview page, webui.reports)."""
    cases = visible_cases(user=user)
    per_phase = cases.values("phase_label").annotate(n=Count("id")).order_by("-n")
    return Overview(
        total=cases.count(),
        overdue=cases.filter(overdue_q(today)).count(),
        phases=[(row["phase_label"], row["n"]) for row in per_phase],
    )
