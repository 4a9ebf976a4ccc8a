"""What every case service shares: errors, the clock, the audit trail, and how an
engine snapshot and the milestones it reached are written onto the case."""

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from engine import Clock, ReachedMilestone, Snapshot, SystemClock
from forms.registry import FormDefinition
from webui.access import CONSENT_HOLDER, CONSENT_MILESTONES
from webui.cases.models import Case, CaseMilestone, CaseState, Consent
from webui.definitions.bundles import Bundle
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import processing_record

logger = logging.getLogger("webui.cases")


class CaseError(Exception):
    """A case operation refused, with a message for the user (Dutch)."""


class NoActiveVersion(CaseError):
    pass


class TaskAlreadyDone(CaseError):
    pass


class TaskNotAllowed(CaseError):
    pass


class CaseConflict(CaseError):
    pass


def clock_or_system(clock: Clock | None) -> Clock:
    return clock or SystemClock()


def as_date(value: Any) -> date | None:
    if not value:
        return None
    if isinstance(value, datetime):
        return timezone.localdate(value)
    if isinstance(value, date):
        return value
    text = str(value)
    if "T" in text:
        moment = datetime.fromisoformat(text)
        return timezone.localdate(moment) if moment.tzinfo else moment.date()
    return date.fromisoformat(text)


# ---- milestones ----------------------------------------------------------------------


def field_milestones(
    definition: FormDefinition, stored: Mapping[str, Any], at: datetime, bpmn_id: str
) -> list[ReachedMilestone]:
    """The milestones a submitted form's fields declare, with the answers."""
    return [
        ReachedMilestone(field.milestone, bpmn_id, at, stored.get(field.name))
        for field in definition.fields
        if field.milestone
    ]


def _set_user(case: Case, username: Any) -> None:
    if username and (
        case.begeleider is None or case.begeleider.get_username() != username
    ):
        case.begeleider = get_user_model().objects.filter(username=username).first()


# What a milestone means for the case record. The keys are the rule set's
# (workflows/mijlpalen.json), never task or field names: a variant that renames a
# task keeps its columns.
_CASE_RECORD: dict[str, Callable[[Case, ReachedMilestone], None]] = {
    "koppeling": lambda c, m: setattr(c, "koppeling_datum", as_date(m.value)),
    "pip_termijn": lambda c, m: setattr(c, "pip_deadline", as_date(m.value)),
    "pip_opgesteld": lambda c, m: setattr(
        c, "pip_opgesteld_op", c.pip_opgesteld_op or timezone.localdate(m.at)
    ),
    "pip_vastgesteld": lambda c, m: setattr(
        c, "pip_vastgesteld_op", as_date(m.value) or timezone.localdate(m.at)
    ),
    "begeleider_gekoppeld": lambda c, m: _set_user(c, m.value),
    "uitkomst": lambda c, m: setattr(c, "uitkomst", str(m.value or "")),
    "piezo_fase": lambda c, m: setattr(c, "piezo_fase", str(m.value or "")[:2]),
}


def apply_milestones(case: Case, reached: Iterable[ReachedMilestone]) -> None:
    """Copy what the case record keeps of the reached milestones onto the case."""
    for milestone in reached:
        effect = _CASE_RECORD.get(milestone.key)
        if effect is not None:
            effect(case, milestone)


def store_consents(
    case: Case,
    reached: Iterable[ReachedMilestone],
    user: AbstractBaseUser | None,
    side: str | None = None,
) -> None:
    """A form that asks for consent per category records it, every category said:
    the ones ticked are given, the others are not. A form of one ``side`` records
    only the consent for the data that side holds (a variant that asks the gemeente
    for the MB organisation's consent records nothing)."""
    reached = list(reached)
    # The same form may say how and on what day the statushouder said it.
    ways = {m.bpmn_id: m.value for m in reached if m.key == "toestemming_wijze"}
    days = {
        m.bpmn_id: as_date(m.value) for m in reached if m.key == "toestemming_datum"
    }
    rows = []
    for milestone in reached:
        direction = CONSENT_MILESTONES.get(milestone.key)
        if direction is None:
            continue
        if side is not None and CONSENT_HOLDER[direction] != side:
            continue
        chosen = set(milestone.value or [])
        way = ways.get(milestone.bpmn_id)
        rows += [
            Consent(
                case=case,
                category=category,
                direction=direction,
                given=category in chosen,
                on_date=days.get(milestone.bpmn_id) or timezone.localdate(milestone.at),
                way=way if way in Consent.Way.values else "",
                note="vastgelegd bij het formulier",
                recorded_by=user,
                recorded_at=milestone.at,
            )
            for category in Consent.Category.values
        ]
    Consent.objects.bulk_create(rows)


def store_milestones(case: Case, reached: Iterable[ReachedMilestone]) -> None:
    CaseMilestone.objects.bulk_create(
        [
            CaseMilestone(
                case=case,
                key=m.key,
                value=_json_safe(m.value),
                reached_at=m.at,
                bpmn_id=m.bpmn_id,
                version_id=case.version_id,
            )
            for m in reached
        ]
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


# ---- snapshots -----------------------------------------------------------------------


def apply_snapshot(
    case: Case, snapshot: Snapshot, bundle: Bundle, now: datetime
) -> None:
    """Copy what the queue and the case record need from a snapshot onto the case."""
    names = bundle.process.phase_names
    case.phase = snapshot.phase
    case.open_phases = [] if snapshot.completed else list(snapshot.phases)
    case.phase_label = (
        "Afgerond"
        if snapshot.completed
        else " · ".join(names.get(p, p) for p in snapshot.phases)[:200]
    )
    case.next_timer_at = snapshot.next_timer_at
    if snapshot.completed and not case.is_closed:
        case.is_closed = True
        case.closed_at = now


def locked_case(pk: int) -> Case | None:
    """The case row, locked until the end of the transaction, with what storing
    an advance reads of it (its version, vaste begeleider and organisations: the
    task projection asks the organisation whether a next step stays with its
    completer)."""
    query = Case.objects.select_for_update(of=("self",))
    found = query.select_related(*LOCKED_WITH).filter(pk=pk).order_by()[:1]
    return next(iter(found), None)  # by its key: no ORDER BY (first() adds one)


LOCKED_WITH = ("version", "begeleider", "gemeente", "mb_organisation")


def case_state(case: Case) -> str:
    """The engine state of the case as stored, JSON text the engine parses (read on
    its own: nothing else selects it)."""
    return CaseState.objects.values_list("state", flat=True).get(case_id=case.pk)


def change_record(
    *,
    case: Case,
    user: AbstractBaseUser | None,
    roles: Iterable[str],
    categories: Iterable[str],
    occasion: Occasion | None,
    **detail: Any,
) -> None:
    """A change of a statushouder's data in the processing log, written by the
    service that made it, inside its transaction: a change that rolls back takes its
    record along. A page passes its ``occasion``; without one (a command, the demo
    seed) there is no page and nothing is logged, as before."""
    if occasion is None:
        return
    processing_record(
        user=user,
        action=ProcessingRecord.Action.CHANGE,
        cases=[case],
        categories=categories,
        roles=roles,
        detail=detail,
        occasion=occasion,
    )
