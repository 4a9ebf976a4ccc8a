"""Reads for the managers' overview and the case-status workbook.

Which cases a manager reports on is decided in webui.access
(manager_cases); which privacy classes a manager reads too (READABLE). Everything a
column holds is read from the case record and the milestones, never from task or form
names, and worded with the case's own version: a gemeente's variant that renames its
tasks reports right.

Rows stream from database iterators, a fixed number of queries per chunk of cases;
the figures come from aggregate queries.
"""

import statistics
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import lru_cache
from itertools import islice
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Case as CaseWhen
from django.db.models import Count, F, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.db.models.fields.json import KT
from django.utils import timezone

from exports import (
    DossierRow,
    GemeenteFigures,
    OpenTaskRow,
    OrganisationTasks,
    PvtRow,
    Ratio,
    Summary,
)
from forms.registry import FieldDefinition, UnknownFormKey
from webui.access import READABLE, manager_cases, organisations_of
from webui.accounts.models import LANE_SIDE, Gemeente, MbOrganisation, Role
from webui.cases.models import Case, CaseMilestone, Submission
from webui.definitions.bundles import Bundle, bundle_of
from webui.definitions.models import DefinitionVersion
from webui.definitions.services import active_version
from webui.tasks.models import TaskItem

from .filters import ReportFilter, ReportScope
from .models import ExportRun

# The role reports are made in; its READABLE classes decide what a column may show.
REPORT_ROLE = Role.MANAGER
CHUNK = 2000
CONTACT_FORM = "contactmoment"
CONTACT_DATE = "contact_datum"
# The milestones the rows read (workflows/mijlpalen.json).
PVT_KEYS = ("pvt_workshop", "verklaring_ondertekend")
ROW_KEYS = (*PVT_KEYS, "leerroute")
# What a PVT milestone's task is called when its version does not say.
PVT_PART = {"pvt_workshop": "PVT-workshop", "verklaring_ondertekend": "Ondertekening"}
PVT_RESULT = {
    ("pvt_workshop", True): "Aanwezig",
    ("pvt_workshop", False): "Afwezig",
    ("verklaring_ondertekend", True): "Ondertekend",
    ("verklaring_ondertekend", False): "Niet ondertekend",
}


def reports_allowed(*, user: AbstractBaseUser) -> bool:
    """Whether the user reports on cases (holds the manager role somewhere)."""
    gemeenten, mbs = organisations_of(user=user, role=REPORT_ROLE)
    return bool(gemeenten or mbs)


def names_allowed(*, user: AbstractBaseUser) -> bool:
    """Whether the statushouder's name may go into the user's export: only for a role
    that reads 'persoonsgegevens' (a manager does not)."""
    return reports_allowed(user=user) and "persoonsgegevens" in READABLE[REPORT_ROLE]


# ---- what each version says --------------------------------------------------------


@dataclass(frozen=True)
class VersionFacts:
    """What the rows need from one version: its phases, the gemeente's number of
    PVT workshops, task names, choice labels, and which milestones a manager may
    read."""

    phase_order: tuple[str, ...]
    phase_names: dict[str, str]
    pvt_workshops: int | None
    task_names: dict[str, str]  # bpmn id -> name
    labels: dict[str, dict[str, str]]  # milestone key -> code -> label
    unreadable: frozenset[str]  # milestone keys (and "contact") a manager may not read

    def label(self, key: str, code: Any) -> str | None:
        if code in (None, "") or key in self.unreadable:
            return None
        return self.labels.get(key, {}).get(str(code), str(code))


def _milestone_fields(bundle: Bundle) -> Iterator[tuple[str, FieldDefinition]]:
    """(milestone key, a form field that records it) in a version's forms."""
    for key in bundle.forms.keys():
        for candidate in bundle.forms.get(key).fields:
            if candidate.milestone:
                yield candidate.milestone, candidate


def _contact_readable(bundle: Bundle, readable: frozenset[str]) -> bool:
    try:
        contact = bundle.forms.get(CONTACT_FORM)
    except UnknownFormKey:
        return False
    privacy = {f.name: f.privacy for f in contact.fields}.get(CONTACT_DATE)
    return privacy is None or privacy in readable


