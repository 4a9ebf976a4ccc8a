"""Need-to-know: who may see which cases, tasks and privacy classes. The rules live
here and nowhere else; pages, exports, commands and the admin ask this module, and a
refusal is a 404.

- a begeleider sees the cases of their MB organisation they are vaste begeleider of, or
  hold an open task in, now: access follows the present assignment, so a case handed
  to a colleague closes for them (a task they once completed opens nothing, a task
  of the pool shows nothing until picked up);
- a coördinator the cases their MB organisation guides;
- a trainer the name and PVT data of the cases whose workshops they give;
- a regievoerder and a teamleider (above the regievoerders) the cases of their
  gemeente;
- a manager figures and the export, without sensitive classes (no case pages);
- a beheerder diagrams and forms, no case data;
- a privacy officer the processing log of their organisation;
- a beheerder also the users of their own organisation(s) (the Gebruikers page):
  never themselves, never a superuser, never anyone outside those organisations.

Each role reads a declared set of privacy classes; a sensitive category written by one
party (gemeente or MB organisation) reaches the other only with the statushouder's
consent for that category and direction. That consent is recorded by the party that
holds the data (CONSENT_HOLDER); the other party may ask, never record. A referral, a
chosen topic and every count inherit the class of the leefgebied they are about
(LEEFGEBIED_PRIVACY); what only consent would show is left out without a trace.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

import vocabulary

from .models import (
    GEMEENTE_ROLES,
    LANE_SIDE,
    MB_ROLES,
    Gemeente,
    MbOrganisation,
    Membership,
    Role,
)

if TYPE_CHECKING:
    from webui.cases.models import Case

SENSITIVE = frozenset(vocabulary.SENSITIVE_CLASSES)
ALL_CLASSES = frozenset(vocabulary.PRIVACY_CLASSES)

# The privacy classes each role may read, on the cases it may see.
READABLE: dict[str, frozenset[str]] = {
    Role.BEGELEIDER: ALL_CLASSES,
    Role.COORDINATOR: frozenset({"normaal", "persoonsgegevens", "bsn", "begeleiding"}),
    Role.TRAINER: frozenset({"normaal"}),
    Role.REGIEVOERDER: ALL_CLASSES,
    Role.TEAMLEIDER: ALL_CLASSES,
    Role.MANAGER: frozenset({"normaal"}),
    Role.BEHEERDER: frozenset(),
    Role.PRIVACY: frozenset(),
}
# Roles that work on cases (and open case pages).
CASE_ROLES = frozenset(LANE_SIDE)

# Who records the statushouder's consent: the people who talk with them...
CONSENT_ROLES = frozenset({Role.BEGELEIDER, Role.COORDINATOR, Role.REGIEVOERDER})
# ...on the side that holds the data a direction lets go. The receiving side may
# ask for consent, never record it.
CONSENT_HOLDER = {"mb_naar_gemeente": "mb", "gemeente_naar_mb": "gemeente"}
# The milestones (workflows/mijlpalen.json) of a form's consent question, per
# direction.
CONSENT_MILESTONES = {
    "toestemming_gemeente": "mb_naar_gemeente",
    "toestemming_mb": "gemeente_naar_mb",
}

# What a leefgebied (of a referral, or a choice on a form such as the topics of a
# contact moment) is about, as a privacy class: a referral to schuldhulp tells as
# much as the debt itself. Values not named here are "normaal".
LEEFGEBIED_PRIVACY = {
    "financien": "schulden",
    "zorg": "gezondheid",
    "psychisch": "psychisch",
    "juridisch": "juridisch",
}


def leefgebied_privacy(value: str) -> str:
    """The privacy class of a leefgebied (a referral's, a contact moment's topic)."""
    return LEEFGEBIED_PRIVACY.get(value, "normaal")


@dataclass(frozen=True)
class Grant:
    """One role a user holds at one organisation."""

    role: str
    gemeente_id: int | None = None
    mb_id: int | None = None


# Within one request the user's memberships are read once (see grants_per_request);
# outside a request (commands, background tasks, services called directly) always.
_request_grants: ContextVar[dict[int, tuple[Grant, ...]] | None] = ContextVar(
    "wegwijs_request_grants", default=None
)


@contextmanager
def grants_per_request() -> Iterator[None]:
    """Read each user's memberships at most once inside this block: a page asks
    need-to-know a dozen times, and the answer does not change while it is built.
    Nested blocks share the outer one's reads."""
    if _request_grants.get() is not None:
        yield
        return
    token = _request_grants.set({})
    try:
        yield
    finally:
        _request_grants.reset(token)


