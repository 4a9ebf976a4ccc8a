"""The statushouder's consent per category and direction, given or withdrawn:
recorded by the party that holds the data, asked for by the party that would
receive it."""

from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from engine import Clock
from webui.access import CONSENT_ROLES, case_access
from webui.cases.models import Case, Consent, ConsentRequest
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import audit, processing_record

from ..selectors import open_consent_requests
from .base import TaskNotAllowed, change_record, clock_or_system

__all__ = [
    "CONSENT_ROLES",
    "consent_record",
    "consent_record_by_statushouder",
    "consent_request",
]

NOT_YOURS = (
    "Deze toestemming legt u niet vast: dat doet de partij die de gegevens heeft"
    " (de begeleider of coördinator voor gegevens van de MB-organisatie, de"
    " regievoerder voor gegevens van de gemeente). U kunt er wel om vragen."
)


def _check_choice(category: str, direction: str) -> None:
    if category not in Consent.Category.values or direction not in (
        Consent.Direction.values
    ):
        raise TaskNotAllowed("Onbekende categorie of richting.")


def _consent_store(
    *,
    case: Case,
    user: AbstractBaseUser | None,
    category: str,
    direction: str,
    given: bool,
    on_date: date,
    way: str,
    now: datetime,
    note: str = "",
    **audit_detail: str,
) -> Consent:
    """One consent record and its audit event, whoever records it (a staff member,
    or the statushouder themselves with ``user`` None)."""
    consent = Consent.objects.create(
        case=case,
        category=category,
        direction=direction,
        given=given,
        on_date=on_date,
        way=way,
        note=note,
        recorded_by=user,
        recorded_at=now,
    )
    audit(
        case=case,
        user=user,
        event="consent_given" if given else "consent_withdrawn",
        at=now,
        category=category,
        direction=direction,
        way=way,
        **audit_detail,
    )
    return consent


def consent_record(
    *,
    case: Case,
    user: AbstractBaseUser,
    category: str,
    direction: str,
    given: bool,
    on_date: date,
    way: str,
    note: str = "",
    clock: Clock | None = None,
    occasion: Occasion | None = None,
) -> Consent:
    """Record that the statushouder gave or withdrew consent for one category in
    one direction, on a date, mondeling or schriftelijk. Only the side that holds
    the data records it. A withdrawal hides the data again at once, on every page
    and in the export; earlier records stay as history."""
    access = case_access(user=user, case=case)
    if access is None or not (access.roles & CONSENT_ROLES):
        raise TaskNotAllowed(
            "Alleen een begeleider, coördinator of regievoerder van dit dossier legt"
            " toestemming vast."
        )
    _check_choice(category, direction)
    if not access.records_consent(direction):
        raise TaskNotAllowed(NOT_YOURS)
    if way not in Consent.Way.values:
        raise TaskNotAllowed("Geef aan of de toestemming mondeling of schriftelijk is.")
    now = clock_or_system(clock).now()
    with transaction.atomic():
        consent = _consent_store(
            case=case,
            user=user,
            category=category,
            direction=direction,
            given=given,
            on_date=on_date,
            way=way,
            note=note,
            now=now,
        )
        change_record(
            case=case,
            user=user,
            roles=access.roles,
            categories=["normaal"],
            occasion=occasion,
            consent=category,
            direction=direction,
        )
    return consent


# How the statushouder appears in the logs when they act themselves (the portal):
# not a staff account, so a name of its own, and the AVG's ground.
STATUSHOUDER = "statushouder (zelf)"
SELF_GROUND_ROLE = "statushouder"


def consent_record_by_statushouder(
    *,
    case: Case,
    category: str,
    direction: str,
    given: bool,
    clock: Clock | None = None,
    occasion: Occasion | None = None,
) -> Consent:
    """The statushouder gives or withdraws consent themselves, in their portal:
    recorded as given by them, today, in either direction (it is their data; the
    portal's need-to-know has already shown it is their own case). Both parties see
    the change at once; earlier records stay as history."""
    _check_choice(category, direction)
    if case.is_closed:
        raise TaskNotAllowed("Dit dossier is afgesloten.")
    now = clock_or_system(clock).now()
    with transaction.atomic():
        consent = _consent_store(
            case=case,
            user=None,
            category=category,
            direction=direction,
            given=given,
            on_date=now.date(),
            way=Consent.Way.ZELF,
            now=now,
            by="statushouder",
        )
        if occasion is not None:
            processing_record(
                user=None,
                username=STATUSHOUDER,
                action=str(ProcessingRecord.Action.CHANGE),
                cases=[case],
                categories=["normaal"],
                roles=[SELF_GROUND_ROLE],
                detail={
                    "path": occasion.path,
                    "consent": category,
                    "direction": direction,
                    "given": given,
                },
                occasion=occasion,
            )
    return consent


def consent_request(
    *,
    case: Case,
    user: AbstractBaseUser,
    category: str,
    direction: str,
    note: str = "",
    clock: Clock | None = None,
    occasion: Occasion | None = None,
) -> ConsentRequest:
    """Ask the party that holds the data to ask the statushouder for consent. One
    open request per category and direction: asking again returns the open one."""
    access = case_access(user=user, case=case)
    if access is None or not (access.roles & CONSENT_ROLES):
        raise TaskNotAllowed(
            "Alleen een begeleider, coördinator of regievoerder van dit dossier vraagt"
            " om toestemming."
        )
    _check_choice(category, direction)
    if not access.requests_consent(direction):
        raise TaskNotAllowed(
            "Om deze toestemming vraagt u niet: uw organisatie heeft de gegevens zelf"
            " en legt de toestemming vast."
        )
    existing = [
        r
        for r in open_consent_requests(case=case)
        if (r.category, r.direction) == (category, direction)
    ]
    if existing:
        # Asked again: the page still stored (and logs) the open request.
        change_record(
            case=case,
            user=user,
            roles=access.roles,
            categories=["normaal"],
            occasion=occasion,
        )
        return existing[0]
    now = clock_or_system(clock).now()
    with transaction.atomic():
        request = ConsentRequest.objects.create(
            case=case,
            category=category,
            direction=direction,
            note=note,
            requested_by=user,
            requested_at=now,
        )
        audit(
            case=case,
            user=user,
            event="consent_requested",
            at=now,
            category=category,
            direction=direction,
        )
        change_record(
            case=case,
            user=user,
            roles=access.roles,
            categories=["normaal"],
            occasion=occasion,
        )
    return request
