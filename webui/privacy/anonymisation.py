"""Anonymising a closed case past its retention period: every place a user could
type something about the statushouder loses it; what the figures need (phase, dates,
choices, milestones) stays.

Two nets. First, every field known to hold typed text is emptied: the name, every
answer that is not a structured 'normaal' answer (a date, number, yes/no, choice or
user), consent and referral notes, free text in the case's history, drafts. Second,
everything typed that went (the name, the answers) is looked for, word for word, in
the places that copy it: the engine state, a migration's saved state, PVT sessions,
the admin's history. The processing log is never changed: it holds no typed text
(``services._without_typed_words``) and refers to the case by its reference.
"""

import json
from collections.abc import Iterable
from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import ProcessingRecord
from .services import processing_record

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
# Shorter typed answers ("ja", "2") are not looked for in other text: they would
# match everywhere and identify nobody.
MIN_WORD = 4


def _answer_fields(submission: Any) -> tuple[set[str], set[str] | None]:
    """(the answers that stay, the answers that are typed text); None: every answer
    may be typed text (a form no version knows any more)."""
    from forms.registry import ENGINE_PRIVACY
    from webui.definitions.bundles import bundle_of

    try:
        definition = bundle_of(submission.version).forms.get(submission.form_key)
    except Exception:  # noqa: BLE001 - an unknown form: keep nothing
        return set(), None
    keep = {
        f.name
        for f in definition.fields
        if f.privacy == ENGINE_PRIVACY and f.type in STRUCTURED_TYPES
    }
    typed = {f.name for f in definition.fields if f.type not in STRUCTURED_TYPES}
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


def _redacted(value: Any, words: list[str]) -> Any:
    """``value`` (JSON-like) with every occurrence of one of ``words`` replaced."""
    if isinstance(value, str):
        for word in words:
            if word in value:
                value = value.replace(word, GONE)
        return value
    if isinstance(value, dict):
        return {k: _redacted(v, words) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, words) for v in value]
    return value


def _redacted_json_text(text: str, words: list[str]) -> str:
    try:
        return json.dumps(_redacted(json.loads(text), words))
    except ValueError:  # not JSON: plain text
        return _redacted(text, words)


def _audit_detail(detail: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        if key in AUDIT_KEYS_KEPT or isinstance(value, bool | int | float)
        else GONE
        for key, value in detail.items()
    }


def case_anonymise(
    *, case: Any, user: AbstractBaseUser | None, dry_run: bool = False
) -> int:
    """Remove from a closed case everything typed about the statushouder (see the
    module); keep the figures. Returns how many answers went. The processing log
    keeps its records."""
    from webui.cases.models import AuditEvent, Case, CaseMigration, CaseState
    from webui.tasks.models import TaskDraft

    submissions = list(case.submissions.select_related("version"))
    words: set[str] = {case.client_naam}
    removed = 0
    for submission in submissions:
        keep, typed = _answer_fields(submission)
        gone = {k: v for k, v in submission.data.items() if k not in keep}
        removed += len(gone)
        words.update(
            _strings([v for k, v in gone.items() if typed is None or k in typed])
        )
        submission.data = {k: v for k, v in submission.data.items() if k in keep}
    if dry_run:
        return removed
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        words.update(case.referrals.values_list("reason", flat=True))
        words.update(case.referrals.values_list("follow_up_note", flat=True))
        words.update(case.consents.values_list("note", flat=True))
        events = list(AuditEvent.objects.filter(case=case).exclude(detail={}))
        for event in events:
            typed = {k: v for k, v in event.detail.items() if k not in AUDIT_KEYS_KEPT}
            words.update(_strings(typed))  # a reopen reason is in the engine too
        # Longest first: a name inside a longer answer goes with that answer.
        found = sorted(
            {w.strip() for w in words if len(w.strip()) >= MIN_WORD},
            key=len,
            reverse=True,
        )
        for submission in submissions:
            submission.save(update_fields=["data"])
        case.consents.update(note="")
        case.referrals.update(organisation=GONE, reason=GONE, follow_up_note="")
        TaskDraft.objects.filter(item__case=case).delete()
        for event in events:
            event.detail = _audit_detail(event.detail)
            event.save(update_fields=["detail"])
        for state in CaseState.objects.filter(case=case):
            state.state = _redacted_json_text(state.state, found)
            state.save(update_fields=["state"])
        for migration in CaseMigration.objects.filter(case=case):
            migration.previous_state = _redacted_json_text(
                migration.previous_state, found
            )
            migration.save(update_fields=["previous_state"])
        for milestone in case.milestones.all():
            milestone.value = _redacted(milestone.value, found)
            milestone.save(update_fields=["value"])
        _shared_text_redact(case=case, words=found)
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


def _shared_text_redact(*, case: Any, words: list[str]) -> None:
    """Text shared with other cases (a PVT session's notes) and the admin's history
    lose the statushouder's words; the rest of that text stays."""
    from webui.cases.models import Case
    from webui.pvt.models import Participant, Session

    text_fields = ("place", "interpreter", "bestuurder", "note")
    session_ids = Participant.objects.filter(case=case).values("session_id")
    for session in Session.objects.filter(pk__in=session_ids):
        changed = [f for f in text_fields if getattr(session, f)]
        for field in changed:
            setattr(session, field, _redacted(getattr(session, field), words))
        session.save(update_fields=changed)
    Participant.objects.filter(case=case).exclude(failure="").update(failure=GONE)
    # The admin writes a case's name into its history (LogEntry.object_repr).
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Case), object_id=str(case.pk)
    ).update(object_repr=case.reference)
    for word in words:
        for entry in LogEntry.objects.filter(object_repr__contains=word):
            entry.object_repr = _redacted(entry.object_repr, words)
            entry.save(update_fields=["object_repr"])