@lru_cache(maxsize=256)
def _facts(content_hash: str) -> VersionFacts:
    """The facts of a version's content, read once for every version with the same
    files (the gemeenten without own files on one base, say)."""
    bundle = bundle_of(
        DefinitionVersion.objects.filter(content_hash=content_hash).earliest("pk")
    )
    readable = READABLE[REPORT_ROLE]
    labels: dict[str, dict[str, str]] = {}
    unreadable: set[str] = set()
    for key, candidate in _milestone_fields(bundle):
        if candidate.privacy not in readable:
            unreadable.add(key)
        if candidate.choices:
            labels.setdefault(key, {}).update(dict(candidate.choices))
    if not _contact_readable(bundle, readable):
        unreadable.add("contact")
    workshops = bundle.settings.get("pvt_workshops")
    process = bundle.process
    return VersionFacts(
        phase_order=tuple(process.phase_order),
        phase_names=dict(process.phase_names),
        pvt_workshops=workshops if isinstance(workshops, int) else None,
        task_names={task: name for (_p, task), name in process.task_names.items()},
        labels=labels,
        unreadable=frozenset(unreadable),
    )


class _Versions:
    """The facts of the versions one read meets, each loaded once."""

    def __init__(self) -> None:
        self._known: dict[int, VersionFacts] = {}

    def __getitem__(self, pk: int) -> VersionFacts:
        if pk not in self._known:
            self.load([pk])
        return self._known[pk]

    def load(self, pks: Iterable[int]) -> list[VersionFacts]:
        missing = set(pks) - set(self._known)
        for pk, content_hash in DefinitionVersion.objects.filter(
            pk__in=missing
        ).values_list("pk", "content_hash"):
            self._known[pk] = _facts(content_hash)
        return [self._known[pk] for pk in pks if pk in self._known]


def _trajectory(facts: Iterable[VersionFacts]) -> list[tuple[str, str]]:
    """The phases of several versions in one trajectory order: a variant's own phase
    goes right after the phase it follows in that variant."""
    order: list[str] = []
    names: dict[str, str] = {}
    for version in sorted(facts, key=lambda f: -len(f.phase_order)):
        previous = None
        for pid in version.phase_order:
            names.setdefault(pid, version.phase_names.get(pid, pid))
            if pid not in order:
                order.insert(order.index(previous) + 1 if previous else 0, pid)
            previous = pid
    return [(pid, names[pid]) for pid in order]


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


def _version_ids(cases: QuerySet[Case]) -> list[int]:
    return list(cases.order_by().values_list("version_id", flat=True).distinct())


# ---- scope and filters -------------------------------------------------------------


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
    phases = _one_per_label(_trajectory(_Versions().load(sorted(version_ids))))
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


def pip_on_time(
    deadline: date | None, vastgesteld: date | None, is_closed: bool, today: date
) -> str | None:
    """ "Ja" or "Nee" once it can be said: the PIP was vastgesteld (on or before the
    deadline, or after it), or the deadline passed without one on a running case."""
    if vastgesteld and deadline:
        return "Ja" if vastgesteld <= deadline else "Nee"
    if deadline and not is_closed and today > deadline:
        return "Nee"
    return None


# ---- rows --------------------------------------------------------------------------


def _in_trajectory_order(cases: QuerySet[Case], versions: _Versions) -> QuerySet[Case]:
    phases = _trajectory(versions.load(_version_ids(cases)))
    position = CaseWhen(
        *(When(phase=pid, then=Value(i)) for i, (pid, _label) in enumerate(phases)),
        default=Value(len(phases)),
        output_field=IntegerField(),
    )
    return cases.annotate(_position=position).order_by(
        "gemeente__naam", "_position", "koppeling_datum", "reference"
    )


def _local_date(moment: datetime | None, tz: tzinfo) -> date | None:
    """The day of a moment where the user is (``tz``: the current time zone, looked
    up once per read rather than per row)."""
    return moment.astimezone(tz).date() if moment else None


def _person(first: str | None, last: str | None, username: str | None) -> str | None:
    if username is None:
        return None
    return f"{first or ''} {last or ''}".strip() or username


@dataclass
class _Tasks:
    count: int = 0
    names: list[str] | None = None
    overdue_name: str | None = None
    overdue_due: date | None = None