def grants(*, user: AbstractBaseUser) -> tuple[Grant, ...]:
    if not user.is_authenticated or not user.is_active:
        return ()
    cached = _request_grants.get()
    if cached is not None and user.pk in cached:
        return cached[user.pk]
    found = tuple(
        Grant(role, gemeente_id, mb_id)
        for role, gemeente_id, mb_id in Membership.objects.filter(
            user=user
        ).values_list("role", "gemeente_id", "mb_organisation_id")
    )
    if cached is not None:
        cached[user.pk] = found
    return found


def roles_held(*, user: AbstractBaseUser) -> set[str]:
    """Every role the user holds anywhere (for menus, not for access)."""
    return {grant.role for grant in grants(user=user)}


# TaskItem.State.OPEN (the task app sits above this one and is not imported here).
_OPEN = "open"

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
        return mine & (Q(begeleider=user) | Q(tasks__assignee=user, tasks__state=_OPEN))
    if grant.role == Role.TRAINER:
        return mine & Q(tasks__role=Role.TRAINER)
    return None


def visible_cases(*, user: AbstractBaseUser) -> "QuerySet[Case]":
    """Every case the user may open, by any of their roles."""
    from webui.cases.models import Case

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


def case_access(*, user: AbstractBaseUser, case: "Case") -> CaseAccess | None:
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
    from webui.cases.selectors import current_consents

    return CaseAccess(
        roles=frozenset(roles),
        sides=frozenset(LANE_SIDE[r] for r in roles),
        readable=frozenset().union(*(READABLE[r] for r in roles)),
        consents=frozenset(current_consents(case=case)),
    )


# ---- tasks ---------------------------------------------------------------------------


def _pool(grant: Grant) -> Q | None:
    """The open tasks a grant's role may pick up."""
    if grant.role not in LANE_SIDE:
        return None
    if LANE_SIDE[grant.role] == "gemeente":
        return (
            Q(role=grant.role, gemeente_id=grant.gemeente_id)
            if grant.gemeente_id
            else None
        )
    return Q(role=grant.role, mb_organisation_id=grant.mb_id) if grant.mb_id else None


def task_pools(*, user: AbstractBaseUser) -> list[Q]:
    """One filter per role the user works tasks in; the queue unions them."""
    return [p for g in grants(user=user) if (p := _pool(g)) is not None]


def may_work_on(*, user: AbstractBaseUser, item: Any) -> bool:
    """Whether the task is of a role the user holds at the right organisation."""
    for grant in grants(user=user):
        if grant.role != item.role or grant.role not in LANE_SIDE:
            continue
        if (
            LANE_SIDE[grant.role] == "gemeente"
            and grant.gemeente_id == item.gemeente_id
        ):
            return True
        if LANE_SIDE[grant.role] == "mb" and grant.mb_id == item.mb_organisation_id:
            return True
    return False


def may_see_task(*, user: AbstractBaseUser, item: Any) -> bool:
    """Whether the user may open the task's page: an open task they hold now, an open
    unclaimed task of their role's pool, or any task of a case they may open now.
    A task they completed or held once opens nothing once the case has moved on to
    a colleague: a done task of a case they no longer read is a 404."""
    if item.state == _OPEN:
        if item.assignee_id is not None and item.assignee_id == user.pk:
            return True
        if item.assignee_id is None and may_work_on(user=user, item=item):
            return True
    return visible_cases(user=user).filter(pk=item.case_id).exists()


# ---- organisations -------------------------------------------------------------------


