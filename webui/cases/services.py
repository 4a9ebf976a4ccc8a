"""Writes to cases. The load → lock → advance → save cycle lives here, once."""

import json
import logging
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

import engine
from engine import Clock, DeployedVersion, Snapshot, SystemClock
from forms.registry import default_registry
from forms.values import engine_data, stored_data
from webui.accounts.models import Gemeente
from webui.accounts.selectors import user_roles
from webui.tasks.models import TaskItem
from webui.tasks.selectors import task_refusal
from webui.tasks.services import tasks_project

from .models import AuditEvent, Case, Submission, WorkflowVersion
from .versions import deployed

logger = logging.getLogger(__name__)

START_FORM = "aanmelding"
# Submitting this form is drawing up the PIP, whatever the task is called in a variant.
PIP_FORM = "pip_opstellen"


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


def _clock(clock: Clock | None) -> Clock:
    return clock or SystemClock()


def _audit(
    *,
    case: Case | None,
    user: AbstractBaseUser | None,
    event: str,
    at: datetime,
    **detail: Any,
) -> None:
    AuditEvent.objects.create(case=case, user=user, event=event, detail=detail, at=at)


# ---- versions ------------------------------------------------------------------------


def version_deploy(
    *,
    gemeente: Gemeente,
    files: Mapping[str, bytes] | None = None,
    user: AbstractBaseUser | None = None,
    clock: Clock | None = None,
) -> WorkflowVersion:
    """Validate a gemeente's diagram set and make it the active version.

    Raises engine.DiagramInvalid; the active version then stays as it was.
    """
    if files is None:
        files = engine.collect_diagrams(settings.WORKFLOWS_DIR, gemeente.slug)
    digest = engine.build_version(
        files, form_keys=set(default_registry().keys())
    ).content_hash
    with transaction.atomic():
        version, created = WorkflowVersion.objects.get_or_create(
            gemeente=gemeente,
            content_hash=digest,
            defaults={
                "files": {k: v.decode() for k, v in files.items()},
                "deployed_by": user,
            },
        )
        WorkflowVersion.objects.filter(gemeente=gemeente).exclude(pk=version.pk).update(
            is_active=False
        )
        if not version.is_active:
            version.is_active = True
            version.save(update_fields=["is_active"])
        if created:
            _audit(
                case=None,
                user=user,
                event="version_deployed",
                at=_clock(clock).now(),
                gemeente=gemeente.slug,
                content_hash=digest,
                files=sorted(files),
            )
    return version


# ---- applying a snapshot -------------------------------------------------------------


def _as_date(value: Any) -> date | None:
    if not value:
        return None
    return (
        datetime.fromisoformat(str(value)).date()
        if "T" in str(value)
        else date.fromisoformat(str(value))
    )


def _apply(
    case: Case, snapshot: Snapshot, version: DeployedVersion, now: datetime
) -> None:
    """Copy what the queue and the manager need from a snapshot onto the case row."""
    data = snapshot.data
    case.state = json.dumps(snapshot.state, separators=(",", ":"))
    case.phase = snapshot.phase
    case.phase_label = (
        "Afgerond"
        if snapshot.completed
        else version.phase_names.get(snapshot.phase, snapshot.phase)
    )
    case.next_timer_at = snapshot.next_timer_at
    if data.get("pip_deadline"):
        case.pip_deadline = _as_date(data["pip_deadline"])
    if data.get("beschikking_datum"):
        case.pip_vastgesteld_op = _as_date(data["beschikking_datum"])
    if data.get("uitkomst"):
        case.uitkomst = str(data["uitkomst"])
    if data.get("toestemming_delen_gemeente") is not None:
        case.toestemming_gemeente = bool(data["toestemming_delen_gemeente"])
    username = data.get("begeleider")
    if username and (
        case.begeleider is None or case.begeleider.get_username() != username
    ):
        case.begeleider = get_user_model().objects.filter(username=username).first()
    if snapshot.completed and not case.is_closed:
        case.is_closed = True
        case.closed_at = now


