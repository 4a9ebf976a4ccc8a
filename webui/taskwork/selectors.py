"""Reads for the task queue; who may see and work on which task comes from
webui.access (need-to-know)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone

from webui.access import (
    grants,
    may_see_task,
    may_work_on,
    organisations_of,
    related_gemeenten,
    roles_held,
    task_pools,
    visible_cases,
)
from webui.accounts.models import LANE_SIDE, Role
from webui.accounts.selectors import users_for_role
from webui.logs.models import AuditEvent
from webui.portal.models import PortalRequest
from webui.tasks.models import TaskItem

PER_PAGE = 25
MINE, AVAILABLE = "mijn", "oppakken"
TABS = (MINE, AVAILABLE)
BY_DUE, NEWEST = "termijn", "nieuwste"
HANDED_OVER = "task_handed_over"


@dataclass(frozen=True)
class QueueFilters:
    """What the queue is narrowed to; the defaults show everything."""

    gemeente: str = ""  # a gemeente's slug
    phase: str = ""  # a phase label, as the task rows carry it
    overdue: bool = False
    this_week: bool = False
    search: str = ""  # part of the statushouder's name or of the kenmerk
    order: str = BY_DUE

    @property
    def active(self) -> int:
        """How many filters narrow the list (the order does not)."""
        return sum(
            bool(v)
            for v in (
                self.gemeente,
                self.phase,
                self.overdue,
                self.this_week,
                self.search,
            )
        )


@dataclass(frozen=True)
class QueuePage:
    tab: str
    page: Page  # of TaskItem
    counts: dict[str, int]  # per tab, with the filters applied
    multi_role: bool  # the user works tasks in more than one role


@dataclass(frozen=True)
class QueueOptions:
    """What the queue's filters offer: (slug, name) of the gemeenten the user works
    for, and the phases their open tasks are in."""

    gemeenten: list[tuple[str, str]]
    phases: list[str]


def queue_options(*, user: AbstractBaseUser) -> QueueOptions:
    pools = task_pools(user=user)
    if not pools:
        return QueueOptions([], [])
    # One index range per pool (the pool indexes end with the phase), never a
    # `Q | Q` that SQLite would answer by scanning a bigger index.
    phases: set[str] = set()
    for pool in pools:
        phases.update(
            TaskItem.objects.filter(pool, state=TaskItem.State.OPEN)
            .order_by()
            .values_list("phase", flat=True)
            .distinct()
        )
    return QueueOptions(
        gemeenten=[(g.slug, g.naam) for g in related_gemeenten(user=user)],
        phases=sorted(phases),
    )


def week_end(today: date) -> date:
    """The Sunday of today's week (weeks start on Monday, as in the Netherlands)."""
    return today + timedelta(days=6 - today.weekday())


def _filtered(
    items: QuerySet[TaskItem], filters: QueueFilters, today: date
) -> QuerySet[TaskItem]:
    if filters.gemeente:
        items = items.filter(gemeente__slug=filters.gemeente)
    if filters.phase:
        items = items.filter(phase=filters.phase)
    due = Q()
    if filters.overdue:
        due |= Q(due_date__lt=today)
    if filters.this_week:
        due |= Q(due_date__gte=today, due_date__lte=week_end(today))
    if filters.overdue or filters.this_week:
        items = items.filter(due)
    if filters.search:
        items = items.filter(
            Q(case__client_naam__icontains=filters.search)
            | Q(case__reference__icontains=filters.search)
        )
    return items


# The queue's order, as (ORDER BY of one index range, sort key of its rows). By due
# date: the earliest first puts overdue work on top; tasks without a date come last,
# by when they came. Newest: by when the task came, the latest first.
_KEY_FIELDS = ("pk", "due_date", "ready_at")


def _due_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    pk, due_date, ready_at = row
    return (due_date is None, due_date or date.min, ready_at, pk)


def _newest_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    pk, _due_date, ready_at = row
    return (-ready_at.timestamp(), -pk)