def managed_gemeenten(*, user: AbstractBaseUser) -> QuerySet[Gemeente]:
    """The gemeenten whose process the user manages (functioneel beheerder)."""
    ids = [g.gemeente_id for g in grants(user=user) if g.role == Role.BEHEERDER]
    return Gemeente.objects.filter(pk__in=ids).order_by("naam")


def related_gemeenten(*, user: AbstractBaseUser) -> QuerySet[Gemeente]:
    """The gemeenten a user works for: their own, or those their MB organisation
    works for (whose processes they may view)."""
    own = {g.gemeente_id for g in grants(user=user) if g.gemeente_id}
    mbs = {g.mb_id for g in grants(user=user) if g.mb_id}
    return (
        Gemeente.objects.filter(Q(pk__in=own) | Q(mb_organisations__in=mbs))
        .distinct()
        .order_by("naam")
    )


def organisations_of(*, user: AbstractBaseUser, role: str) -> tuple[set[int], set[int]]:
    """(gemeente ids, MB organisation ids) where the user holds ``role``."""
    held = [g for g in grants(user=user) if g.role == role]
    return (
        {g.gemeente_id for g in held if g.gemeente_id},
        {g.mb_id for g in held if g.mb_id},
    )


def manager_cases(*, user: AbstractBaseUser) -> "QuerySet[Case]":
    """The cases a manager reports on: of their gemeente(n), or guided by their MB
    organisation(s)."""
    from webui.cases.models import Case

    gemeenten, mbs = organisations_of(user=user, role=Role.MANAGER)
    if not gemeenten and not mbs:
        return Case.objects.none()
    return Case.objects.filter(
        Q(gemeente_id__in=gemeenten) | Q(mb_organisation_id__in=mbs)
    )


def registering_organisations(
    *, user: AbstractBaseUser
) -> list[tuple[MbOrganisation, list[Gemeente]]]:
    """Where a coördinator may register statushouders: their MB organisations, each
    with the gemeenten it works for."""
    _gemeenten, mbs = organisations_of(user=user, role=Role.COORDINATOR)
    return [
        (org, list(org.gemeenten.order_by("naam")))
        for org in MbOrganisation.objects.filter(pk__in=mbs).order_by("naam")
    ]


def users_for_role(
    *, role: str, gemeente_id: int | None, mb_id: int | None
) -> Iterable[Any]:
    """Active users holding ``role`` at the organisation that does that role's work."""
    members = Membership.objects.filter(role=role, user__is_active=True)
    if LANE_SIDE.get(role) == "gemeente":
        members = members.filter(gemeente_id=gemeente_id)
    else:
        members = members.filter(mb_organisation_id=mb_id)
    return [
        m.user
        for m in members.select_related("user").order_by(
            "user__first_name", "user__username"
        )
    ]


def user_choices(*, gemeente_id: int | None, mb_id: int | None):  # type: ignore[no-untyped-def]
    """For a form's `gebruiker` field: given a role, (username, name) of the users who
    do that role's work for a case of this gemeente and MB organisation."""

    def choices(role: str) -> list[tuple[str, str]]:
        return [
            (u.get_username(), u.get_full_name() or u.get_username())
            for u in users_for_role(role=role, gemeente_id=gemeente_id, mb_id=mb_id)
        ]

    return choices


# ---- users (the beheerder's Gebruikers page) -----------------------------------------

Organisation = Gemeente | MbOrganisation


def organisation_key(organisation: Organisation) -> str:
    """A stable name for an organisation in addresses and form fields."""
    kind = "gemeente" if isinstance(organisation, Gemeente) else "mb"
    return f"{kind}-{organisation.pk}"


def assignable_roles(*, organisation: Organisation) -> list[str]:
    """The roles a beheerder may give at ``organisation``: the gemeente's roles at a
    gemeente (regie, never the MB work), the MB organisation's at an MB
    organisation."""
    side = GEMEENTE_ROLES if isinstance(organisation, Gemeente) else MB_ROLES
    return [role for role in Role.values if role in side]


