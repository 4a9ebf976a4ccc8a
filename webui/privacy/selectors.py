"""Reads of the processing log, for the privacy officer of an organisation."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from webui.access import log_scope
from webui.logs.models import ProcessedSubject, ProcessingRecord


def _midnight(day: date) -> datetime:
    """The start of ``day`` where the officer is (the current time zone)."""
    return timezone.make_aware(datetime.combine(day, time.min))


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
        records = records.filter(
            pk__in=ProcessedSubject.objects.filter(
                case_reference=reference.strip()
            ).values("record_id")
        )
    if username:
        # What the user did, and what a beheerder did to their account.
        name = username.strip()
        records = records.filter(
            Q(username=name)
            | Q(action=ProcessingRecord.Action.USERS, detail__gebruiker=name)
        )
    # Days as a range of moments (local midnight to midnight): the index on ``at``
    # serves it, where ``at__date`` converted every record's moment first.
    if date_from:
        records = records.filter(at__gte=_midnight(date_from))
    if date_to:
        records = records.filter(at__lt=_midnight(date_to + timedelta(days=1)))
    return records.prefetch_related("subjects").order_by("-at", "-id")


def records_about(*, reference: str) -> QuerySet[ProcessingRecord]:
    return ProcessingRecord.objects.filter(subjects__case_reference=reference).order_by(
        "at", "id"
    )
