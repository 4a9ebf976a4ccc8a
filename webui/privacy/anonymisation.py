"""Anonymising a closed case past its retention period: every place a user could
type something about the statushouder loses it; what the figures need (phase, dates,
choices, milestones) stays.

Two nets. First, every field known to hold typed text is emptied: the name, every
answer that is not a structured 'normaal' answer (a date, number, yes/no, choice or
user), consent and referral notes, free text in the case's history, drafts. Second,
what went is looked for where it was copied: in the engine state (and a migration's
saved state) each typed answer as a whole value, and what identifies the
statushouder (name, BSN, contact details) inside any string; in the notes of their
PVT sessions everything typed; in the admin's history what identifies them. The
processing log is never changed: it holds no typed text
(``services._without_typed_words``) and refers to the case by its reference.
"""

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from forms.registry import ENGINE_PRIVACY
from webui.cases.models import Case, CaseMigration, CaseState, Submission
from webui.definitions.bundles import bundle_of
from webui.logs.models import AuditEvent, ProcessingRecord
from webui.logs.services import processing_record
from webui.portal.models import Invitation
from webui.pvt.models import Participant, Session
from webui.tasks.models import TaskDraft

GONE = "(geanonimiseerd)"
# Answers of these types are codes, dates and numbers, never typed text: with privacy
# class 'normaal' they stay for the figures.
STRUCTURED_TYPES = frozenset(
    {"number", "date", "yesno", "choice", "multichoice", "gebruiker"}
)
# The keys of a case's history (AuditEvent.detail) that hold codes, numbers or
# colleagues' names; any other key is typed text (a note, a reason) and goes.
AUDIT_KEYS_KEPT = frozenset(
    {
        "category",
        "direction",
        "form_key",
        "from",
        "from_name",
        "from_version",
        "leefgebied",
        "outcome",
        "task",
        "task_id",
        "task_name",
        "tasks",
        "to",
        "to_name",
        "to_version",
        "version",
    }
)
# Answers of these types identify the statushouder whatever their privacy class.
IDENTIFYING_TYPES = frozenset({"bsn", "phone", "email", "postcode"})
# Shorter typed answers ("ja", "2") are not looked for in other text: they would
# match everywhere and identify nobody.
MIN_WORD = 4


@dataclass
class _Typed:
    """What was typed about the statushouder: every typed answer and note (looked
    for as a whole value where data is copied), and what identifies them - name,
    BSN, contact details - (looked for inside any text)."""

    whole: set[str] = dataclasses.field(default_factory=set)
    identifying: set[str] = dataclasses.field(default_factory=set)

    def add(self, values: Iterable[str], *, identifying: bool = False) -> None:
        for value in values:
            if len(value.strip()) >= MIN_WORD:
                self.whole.add(value.strip())
                if identifying:
                    self.identifying.add(value.strip())

    def inside(self) -> list[str]:
        """The identifying words, longest first (a name inside a longer answer
        goes with that answer)."""
        return sorted(self.identifying, key=len, reverse=True)

    def everything(self) -> list[str]:
        return sorted(self.whole | self.identifying, key=len, reverse=True)


def _answer_fields(submission: Any) -> tuple[set[str], dict[str, bool]]:
    """(the answers that stay, {typed answer: whether it identifies}); with a form
    no version knows any more, nothing stays and every answer counts as typed."""
    try:
        definition = bundle_of(submission.version).forms.get(submission.form_key)
    except Exception:  # noqa: BLE001 - an unknown form: keep nothing
        return set(), dict.fromkeys(submission.data, False)
    keep = {
        f.name
        for f in definition.fields
        if f.privacy == ENGINE_PRIVACY and f.type in STRUCTURED_TYPES
    }
    typed = {
        f.name: f.privacy != ENGINE_PRIVACY or f.type in IDENTIFYING_TYPES
        for f in definition.fields
        if f.type not in STRUCTURED_TYPES
    }
    return keep, typed


def _strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _redacted(
    value: Any, inside: list[str], whole: frozenset[str] = frozenset()
) -> Any:
    """``value`` (JSON-like) with every string that is one of ``whole`` gone, and
    every occurrence of one of ``inside`` replaced."""
    if isinstance(value, str):
        if value.strip() in whole:
            return GONE
        for word in inside:
            if word in value:
                value = value.replace(word, GONE)
        return value
    if isinstance(value, dict):
        return {k: _redacted(v, inside, whole) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, inside, whole) for v in value]
    return value