def _ranges(tab: QuerySet[TaskItem], order: str) -> list[QuerySet[TaskItem]]:
    """The tab's rows as index ranges, each already in queue order. SQLite's indexes
    put NULLs first, so tasks with and without a due date are two ranges."""
    if order == NEWEST:
        return [tab.order_by("-ready_at", "-id")]
    # The holder is one value within a tab, and the due date one value (none) in the
    # second range; naming them lets PostgreSQL see that the index order (… holder,
    # due date, arrival) is the queue's order after ``IS NULL``, which it does not
    # count as an equality.
    return [
        tab.filter(due_date__isnull=False).order_by(
            "assignee", "due_date", "ready_at", "id"
        ),
        tab.filter(due_date__isnull=True).order_by(
            "assignee", "due_date", "ready_at", "id"
        ),
    ]


class QueueRows:
    """The rows of one tab in queue order, for a Paginator.

    A user's pools (one per role and organisation) are disjoint, so the tab is read
    per pool: each pool's count and its first rows come from one index range of the
    pool indexes (webui/tasks/models.py), and the rows are merged here. A single
    query with ``pool_a | pool_b`` and ``NULLS LAST`` would make the database find
    and sort the whole pool for every page (see shared/reference/
    performance-floors.md).
    """

    def __init__(self, tabs: list[QuerySet[TaskItem]], order: str) -> None:
        self.tabs = tabs
        self.order = order
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = sum(tab.order_by().count() for tab in self.tabs)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[TaskItem]:
        if not isinstance(index, slice):
            raise TypeError("QueueRows takes slices only")
        start, stop = index.start or 0, index.stop
        key = _newest_key if self.order == NEWEST else _due_key
        heads: list[tuple[Any, ...]] = []
        for tab in self.tabs:
            for part in _ranges(tab, self.order):
                heads += part.values_list(*_KEY_FIELDS)[:stop]
        wanted = [row[0] for row in sorted(heads, key=key)[start:stop]]
        found = (
            TaskItem.objects.select_related("case", "gemeente", "assignee")
            .defer("documentation")
            .in_bulk(wanted)
        )
        return [found[pk] for pk in wanted]


def _tabs(
    user: AbstractBaseUser,
    pools: list[Q],
    tab: str,
    filters: QueueFilters,
    today: date,
) -> list[QuerySet[TaskItem]]:
    """The tab, one queryset per pool of the user."""
    assignee = Q(assignee=user) if tab == MINE else Q(assignee__isnull=True)
    return [
        _filtered(
            TaskItem.objects.filter(pool, assignee, state=TaskItem.State.OPEN),
            filters,
            today,
        )
        for pool in pools
    ]


def queue_page(
    *,
    user: AbstractBaseUser,
    tab: str,
    filters: QueueFilters,
    page: Any,
    today: date,
    per_page: int | None = None,
) -> QueuePage:
    """One page of the user's own open tasks (tab ``mijn``) or of the unclaimed open
    tasks of their roles (tab ``oppakken``), filtered and ordered, with the count of
    both tabs under the same filters."""
    per_page = per_page or PER_PAGE
    pools = task_pools(user=user)
    tabs = {t: _tabs(user, pools, t, filters, today) for t in TABS}
    if not tabs[MINE]:
        empty = Paginator(TaskItem.objects.none(), per_page).get_page(1)
        return QueuePage(tab, empty, {MINE: 0, AVAILABLE: 0}, False)
    paginator = Paginator(QueueRows(tabs[tab], filters.order), per_page)
    shown = paginator.get_page(page)
    other = AVAILABLE if tab == MINE else MINE
    counts = {tab: paginator.count, other: QueueRows(tabs[other], BY_DUE).count()}
    roles = {g.role for g in grants(user=user) if g.role in LANE_SIDE}
    return QueuePage(tab, shown, counts, multi_role=len(roles) > 1)


def has_task_pool(*, user: AbstractBaseUser) -> bool:
    """Whether the user works tasks at all (a manager, beheerder or privacy officer
    alone does not)."""
    return bool(task_pools(user=user))