def _open_tasks(ids: list[int], today: date) -> dict[int, _Tasks]:
    found: dict[int, _Tasks] = {}
    for case_id, name, due in (
        TaskItem.objects.filter(case_id__in=ids, state=TaskItem.State.OPEN)
        .order_by("case_id", "ready_at", "id")
        .values_list("case_id", "name", "due_date")
    ):
        tasks = found.setdefault(case_id, _Tasks(names=[]))
        tasks.count += 1
        tasks.names.append(name)  # type: ignore[union-attr]
        if (
            due
            and due < today
            and (tasks.overdue_due is None or due < tasks.overdue_due)
        ):
            tasks.overdue_name, tasks.overdue_due = name, due
    return found


@dataclass
class _Milestones:
    attended: int = 0
    signed_on: date | None = None
    leerroute: Any = None


def _milestones(ids: list[int], tz: tzinfo) -> dict[int, _Milestones]:
    found: dict[int, _Milestones] = {}
    for case_id, key, value, reached_at in (
        CaseMilestone.objects.filter(case_id__in=ids, key__in=ROW_KEYS)
        .order_by("case_id", "reached_at", "id")
        .values_list("case_id", "key", "value", "reached_at")
    ):
        facts = found.setdefault(case_id, _Milestones())
        if key == "pvt_workshop":
            facts.attended += bool(value)
        elif key == "verklaring_ondertekend":
            if value and facts.signed_on is None:
                facts.signed_on = _local_date(reached_at, tz)
        else:
            facts.leerroute = value
    return found


def _last_contacts(ids: list[int], tz: tzinfo) -> dict[int, date]:
    """The date of the latest contact moment per case: the date it took place, or
    when it was recorded where the form has no date."""
    found: dict[int, date] = {}
    for case_id, on, recorded in (
        Submission.objects.filter(case_id__in=ids, form_key=CONTACT_FORM)
        .values("case_id")
        .annotate(on=Max(KT(f"data__{CONTACT_DATE}")), recorded=Max("submitted_at"))
        .values_list("case_id", "on", "recorded")
    ):
        day = date.fromisoformat(on[:10]) if on else _local_date(recorded, tz)
        found[case_id] = day  # type: ignore[assignment]
    return found


_CASE_FIELDS = (
    "id",
    "reference",
    "gemeente__naam",
    "mb_organisation__naam",
    "begeleider__first_name",
    "begeleider__last_name",
    "begeleider__username",
    "phase_label",
    "is_closed",
    "closed_at",
    "koppeling_datum",
    "pip_deadline",
    "pip_vastgesteld_op",
    "uitkomst",
    "version_id",
    "client_naam",
)


def dossier_rows(
    *,
    cases: QuerySet[Case],
    today: date,
    with_names: bool = False,
    limit: int | None = None,
    chunk_size: int = CHUNK,
) -> Iterator[DossierRow]:
    """One row per case, per gemeente in trajectory order: four queries per chunk of
    cases, whatever their number."""
    versions = _Versions()
    tz = timezone.get_current_timezone()
    ordered = _in_trajectory_order(cases, versions)
    if limit is not None:
        ordered = ordered[:limit]
    rows = ordered.values_list(*_CASE_FIELDS).iterator(chunk_size=chunk_size)
    while chunk := list(islice(rows, chunk_size)):
        ids = [row[0] for row in chunk]
        tasks = _open_tasks(ids, today)
        milestones = _milestones(ids, tz)
        contacts = _last_contacts(ids, tz)
        for (
            pk,
            reference,
            gemeente,
            organisation,
            first,
            last,
            username,
            phase_label,
            is_closed,
            closed_at,
            koppeling,
            deadline,
            vastgesteld,
            uitkomst,
            version_id,
            client_naam,
        ) in chunk:
            facts = versions[version_id]
            open_tasks = tasks.get(pk) or _Tasks()
            reached = milestones.get(pk) or _Milestones()
            end = (_local_date(closed_at, tz) or today) if is_closed else today
            pvt_hidden = "pvt_workshop" in facts.unreadable
            yield DossierRow(
                reference=reference,
                gemeente=gemeente,
                mb_organisation=organisation,
                begeleider=_person(first, last, username),
                phase=phase_label or None,
                step="; ".join(open_tasks.names) if open_tasks.names else None,
                status="Afgesloten" if is_closed else "Lopend",
                koppeling=koppeling,
                days_in_trajectory=(end - koppeling).days if koppeling else None,
                pip_deadline=deadline,
                pip_vastgesteld=vastgesteld,
                pip_on_time=pip_on_time(deadline, vastgesteld, is_closed, today),
                leerroute=facts.label("leerroute", reached.leerroute),
                pvt_attended=None if pvt_hidden else reached.attended,
                pvt_total=facts.pvt_workshops,
                verklaring_signed=None
                if "verklaring_ondertekend" in facts.unreadable
                else reached.signed_on,
                open_tasks=open_tasks.count,
                oldest_overdue_task=open_tasks.overdue_name,
                days_overdue=(today - open_tasks.overdue_due).days
                if open_tasks.overdue_due
                else None,
                last_contact=None
                if "contact" in facts.unreadable
                else contacts.get(pk),
                outcome=facts.label("uitkomst", uitkomst),
                client_naam=client_naam if with_names else None,
            )


