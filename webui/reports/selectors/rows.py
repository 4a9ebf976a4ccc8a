"""The workbook's rows: one per case, per open task and per PVT part, streamed
from database iterators, a fixed number of queries per chunk of cases."""

import json
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from itertools import islice
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case as CaseWhen
from django.db.models import (
    CharField,
    Expression,
    IntegerField,
    Max,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from exports import (
    DossierRow,
    OpenTaskRow,
    PvtRow,
)
from webui.accounts.models import LANE_SIDE, Role
from webui.cases.models import Case, CaseMilestone, Submission
from webui.cases.tracks import track_words
from webui.definitions.models import DefinitionVersion
from webui.tasks.models import TaskItem

from .versions import CONTACT_FORM, _trajectory, _version_ids, _Versions

CHUNK = 2000


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


class _LocalDays:
    """The day where the user is (``tz``) of moments read as text: a timestamp cast
    to text in SQL reads 'YYYY-MM-DD HH:MM…' in UTC on both databases (Django keeps
    the connection in UTC). Reading text skips Django's datetime converter per
    value, and the day is worked out once per minute of the clock, not per row."""

    KEEP = 50_000  # minutes remembered; then it starts afresh (memory stays flat)

    def __init__(self, tz: tzinfo) -> None:
        self.tz = tz
        self.seen: dict[str, date] = {}

    def __call__(self, text: str | None) -> date | None:
        if text is None:
            return None
        minute = text[:16]
        day = self.seen.get(minute)
        if day is None:
            if len(self.seen) >= self.KEEP:
                self.seen.clear()
            moment = datetime.fromisoformat(minute).replace(tzinfo=UTC)
            day = self.seen[minute] = moment.astimezone(self.tz).date()
        return day


def _as_text(field: str | Any) -> Cast:
    """A timestamp (a field name or an aggregate) as text, for _LocalDays."""
    return Cast(field, output_field=CharField())


def _plain(query: QuerySet[Any], chunk_size: int = CHUNK) -> Iterator[tuple[Any, ...]]:
    """The rows of a values_list query as the database driver gives them, without a
    Django converter per value: on SQLite a date is text and a boolean 0 or 1, JSON
    is text on both (see _day and _Json). Read in chunks, through a server-side
    cursor where the database has one (as QuerySet.iterator does)."""
    try:
        sql, params = query.query.get_compiler(using=query.db).as_sql()
    except EmptyResultSet:
        return
    with connections[query.db].chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            yield from rows


class _Ids(Expression):
    """The ids of a chunk of cases as the right side of ``__in``, written as they
    are: a plain list there costs Django a preparation per id (~300,000 of them
    for the rows of 100,000 cases)."""

    def __init__(self, ids: list[int]) -> None:
        super().__init__(output_field=IntegerField())
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[int]]:
        if not self.ids:
            raise EmptyResultSet
        return "(" + ", ".join(["%s"] * len(self.ids)) + ")", self.ids


def _day(value: date | str | None) -> date | None:
    """A date column read by _plain: a date, or its ISO text (SQLite)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


class _Json:
    """A JSON column read by _plain, decoded once per distinct text: a case's open
    phases or a milestone's value are a few texts over many rows."""

    KEEP = 10_000  # texts remembered; then it starts afresh (memory stays flat)

    def __init__(self) -> None:
        self.seen: dict[str, Any] = {}

    def __call__(self, text: str | Any) -> Any:
        if not isinstance(text, str):
            return text  # a driver that decodes JSON itself
        try:
            return self.seen[text]
        except KeyError:
            if len(self.seen) >= self.KEEP:
                self.seen.clear()
            value = self.seen[text] = json.loads(text)
            return value


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
    for case_id, name, due_text in _plain(
        TaskItem.objects.filter(case_id__in=_Ids(ids), state=TaskItem.State.OPEN)
        .order_by("case_id", "ready_at", "id")
        .values_list("case_id", "name", "due_date")
    ):
        due = _day(due_text)
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


def _milestones(
    ids: list[int], local_day: _LocalDays, decode: Callable[[Any], Any]
) -> dict[int, _Milestones]:
    found: dict[int, _Milestones] = {}
    for case_id, key, text, reached_at in _plain(
        CaseMilestone.objects.filter(case_id__in=_Ids(ids), key__in=ROW_KEYS)
        .order_by("case_id", "reached_at", "id")
        .values_list("case_id", "key", "value", _as_text("reached_at"))
    ):
        value = decode(text)
        facts = found.setdefault(case_id, _Milestones())
        if key == "pvt_workshop":
            facts.attended += bool(value)
        elif key == "verklaring_ondertekend":
            if value and facts.signed_on is None:
                facts.signed_on = local_day(reached_at)
        else:
            facts.leerroute = value
    return found


