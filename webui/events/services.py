"""Writing events to the outbox, inside the caller's transaction."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from .models import OutboxEvent

AANGEMELD = "nl.wegwijs.dossier.aangemeld"
MIJLPAAL = "nl.wegwijs.mijlpaal.bereikt"
TERMIJN_BIJNA = "nl.wegwijs.termijn.bijna-verstreken"
TAAK_TE_LAAT = "nl.wegwijs.taak.te-laat"
AFGESLOTEN = "nl.wegwijs.dossier.afgesloten"
HEROPEND = "nl.wegwijs.dossier.heropend"

# The milestones that say a deadline is near (workflows/mijlpalen.json), and which
# deadline.
DEADLINE_WARNINGS = {"pip_waarschuwing": "pip_termijn"}


def _row(case: Any, type_: str, at: datetime, data: dict[str, Any]) -> OutboxEvent:
    return OutboxEvent(
        type=type_,
        case_id=case.pk,
        case_reference=case.reference,
        gemeente_id=case.gemeente_id,
        mb_organisation_id=case.mb_organisation_id,
        data=data,
        occurred_at=at,
    )


def case_events_record(
    *,
    case: Any,
    at: datetime,
    started: bool = False,
    reopened: bool = False,
    closed: bool = False,
    milestones: Iterable[str] = (),
) -> None:
    """The events of one stored change of a case, in the caller's transaction: it
    was registered or reopened, reached milestones (by key: a milestone's value may
    be personal, its key is not), was closed."""
    OutboxEvent.objects.bulk_create(
        case_event_rows(
            case=case,
            at=at,
            started=started,
            reopened=reopened,
            closed=closed,
            milestones=milestones,
        )
    )


def case_event_rows(
    *,
    case: Any,
    at: datetime,
    started: bool = False,
    reopened: bool = False,
    closed: bool = False,
    milestones: Iterable[str] = (),
) -> list[OutboxEvent]:
    """The outbox rows of ``case_events_record``, not yet saved: a store of many
    cases inserts those of all together."""
    rows = []
    if started:
        rows.append(_row(case, AANGEMELD, at, {}))
    if reopened:
        rows.append(_row(case, HEROPEND, at, {}))
    for key in milestones:
        rows.append(_row(case, MIJLPAAL, at, {"mijlpaal": key}))
        if key in DEADLINE_WARNINGS:
            rows.append(
                _row(case, TERMIJN_BIJNA, at, {"termijn": DEADLINE_WARNINGS[key]})
            )
    if closed:
        rows.append(_row(case, AFGESLOTEN, at, {}))
    return rows


def case_event_row(
    *, case: Any, type_: str, at: datetime, data: dict[str, Any]
) -> OutboxEvent:
    """One outbox row about ``case``, not yet saved: a sweep that finds events
    (tasks that became late) inserts a batch of them at once."""
    return _row(case, type_, at, data)
