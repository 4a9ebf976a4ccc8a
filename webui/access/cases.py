"""Which cases a user may open, and what they may see of one."""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from webui.accounts.models import LANE_SIDE, Role
from webui.cases.models import Case
from webui.tasks.models import TaskItem

from .classes import (
    CONSENT_HOLDER,
    CONSENT_MILESTONES,
    CONSENT_ROLES,
    READABLE,
    SENSITIVE,
    leefgebied_privacy,
)
from .roles import Grant, grants, organisations_of

# The roles whose filter below reaches into the task rows (one case, many rows).
_THROUGH_TASKS = {Role.BEGELEIDER, Role.TRAINER}


# The roles that see every case of their gemeente.
_GEMEENTE_WIDE = {Role.REGIEVOERDER, Role.TEAMLEIDER}


def _case_filter(grant: Grant, user: AbstractBaseUser) -> Q | None:
    if grant.role in _GEMEENTE_WIDE and grant.gemeente_id:
        return Q(gemeente_id=grant.gemeente_id)
    if grant.mb_id is None:
        return None
    mine = Q(mb_organisation_id=grant.mb_id)
    if grant.role == Role.COORDINATOR:
        return mine
    if grant.role == Role.BEGELEIDER:
        # One filter, so the holder and the state are of the same task row. A task
        # of the pool shows no case data until it is picked up.
        return mine & (
            Q(begeleider=user)
            | Q(tasks__assignee=user, tasks__state=TaskItem.State.OPEN)
        )
    if grant.role == Role.TRAINER:
        return mine & Q(tasks__role=Role.TRAINER)
    return None


def visible_cases(*, user: AbstractBaseUser) -> QuerySet[Case]:
    """Every case the user may open, by any of their roles."""
    used = [
        (g, f) for g in grants(user=user) if (f := _case_filter(g, user)) is not None
    ]
    if not used:
        return Case.objects.none()
    combined = used[0][1]
    for _grant, extra in used[1:]:
        combined |= extra
    cases = Case.objects.filter(combined)
    if any(grant.role in _THROUGH_TASKS for grant, _filter in used):
        # A join with the task rows repeats a case; the subquery keeps it once.
        return Case.objects.filter(pk__in=cases.values("pk"))
    # Columns of the case itself: the gemeente's or organisation's index serves it.
    return cases


def cases_for_user(*, user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases the user may open (need-to-know), newest first."""
    return (
        visible_cases(user=user)
        .select_related("gemeente", "begeleider", "mb_organisation")
        .order_by("-created_at", "-id")
    )


def case_for_user(*, reference: str, user: AbstractBaseUser) -> Case | None:
    return cases_for_user(user=user).filter(reference=reference).first()


def current_consents(*, case: Case) -> set[tuple[str, str]]:
    """(category, direction) pairs the statushouder consents to now: the latest
    record of each pair says yes."""
    latest: dict[tuple[str, str], bool] = {}
    for category, direction, given in case.consents.order_by(
        "recorded_at", "id"
    ).values_list("category", "direction", "given"):
        latest[(category, direction)] = given
    return {pair for pair, given in latest.items() if given}


@dataclass(frozen=True)
class CaseAccess:
    """What one user may see of one case: by which roles, which classes, which side."""

    roles: frozenset[str]
    sides: frozenset[str]
    readable: frozenset[str]
    consents: frozenset[tuple[str, str]]  # (category, direction) given now

    @property
    def trainer_only(self) -> bool:
        return self.roles == {Role.TRAINER}

    def may_read(self, privacy: str, origin_side: str | None) -> bool:
        """Whether an answer of class ``privacy`` written by ``origin_side`` may be
        shown."""
        if privacy not in self.readable:
            return False
        if privacy not in SENSITIVE or origin_side is None or origin_side in self.sides:
            return True
        return any(
            (privacy, f"{origin_side}_naar_{side}") in self.consents
            for side in self.sides
        )

    def needs_consent(self, privacy: str, origin_side: str | None) -> bool:
        """Whether showing this class rests on the statushouder's consent."""
        return (
            privacy in SENSITIVE
            and origin_side is not None
            and origin_side not in self.sides
        )

    def withheld(self, privacy: str, origin_side: str | None) -> bool:
        """The other party's data of a sensitive class without the statushouder's
        consent: not shown, not counted, not hinted at (a count of hidden answers
        would tell that there is something)."""
        return self.needs_consent(privacy, origin_side) and not self.may_read(
            privacy, origin_side
        )

    def shows_leefgebied(self, leefgebied: str, origin_side: str | None) -> bool:
        """Whether the viewer may learn that ``origin_side`` worked on this
        leefgebied (a referral, a contact moment's topic, a count of them): it
        inherits the privacy class of what it is about."""
        return not self.withheld(leefgebied_privacy(leefgebied), origin_side)

    def keep_choice(self, origin_side: str | None):  # type: ignore[no-untyped-def]
        """For forms.values.display_rows: which chosen options (leefgebieden among
        them) of an answer written by ``origin_side`` the viewer may see. The
        answer to a consent question names categories, not data about them."""

        def keep(field: Any, value: str) -> bool:
            return field.milestone in CONSENT_MILESTONES or self.shows_leefgebied(
                value, origin_side
            )

        return keep

    def _consent_sides(self) -> set[str]:
        return {LANE_SIDE[r] for r in self.roles & CONSENT_ROLES}

    def records_consent(self, direction: str) -> bool:
        """Whether the viewer records consent for ``direction``: only the side that
        holds the data does."""
        return CONSENT_HOLDER.get(direction) in self._consent_sides()

    def requests_consent(self, direction: str) -> bool:
        """Whether the viewer may ask for consent in ``direction``: the receiving
        side (that does not hold the data itself)."""
        holder = CONSENT_HOLDER.get(direction)
        sides = self._consent_sides()
        return holder is not None and bool(sides) and holder not in sides

    @property
    def records_any_consent(self) -> bool:
        return any(self.records_consent(d) for d in CONSENT_HOLDER)

    @property
    def requests_any_consent(self) -> bool:
        return any(self.requests_consent(d) for d in CONSENT_HOLDER)

    def sees_submission(self, role: str) -> bool:
        """A trainer sees the PVT work (what trainers recorded), nothing else."""
        return not self.trainer_only or role == Role.TRAINER


def case_access(*, user: AbstractBaseUser, case: Case) -> CaseAccess | None:
    """What the user may see of ``case``; None when they may not open it (a 404)."""
    roles = set()
    for grant in grants(user=user):
        filter_ = _case_filter(grant, user)
        if filter_ is None:
            continue
        if type(case).objects.filter(filter_, pk=case.pk).exists():
            roles.add(grant.role)
    if not roles:
        return None
    return CaseAccess(
        roles=frozenset(roles),
        sides=frozenset(LANE_SIDE[r] for r in roles),
        readable=frozenset().union(*(READABLE[r] for r in roles)),
        consents=frozenset(current_consents(case=case)),
    )


def manager_cases(*, user: AbstractBaseUser) -> QuerySet[Case]:
    """The cases a manager reports on: of their gemeente(n), or guided by their MB
    organisation(s)."""
    gemeenten, mbs = organisations_of(user=user, role=Role.MANAGER)
    if not gemeenten and not mbs:
        return Case.objects.none()
    return Case.objects.filter(
        Q(gemeente_id__in=gemeenten) | Q(mb_organisation_id__in=mbs)
    )