def _organisation(role: str, gemeente: str, mb: str | None) -> str | None:
    """Who does a task of this role: the gemeente, or the MB organisation."""
    return gemeente if LANE_SIDE.get(role) == "gemeente" else mb


def open_task_rows(*, cases: QuerySet[Case], today: date) -> Iterator[OpenTaskRow]:
    """One row per open task of the cases, streamed."""
    labels = {role: str(label) for role, label in Role.choices}
    tz = timezone.get_current_timezone()
    tasks = (
        TaskItem.objects.filter(
            state=TaskItem.State.OPEN, case__in=cases.order_by().values("pk")
        )
        .order_by("case__gemeente__naam", "case__reference", "ready_at", "id")
        .values_list(
            "case__reference",
            "case__gemeente__naam",
            "name",
            "phase",
            "role",
            "mb_organisation__naam",
            "assignee__first_name",
            "assignee__last_name",
            "assignee__username",
            "ready_at",
            "due_date",
        )
    )
    for (
        reference,
        gemeente,
        name,
        phase,
        role,
        mb,
        first,
        last,
        username,
        ready_at,
        due,
    ) in tasks.iterator(chunk_size=CHUNK):
        yield OpenTaskRow(
            reference=reference,
            gemeente=gemeente,
            task=name,
            phase=phase or None,
            role=labels.get(role, role),
            organisation=_organisation(role, gemeente, mb),
            holder=_person(first, last, username),
            created=ready_at.astimezone(tz).date(),
            due=due,
            days_overdue=(today - due).days if due and due < today else None,
        )


def pvt_rows(*, cases: QuerySet[Case]) -> Iterator[PvtRow]:
    """Every PVT workshop (attended or not) and the signing, per case, named as the
    case's version names the task."""
    versions = _Versions()
    tz = timezone.get_current_timezone()
    milestones = (
        CaseMilestone.objects.filter(
            key__in=PVT_KEYS, case__in=cases.order_by().values("pk")
        )
        .order_by("case__gemeente__naam", "case__reference", "reached_at", "id")
        .values_list(
            "case_id",
            "case__reference",
            "case__gemeente__naam",
            "case__version_id",
            "key",
            "value",
            "reached_at",
            "bpmn_id",
            "version_id",
        )
    )
    current, number = None, 0
    for (
        case_id,
        reference,
        gemeente,
        case_version,
        key,
        value,
        reached_at,
        bpmn_id,
        version_id,
    ) in milestones.iterator(chunk_size=CHUNK):
        if key in versions[case_version].unreadable:
            continue
        if case_id != current:
            current, number = case_id, 0
        if key == "pvt_workshop":
            number += 1
        part = versions[version_id].task_names.get(bpmn_id) or PVT_PART[key]
        yield PvtRow(
            reference=reference,
            gemeente=gemeente,
            part=part,
            number=number if key == "pvt_workshop" else None,
            on=reached_at.astimezone(tz).date(),
            result=PVT_RESULT[(key, bool(value))],
        )


def export_size(*, cases: QuerySet[Case]) -> tuple[int, int, int]:
    """(cases, open tasks, PVT rows): how many rows the workbook will hold."""
    ids = cases.order_by().values("pk")
    return (
        cases.count(),
        TaskItem.objects.filter(state=TaskItem.State.OPEN, case__in=ids).count(),
        CaseMilestone.objects.filter(key__in=PVT_KEYS, case__in=ids).count(),
    )


# ---- figures -----------------------------------------------------------------------


