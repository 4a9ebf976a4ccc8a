"""Reads for the trainer's group sessions. Who may see which cases and tasks comes
from webui.access: a trainer works the open trainer tasks of their MB
organisation (task_pools) and sees the cases that have one (visible_cases)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import or_

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, F, Q, QuerySet

from forms.registry import FormDefinition, UnknownFormKey
from forms.values import display_rows
from webui.access import READABLE, organisations_of, task_pools, visible_cases
from webui.accounts.models import MbOrganisation, Role
from webui.cases.models import Case, Submission
from webui.definitions.bundles import START_FORM, bundle_of
from webui.logs.context import Occasion
from webui.logs.services import list_record
from webui.tasks.models import TaskItem

from .answers import FormMapping, form_mapping
from .models import Participant, Session


def trainer_organisations(*, user: AbstractBaseUser) -> list[MbOrganisation]:
    """The MB organisations where the user gives PVT sessions (holds role trainer)."""
    _gemeenten, mbs = organisations_of(user=user, role=Role.TRAINER)
    return list(MbOrganisation.objects.filter(pk__in=mbs).order_by("naam"))


def task_form(item: TaskItem) -> FormDefinition | None:
    """The form of an open task, from its case's own version."""
    try:
        return bundle_of(item.case.version).forms.get(item.form_key)
    except UnknownFormKey:
        return None


def task_mapping(item: TaskItem) -> FormMapping | None:
    """How a session fills this task's form; None when a session cannot record it."""
    definition = task_form(item)
    return form_mapping(definition) if definition is not None else None


def task_kind(item: TaskItem, mapping: FormMapping) -> str:
    """Workshop, catch-up or signing. Attendance and catch-up record the same
    milestone; the catch-up is told by its name (only the label depends on it)."""
    if mapping.is_signing:
        return Session.Kind.ONDERTEKENING
    if "inhaal" in f"{item.bpmn_id} {item.name}".lower():
        return Session.Kind.INHAAL
    return Session.Kind.WORKSHOP


def _open_pvt_tasks(
    user: AbstractBaseUser, organisation: MbOrganisation
) -> QuerySet[TaskItem]:
    """The open trainer tasks of the organisation the user may take: unclaimed, or
    claimed by the user."""
    pools = task_pools(user=user)
    if not pools:
        return TaskItem.objects.none()
    return (
        TaskItem.objects.filter(
            reduce(or_, pools),
            state=TaskItem.State.OPEN,
            role=Role.TRAINER,
            mb_organisation=organisation,
        )
        .filter(Q(assignee__isnull=True) | Q(assignee=user))
        .select_related("case__version", "gemeente")
        .order_by(F("due_date").asc(nulls_last=True), "case__client_naam", "id")
    )


def _pvt_tasks(items: Iterable[TaskItem]) -> list[tuple[TaskItem, str]]:
    """(task, kind) for the tasks a session can record."""
    found = []
    for item in items:
        mapping = task_mapping(item)
        if mapping is not None:
            found.append((item, task_kind(item, mapping)))
    return found


def _planned_task_ids(task_ids: Iterable[str]) -> dict[str, Session]:
    """Task id -> the planned session that already holds it."""
    return {
        p.task_id: p.session
        for p in Participant.objects.filter(
            task_id__in=list(task_ids), session__status=Session.Status.PLANNED
        ).select_related("session")
    }


@dataclass(frozen=True)
class Waiting:
    """A workshop (or the signing) cases of one organisation wait on now."""

    organisation: MbOrganisation
    task_name: str
    kind: str
    count: int
    planned: int  # of which already in a planned session
    earliest_due: date | None


def waiting_workshops(*, user: AbstractBaseUser) -> list[Waiting]:
    """Per organisation of the trainer, the workshops its cases wait on, with how
    many cases wait (no names: this is the overview)."""
    result = []
    for organisation in trainer_organisations(user=user):
        tasks = _pvt_tasks(_open_pvt_tasks(user, organisation))
        planned = _planned_task_ids(item.task_id for item, _kind in tasks)
        groups: dict[str, list[tuple[TaskItem, str]]] = {}
        for item, kind in tasks:
            groups.setdefault(item.name, []).append((item, kind))
        for name in sorted(groups):
            members = groups[name]
            dues = [item.due_date for item, _kind in members if item.due_date]
            result.append(
                Waiting(
                    organisation=organisation,
                    task_name=name,
                    kind=members[0][1],
                    count=len(members),
                    planned=sum(1 for item, _k in members if item.task_id in planned),
                    earliest_due=min(dues) if dues else None,
                )
            )
    return result


