"""Reads of the processing log, for the privacy officer of an organisation."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from webui.access import organisations_of
from webui.accounts.models import Membership, Role
from webui.cases.models import Case
from webui.logs.models import ProcessingRecord


def is_privacy_officer(*, user: AbstractBaseUser) -> bool:
    gemeenten, mbs = organisations_of(user=user, role=Role.PRIVACY)
    return bool(gemeenten or mbs)


def log_scope(*, user: AbstractBaseUser) -> QuerySet[ProcessingRecord]:
    """The records a privacy officer may search: about the cases of their
    organisation(s), or by people who work there."""
    gemeenten, mbs = organisations_of(user=user, role=Role.PRIVACY)
    if not gemeenten and not mbs:
        return ProcessingRecord.objects.none()
    members = Membership.objects.filter(
        Q(gemeente_id__in=gemeenten) | Q(mb_organisation_id__in=mbs)
    ).values("user_id")
    return ProcessingRecord.objects.filter(
        Q(subjects__gemeente_id__in=gemeenten)
        | Q(subjects__mb_organisation_id__in=mbs)
        | Q(user_id__in=members)
    ).distinct()


def log_search(
    *,
    user: AbstractBaseUser,
    reference: str = "",
    username: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[ProcessingRecord]:
    records = log_scope(user=user)
    if reference:
        records = records.filter(subjects__case_reference=reference.strip())
    if username:
        # What the user did, and what a beheerder did to their account.
        name = username.strip()
        records = records.filter(
            Q(username=name)
            | Q(action=ProcessingRecord.Action.USERS, detail__gebruiker=name)
        )
    if date_from:
        records = records.filter(at__date__gte=date_from)
    if date_to:
        records = records.filter(at__date__lte=date_to)
    return records.prefetch_related("subjects").order_by("-at", "-id")


def officer_case(*, user: AbstractBaseUser, reference: str) -> Case | None:
    """The case with this reference if it belongs to the officer's organisation(s)."""
    gemeenten, mbs = organisations_of(user=user, role=Role.PRIVACY)
    return (
        Case.objects.filter(
            Q(gemeente_id__in=gemeenten) | Q(mb_organisation_id__in=mbs)
        )
        .filter(reference=reference.strip())
        .select_related("gemeente", "mb_organisation")
        .first()
    )


def records_about(*, reference: str) -> QuerySet[ProcessingRecord]:
    return ProcessingRecord.objects.filter(subjects__case_reference=reference).order_by(
        "at", "id"
    )
