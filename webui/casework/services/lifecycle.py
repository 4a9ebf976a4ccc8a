"""Starting a case, completing its tasks and reopening it: each a step that the
one way to advance a case (``advancing.case_advance``) runs outside the lock and
stores, locked and checked, in one transaction."""

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Model

import engine
from engine import Clock
from forms.registry import FormDefinition
from forms.values import engine_data, stored_data
from webui.access import case_access, grants_per_request
from webui.accounts.models import Gemeente, MbOrganisation
from webui.cases.models import Case, Submission
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.instellingen import engine_variables
from webui.definitions.models import DefinitionVersion
from webui.definitions.services import active_version
from webui.logs.context import Occasion
from webui.tasks.models import TaskItem
from webui.taskwork.selectors import task_refusal

from .advancing import Advance, advance_store, case_advance
from .base import (
    CaseError,
    NoActiveVersion,
    TaskAlreadyDone,
    TaskNotAllowed,
    as_date,
    change_record,
    change_rows,
    clock_or_system,
    field_milestones,
)
from .rows import locked_task_rows, open_item_row


def _failed(exc: engine.WorkflowFailed) -> CaseError:
    return CaseError(
        f"De taak kon niet worden afgerond: {exc}. Er is niets opgeslagen."
    )


def client_name(definition: FormDefinition, answers: Mapping[str, Any]) -> str:
    """The statushouder's name as the aanmelding gives it: the fields with the roles
    ``voornaam`` and ``achternaam`` (forms/field_roles.py)."""
    fields = (definition.field_with_role(r) for r in ("voornaam", "achternaam"))
    return " ".join(str(answers.get(f.name) or "") for f in fields if f).strip()


def case_start(
    *,
    gemeente: Gemeente,
    cleaned_data: Mapping[str, Any],
    user: AbstractBaseUser | None,
    mb_organisation: MbOrganisation | None = None,
    clock: Clock | None = None,
    occasion: Occasion | None = None,
    log_roles: tuple[str, ...] = ("coordinator",),
    version: DefinitionVersion | None = None,
) -> Case:
    """Register a statushouder (the start form) and start the trajectory on the
    gemeente's version in use (see ``case_start_advance``)."""
    advance = case_start_advance(
        gemeente=gemeente,
        cleaned_data=cleaned_data,
        user=user,
        mb_organisation=mb_organisation,
        clock=clock,
        occasion=occasion,
        log_roles=log_roles,
        version=version,
    )
    with transaction.atomic():
        return advance_store(advance)


