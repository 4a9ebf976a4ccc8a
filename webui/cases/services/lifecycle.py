"""Starting a case and completing its tasks.

The engine runs outside the database's write lock: the case is read, the engine
advances a copy of its state, and only then is the row locked, checked to be unchanged
(its lock version) and written. A diagram that computes for seconds therefore never
holds up other users; a race with another completion reruns on the new state.
"""

import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction

import engine
from engine import Clock
from forms.values import engine_data, stored_data
from webui.access import case_access, grants_per_request
from webui.accounts.models import Gemeente, MbOrganisation
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.instellingen import engine_variables
from webui.definitions.services import active_version
from webui.logs.services import audit
from webui.tasks.models import TaskItem
from webui.tasks.selectors import task_refusal
from webui.tasks.services import tasks_project

from ..models import Case, CaseState, Submission
from .base import (
    CaseConflict,
    CaseError,
    NoActiveVersion,
    TaskAlreadyDone,
    TaskNotAllowed,
    apply_milestones,
    apply_snapshot,
    as_date,
    case_state,
    clock_or_system,
    field_milestones,
    locked_case,
    state_text,
    store,
    store_consents,
    store_milestones,
)

_ATTEMPTS = 3


class _Raced(Exception):
    """The case moved on while the engine ran; run again on its new state."""


def _failed(exc: engine.WorkflowFailed) -> CaseError:
    return CaseError(
        f"De taak kon niet worden afgerond: {exc}. Er is niets opgeslagen."
    )


def case_start(
    *,
    gemeente: Gemeente,
    cleaned_data: Mapping[str, Any],
    user: AbstractBaseUser | None,
    mb_organisation: MbOrganisation | None = None,
    clock: Clock | None = None,
) -> Case:
    """Register a statushouder (the start form) and start the trajectory on the
    gemeente's version in use."""
    clock = clock_or_system(clock)
    now = clock.now()
    version = active_version(gemeente)
    if version is None:
        raise NoActiveVersion(f"Voor {gemeente} is nog geen proces in gebruik genomen.")
    contracted = list(gemeente.mb_organisations.all())
    if mb_organisation is None and len(contracted) == 1:
        mb_organisation = contracted[0]
    if mb_organisation is not None and mb_organisation not in contracted:
        raise CaseError(f"{mb_organisation} werkt niet voor {gemeente}.")
    bundle = bundle_of(version)
    definition = bundle.forms.get(START_FORM)
    try:
        data = {
            **engine_variables(bundle.settings),
            **engine_data(definition, cleaned_data),
        }
        snapshot = engine.start_case(bundle.process, data, clock=clock)
    except engine.WorkflowFailed as exc:
        raise CaseError(
            f"De statushouder kon niet worden aangemeld: {exc}. Er is niets"
            " opgeslagen; meld dit aan de functioneel beheerder."
        ) from exc
    stored = stored_data(definition, cleaned_data)
    reached = list(snapshot.reached) + field_milestones(definition, stored, now, "")
    with transaction.atomic():
        case = Case(
            reference=f"tmp-{uuid.uuid4().hex[:12]}",  # the real one needs the pk
            gemeente=gemeente,
            mb_organisation=mb_organisation,
            version=version,
            client_naam=" ".join(
                str(stored.get(k) or "") for k in ("voornaam", "achternaam")
            ).strip(),
            koppeling_datum=as_date(now),
        )
        apply_snapshot(case, snapshot, bundle, now)
        apply_milestones(case, reached)
        case.save()
        case.reference = f"WW-{now.year}-{case.pk:05d}"
        case.save(update_fields=["reference"])
        CaseState.objects.create(case=case, state=state_text(snapshot))
        store_milestones(case, reached)
        store_consents(case, reached, user)
        Submission.objects.create(
            case=case,
            task_id=f"start-{case.pk}",
            bpmn_id=START_FORM,
            task_name=definition.title,
            form_key=START_FORM,
            role="coordinator",
            version=version,
            data=stored,
            submitted_by=user,
            submitted_at=now,
        )
        tasks_project(
            case=case,
            snapshot=snapshot,
            phase_names=dict(bundle.process.phase_names),
            now=now,
        )
        audit(
            case=case,
            user=user,
            event="case_started",
            at=now,
            version=version.number,
        )
    return case


def check_may_complete(item: TaskItem, user: AbstractBaseUser) -> None:
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


def _open_item(task_id: str, user: AbstractBaseUser) -> TaskItem:
    item = (
        TaskItem.objects.select_related(
            "gemeente", "completed_by", "assignee", "case__version"
        )
        .filter(task_id=task_id)
        .first()
    )
    if item is None:
        raise TaskAlreadyDone("Deze taak bestaat niet (meer). Er is niets opgeslagen.")
    check_may_complete(item, user)
    return item


