"""Reads for the coördinator's pages: which statushouders wait for a vaste
begeleider, how full each begeleider is, what is overdue, and who would suit a
statushouder. Need-to-know comes from webui.access: a coördinator sees
their own MB organisation's begeleiders and cases, and reads the statushouder's
language and postcode only as far as their role may read them."""

import re
from dataclasses import dataclass, field
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Q

from forms.registry import UnknownFormKey
from webui.access import CaseAccess, organisations_of
from webui.accounts.models import LANE_SIDE, MbOrganisation, Role, UserProfile
from webui.accounts.profiles import profiles_for
from webui.accounts.selectors import users_for_role
from webui.cases.models import Case
from webui.cases.tracks import with_track_phases
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.models import DefinitionVersion
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import list_record, processing_record
from webui.tasks.models import TaskItem

# The milestone a form field declares when its answer is the vaste begeleider
# (workflows/mijlpalen.json): how a coupling task is found, whatever it is called.
COUPLING_MILESTONE = "begeleider_gekoppeld"
MB_LANES = frozenset(role for role, side in LANE_SIDE.items() if side == "mb")


def coordinated_organisations(*, user: AbstractBaseUser) -> list[MbOrganisation]:
    """The MB organisations where the user is coördinator."""
    _gemeenten, mbs = organisations_of(user=user, role=Role.COORDINATOR)
    return list(MbOrganisation.objects.filter(pk__in=mbs).order_by("naam"))


def _ordered(items: Any) -> Any:
    return items.select_related("case", "gemeente", "assignee").order_by(
        F("due_date").asc(nulls_last=True), "ready_at", "id"
    )


# ---- waiting for a vaste begeleider --------------------------------------------------


@dataclass(frozen=True)
class Coupling:
    """An open task that couples a vaste begeleider, and the name of its field."""

    item: TaskItem
    field: str


def _coupling_field(version: DefinitionVersion, form_key: str) -> str | None:
    try:
        definition = bundle_of(version).forms.get(form_key)
    except UnknownFormKey:
        return None
    return next(
        (
            f.name
            for f in definition.fields
            if f.type == "gebruiker"
            and f.role == Role.BEGELEIDER
            and f.milestone == COUPLING_MILESTONE
        ),
        None,
    )


def waiting_for_begeleider(*, org: MbOrganisation) -> list[Coupling]:
    """The organisation's open tasks whose form chooses the vaste begeleider, most
    urgent first."""
    open_ = TaskItem.objects.filter(state=TaskItem.State.OPEN, mb_organisation=org)
    pairs = set(open_.values_list("case__version_id", "form_key").distinct())
    versions = DefinitionVersion.objects.in_bulk({v for v, _ in pairs})
    fields = {
        (v, key): name
        for v, key in pairs
        if (name := _coupling_field(versions[v], key)) is not None
    }
    if not fields:
        return []
    which = reduce(or_, (Q(case__version_id=v, form_key=k) for v, k in fields))
    return [
        Coupling(item, fields[(item.case.version_id, item.form_key)])
        for item in _ordered(open_.filter(which))
    ]


def coupling_for(*, org_ids: set[int], task_id: str) -> Coupling | None:
    """One waiting coupling of the coördinator's organisations (None: a 404)."""
    item = TaskItem.objects.filter(
        task_id=task_id, state=TaskItem.State.OPEN, mb_organisation_id__in=org_ids
    ).first()
    if item is None:
        return None
    return next(
        (c for c in waiting_for_begeleider(org=item.mb_organisation) if c.item == item),
        None,
    )


# ---- the statushouder, as far as the coördinator may read ----------------------------


@dataclass(frozen=True)
class Statushouder:
    language: str = ""
    postcode: str = ""


def statushouder(*, case: Case, access: CaseAccess) -> Statushouder:
    """Language and postcode from the registration, each only if readable."""
    start = (
        case.submissions.filter(form_key=START_FORM)
        .select_related("version")
        .order_by("submitted_at", "id")
        .first()
    )
    if start is None or not access.sees_submission(start.role):
        return Statushouder()
    try:
        definition = bundle_of(start.version).forms.get(START_FORM)
    except UnknownFormKey:
        return Statushouder()
    side = LANE_SIDE.get(start.role)

    def readable(role: str) -> str:
        field = definition.field_with_role(role)
        if field is None or not access.may_read(field.privacy, side):
            return ""
        return str(start.data.get(field.name) or "").strip()

    return Statushouder(language=readable("taal"), postcode=readable("postcode"))