def managed_organisations(*, user: AbstractBaseUser) -> list[Organisation]:
    """The gemeenten and MB organisations whose users ``user`` manages (beheerder)."""
    gemeenten, mbs = organisations_of(user=user, role=Role.BEHEERDER)
    return [
        *Gemeente.objects.filter(pk__in=gemeenten).order_by("naam"),
        *MbOrganisation.objects.filter(pk__in=mbs).order_by("naam"),
    ]


def managed_organisation(*, user: AbstractBaseUser, key: str) -> Organisation | None:
    """One of the user's managed organisations by its key; None (a 404) otherwise."""
    for organisation in managed_organisations(user=user):
        if organisation_key(organisation) == key:
            return organisation
    return None


def _members_of(gemeenten: set[int], mbs: set[int]) -> "QuerySet[Membership]":
    return Membership.objects.filter(
        Q(gemeente_id__in=gemeenten) | Q(mb_organisation_id__in=mbs)
    )


@dataclass(frozen=True)
class Member:
    """A user of one of the beheerder's organisations, as the Gebruikers page lists
    them: their roles there and whether the beheerder may change them."""

    user: Any
    roles: tuple[str, ...]
    manageable: bool


def organisation_members(
    *, user: AbstractBaseUser
) -> list[tuple[Organisation, list[Member]]]:
    """Per managed organisation, its users with their roles there."""
    organisations = managed_organisations(user=user)
    gemeenten, mbs = organisations_of(user=user, role=Role.BEHEERDER)
    held: dict[tuple[str, int], dict[int, list[str]]] = {}
    people: dict[int, Any] = {}
    labels = dict(Role.choices)
    for membership in _members_of(gemeenten, mbs).select_related("user"):
        org = (
            ("gemeente", membership.gemeente_id)
            if membership.gemeente_id
            else ("mb", membership.mb_organisation_id)
        )
        people[membership.user_id] = membership.user
        held.setdefault(org, {}).setdefault(membership.user_id, []).append(
            str(labels[membership.role])
        )
    result = []
    for organisation in organisations:
        kind = "gemeente" if isinstance(organisation, Gemeente) else "mb"
        members = held.get((kind, organisation.pk), {})
        rows = [
            Member(
                user=people[pk],
                roles=tuple(sorted(roles)),
                manageable=_may_manage(user, people[pk]),
            )
            for pk, roles in members.items()
        ]
        rows.sort(
            key=lambda m: (m.user.last_name.casefold(), m.user.first_name.casefold())
        )
        result.append((organisation, rows))
    return result


def _may_manage(user: AbstractBaseUser, target: Any) -> bool:
    # Never oneself (nobody raises their own rights) and never an account of the
    # technical beheer (superuser or staff, made on the command line).
    return target.pk != user.pk and not target.is_superuser and not target.is_staff


def manageable_user(*, user: AbstractBaseUser, pk: int) -> Any | None:
    """The user ``pk`` if ``user`` may manage them: someone with a role at one of
    the organisations ``user`` is beheerder of, not ``user`` themselves, not a
    superuser. None (a 404) otherwise."""
    gemeenten, mbs = organisations_of(user=user, role=Role.BEHEERDER)
    if not gemeenten and not mbs:
        return None
    target = (
        get_user_model()
        .objects.filter(pk=pk, pk__in=_members_of(gemeenten, mbs).values("user_id"))
        .first()
    )
    if target is None or not _may_manage(user, target):
        return None
    return target


def roles_at(*, target: AbstractBaseUser, organisation: Organisation) -> set[str]:
    """The roles ``target`` holds at one organisation."""
    place = (
        {"gemeente": organisation}
        if isinstance(organisation, Gemeente)
        else {"mb_organisation": organisation}
    )
    return set(
        Membership.objects.filter(user=target, **place).values_list("role", flat=True)
    )


def has_roles_elsewhere(*, user: AbstractBaseUser, target: AbstractBaseUser) -> bool:
    """Whether ``target`` also holds a role at an organisation ``user`` does not
    manage (which ``user`` then may not switch off by deactivating the account)."""
    gemeenten, mbs = organisations_of(user=user, role=Role.BEHEERDER)
    return (
        Membership.objects.filter(user=target)
        .exclude(pk__in=_members_of(gemeenten, mbs).values("pk"))
        .exists()
    )
