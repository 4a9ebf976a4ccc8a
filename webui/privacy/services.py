"""Writes to the processing log, the inzage export and anonymisation."""

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from webui.middleware import client_address

from .models import ProcessedSubject, ProcessingRecord

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
}
CONSENT_GROUND = "toestemming van de statushouder"


def request_id(request: HttpRequest | None) -> str:
    """One id for everything one request processed (links its records)."""
    if request is None:
        return ""
    if not hasattr(request, "_processing_id"):
        request._processing_id = uuid.uuid4().hex  # type: ignore[attr-defined]
    return request._processing_id  # type: ignore[attr-defined]


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


def processing_record(
    *,
    user: AbstractBaseUser | None,
    action: str,
    cases: Iterable[Any] = (),
    categories: Iterable[str] = (),
    roles: Iterable[str] = (),
    consented: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    username: str = "",
) -> ProcessingRecord:
    """Add one record to the processing log, with every statushouder it touched."""
    roles = sorted(set(roles))
    grounds = [GROUNDS[r] for r in roles if r in GROUNDS]
    consented = sorted(set(consented))
    if consented:
        grounds.append(f"{CONSENT_GROUND} ({', '.join(consented)})")
    with transaction.atomic():
        record = ProcessingRecord.objects.create(
            at=timezone.now(),
            request_id=request_id(request),
            user_id=getattr(user, "pk", None),
            username=username or (user.get_username() if user is not None else ""),
            roles=", ".join(roles),
            action=action,
            categories=sorted(set(categories)),
            ground="; ".join(dict.fromkeys(grounds)),
            detail=_without_typed_words(detail or {}),
        )
        ProcessedSubject.objects.bulk_create(
            [
                ProcessedSubject(
                    record=record,
                    case_id=case.pk,
                    case_reference=case.reference,
                    gemeente_id=case.gemeente_id,
                    mb_organisation_id=case.mb_organisation_id,
                )
                for case in cases
            ]
        )
    return record


def login_failed(
    sender: Any,
    credentials: Mapping[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    """A failed login, with the name that was tried and where from. When that name
    is an account, the record is about that account (by its id), so the privacy
    officer of the organisation it works for finds the attempt."""
    from django.contrib.auth import get_user_model

    tried = str(credentials.get("username", ""))[:150]
    account = get_user_model().objects.filter(username=tried).first() if tried else None
    processing_record(
        user=account,
        username=tried,
        action=ProcessingRecord.Action.LOGIN_FAILED,
        detail={"ip": (client_address(request) or "") if request else ""},
        request=request,
    )


def retention_passed(*, closed_at: Any, years: int, today: date) -> bool:
    return (
        closed_at is not None
        and closed_at.date() + timedelta(days=round(365.25 * years)) <= today
    )


# ---- inzage and anonymisation -------------------------------------------------


def _submission_rows(submission: Any) -> list[dict[str, Any]]:
    from forms.values import display_rows
    from webui.definitions.bundles import bundle_of

    try:
        definition = bundle_of(submission.version).forms.get(submission.form_key)
    except Exception:  # noqa: BLE001 - an unknown form: give the raw answers
        return [{"veld": k, "antwoord": v} for k, v in submission.data.items()]
    return [
        {"vraag": row.label, "antwoord": row.value, "privacyklasse": row.privacy}
        for row in display_rows(definition, submission.data)
    ]


def _milestone_label(milestone: Any) -> str:
    """What a reached milestone is called in the rule set of the version it was
    reached on (frozen into it), whatever the repository says today."""
    from webui.definitions.bundles import bundle_of

    rule = bundle_of(milestone.version).rules.get(milestone.key)
    return rule.label if rule is not None else milestone.key


def inzage_export(
    *, case: Any, user: AbstractBaseUser, request: HttpRequest | None = None
) -> dict[str, Any]:
    """Everything Wegwijs holds about one statushouder, for an inzageverzoek (AVG art.
    15): the case, every answer, milestones, consents, the case's history and every
    processing of their data. Logged as an inzage."""
    from .selectors import records_about

    data = {
        "dossier": {
            "kenmerk": case.reference,
            "naam": case.client_naam,
            "gemeente": case.gemeente.naam,
            "mb_organisatie": str(case.mb_organisation or ""),
            "fase": case.phase_label,
            "koppelingsdatum": case.koppeling_datum.isoformat(),
            "afgesloten": case.is_closed,
        },
        "antwoorden": [
            {
                "formulier": s.task_name,
                "ingevuld_op": s.submitted_at.isoformat(),
                "door": s.submitted_by.get_full_name() if s.submitted_by else "",
                "antwoorden": _submission_rows(s),
            }
            for s in case.submissions.select_related("submitted_by", "version")
        ],
        "mijlpalen": [
            {
                "mijlpaal": m.key,
                "omschrijving": _milestone_label(m),
                "datum": m.reached_at.isoformat(),
                "waarde": m.value,
            }
            for m in case.milestones.select_related("version")
        ],
        "toestemmingen": [
            {
                "categorie": c.get_category_display(),
                "richting": c.get_direction_display(),
                "gegeven": c.given,
                "datum": c.on_date.isoformat(),
            }
            for c in case.consents.all()
        ],
        "verloop": [
            {"wanneer": e.at.isoformat(), "wat": e.event}
            for e in case.audit_events.order_by("at", "id")
        ],
        "verwerkingen": [
            {
                "wanneer": r.at.isoformat(),
                "wie": r.username,
                "rol": r.roles,
                "handeling": r.get_action_display(),
                "categorieën": r.categories,
                "grondslag": r.ground,
            }
            for r in records_about(reference=case.reference)
        ],
    }
    processing_record(
        user=user,
        action=ProcessingRecord.Action.INZAGE,
        cases=[case],
        categories=["alle"],
        roles=["privacy"],
        request=request,
    )
    return data