# ---- caseload ------------------------------------------------------------------------


@dataclass(frozen=True)
class Caseload:
    """One begeleider of the organisation: how many statushouders and tasks, and what
    they said about themselves."""

    user: Any
    profile: UserProfile
    cases: int = 0
    open_tasks: int = 0
    overdue: int = 0
    # False when they no longer work as begeleider here but still hold cases.
    active: bool = True

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def full(self) -> bool:
        limit = self.profile.max_statushouders
        return limit is not None and self.cases >= limit

    @property
    def load_label(self) -> str:
        """ "3 van 5 statushouders", or "3 statushouders" without a maximum."""
        limit = self.profile.max_statushouders
        noun = "statushouder" if (limit or self.cases) == 1 else "statushouders"
        if limit is None:
            return f"{self.cases} {noun}"
        return f"{self.cases} van {limit} {noun}"

    def away(self, today: date) -> bool:
        until = self.profile.away_until
        return until is not None and until >= today

    def has_room(self, today: date) -> bool:
        return (
            self.active
            and not self.full
            and not self.away(today)
            and self.profile.hours_per_week != 0
        )

    def attention(self, today: date) -> tuple[Any, ...]:
        """Sort key: overdue work first, then the fullest, then by name."""
        limit = self.profile.max_statushouders
        fill = self.cases / limit if limit else 0
        return (-self.overdue, -fill, -self.cases, self.name.casefold())


def caseloads(*, org: MbOrganisation, today: date, only: Any = None) -> list[Caseload]:
    """Every begeleider of the organisation (and anyone who no longer is but still
    holds its open cases), overdue work first, then the fullest. ``only``: just
    that user."""
    active = list(users_for_role(role=Role.BEGELEIDER, gemeente_id=None, mb_id=org.pk))
    open_cases = Case.objects.filter(mb_organisation=org, is_closed=False)
    holders = dict(
        open_cases.filter(begeleider__isnull=False)
        .values("begeleider")
        .annotate(n=Count("pk"))
        .values_list("begeleider", "n")
    )
    active_ids = {u.pk for u in active}
    former = get_user_model().objects.filter(pk__in=set(holders) - active_ids)
    users = [*active, *former]
    if only is not None:
        users = [u for u in users if u.pk == only.pk]
    tasks = {
        row["assignee"]: row
        for row in TaskItem.objects.filter(
            state=TaskItem.State.OPEN,
            mb_organisation=org,
            assignee__in=[u.pk for u in users],
        )
        .values("assignee")
        .annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_date__lt=today)))
    }
    profiles = profiles_for(users=users)
    loads = [
        Caseload(
            user=u,
            profile=profiles[u.pk],
            cases=holders.get(u.pk, 0),
            open_tasks=tasks.get(u.pk, {}).get("open", 0),
            overdue=tasks.get(u.pk, {}).get("overdue", 0),
            active=u.pk in active_ids,
        )
        for u in users
    ]
    return sorted(loads, key=lambda load: load.attention(today))


def tab_counts(*, org: MbOrganisation, today: date) -> dict[str, int]:
    """How many rows each of the coördinator's three tabs holds."""
    active = {
        u.pk
        for u in users_for_role(role=Role.BEGELEIDER, gemeente_id=None, mb_id=org.pk)
    }
    former = set(
        Case.objects.filter(
            mb_organisation=org, is_closed=False, begeleider__isnull=False
        )
        .exclude(begeleider__in=active)
        .values_list("begeleider", flat=True)
    )
    return {
        "koppelen": len(waiting_for_begeleider(org=org)),
        "begeleiders": len(active | former),
        "te_laat": TaskItem.objects.filter(
            state=TaskItem.State.OPEN,
            mb_organisation=org,
            role__in=MB_LANES,
            due_date__lt=today,
        ).count(),
    }


def begeleider_cases(*, org: MbOrganisation, user: Any) -> list[Case]:
    """The open cases of the organisation the user is vaste begeleider of, each
    with its current phase per track."""
    return with_track_phases(
        list(
            Case.objects.filter(mb_organisation=org, begeleider=user, is_closed=False)
            .select_related("gemeente", "version")
            .annotate(
                open_tasks=Count(
                    "tasks",
                    filter=Q(
                        tasks__state=TaskItem.State.OPEN,
                        tasks__role=Role.BEGELEIDER,
                    ),
                )
            )
            .order_by("reference")
        )
    )