def _phase_counts(
    cases: QuerySet[Case], index: dict[str, int], width: int
) -> dict[int, tuple[list[int], int, int]]:
    """Per gemeente id: (cases per phase, closed, total)."""
    found: dict[int, tuple[list[int], int, int]] = {}
    for gemeente_id, phases, is_closed, n in (
        cases.order_by()
        .values("gemeente_id", "open_phases", "is_closed")
        .annotate(n=Count("id"))
        .values_list("gemeente_id", "open_phases", "is_closed", "n")
    ):
        counts, closed, total = found.get(gemeente_id, ([0] * width, 0, 0))
        if is_closed:
            closed += n
        else:
            for pid in phases or ():
                if pid in index:
                    counts[index[pid]] += n
        found[gemeente_id] = (counts, closed, total + n)
    return found


def _pip_ratios(cases: QuerySet[Case], today: date) -> dict[int, Ratio]:
    set_on_time = Q(
        pip_vastgesteld_op__isnull=False,
        pip_deadline__isnull=False,
        pip_vastgesteld_op__lte=F("pip_deadline"),
    )
    judged = Q(pip_vastgesteld_op__isnull=False, pip_deadline__isnull=False) | Q(
        pip_vastgesteld_op__isnull=True, pip_deadline__lt=today, is_closed=False
    )
    return {
        gemeente_id: Ratio(on_time, whole)
        for gemeente_id, on_time, whole in cases.order_by()
        .values("gemeente_id")
        .annotate(
            on_time=Count("id", filter=set_on_time), whole=Count("id", filter=judged)
        )
        .values_list("gemeente_id", "on_time", "whole")
    }


def _pvt_ratios(cases: QuerySet[Case], versions: _Versions) -> dict[int, Ratio]:
    """Per gemeente: cases that signed, of those that began the PVT (the case's
    version decides whether a manager may read these milestones)."""
    ids = cases.order_by().values("pk")
    started: dict[int, int] = {}
    signed: dict[int, int] = {}
    for target, query in (
        (started, CaseMilestone.objects.filter(key="pvt_workshop")),
        (
            signed,
            CaseMilestone.objects.filter(key="verklaring_ondertekend", value=True),
        ),
    ):
        key = "pvt_workshop" if target is started else "verklaring_ondertekend"
        for gemeente_id, version_id, n in (
            query.filter(case__in=ids)
            .values("case__gemeente_id", "case__version_id")
            .annotate(n=Count("case_id", distinct=True))
            .values_list("case__gemeente_id", "case__version_id", "n")
        ):
            if key not in versions[version_id].unreadable:
                target[gemeente_id] = target.get(gemeente_id, 0) + n
    return {
        gemeente_id: Ratio(signed.get(gemeente_id, 0), whole)
        for gemeente_id, whole in started.items()
    }


def _medians(cases: QuerySet[Case], labels: list[str]) -> dict[int, list[float | None]]:
    """Per gemeente, per phase: the median days a case spent in a phase it has left
    (first task of the phase ready to its last task completed)."""
    index = {label: i for i, label in enumerate(labels)}
    tz = timezone.get_current_timezone()
    days: dict[int, list[list[int]]] = {}
    groups = (
        TaskItem.objects.filter(case__in=cases.order_by().values("pk"))
        .values("case__gemeente_id", "case_id", "phase", "case__phase_label")
        .annotate(
            start=Min("ready_at"),
            end=Max("completed_at"),
            running=Count("id", filter=Q(state=TaskItem.State.OPEN)),
        )
        .order_by()
        .values_list(
            "case__gemeente_id", "phase", "case__phase_label", "start", "end", "running"
        )
    )
    for gemeente_id, phase, now_in, start, end, running in groups.iterator(
        chunk_size=10_000
    ):
        position = index.get(phase)
        if position is None or running or end is None:
            continue
        if phase in (now_in or "").split(" · "):
            continue  # the case is still in it (waiting on a timer, say)
        per_phase = days.setdefault(gemeente_id, [[] for _ in labels])
        per_phase[position].append(
            (end.astimezone(tz).date() - start.astimezone(tz).date()).days
        )
    return {
        gemeente_id: [statistics.median(d) if d else None for d in per_phase]
        for gemeente_id, per_phase in days.items()
    }