@dataclass(frozen=True)
class Candidate:
    """A statushouder whose case waits on the session's workshop."""

    item: TaskItem
    kind: str
    language: str
    planned_in: Session | None


def candidates(
    *, user: AbstractBaseUser, organisation: MbOrganisation, task_name: str
) -> list[Candidate]:
    """The cases of the organisation (in every gemeente it works for) that wait on
    ``task_name`` and that the user may record: suggested for a session."""
    tasks = _pvt_tasks(_open_pvt_tasks(user, organisation).filter(name=task_name))
    planned = _planned_task_ids(item.task_id for item, _kind in tasks)
    languages = case_languages(cases=[item.case for item, _kind in tasks])
    return [
        Candidate(
            item, kind, languages.get(item.case_id, ""), planned.get(item.task_id)
        )
        for item, kind in tasks
    ]


def _language_field(definition: FormDefinition) -> str | None:
    trainer_reads = READABLE[Role.TRAINER]
    for field in definition.fields:
        text = f"{field.name} {field.label}".lower()
        if field.privacy in trainer_reads and "taal" in text:
            return field.name
    return None


def case_languages(*, cases: Iterable[Case]) -> dict[int, str]:
    """Case id -> the statushouder's preferred language, from the registration.

    A trainer otherwise sees only PVT data; the language is the one exception,
    because the trainer books the session's interpreter. It is found as the first
    field of the registration form whose name or label mentions "taal" and whose
    privacy class a trainer may read ('normaal')."""
    shown: dict[int, str] = {}
    starts = Submission.objects.filter(
        case__in=list(cases), form_key=START_FORM
    ).select_related("version")
    for start in starts.order_by("submitted_at", "id"):
        if start.case_id in shown:
            continue
        try:
            definition = bundle_of(start.version).forms.get(START_FORM)
        except UnknownFormKey:
            continue
        name = _language_field(definition)
        rows = {row.name: row.value for row in display_rows(definition, start.data)}
        shown[start.case_id] = rows.get(name, "") if name else ""
    return shown


# ---- sessions ------------------------------------------------------------------------


def sessions_for_user(*, user: AbstractBaseUser) -> QuerySet[Session]:
    """The sessions of the organisations where the user is a trainer: a colleague
    may record a session when its trainer cannot."""
    mbs = [org.pk for org in trainer_organisations(user=user)]
    return (
        Session.objects.filter(mb_organisation__in=mbs)
        .select_related("trainer", "mb_organisation")
        .annotate(size=Count("participants"))
    )


def session_for_user(*, user: AbstractBaseUser, pk: int) -> Session | None:
    return sessions_for_user(user=user).filter(pk=pk).first()


@dataclass(frozen=True)
class Row:
    """One participant as the session pages show them."""

    participant: Participant
    language: str
    task: TaskItem | None  # the task the session records
    mapping: FormMapping | None  # how the session fills its form
    now_waiting: list[TaskItem]  # the case's open trainer tasks now

    @property
    def case(self) -> Case:
        return self.participant.case


def session_rows(*, session: Session, user: AbstractBaseUser) -> list[Row]:
    """The session's participants whose cases the user may see, with where each case
    is now (its open trainer tasks)."""
    participants = list(
        session.participants.filter(
            case__in=visible_cases(user=user).values("pk")
        ).select_related("case__gemeente")
    )
    cases = [p.case for p in participants]
    waiting: dict[int, list[TaskItem]] = {}
    for item in TaskItem.objects.filter(
        case__in=cases, state=TaskItem.State.OPEN, role=Role.TRAINER
    ).order_by("ready_at", "id"):
        waiting.setdefault(item.case_id, []).append(item)
    tasks = {
        item.task_id: item
        for item in TaskItem.objects.filter(
            task_id__in=[p.task_id for p in participants]
        ).select_related("case__version")
    }
    languages = case_languages(cases=cases)
    rows = []
    for p in participants:
        task = tasks.get(p.task_id)
        rows.append(
            Row(
                participant=p,
                language=languages.get(p.case_id, ""),
                task=task,
                mapping=task_mapping(task) if task is not None else None,
                now_waiting=waiting.get(p.case_id, []),
            )
        )
    return rows


# A trainer reads a participant's name and, for the interpreter, their language.
SHOWN = ["persoonsgegevens", "normaal"]


def participants_seen(
    *,
    user: AbstractBaseUser,
    cases: Iterable[Case],
    occasion: Occasion,
    **detail: object,
) -> None:
    """A PVT page's participants (candidates or a session's rows) in the processing
    log, as one list seen by the trainer."""
    list_record(
        user=user,
        cases=cases,
        categories=SHOWN,
        roles=[Role.TRAINER],
        occasion=occasion,
        **detail,
    )
