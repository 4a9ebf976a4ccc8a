"""Writes to the logs: the processing log of reads and changes of personal data,
and the audit of changes to a case. The services and selectors write them, inside
their own transaction, with the Occasion a page hands them; a page writes only a
refusal."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .context import Occasion, client_address, occasion_of
from .models import AuditEvent, ProcessedSubject, ProcessingRecord

# The legal ground each role processes personal data on (logged with every record).
GROUNDS = {
    "begeleider": "Wet inburgering 2021: maatschappelijke begeleiding in opdracht van"
    " de gemeente",
    "coordinator": "Wet inburgering 2021: maatschappelijke begeleiding in opdracht van"
    " de gemeente",
    "trainer": "Wet inburgering 2021: participatieverklaringstraject",
    "regievoerder": "Wet inburgering 2021: regie op de inburgering (taak van de"
    " gemeente)",
    "teamleider": "Wet inburgering 2021: regie op de inburgering (taak van de"
    " gemeente), escalatie en bezwaar",
    "manager": "Verantwoording en sturing (alleen kengetallen)",
    "beheerder": "Beheer van het proces (geen dossiergegevens)",
    "privacy": "AVG: toezicht op de verwerking, inzageverzoek (art. 15)",
    # The statushouder in their own portal (Mijn Wegwijs): their own data.
    "statushouder": "AVG art. 15: de statushouder ziet en beheert de eigen gegevens",
    # A system of the gemeente or MB organisation through the API (webui/api).
    "api_gemeente": "Wet inburgering 2021: regie op de inburgering (taak van de"
    " gemeente), via een gekoppeld systeem van de gemeente",
    "api_mb": "Wet inburgering 2021: maatschappelijke begeleiding in opdracht van de"
    " gemeente, via een gekoppeld systeem van de MB-organisatie",
}
CONSENT_GROUND = "toestemming van de statushouder"


def _without_typed_words(detail: Mapping[str, Any]) -> dict[str, Any]:
    """The detail with every address cut to its path: a query string holds what a
    user typed (``?zoek=<a name>``), and the log records its subjects by reference
    (ProcessedSubject), never by the words that found them. Which parameters were
    used stays (``zoek``: a search was done), their values do not."""
    kept: dict[str, Any] = {}
    for key, value in detail.items():
        if isinstance(value, str) and value.startswith("/") and "?" in value:
            path, _sep, query = value.partition("?")
            kept[key] = path
            names = {part.partition("=")[0][:30] for part in query.split("&")}
            if names - {""}:
                kept[f"{key}_parameters"] = sorted(names - {""})[:20]
        else:
            kept[key] = value
    return kept


def _actor(user: AbstractBaseUser | None, occasion: Occasion | None) -> str:
    if user is not None:
        return str(user.get_username())
    return occasion.actor[:150] if occasion is not None else ""


def processing_record(
    *,
    user: AbstractBaseUser | None,
    action: str,
    cases: Iterable[Any] = (),
    categories: Iterable[str] = (),
    roles: Iterable[str] = (),
    consented: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
    occasion: Occasion | None = None,
    username: str = "",
) -> ProcessingRecord:
    """Add one record to the processing log, with every statushouder it touched.
    Written in the caller's transaction when there is one: a change that rolls back
    takes its record with it."""
    query = cases if isinstance(cases, QuerySet) else None
    record, subjects = processing_rows(
        user=user,
        action=action,
        cases=() if query is not None else cases,
        categories=categories,
        roles=roles,
        consented=consented,
        detail=detail,
        occasion=occasion,
        username=username,
    )
    with transaction.atomic():
        record.save()
        if query is not None:
            _subjects_of_query(record, query)
        else:
            ProcessedSubject.objects.bulk_create(subjects)
    return record


def processing_rows(
    *,
    user: AbstractBaseUser | None,
    action: str,
    cases: Iterable[Any] = (),
    categories: Iterable[str] = (),
    roles: Iterable[str] = (),
    consented: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
    occasion: Occasion | None = None,
    username: str = "",
) -> tuple[ProcessingRecord, list[ProcessedSubject]]:
    """The rows of one processing-log record, not yet saved: the record and one
    subject per case (with its reference). ``processing_record`` saves them; a
    store of many cases at once inserts the rows of all its records together."""
    roles = sorted(set(roles))
    grounds = [GROUNDS[r] for r in roles if r in GROUNDS]
    consented = sorted(set(consented))
    if consented:
        grounds.append(f"{CONSENT_GROUND} ({', '.join(consented)})")
    record = ProcessingRecord(
        at=timezone.now(),
        request_id=occasion.request_id if occasion else "",
        user_id=getattr(user, "pk", None),
        username=username or _actor(user, occasion),
        roles=", ".join(roles),
        action=action,
        categories=sorted(set(categories)),
        ground="; ".join(dict.fromkeys(grounds)),
        detail=_without_typed_words(detail or {}),
    )
    subjects = [
        ProcessedSubject(
            record=record,
            case_id=case.pk,
            case_reference=case.reference,
            gemeente_id=case.gemeente_id,
            mb_organisation_id=case.mb_organisation_id,
        )
        for case in cases
    ]
    return record, subjects


_SUBJECT_COLUMNS = ("case_id", "case_reference", "gemeente_id", "mb_organisation_id")


def _subjects_of_query(record: ProcessingRecord, cases: QuerySet[Any]) -> None:
    """The subjects of a query of cases (an export of 100,000) in one statement,
    INSERT … SELECT: no case passes through Python."""
    query = cases.order_by().values_list(
        "pk", "reference", "gemeente_id", "mb_organisation_id"
    )
    select, params = query.query.sql_with_params()
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in ("record_id", *_SUBJECT_COLUMNS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(ProcessedSubject._meta.db_table)} ({columns})"
            f" SELECT %s, cases.* FROM ({select}) cases",
            (record.pk, *params),
        )


@dataclass(frozen=True)
class Unregistered:
    """A statushouder shown who is no case (yet): a row of a COA file before it is
    registered, named by the file's own reference and row, for the organisation
    it is to be registered at."""

    reference: str
    row: int
    gemeente_id: int
    mb_organisation_id: int | None


def list_record(
    *,
    user: AbstractBaseUser | None,
    cases: Iterable[Any],
    categories: Iterable[str],
    roles: Iterable[str],
    occasion: Occasion,
    unregistered: Sequence[Unregistered] = (),
    **detail: Any,
) -> None:
    """A page that lists statushouders: one LIST record naming each case shown and
    each person shown who is no case yet (none when the list is empty). Such a
    person is a subject without a case, of the organisation they are for, so that
    its privacy officer finds the record; the detail says which row of what."""
    cases = list(cases)
    if not cases and not unregistered:
        return
    if unregistered:
        detail["zonder_dossier"] = [
            {"rij": u.row, "referentie": u.reference[:60]} for u in unregistered
        ]
    with transaction.atomic():
        record = processing_record(
            user=user,
            action=str(ProcessingRecord.Action.LIST),
            cases=cases,
            categories=categories,
            roles=roles,
            detail={"path": occasion.full_path, **detail},
            occasion=occasion,
        )
        ProcessedSubject.objects.bulk_create(
            [
                ProcessedSubject(
                    record=record,
                    case_id=None,
                    case_reference="",
                    gemeente_id=u.gemeente_id,
                    mb_organisation_id=u.mb_organisation_id,
                )
                for u in unregistered
            ]
        )


def login_failed(
    sender: Any,
    credentials: Mapping[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    """A failed login, with the name that was tried and where from. When that name
    is an account, the record is about that account (by its id), so the privacy
    officer of the organisation it works for finds the attempt."""
    tried = str(credentials.get("username", ""))[:150]
    account = get_user_model().objects.filter(username=tried).first() if tried else None
    processing_record(
        user=account,
        username=tried,
        # The code (str() of a choice): a choice read without Django's types is a pair.
        action=str(ProcessingRecord.Action.LOGIN_FAILED),
        detail={"ip": (client_address(request) or "") if request else ""},
        occasion=occasion_of(request) if request else None,
    )


def refusal_record(
    *, user: AbstractBaseUser | None, occasion: Occasion, **detail: Any
) -> None:
    """A page refused (a 404 for what the user may not see): who asked for what.
    A refusal has no service to write it; the page that refuses calls this."""
    processing_record(
        user=user,
        action=str(ProcessingRecord.Action.REFUSED),
        detail={"path": occasion.path, **detail},
        occasion=occasion,
    )


def audit(
    *,
    case: Any | None,
    user: AbstractBaseUser | None,
    event: str,
    at: datetime,
    **detail: Any,
) -> None:
    """Add one event to a case's history (what happened, not who saw it)."""
    audit_event(case=case, user=user, event=event, at=at, **detail).save()


def audit_event(
    *,
    case: Any | None,
    user: AbstractBaseUser | None,
    event: str,
    at: datetime,
    **detail: Any,
) -> AuditEvent:
    """The row of one event of a case's history, not yet saved (``audit`` saves
    it; a store of many cases inserts those of all together)."""
    return AuditEvent(case=case, user=user, event=event, detail=detail, at=at)