def _locked_case(pk: int) -> Case:
    """The case row, locked until the end of the transaction."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("version", "begeleider")
        .get(pk=pk)
    )


def _store(
    case: Case,
    snapshot: Snapshot,
    version: DeployedVersion,
    now: datetime,
    *,
    completed: TaskItem | None = None,
    user: AbstractBaseUser | None = None,
) -> None:
    """Save an advanced case (version-checked) and refresh its task rows."""
    expected = case.lock_version
    _apply(case, snapshot, version, now)
    if completed is not None and completed.form_key == PIP_FORM:
        case.pip_opgesteld_op = case.pip_opgesteld_op or timezone.localdate(now)
    _save_advanced(case, expected)
    tasks_project(
        case=case,
        snapshot=snapshot,
        phase_names=dict(version.phase_names),
        now=now,
        completed_task_id=completed.task_id if completed is not None else None,
        completed_by=user,
    )


def _save_advanced(case: Case, expected_version: int) -> None:
    """Write the case back only if nobody else advanced it since we read it."""
    fields = {
        f: getattr(case, f)
        for f in (
            "state",
            "phase",
            "phase_label",
            "next_timer_at",
            "pip_deadline",
            "pip_opgesteld_op",
            "pip_vastgesteld_op",
            "uitkomst",
            "toestemming_gemeente",
            "begeleider",
            "is_closed",
            "closed_at",
        )
    }
    updated = Case.objects.filter(pk=case.pk, lock_version=expected_version).update(
        lock_version=F("lock_version") + 1, updated_at=timezone.now(), **fields
    )
    if not updated:
        raise CaseConflict(
            "Het dossier is intussen door iemand anders bijgewerkt. "
            "Probeer het opnieuw."
        )
    case.lock_version = expected_version + 1


# ---- cases ---------------------------------------------------------------------------


def case_start(
    *,
    gemeente: Gemeente,
    cleaned_data: Mapping[str, Any],
    user: AbstractBaseUser | None,
    clock: Clock | None = None,
) -> Case:
    """Register a statushouder (the aanmelding form) and start the trajectory."""
    clock = _clock(clock)
    now = clock.now()
    definition = default_registry().get(START_FORM)
    version_row = WorkflowVersion.objects.filter(
        gemeente=gemeente, is_active=True
    ).first()
    if version_row is None:
        raise NoActiveVersion(f"Voor {gemeente} is nog geen proces in gebruik genomen.")
    version = deployed(version_row)
    snapshot = engine.start_case(
        version, engine_data(definition, cleaned_data), clock=clock
    )
    stored = stored_data(definition, cleaned_data)
    with transaction.atomic():
        case = Case(
            reference=f"tmp-{uuid.uuid4().hex[:12]}",  # the real one needs the pk
            gemeente=gemeente,
            version=version_row,
            client_naam=" ".join(
                str(stored.get(k) or "") for k in ("voornaam", "achternaam")
            ).strip(),
            koppeling_datum=_as_date(stored["koppeling_datum"]),
        )
        _apply(case, snapshot, version, now)
        case.save()
        case.reference = f"WW-{now.year}-{case.pk:05d}"
        case.save(update_fields=["reference"])
        Submission.objects.create(
            case=case,
            task_id=f"start-{case.pk}",
            bpmn_id="aanmelding",
            task_name=definition.title,
            form_key=START_FORM,
            role="coordinator",
            data=stored,
            submitted_by=user,
            submitted_at=now,
        )
        tasks_project(
            case=case, snapshot=snapshot, phase_names=dict(version.phase_names), now=now
        )
        _audit(
            case=case,
            user=user,
            event="case_started",
            at=now,
            version=version_row.content_hash,
        )
    return case


def _check_may_complete(item: TaskItem, user: AbstractBaseUser) -> None:
    if item.state == TaskItem.State.CANCELLED:
        raise TaskAlreadyDone(
            "Deze taak is vervallen: het traject is langs een andere weg verder "
            "gegaan. Er is niets opgeslagen."
        )
    if item.state != TaskItem.State.OPEN:
        who = (
            item.completed_by.get_full_name() if item.completed_by else "iemand anders"
        )
        raise TaskAlreadyDone(
            f"Deze taak is al afgerond door {who}. Er is niets opgeslagen."
        )
    refusal = task_refusal(item=item, user=user)
    if refusal:
        raise TaskNotAllowed(refusal)


def task_complete(
    *,
    task_id: str,
    user: AbstractBaseUser,
    cleaned_data: Mapping[str, Any],
    clock: Clock | None = None,
) -> Case:
    """Complete a user task: lock the case, advance the engine, save, project, record.

    All in one transaction: on any error nothing is saved and the case stays as it was.
    """
    clock = _clock(clock)
    now = clock.now()
    with transaction.atomic():
        item = TaskItem.objects.select_related(
            "gemeente", "completed_by", "assignee"
        ).get(task_id=task_id)
        case = _locked_case(item.case_id)
        item.refresh_from_db()  # after the lock: the state another completion left
        _check_may_complete(item, user)
        definition = default_registry().get(item.form_key)
        version = deployed(case.version)
        try:
            snapshot = engine.complete_task(
                version,
                json.loads(case.state),
                task_id,
                engine_data(definition, cleaned_data),
                clock=clock,
            )
        except (engine.TaskNotReady, engine.TaskNotFound) as exc:
            raise TaskAlreadyDone(
                "Deze taak staat niet meer open. Er is niets opgeslagen."
            ) from exc
        except engine.WorkflowFailed as exc:
            raise CaseError(
                f"De taak kon niet worden afgerond: {exc}. Er is niets opgeslagen."
            ) from exc
        _store(case, snapshot, version, now, completed=item, user=user)
        try:
            with transaction.atomic():
                Submission.objects.create(
                    case=case,
                    task_id=task_id,
                    bpmn_id=item.bpmn_id,
                    task_name=item.name,
                    form_key=item.form_key,
                    role=item.role,
                    data=stored_data(definition, cleaned_data),
                    submitted_by=user,
                    submitted_at=now,
                )
        except IntegrityError as exc:
            raise TaskAlreadyDone(
                "Deze taak is al afgerond. Er is niets opgeslagen."
            ) from exc
        _audit(
            case=case,
            user=user,
            event="task_completed",
            at=now,
            task=item.bpmn_id,
            form_key=item.form_key,
        )
    return case


def _fire_case_timers(case_id: int, clock: Clock, now: datetime) -> bool:
    with transaction.atomic():
        case = _locked_case(case_id)
        if case.next_timer_at is None or case.next_timer_at > now:
            return False  # someone else fired them meanwhile
        version = deployed(case.version)
        snapshot = engine.fire_timers(version, json.loads(case.state), clock=clock)
        _store(case, snapshot, version, now)
        _audit(case=case, user=None, event="timers_fired", at=now)
    return True


def timers_run(*, clock: Clock | None = None) -> int:
    """Fire the due timers of every case; returns how many cases moved.

    A case whose diagram fails is logged and left as it was; the others still move.
    """
    clock = _clock(clock)
    now = clock.now()
    due = Case.objects.filter(is_closed=False, next_timer_at__lte=now)
    moved = 0
    for case_id in list(due.values_list("pk", flat=True)):
        try:
            moved += _fire_case_timers(case_id, clock, now)
        except engine.EngineError:
            logger.exception("Timers of case %s could not fire", case_id)
    return moved


def case_viewed(
    *, case: Case, user: AbstractBaseUser, clock: Clock | None = None
) -> None:
    """Record that a user opened a case (its personal data), for the processing log."""
    _audit(case=case, user=user, event="case_viewed", at=_clock(clock).now())


CONTACT_FORM = "contactmoment"
CONTACT_ROLES = {"begeleider", "coordinator"}


def contactmoment_record(
    *,
    case: Case,
    user: AbstractBaseUser,
    cleaned_data: Mapping[str, Any],
    clock: Clock | None = None,
) -> Submission:
    """Record a contact moment: a row in the case's history; the workflow stays put."""
    roles = user_roles(user=user, gemeente=case.gemeente)
    if not CONTACT_ROLES & roles:
        raise TaskNotAllowed(
            "Alleen een begeleider of coördinator legt contactmomenten vast."
        )
    if case.is_closed:
        raise CaseError("Dit dossier is afgesloten; er kan niets meer bij.")
    now = _clock(clock).now()
    definition = default_registry().get(CONTACT_FORM)
    with transaction.atomic():
        submission = Submission.objects.create(
            case=case,
            task_id=f"contact-{uuid.uuid4().hex[:28]}",  # fits the 36-char column
            bpmn_id=CONTACT_FORM,
            task_name=definition.title,
            form_key=CONTACT_FORM,
            role=min(CONTACT_ROLES & roles),
            data=stored_data(definition, cleaned_data),
            submitted_by=user,
            submitted_at=now,
        )
        _audit(case=case, user=user, event="contact_recorded", at=now)
    return submission
