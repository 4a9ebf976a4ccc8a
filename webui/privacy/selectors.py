"""Reads of the processing log, for the privacy officer of an organisation."""

from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from webui.access import log_scope
from webui.logs.models import ProcessingRecord


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


def records_about(*, reference: str) -> QuerySet[ProcessingRecord]:
    return ProcessingRecord.objects.filter(subjects__case_reference=reference).order_by(
        "at", "id"
    )
