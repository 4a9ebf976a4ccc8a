"""Planning a PVT group session and recording it once for everyone in it.

Recording completes each participant's task through the one service that completes
tasks (webui.casework.services.task_complete), each in its own transaction: a case that
cannot move on is reported with the reason and stays exactly as it was; the others
move on.
"""

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from engine import Clock
from forms.builder import build_form_class
from webui.accounts.models import MbOrganisation, Role
from webui.accounts.selectors import user_choices
from webui.casework.services import CaseError, task_complete
from webui.casework.services.base import clock_or_system
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import processing_record
from webui.tasks.models import TaskItem

from .answers import SessionFacts, form_data
from .models import Participant, Session
from .selectors import candidates, task_form, task_mapping, trainer_organisations

logger = logging.getLogger("webui.pvt")


class PvtError(Exception):
    """A session operation refused, with a message for the trainer (Dutch)."""


def session_plan(
    *,
    user: AbstractBaseUser,
    organisation: MbOrganisation,
    task_name: str,
    task_ids: Sequence[str],
    on_date: date,
    start_time: time,
    place: str,
    interpreter: str = "",
    bestuurder: str = "",
    note: str = "",
    clock: Clock | None = None,
) -> Session:
    """Plan a session for the chosen cases waiting on ``task_name``."""
    if organisation not in trainer_organisations(user=user):
        raise PvtError(f"U bent geen trainer bij {organisation}.")
    if not task_ids:
        raise PvtError("Kies minstens één statushouder voor deze bijeenkomst.")
    waiting = {
        c.item.task_id: c
        for c in candidates(user=user, organisation=organisation, task_name=task_name)
    }
    gone = [task_id for task_id in task_ids if task_id not in waiting]
    if gone:
        raise PvtError(
            f"Niet iedereen die u koos wacht nog op ‘{task_name}’: intussen is de"
            " taak van een of meer statushouders afgerond of door iemand anders"
            " opgepakt. Kijk de lijst hieronder opnieuw na."
        )
    # One place per statushouder, whatever was posted twice.
    chosen = list({waiting[t].item.case_id: waiting[t] for t in task_ids}.values())
    signing = Session.Kind.ONDERTEKENING
    with transaction.atomic():
        session = Session.objects.create(
            kind=chosen[0].kind,
            task_name=task_name,
            mb_organisation=organisation,
            trainer=user,
            date=on_date,
            start_time=start_time,
            place=place.strip(),
            interpreter=interpreter.strip(),
            bestuurder=bestuurder.strip() if chosen[0].kind == signing else "",
            note=note.strip(),
            created_at=clock_or_system(clock).now(),
        )
        Participant.objects.bulk_create(
            [
                Participant(session=session, case=c.item.case, task_id=c.item.task_id)
                for c in chosen
            ]
        )
    return session


def session_cancel(*, session: Session, user: AbstractBaseUser) -> None:
    """Call off a planned session; its statushouders wait on their workshop again."""
    if session.mb_organisation not in trainer_organisations(user=user):
        raise PvtError(f"U bent geen trainer bij {session.mb_organisation}.")
    deleted, _ = Session.objects.filter(
        pk=session.pk, status=Session.Status.PLANNED
    ).delete()
    if not deleted:
        raise PvtError("Een vastgelegde bijeenkomst kan niet meer worden geannuleerd.")


@dataclass(frozen=True)
class Recorded:
    """What recording a session did: who moved on, who could not."""

    done: list[Participant]
    failed: list[Participant]


