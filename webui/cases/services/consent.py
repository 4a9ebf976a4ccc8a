"""The statushouder's consent per category and direction, given or withdrawn."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from engine import Clock
from webui.accounts.models import Role
from webui.accounts.selectors import case_access

from ..models import Case, Consent
from .base import TaskNotAllowed, audit, clock_or_system

# Who records the statushouder's consent: the people who talk with them.
CONSENT_ROLES = {Role.BEGELEIDER, Role.COORDINATOR, Role.REGIEVOERDER}


def consent_record(
    *,
    case: Case,
    user: AbstractBaseUser,
    category: str,
    direction: str,
    given: bool,
    on_date: date,
    note: str = "",
    clock: Clock | None = None,
) -> Consent:
    """Record that the statushouder gave or withdrew consent for one category in
    one direction. A withdrawal hides the data again at once, on every page and in
    the export; earlier records stay as history."""
    access = case_access(user=user, case=case)
    if access is None or not (access.roles & CONSENT_ROLES):
        raise TaskNotAllowed(
            "Alleen een begeleider, coördinator of regievoerder van dit dossier legt"
            " toestemming vast."
        )
    if category not in Consent.Category.values or direction not in (
        Consent.Direction.values
    ):
        raise TaskNotAllowed("Onbekende categorie of richting.")
    now = clock_or_system(clock).now()
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case,
            category=category,
            direction=direction,
            given=given,
            on_date=on_date,
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
        )
    return consent
