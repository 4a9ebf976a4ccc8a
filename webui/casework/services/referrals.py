"""Signaleren en doorverwijzen: a referral to another organisation, with consent,
followed up on a date."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from engine import Clock
from webui.access import CaseAccess, case_access, leefgebied_privacy
from webui.accounts.models import Role
from webui.cases.models import Case, Referral
from webui.logs.context import Occasion
from webui.logs.services import audit

from .base import CaseError, TaskNotAllowed, change_record, clock_or_system

REFERRAL_ROLES = {Role.BEGELEIDER, Role.COORDINATOR}


def _may_refer(case: Case, user: AbstractBaseUser) -> CaseAccess:
    access = case_access(user=user, case=case)
    if access is None or not (access.roles & REFERRAL_ROLES):
        raise TaskNotAllowed(
            "Alleen een begeleider of coördinator van dit dossier verwijst door."
        )
    return access


def referral_record(
    *,
    case: Case,
    user: AbstractBaseUser,
    organisation: str,
    leefgebied: str,
    reason: str,
    consent: bool,
    follow_up_on: date,
    clock: Clock | None = None,
    occasion: Occasion | None = None,
) -> Referral:
    """Record a referral; its follow-up appears in the begeleider's queue."""
    access = _may_refer(case, user)
    if not consent:
        raise CaseError(
            "Verwijs alleen door met toestemming van de statushouder: de andere"
            " organisatie krijgt gegevens over hem of haar."
        )
    if case.is_closed:
        raise CaseError("Dit dossier is afgesloten; er kan niets meer bij.")
    now = clock_or_system(clock).now()
    if follow_up_on < now.date():
        raise CaseError("De datum om op te volgen ligt in het verleden.")
    with transaction.atomic():
        referral = Referral.objects.create(
            case=case,
            organisation=organisation,
            leefgebied=leefgebied,
            reason=reason,
            consent=consent,
            follow_up_on=follow_up_on,
            created_by=user,
            created_at=now,
        )
        audit(
            case=case,
            user=user,
            event="referral_recorded",
            at=now,
            leefgebied=leefgebied,
        )
        change_record(
            case=case,
            user=user,
            roles=access.roles,
            categories=[leefgebied_privacy(leefgebied)],
            occasion=occasion,
        )
    return referral


def referral_follow_up(
    *,
    referral: Referral,
    user: AbstractBaseUser,
    outcome: str,
    note: str,
    next_follow_up: date | None = None,
    clock: Clock | None = None,
    occasion: Occasion | None = None,
) -> Referral:
    """Record how a referral went; 'loopt nog' sets the next follow-up date."""
    access = _may_refer(referral.case, user)
    now = clock_or_system(clock).now()
    if outcome == Referral.Outcome.RUNNING:
        if next_follow_up is None:
            raise CaseError(
                "Een verwijzing die nog loopt heeft een datum nodig om weer op te"
                " volgen."
            )
        if next_follow_up < now.date():
            raise CaseError("De datum om weer op te volgen ligt in het verleden.")
    with transaction.atomic():
        referral.outcome = outcome
        referral.follow_up_note = note
        if outcome == Referral.Outcome.RUNNING:
            referral.follow_up_on = next_follow_up
        else:
            referral.followed_up_at = now
        referral.save(
            update_fields=[
                "outcome",
                "follow_up_note",
                "follow_up_on",
                "followed_up_at",
            ]
        )
        audit(
            case=referral.case,
            user=user,
            event="referral_followed_up",
            at=now,
            outcome=outcome,
        )
        change_record(
            case=referral.case,
            user=user,
            roles=access.roles,
            categories=["normaal"],
            occasion=occasion,
        )
    return referral
