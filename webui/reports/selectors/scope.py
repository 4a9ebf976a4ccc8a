"""Who reports, on which cases, and what they may filter on."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from webui.access import READABLE, manager_cases, organisations_of
from webui.accounts.models import Gemeente, MbOrganisation
from webui.cases.models import Case
from webui.definitions.services import active_version

from ..filters import ReportFilter, ReportScope
from .versions import REPORT_ROLE, _trajectory, _version_ids, _Versions


def reports_allowed(*, user: AbstractBaseUser) -> bool:
    """Whether the user reports on cases (holds the manager role somewhere)."""
    gemeenten, mbs = organisations_of(user=user, role=REPORT_ROLE)
    return bool(gemeenten or mbs)


def names_allowed(*, user: AbstractBaseUser) -> bool:
    """Whether the statushouder's name may go into the user's export: only for a role
    that reads 'persoonsgegevens' (a manager does not)."""
    return reports_allowed(user=user) and "persoonsgegevens" in READABLE[REPORT_ROLE]


def _one_per_label(phases: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each phase label once (the first process id under it stands for all): a
    phase of several versions, or a variant's own process with the base's name."""
    first: dict[str, str] = {}
    for pid, label in phases:
        first.setdefault(label, pid)
    return [(pid, label) for label, pid in first.items()]


def _same_label(cases: QuerySet[Case], pid: str) -> list[str]:
    """``pid`` and every other process id with its label in the cases' versions."""
    phases = _trajectory(_Versions().load(_version_ids(cases)))
    label = dict(phases).get(pid)
    return [pid] + [p for p, name in phases if name == label and p != pid]


def report_scope(*, user: AbstractBaseUser) -> ReportScope:
    """What the user may filter on: their gemeenten, the MB organisations, vaste
    begeleiders and phases of the cases they report on."""
    cases = manager_cases(user=user)
    own_gemeenten, own_mbs = organisations_of(user=user, role=REPORT_ROLE)
    gemeenten = list(
        Gemeente.objects.filter(
            Q(pk__in=own_gemeenten) | Q(pk__in=cases.values("gemeente_id"))
        ).order_by("naam")
    )
    organisations = MbOrganisation.objects.filter(
        Q(pk__in=own_mbs) | Q(pk__in=cases.values("mb_organisation_id"))
    ).order_by("naam")
    begeleiders = (
        get_user_model()
        .objects.filter(pk__in=cases.values("begeleider_id"))
        .order_by("first_name", "last_name", "username")
    )
    version_ids = set(_version_ids(cases))
    version_ids |= {v.pk for g in gemeenten if (v := active_version(g)) is not None}
    # Newest first: a phase is named as the newest version names it.
    newest_first = sorted(version_ids, reverse=True)
    phases = _one_per_label(_trajectory(_Versions().load(newest_first)))
    return ReportScope(
        gemeenten=tuple((g.slug, g.naam) for g in gemeenten),
        organisations=tuple((o.slug, o.naam) for o in organisations),
        begeleiders=tuple(
            (u.get_username(), u.get_full_name() or u.get_username())
            for u in begeleiders
        ),
        phases=tuple(phases),
    )


def report_cases(
    *, user: AbstractBaseUser, report_filter: ReportFilter
) -> QuerySet[Case]:
    """The cases the user reports on (their gemeente(n) or MB organisation(s)) that
    match the filter."""
    cases = manager_cases(user=user)
    f = report_filter
    if f.gemeenten:
        cases = cases.filter(gemeente__slug__in=f.gemeenten)
    if f.organisatie:
        cases = cases.filter(mb_organisation__slug=f.organisatie)
    if f.fase:
        # A case is in every phase its tracks are in now (open_phases, a JSON list
        # of process ids); the quotes make it the whole id, on SQLite and PostgreSQL.
        # The filter offers a label once (see report_scope): every process id
        # shown under that label counts.
        in_phase = Q()
        for pid in _same_label(cases, f.fase):
            in_phase |= Q(open_phases__icontains=f'"{pid}"')
        cases = cases.filter(in_phase)
    if f.koppeling_van:
        cases = cases.filter(koppeling_datum__gte=f.koppeling_van)
    if f.koppeling_tot:
        cases = cases.filter(koppeling_datum__lte=f.koppeling_tot)
    if f.begeleider:
        cases = cases.filter(begeleider__username=f.begeleider)
    if f.status:
        cases = cases.filter(is_closed=f.status == "afgesloten")
    return cases