def _engine_data_redacted(text: str, typed: _Typed) -> str:
    """Engine state (JSON): typed answers go where they were copied whole; inside
    other strings only what identifies goes, so that the state's own names (task
    and variable names) stay as they were."""
    whole = frozenset(typed.whole)
    try:
        return json.dumps(_redacted(json.loads(text), typed.inside(), whole))
    except ValueError:  # not JSON: plain text
        return _redacted(text, typed.everything())


def _audit_detail(detail: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        if key in AUDIT_KEYS_KEPT or isinstance(value, bool | int | float)
        else GONE
        for key, value in detail.items()
    }


def _audit_typed(detail: dict[str, Any]) -> list[str]:
    return list(_strings([v for k, v in detail.items() if k not in AUDIT_KEYS_KEPT]))


def case_anonymise(
    *, case: Any, user: AbstractBaseUser | None, dry_run: bool = False
) -> int:
    """Remove from a closed case everything typed about the statushouder (see the
    module); keep the figures. Returns how many answers went. The processing log
    keeps its records."""
    typed = _Typed()
    typed.add([case.client_naam], identifying=True)
    removed = 0
    submissions = list(case.submissions.select_related("version"))
    for submission in submissions:
        keep, kinds = _answer_fields(submission)
        for name, value in submission.data.items():
            if name not in keep:
                removed += 1
                typed.add(_strings(value), identifying=kinds.get(name, False))
        submission.data = {k: v for k, v in submission.data.items() if k in keep}
    if dry_run:
        return removed
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        typed.add(case.referrals.values_list("reason", flat=True))
        typed.add(case.referrals.values_list("follow_up_note", flat=True))
        typed.add(case.consents.values_list("note", flat=True))
        typed.add(case.consent_requests.values_list("note", flat=True))
        events = list(AuditEvent.objects.filter(case=case).exclude(detail={}))
        for event in events:
            typed.add(_audit_typed(event.detail))  # a reopen reason: also the engine's
            event.detail = _audit_detail(event.detail)
        Submission.objects.bulk_update(submissions, ["data"])
        AuditEvent.objects.bulk_update(events, ["detail"])
        case.consents.update(note="")
        case.consent_requests.update(note="")
        case.referrals.update(organisation=GONE, reason=GONE, follow_up_note="")
        TaskDraft.objects.filter(item__case=case).delete()
        # Mijn Wegwijs: the invitation (e-mail, mobile number) and its codes go; the
        # statushouder's requests keep their kind and date, not what they typed.
        Invitation.objects.filter(case=case).delete()
        case.portal_requests.update(text="", detail={})
        _engine_copies_redact(case=case, typed=typed)
        _shared_text_redact(case=case, typed=typed)
        Case.objects.filter(pk=case.pk).update(
            client_naam=GONE, anonymised_at=timezone.now()
        )
        processing_record(
            user=user,
            action=ProcessingRecord.Action.ANONYMISED,
            cases=[case],
            categories=["alle"],
            detail={"answers_removed": removed},
        )
    return removed


def _engine_copies_redact(*, case: Any, typed: _Typed) -> None:
    """The engine state, the states kept for undoing a migration, and milestone
    values: where typed answers were copied."""
    for state in CaseState.objects.filter(case=case):
        state.state = _engine_data_redacted(state.state, typed)
        state.save(update_fields=["state"])
    for migration in CaseMigration.objects.filter(case=case):
        migration.previous_state = _engine_data_redacted(
            migration.previous_state, typed
        )
        migration.save(update_fields=["previous_state"])
    whole = frozenset(typed.whole)
    for milestone in case.milestones.all():
        milestone.value = _redacted(milestone.value, typed.inside(), whole)
        milestone.save(update_fields=["value"])


def _shared_text_redact(*, case: Any, typed: _Typed) -> None:
    """Text shared with other cases (a PVT session's notes) and the admin's history
    lose the statushouder's words; the rest of that text stays."""
    text_fields = ("place", "interpreter", "bestuurder", "note")
    words = typed.everything()
    session_ids = Participant.objects.filter(case=case).values("session_id")
    for session in Session.objects.filter(pk__in=session_ids):
        changed = [f for f in text_fields if getattr(session, f)]
        for name in changed:
            setattr(session, name, _redacted(getattr(session, name), words))
        session.save(update_fields=changed)
    Participant.objects.filter(case=case).exclude(failure="").update(failure=GONE)
    # The admin writes a case's name into its history (LogEntry.object_repr); other
    # objects' entries lose only what identifies the statushouder.
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Case), object_id=str(case.pk)
    ).update(object_repr=case.reference)
    inside = typed.inside()
    for word in inside:
        for entry in LogEntry.objects.filter(object_repr__contains=word):
            entry.object_repr = _redacted(entry.object_repr, inside)
            entry.save(update_fields=["object_repr"])