def _tasks_per_organisation(
    cases: QuerySet[Case], today: date
) -> dict[int, list[OrganisationTasks]]:
    totals: dict[int, dict[str, list[int]]] = {}
    for gemeente_id, role, gemeente, mb, n, late in (
        TaskItem.objects.filter(
            state=TaskItem.State.OPEN, case__in=cases.order_by().values("pk")
        )
        .values(
            "case__gemeente_id", "role", "case__gemeente__naam", "mb_organisation__naam"
        )
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_date__lt=today)))
        .order_by()
        .values_list(
            "case__gemeente_id",
            "role",
            "case__gemeente__naam",
            "mb_organisation__naam",
            "n",
            "late",
        )
    ):
        name = _organisation(role, gemeente, mb) or "(geen MB-organisatie)"
        counts = totals.setdefault(gemeente_id, {}).setdefault(name, [0, 0])
        counts[0] += n
        counts[1] += late
    return {
        gemeente_id: [
            OrganisationTasks(name, n, late)
            for name, (n, late) in sorted(per_org.items())
        ]
        for gemeente_id, per_org in totals.items()
    }


def report_summary(*, cases: QuerySet[Case], today: date) -> Summary:
    """The figures per gemeente, by aggregate queries: cases per phase (trajectory
    order), PIP on time, PVT completed, median days per phase, open and overdue
    tasks per organisation."""
    versions = _Versions()
    phases = _trajectory(versions.load(_version_ids(cases)))
    pids = {pid: i for i, (pid, _label) in enumerate(phases)}
    labels = [label for _pid, label in phases]
    gemeenten = list(
        Gemeente.objects.filter(pk__in=cases.order_by().values("gemeente_id"))
        .order_by("naam")
        .values_list("pk", "slug", "naam")
    )
    counts = _phase_counts(cases, pids, len(phases))
    pip = _pip_ratios(cases, today)
    pvt = _pvt_ratios(cases, versions)
    medians = _medians(cases, labels)
    tasks = _tasks_per_organisation(cases, today)
    figures = []
    for pk, slug, naam in gemeenten:
        per_phase, closed, total = counts.get(pk, ([0] * len(phases), 0, 0))
        middle = medians.get(pk, [None] * len(phases))
        figures.append(
            GemeenteFigures(
                naam=naam,
                phases=tuple(zip(per_phase, middle, strict=True)),
                closed=closed,
                total=total,
                pip_on_time=pip.get(pk, Ratio(0, 0)),
                pvt_signed=pvt.get(pk, Ratio(0, 0)),
                tasks=tuple(tasks.get(pk, ())),
                key=slug,
            )
        )
    return Summary(today=today, phase_labels=tuple(labels), gemeenten=tuple(figures))


# ---- the overview page and background runs -----------------------------------------

FIRST_ROWS = 10


@dataclass(frozen=True)
class GemeenteOverview:
    figures: GemeenteFigures
    phases: list[tuple[str, int, float | None]]  # label, cases, median days
    rows: list[DossierRow]  # the first ones, in trajectory order
    more: int  # cases beyond these rows


@dataclass(frozen=True)
class Overview:
    summary: Summary
    gemeenten: list[GemeenteOverview]
    count: int


def report_overview(
    *, cases: QuerySet[Case], today: date, first_rows: int = FIRST_ROWS
) -> Overview:
    """The figures per gemeente and its first cases: what the overview page shows,
    from the same reads as the workbook."""
    summary = report_summary(cases=cases, today=today)
    gemeenten = []
    for figures in summary.gemeenten:
        mine = cases.filter(gemeente__slug=figures.key)
        rows = list(dossier_rows(cases=mine, today=today, limit=first_rows))
        gemeenten.append(
            GemeenteOverview(
                figures=figures,
                phases=figures.phase_rows(summary.phase_labels),
                rows=rows,
                more=max(figures.total - len(rows), 0),
            )
        )
    return Overview(
        summary=summary,
        gemeenten=gemeenten,
        count=sum(g.figures.total for g in gemeenten),
    )


def export_runs_of(*, user: AbstractBaseUser) -> QuerySet[ExportRun]:
    """The user's background exports still kept, newest first."""
    return ExportRun.objects.filter(
        requested_by_id=user.pk, expires_at__gt=timezone.now()
    ).order_by("-requested_at", "-id")


def export_run_for(*, user: AbstractBaseUser, run_id: int) -> ExportRun | None:
    """One of the user's own background exports (None for anyone else's)."""
    return export_runs_of(user=user).filter(pk=run_id).first()