def session_record(
    *,
    session: Session,
    user: AbstractBaseUser,
    attendance: Mapping[int, tuple[bool, str]],
    clock: Clock | None = None,
    occasion: Occasion | None = None,
) -> Recorded:
    """Record the session: per participant (pk -> (there or signed, reason)) the
    task of their case completes with the session's date and place. One failing
    case does not stop the others."""
    clock = clock_or_system(clock)
    now = clock.now()
    if session.mb_organisation not in trainer_organisations(user=user):
        raise PvtError(f"U bent geen trainer bij {session.mb_organisation}.")
    if session.date > timezone.localdate(now):
        raise PvtError(
            f"Deze bijeenkomst is op {session.date:%d-%m-%Y}. Leg de aanwezigheid"
            " vast op of na die dag."
        )
    # Only those on the trainer's list: a case they may no longer see stays pending.
    participants = [
        p
        for p in session.participants.filter(outcome=Participant.Outcome.PENDING)
        if p.pk in attendance
    ]
    # Taken once: a second trainer recording the same session at the same moment
    # is refused instead of recording everyone twice.
    taken = Session.objects.filter(pk=session.pk, status=Session.Status.PLANNED).update(
        status=Session.Status.RECORDED, recorded_at=now, recorded_by=user
    )
    if not taken:
        raise PvtError("Deze bijeenkomst is al vastgelegd.")
    facts = SessionFacts(
        date=session.date,
        place=session.place,
        bestuurder=session.bestuurder,
        interpreter=session.interpreter,
    )
    done, failed = [], []
    for participant in participants:
        yes, reason = attendance[participant.pk]
        failure = _record_one(participant, facts, yes, reason, user, clock)
        participant.failure = failure[:500]
        participant.outcome = (
            Participant.Outcome.FAILED
            if failure
            else (Participant.Outcome.YES if yes else Participant.Outcome.NO)
        )
        participant.save(update_fields=["outcome", "failure"])
        (failed if failure else done).append(participant)
    session.refresh_from_db()
    if done and occasion is not None:
        # One record for the session's changes: each case completed in its own
        # transaction (one failing does not stop the others), this lists them all.
        processing_record(
            user=user,
            action=ProcessingRecord.Action.CHANGE,
            cases=[p.case for p in done],
            categories=["normaal"],
            roles=[Role.TRAINER],
            detail={"pvt_session": session.pk, "task": session.task_name},
            occasion=occasion,
        )
    return Recorded(done=done, failed=failed)


def _record_one(
    participant: Participant,
    facts: SessionFacts,
    yes: bool,
    reason: str,
    user: AbstractBaseUser,
    clock: Clock,
) -> str:
    """Complete one participant's task; the reason (Dutch) when it could not."""
    item = (
        TaskItem.objects.select_related("case__version")
        .filter(task_id=participant.task_id)
        .first()
    )
    if item is None:
        return "Deze taak bestaat niet meer. Er is niets opgeslagen."
    definition = task_form(item)
    mapping = task_mapping(item)
    if definition is None or mapping is None:
        return (
            "Het formulier van deze taak legt geen aanwezigheid of ondertekening vast."
            " Er is niets opgeslagen; leg de taak vast via de taakpagina."
        )
    form_class = build_form_class(
        definition,
        user_choices=user_choices(
            gemeente_id=item.gemeente_id, mb_id=item.mb_organisation_id
        ),
    )
    form = form_class(data=form_data(mapping, facts, yes=yes, reason=reason))
    if not form.is_valid():
        missing = "; ".join(
            f"‘{form.fields[name].label}’: {errors[0]}"
            if name in form.fields
            else errors[0]
            for name, errors in form.errors.items()
        )
        return (
            f"Het formulier ‘{definition.title}’ vraagt meer dan de bijeenkomst weet"
            f" ({missing}). Er is niets opgeslagen; leg de taak vast via de"
            " taakpagina."
        )
    try:
        task_complete(
            task_id=item.task_id,
            user=user,
            cleaned_data=form.cleaned_data,
            clock=clock,
        )
    except CaseError as exc:
        return str(exc)
    except Exception:  # noqa: BLE001 - one broken case must not stop the others
        logger.exception(
            "PVT session %s: case %s", participant.session_id, item.case_id
        )
        return (
            "Er ging iets mis bij het vastleggen van dit dossier. Er is niets"
            " opgeslagen; probeer de taak via de taakpagina."
        )
    return ""