def _complete_once(
    task_id: str,
    user: AbstractBaseUser,
    cleaned_data: Mapping[str, Any],
    clock: Clock,
) -> Case:
    item = _open_item(task_id, user)
    case = item.case
    seen = case.lock_version
    bundle = bundle_of(case.version)
    definition = bundle.forms.get(item.form_key)
    try:
        snapshot = engine.complete_task(
            bundle.process,
            case_state(case),
            task_id,
            engine_data(definition, cleaned_data),
            clock=clock,
        )
    except (engine.TaskNotReady, engine.TaskNotFound) as exc:
        raise TaskAlreadyDone(
            "Deze taak staat niet meer open. Er is niets opgeslagen."
        ) from exc
    except engine.WorkflowFailed as exc:
        raise _failed(exc) from exc
    now = clock.now()
    stored = stored_data(definition, cleaned_data)
    reached = list(snapshot.reached) + field_milestones(
        definition, stored, now, item.bpmn_id
    )
    with transaction.atomic():
        locked = locked_case(case.pk)
        if locked is None or locked.lock_version != seen:
            raise _Raced
        item.refresh_from_db()  # after the lock: the state another completion left
        check_may_complete(item, user)
        store(locked, snapshot, bundle, now, reached, completed=item, user=user)
        try:
            with transaction.atomic():
                Submission.objects.create(
                    case=locked,
                    task_id=task_id,
                    bpmn_id=item.bpmn_id,
                    task_name=item.name,
                    form_key=item.form_key,
                    role=item.role,
                    version=locked.version,
                    data=stored,
                    submitted_by=user,
                    submitted_at=now,
                )
        except IntegrityError as exc:
            raise TaskAlreadyDone(
                "Deze taak is al afgerond. Er is niets opgeslagen."
            ) from exc
        audit(
            case=locked,
            user=user,
            event="task_completed",
            at=now,
            task=item.bpmn_id,
            form_key=item.form_key,
        )
    return locked


def task_complete(
    *,
    task_id: str,
    user: AbstractBaseUser,
    cleaned_data: Mapping[str, Any],
    clock: Clock | None = None,
) -> Case:
    """Complete a user task: advance the engine, then lock, check, save, project and
    record in one transaction. On any error nothing is saved."""
    clock = clock_or_system(clock)
    with grants_per_request():  # may_complete is checked before and after the lock
        for _attempt in range(_ATTEMPTS):
            try:
                return _complete_once(task_id, user, cleaned_data, clock)
            except _Raced:
                continue
    raise CaseConflict(
        "Het dossier werd steeds tegelijk door anderen bijgewerkt. Er is niets"
        " opgeslagen; probeer het opnieuw."
    )


REOPEN_ROLES = {"coordinator", "regievoerder"}


def case_reopen(
    *,
    case: Case,
    user: AbstractBaseUser,
    reason: str,
    clock: Clock | None = None,
) -> Case:
    """A statushouder comes back: the closed case starts again on the gemeente's
    version in use, with ``heropend`` and the reason in its data (the diagrams start
    at a new intake). Its history stays."""
    access = case_access(user=user, case=case)
    if access is None or not (access.roles & REOPEN_ROLES):
        raise TaskNotAllowed(
            "Alleen een coördinator of regievoerder van dit dossier kan het heropenen."
        )
    if not case.is_closed:
        raise CaseError("Dit dossier is niet afgesloten.")
    if case.anonymised_at is not None:
        raise CaseError(
            "Dit dossier is geanonimiseerd; meld de statushouder opnieuw aan."
        )
    if not reason.strip():
        raise CaseError("Geef een reden voor het heropenen.")
    clock = clock_or_system(clock)
    version = active_version(case.gemeente)
    if version is None:
        raise NoActiveVersion(f"Voor {case.gemeente} is geen proces in gebruik.")
    bundle = bundle_of(version)
    start = case.submissions.filter(form_key=START_FORM).first()
    definition = bundle.forms.get(START_FORM)
    earlier = {
        field.name: start.data.get(field.name)
        for field in definition.fields
        if start is not None and field.privacy == "normaal" and field.name in start.data
    }
    data = {
        **engine_variables(bundle.settings),
        **earlier,
        "heropend": True,
        "heropen_reden": reason.strip()[:500],
    }
    try:
        snapshot = engine.start_case(bundle.process, data, clock=clock)
    except engine.WorkflowFailed as exc:
        raise CaseError(f"Het dossier kon niet worden heropend: {exc}.") from exc
    now = clock.now()
    with transaction.atomic():
        locked = locked_case(case.pk)
        assert locked is not None
        locked.version = version
        locked.is_closed = False
        locked.closed_at = None
        locked.uitkomst = ""
        store(locked, snapshot, bundle, now, snapshot.reached, user=user)
        audit(
            case=locked,
            user=user,
            event="case_reopened",
            at=now,
            reason=reason.strip()[:500],
            version=version.number,
        )
    return locked