def case_start_advance(
    *,
    gemeente: Gemeente,
    cleaned_data: Mapping[str, Any],
    user: AbstractBaseUser | None,
    mb_organisation: MbOrganisation | None = None,
    clock: Clock | None = None,
    occasion: Occasion | None = None,
    also_rows: Callable[[Case], Iterable[Model]] | None = None,
    log_roles: tuple[str, ...] = ("coordinator",),
    version: DefinitionVersion | None = None,
) -> Advance:
    """What registering a statushouder stores, not yet stored: the case started on
    the gemeente's version in use, for ``advance_store`` (one) or
    ``advance_store_many`` (a COA file's). ``also_rows`` gives rows stored with the
    case once it has its reference (the sender's reference of an aanmelding from
    elsewhere, ``registration.register``). ``log_roles`` are the ground of the
    change in the processing log (an API client's are its side's, ``api_gemeente``
    or ``api_mb``). ``version`` is the gemeente's version in use when the caller has
    just read it (the registration validated the answers against its start form);
    otherwise it is read here."""
    clock = clock_or_system(clock)
    now = clock.now()
    if version is None:
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
    case = Case(
        reference=f"tmp-{uuid.uuid4().hex[:12]}",  # the real one needs the pk
        gemeente=gemeente,
        mb_organisation=mb_organisation,
        version=version,
        client_naam=client_name(definition, stored),
        koppeling_datum=as_date(now),
    )

    def rows(case: Case) -> list[Model]:
        submission = Submission(
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
        logged = change_rows(
            case=case,
            user=user,
            roles=log_roles,
            categories={f.privacy for f in definition.fields},
            occasion=occasion,
            form=definition.key,
        )
        also = also_rows(case) if also_rows is not None else ()
        return [submission, *logged, *also]

    return Advance(
        case=case,
        snapshot=snapshot,
        bundle=bundle,
        now=now,
        event="case_started",
        user=user,
        detail={"version": version.number},
        reached=reached,
        reference=lambda case: f"WW-{now.year}-{case.pk:05d}",
        rows=rows,
    )


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


# The JSON of a version that no completion reads (bundle_of parses the version once
# per process from its own read).
VERSION_CONTENT = (
    "files",
    "own_files",
    "provenance",
    "derived",
    "setting_values",
    "milestone_rules",
)


def _open_item(task_id: str, user: AbstractBaseUser) -> TaskItem:
    """The task row with its case, the case's version and engine state
    (``engine_state``), read in one statement: the three as they were at one moment.
    Who holds or completed the task is read only for a refusal's message, the
    version's files and what was derived from them (~33 KB of JSON) only by
    whoever asks: a completion needs its key and content hash (``bundle_of``)."""
    item = open_item_row(task_id, leave_out=VERSION_CONTENT)
    if item is None:
        raise TaskAlreadyDone("Deze taak bestaat niet (meer). Er is niets opgeslagen.")
    check_may_complete(item, user)
    return item


def task_complete(
    *,
    task_id: str,
    user: AbstractBaseUser,
    cleaned_data: Mapping[str, Any],
    clock: Clock | None = None,
    occasion: Occasion | None = None,
) -> Case:
    """Complete a user task: advance the engine, then lock, check, save, project and
    record in one transaction (``case_advance``). On any error nothing is saved."""
    clock = clock_or_system(clock)
    with grants_per_request():  # may_complete is checked before and after the lock
        item = _open_item(task_id, user)

        def complete(case: Case) -> Advance:
            nonlocal item
            if case is not item.case:  # a rerun on a fresh case: the task as it is now
                item = _open_item(task_id, user)
            return _completion(case, item, user, cleaned_data, clock, occasion)

        try:
            case = case_advance(case=item.case, step=complete)
        except IntegrityError as exc:
            if SUBMISSION_ONCE not in str(exc) and "cases_submission" not in str(exc):
                raise
            raise TaskAlreadyDone(
                "Deze taak is al afgerond. Er is niets opgeslagen."
            ) from exc
    assert case is not None
    return case


# The constraint that keeps a task from being submitted twice (cases.Submission).
SUBMISSION_ONCE = "one_submission_per_task"


def _completion(
    case: Case,
    item: TaskItem,
    user: AbstractBaseUser,
    cleaned_data: Mapping[str, Any],
    clock: Clock,
    occasion: Occasion | None,
) -> Advance:
    bundle = bundle_of(case.version)
    definition = bundle.forms.get(item.form_key)
    try:
        snapshot = engine.complete_task(
            bundle.process,
            item.engine_state,  # type: ignore[attr-defined]
            item.task_id,
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

    under_lock: list[TaskItem] = []
    # The case's open task rows as they are under the lock, for the projection.
    open_rows: list[TaskItem] = []

    def lock() -> Case | None:
        """Lock the case and read, in one statement, the task row as it is now and
        the case's open task rows (the projection's starting point), with the case
        and its organisations. The case's version is the one read before when it
        is still the same."""
        rows = locked_task_rows(pk=item.pk, case_id=item.case_id)
        found = next((row for row in rows if row.pk == item.pk), None)
        if found is None:
            return None
        under_lock[:] = [found]
        open_rows[:] = [row for row in rows if row.state == TaskItem.State.OPEN]
        locked = found.case
        if locked.version_id == case.version_id:
            locked.version = case.version
        return locked

    def recheck() -> None:
        # After the lock: the state another completion (or hand-over) left.
        check_may_complete(under_lock[0], user)

    def submission(locked: Case) -> list[Model]:
        # No savepoint of its own: the task was checked open under the lock, so a
        # second submission of it cannot get here; should one anyway, the error
        # leaves the whole transaction, nothing is saved and ``task_complete``
        # says the task is done.
        return [
            Submission(
                case=locked,
                task_id=item.task_id,
                bpmn_id=item.bpmn_id,
                task_name=item.name,
                form_key=item.form_key,
                role=item.role,
                version_id=locked.version_id,
                data=stored,
                submitted_by=user,
                submitted_at=now,
            )
        ]

    def record(locked: Case) -> None:
        change_record(
            case=locked,
            user=user,
            roles=[item.role],
            categories={f.privacy for f in definition.fields},
            occasion=occasion,
            task=item.bpmn_id,
            form=item.form_key,
        )

    return Advance(
        case=case,
        snapshot=snapshot,
        bundle=bundle,
        now=now,
        event="task_completed",
        user=user,
        detail={"task": item.bpmn_id, "form_key": item.form_key},
        reached=[
            *snapshot.reached,
            *field_milestones(definition, stored, now, item.bpmn_id),
        ],
        completed=item,
        open_items=open_rows,
        recheck=recheck,
        record=record,
        inserts=submission,
        lock=lock,
    )


REOPEN_ROLES = {"coordinator", "regievoerder"}


def case_reopen(
    *,
    case: Case,
    user: AbstractBaseUser,
    reason: str,
    clock: Clock | None = None,
    occasion: Occasion | None = None,
) -> Case:
    """A statushouder comes back: the closed case starts again on the gemeente's
    version in use, with ``heropend`` and the reason in its data (the diagrams start
    at a new intake). Its history stays."""
    access = case_access(user=user, case=case)
    if access is None or not (access.roles & REOPEN_ROLES):
        raise TaskNotAllowed(
            "Alleen een coördinator of regievoerder van dit dossier kan het heropenen."
        )
    clock = clock_or_system(clock)

    def reopen(case: Case) -> Advance:
        if not case.is_closed:
            raise CaseError("Dit dossier is niet afgesloten.")
        if case.anonymised_at is not None:
            raise CaseError(
                "Dit dossier is geanonimiseerd; meld de statushouder opnieuw aan."
            )
        if not reason.strip():
            raise CaseError("Geef een reden voor het heropenen.")
        version = active_version(case.gemeente)
        if version is None:
            raise NoActiveVersion(f"Voor {case.gemeente} is geen proces in gebruik.")
        bundle = bundle_of(version)
        start = case.submissions.filter(form_key=START_FORM).first()
        definition = bundle.forms.get(START_FORM)
        earlier = {
            field.name: start.data.get(field.name)
            for field in definition.fields
            if start is not None
            and field.privacy == "normaal"
            and field.name in start.data
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
        return Advance(
            case=case,
            snapshot=snapshot,
            bundle=bundle,
            now=clock.now(),
            event="case_reopened",
            user=user,
            detail={"reason": reason.strip()[:500], "version": version.number},
            reached=snapshot.reached,
            changes={
                "version": version,
                "is_closed": False,
                "closed_at": None,
                "uitkomst": "",
            },
            record=lambda reopened: change_record(
                case=reopened,
                user=user,
                roles=access.roles,
                categories=["normaal"],
                occasion=occasion,
            ),
        )

    reopened = case_advance(case=case, step=reopen)
    assert reopened is not None
    return reopened