def _last_contacts(
    ids: list[int], local_day: _LocalDays, date_fields: Collection[str]
) -> dict[int, date]:
    """The date of the latest contact moment per case: the date it took place (in
    the date field of the cases' versions, ``date_fields``), or when it was recorded
    where the form has no date."""
    found: dict[int, date] = {}
    days = [KT(f"data__{name}") for name in sorted(date_fields)]
    latest = (
        Max(days[0] if len(days) == 1 else Coalesce(*days)) if days else Value(None)
    )
    for case_id, on, recorded in _plain(
        Submission.objects.filter(case_id__in=_Ids(ids), form_key=CONTACT_FORM)
        .values("case_id")
        .annotate(on=latest, recorded=_as_text(Max("submitted_at")))
        .values_list("case_id", "on", "recorded")
    ):
        day = date.fromisoformat(on[:10]) if on else local_day(recorded)
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
    "open_phases",
    "is_closed",
    "_closed_at",  # as text, for _LocalDays
    "koppeling_datum",
    "pip_deadline",
    "pip_vastgesteld_op",
    "uitkomst",
    "version_id",
    "client_naam",
)
_VERSION_AT = _CASE_FIELDS.index("version_id")


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
    local_day = _LocalDays(timezone.get_current_timezone())
    decode = _Json()
    ordered = _in_trajectory_order(cases, versions).annotate(
        _closed_at=_as_text("closed_at")
    )
    if limit is not None:
        ordered = ordered[:limit]
    rows = _plain(ordered.values_list(*_CASE_FIELDS), chunk_size)
    # The versions the rows are on, for their phases per track in words.
    stored = DefinitionVersion.objects.in_bulk(_version_ids(cases))
    # Many cases share their version and phases: their words are written once.
    words: dict[tuple[int, str, bool], str | None] = {}

    def phase_words(version_id: int, open_phases: Any, is_closed: Any) -> str | None:
        key = (version_id, str(open_phases), bool(is_closed))
        if key not in words:
            phases = decode(open_phases)
            words[key] = (
                track_words(stored[version_id], phases, bool(is_closed)) or None
            )
        return words[key]

    while chunk := list(islice(rows, chunk_size)):
        ids = [row[0] for row in chunk]
        tasks = _open_tasks(ids, today)
        milestones = _milestones(ids, local_day, decode)
        contacts = _last_contacts(
            ids,
            local_day,
            {versions[row[_VERSION_AT]].contact_date for row in chunk} - {""},
        )
        for (
            pk,
            reference,
            gemeente,
            organisation,
            first,
            last,
            username,
            open_phases,
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
            koppeling, deadline = _day(koppeling), _day(deadline)
            vastgesteld = _day(vastgesteld)
            open_tasks = tasks.get(pk) or _Tasks()
            reached = milestones.get(pk) or _Milestones()
            end = (local_day(closed_at) or today) if is_closed else today
            pvt_hidden = "pvt_workshop" in facts.unreadable
            yield DossierRow(
                reference=reference,
                gemeente=gemeente,
                mb_organisation=organisation,
                begeleider=_person(first, last, username),
                phase=phase_words(version_id, open_phases, is_closed),
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
    local_day = _LocalDays(timezone.get_current_timezone())
    said: dict[tuple[Any, ...], tuple[str, str | None, str | None]] = {}
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
            _as_text("ready_at"),
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
        due_text,
    ) in _plain(tasks):
        due = _day(due_text)
        # Who does it, in words: the same few for many rows, worked out once each.
        who = (role, gemeente, mb, first, last, username)
        try:
            role_label, organisation, holder = said[who]
        except KeyError:
            role_label, organisation, holder = said[who] = (
                labels.get(role, role),
                _organisation(role, gemeente, mb),
                _person(first, last, username),
            )
        yield OpenTaskRow(
            reference=reference,
            gemeente=gemeente,
            task=name,
            phase=phase or None,
            role=role_label,
            organisation=organisation,
            holder=holder,
            created=local_day(ready_at),
            due=due,
            days_overdue=(today - due).days if due and due < today else None,
        )


def pvt_rows(*, cases: QuerySet[Case]) -> Iterator[PvtRow]:
    """Every PVT workshop (attended or not) and the signing, per case, named as the
    case's version names the task."""
    versions = _Versions()
    local_day = _LocalDays(timezone.get_current_timezone())
    decode = _Json()
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
            _as_text("reached_at"),
            "bpmn_id",
            "version_id",
        )
    )
    # What a row says besides its case and day depends on a few facts that many rows
    # share (versions, milestone, task, value): worked out once per combination.
    said: dict[tuple[Any, ...], tuple[bool, str, str]] = {}
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
    ) in _plain(milestones):
        facts = (case_version, key, str(value), bpmn_id, version_id)
        try:
            hidden, part, result = said[facts]
        except KeyError:
            hidden, part, result = said[facts] = (
                key in versions[case_version].unreadable,
                versions[version_id].task_names.get(bpmn_id) or PVT_PART[key],
                PVT_RESULT[(key, bool(decode(value)))],
            )
        if hidden:
            continue
        if case_id != current:
            current, number = case_id, 0
        if key == "pvt_workshop":
            number += 1
        yield PvtRow(
            reference=reference,
            gemeente=gemeente,
            part=part,
            number=number if key == "pvt_workshop" else None,
            on=local_day(reached_at),  # type: ignore[arg-type]
            result=result,
        )


def export_size(*, cases: QuerySet[Case]) -> tuple[int, int, int]:
    """(cases, open tasks, PVT rows): how many rows the workbook will hold."""
    ids = cases.order_by().values("pk")
    return (
        cases.count(),
        TaskItem.objects.filter(state=TaskItem.State.OPEN, case__in=ids).count(),
        CaseMilestone.objects.filter(key__in=PVT_KEYS, case__in=ids).count(),
    )