def next_task(
    *, user: AbstractBaseUser, after: TaskItem | None = None
) -> TaskItem | None:
    """The user's own open task to do next: after finishing ``after``, the same
    case's next task of this user first (the follow-up of the person just helped),
    then the one due first of all their open tasks."""
    mine = _tabs(
        user, task_pools(user=user), MINE, QueueFilters(), timezone.localdate()
    )
    if after is not None:
        mine = [tab.exclude(pk=after.pk) for tab in mine]
        same_case = QueueRows([t.filter(case_id=after.case_id) for t in mine], BY_DUE)
        if follow_up := same_case[0:1]:
            return follow_up[0]
    first = QueueRows(mine, BY_DUE)[0:1]
    return first[0] if first else None


def task_for_user(*, task_id: str, user: AbstractBaseUser) -> TaskItem | None:
    """The task, if need-to-know lets the user open it (may_see_task); None (a
    404) otherwise."""
    item = (
        TaskItem.objects.select_related(
            "case__version", "gemeente", "assignee", "completed_by"
        )
        .filter(task_id=task_id)
        .first()
    )
    if item is None or not may_see_task(user=user, item=item):
        return None
    return item


def task_refusal(*, item: TaskItem, user: AbstractBaseUser) -> str | None:
    """Why the user may not work on this open task (Dutch), or None if they may."""
    if not may_work_on(user=user, item=item):
        return f"Deze taak is voor de rol {item.role_label}; die heeft u niet."
    if item.assignee_id is not None and item.assignee_id != user.pk:
        holder = item.assignee.get_full_name() or item.assignee.get_username()
        return f"Deze taak is opgepakt door {holder}."
    return None


# ---- handing over ------------------------------------------------------------------


def hand_over_refusal(*, item: TaskItem, user: AbstractBaseUser) -> str | None:
    """Why the user may not hand this task over (Dutch), or None if they may: its
    holder may, and a coördinator may for any open task of the MB roles of their
    organisation."""
    if item.state != TaskItem.State.OPEN:
        return "Deze taak staat niet meer open."
    if item.assignee_id == user.pk and may_work_on(user=user, item=item):
        return None
    _gemeenten, mbs = organisations_of(user=user, role=Role.COORDINATOR)
    if LANE_SIDE.get(item.role) == "mb" and item.mb_organisation_id in mbs:
        return None
    return (
        "Alleen wie de taak heeft opgepakt, of een coördinator van de organisatie,"
        " kan hem overdragen."
    )


def hand_over_candidates(*, item: TaskItem) -> list[Any]:
    """The colleagues who may work on the task, its holder left out."""
    return [
        user
        for user in users_for_role(
            role=item.role,
            gemeente_id=item.gemeente_id,
            mb_id=item.mb_organisation_id,
        )
        if user.pk != item.assignee_id
    ]


@dataclass(frozen=True)
class HandOverNote:
    by: str
    at: datetime
    note: str


def hand_over_note(*, item: TaskItem, user: AbstractBaseUser) -> HandOverNote | None:
    """The note that came with the task, for the colleague it was handed to (while
    they hold it)."""
    if item.assignee_id != user.pk:
        return None
    event = (
        AuditEvent.objects.filter(
            case_id=item.case_id, event=HANDED_OVER, detail__task_id=item.task_id
        )
        .select_related("user")
        .order_by("-at", "-id")
        .first()
    )
    if event is None or event.detail.get("to") != user.get_username():
        return None
    by = (event.user.get_full_name() or event.user.get_username()) if event.user else ""
    return HandOverNote(by=by, at=event.at, note=event.detail.get("note", ""))


def portal_requests_for(*, user: AbstractBaseUser) -> list[PortalRequest]:
    """What statushouders asked in Mijn Wegwijs (contact, a withdrawn consent, a
    correction) that this user handles: their own, or of their role's pool, on
    cases they may open now."""
    roles = roles_held(user=user) & {Role.BEGELEIDER, Role.COORDINATOR}
    if not roles:
        return []
    return list(
        PortalRequest.objects.filter(
            done_at__isnull=True,
            role__in=roles,
            case__in=visible_cases(user=user).values("pk"),
        )
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
        .select_related("case")
        .order_by("created_at", "id")
    )
