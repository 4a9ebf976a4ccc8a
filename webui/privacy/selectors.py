"""Reads of the processing log, for the privacy officer of an organisation."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import cached_property

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


# Records on one page of the search, and the most a search counts: a week of a
# national year is millions of records, and counting them all cost more than the
# officer can use. Beyond the cap the page says so and asks for a narrower search;
# the newest records up to the cap can still be paged through.
LOG_PAGE_SIZE = 100
LOG_COUNT_CAP = 10_000


class CappedPaginator(Paginator):
    """A paginator that counts at most ``cap`` records (then ``capped`` is true),
    so a search over a long period stops counting where the officer stops reading."""

    def __init__(self, object_list: QuerySet, per_page: int, cap: int) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _found(self) -> int:
        # COUNT over a LIMIT: the database stops at cap + 1 matching records.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._found, self.cap)

    @property
    def capped(self) -> bool:
        """More records match than were counted."""
        return self._found > self.cap


def log_search_page(
    *,
    user: AbstractBaseUser,
    number: int | str | None = 1,
    reference: str = "",
    username: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> Page:
    """One page of the officer's search, newest first, with a count up to
    ``LOG_COUNT_CAP`` (``page.paginator.capped`` when more match)."""
    records = log_search(
        user=user,
        reference=reference,
        username=username,
        date_from=date_from,
        date_to=date_to,
    )
    page = CappedPaginator(records, LOG_PAGE_SIZE, LOG_COUNT_CAP).get_page(number)
    page.object_list = list(page.object_list)
    return page


def records_about(*, reference: str) -> QuerySet[ProcessingRecord]:
    return ProcessingRecord.objects.filter(subjects__case_reference=reference).order_by(
        "at", "id"
    )