def other_tasks_held(*, org: MbOrganisation, user: Any) -> list[TaskItem]:
    """Open tasks the user picked up in cases they are not vaste begeleider of."""
    return list(
        _ordered(
            TaskItem.objects.filter(
                state=TaskItem.State.OPEN, mb_organisation=org, assignee=user
            ).exclude(case__begeleider=user)
        )
    )


# ---- overdue -------------------------------------------------------------------------


def overdue_tasks(*, org: MbOrganisation, today: date) -> list[TaskItem]:
    """Every open task of the organisation's MB roles past its date, oldest first."""
    return list(
        _ordered(
            TaskItem.objects.filter(
                state=TaskItem.State.OPEN,
                mb_organisation=org,
                role__in=MB_LANES,
                due_date__lt=today,
            )
        )
    )


# ---- matching ------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """A begeleider for one statushouder, with the reasons in words."""

    load: Caseload
    speaks: str = ""  # the language they share, as the begeleider writes it
    area: str = ""  # the postcode area of theirs the statushouder lives in
    room: bool = True
    reasons: list[str] = field(default_factory=list)
    concerns: list[str] = field(default_factory=list)

    def rank(self) -> tuple[Any, ...]:
        """Language first, then the area, then room, then the lowest caseload."""
        return (
            not self.speaks,
            not self.area,
            not self.room,
            self.load.cases,
            self.load.name.casefold(),
        )


def _shared_language(languages: list[str], wanted: str) -> str:
    text = wanted.casefold()
    return next(
        (
            lang
            for lang in languages
            if lang.strip()
            and re.search(rf"\b{re.escape(lang.strip().casefold())}\b", text)
        ),
        "",
    )


def _area_of(areas: list[str], postcode: str) -> str:
    digits = re.sub(r"\D", "", postcode)[:4]
    if len(digits) < 4:
        return ""
    matching = [a for a in areas if digits.startswith(a)]
    return max(matching, key=len, default="")


def _suggestion(load: Caseload, wanted: Statushouder, today: date) -> Suggestion:
    profile = load.profile
    speaks = _shared_language(profile.languages, wanted.language)
    area = _area_of(profile.areas, wanted.postcode)
    reasons, concerns = [], []
    if speaks:
        reasons.append(f"spreekt {speaks}")
    elif wanted.language:
        concerns.append(f"spreekt geen {wanted.language}")
    if area:
        reasons.append(f"werkt in {area}")
    elif wanted.postcode and profile.areas:
        concerns.append(f"werkt niet in {wanted.postcode[:4]}")
    if load.full:
        concerns.append(f"zit vol: {load.load_label}")
    else:
        reasons.append(load.load_label)
    if load.away(today):
        concerns.append(f"afwezig tot en met {profile.away_until:%d-%m-%Y}")
    if profile.hours_per_week == 0:
        concerns.append("heeft nu geen uren beschikbaar")
    elif profile.availability_label:
        reasons.append(profile.availability_label)
    return Suggestion(
        load=load,
        speaks=speaks,
        area=area,
        room=load.has_room(today),
        reasons=reasons,
        concerns=concerns,
    )


def suggestions(*, case: Case, wanted: Statushouder, today: date) -> list[Suggestion]:
    """The active begeleiders of the case's MB organisation, best match first."""
    if case.mb_organisation is None:
        return []
    loads = [
        load for load in caseloads(org=case.mb_organisation, today=today) if load.active
    ]
    return sorted(
        (_suggestion(load, wanted, today) for load in loads),
        key=Suggestion.rank,
    )


def cases_listed(
    *, user: AbstractBaseUser, cases: list[Case], occasion: Occasion
) -> None:
    """A coördinator's list page (waiting, overdue, one begeleider's cases) in the
    processing log: the statushouders it names."""
    list_record(
        user=user,
        cases=cases,
        categories=["persoonsgegevens"],
        roles=[Role.COORDINATOR],
        occasion=occasion,
    )


def statushouder_seen(
    *, user: AbstractBaseUser, case: Case, occasion: Occasion
) -> None:
    """The matching page: the statushouder's name and what they asked for."""
    processing_record(
        user=user,
        action=ProcessingRecord.Action.VIEW,
        cases=[case],
        categories=["persoonsgegevens", "normaal"],
        roles=[Role.COORDINATOR],
        detail={"path": occasion.path},
        occasion=occasion,
    )
