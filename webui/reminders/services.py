"""The daily digest: for each user, their open tasks that are overdue, due this week
or new since the last digest — the tasks they hold or may pick up for their roles.

The e-mail leaves the system, so it carries no personal data: the task's name, the
case's kenmerk, the date and a link; who the statushouder is shows after logging in.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import EmailMessage
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from webui.access import task_pools
from webui.accounts.models import LANE_SIDE
from webui.accounts.profiles import wants_digest
from webui.tasks.models import TaskItem
from webui.taskwork.selectors import week_end

from .models import DigestSent

# Lines per section; the rest is a count and a link to the queue.
SECTION_MAX = 25


@dataclass(frozen=True)
class Line:
    name: str
    reference: str
    due: date | None
    url: str
    mine: bool


@dataclass(frozen=True)
class Section:
    title: str
    total: int
    lines: list[Line] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.total - len(self.lines)


@dataclass(frozen=True)
class Digest:
    overdue: Section
    due_soon: Section
    new: Section

    @property
    def sections(self) -> list[Section]:
        return [self.overdue, self.due_soon, self.new]

    @property
    def count(self) -> int:
        return sum(s.total for s in self.sections)


def _url(path: str) -> str:
    return f"{settings.WEGWIJS_BASE_URL.rstrip('/')}{path}"


def _section(title: str, items: QuerySet[TaskItem], user: AbstractBaseUser) -> Section:
    ordered = items.select_related("case").order_by(
        F("due_date").asc(nulls_last=True), "ready_at", "id"
    )
    return Section(
        title=title,
        total=items.count(),
        lines=[
            Line(
                name=item.name,
                reference=item.case.reference,
                due=item.due_date,
                url=_url(reverse("tasks:task", args=[item.task_id])),
                mine=item.assignee_id == user.pk,
            )
            for item in ordered[:SECTION_MAX]
        ],
    )


def _last_digest(user: AbstractBaseUser, today: date) -> datetime | None:
    return (
        DigestSent.objects.filter(user=user, sent_at__isnull=False, date__lt=today)
        .order_by("-sent_at")
        .values_list("sent_at", flat=True)
        .first()
    )


def digest_for(*, user: AbstractBaseUser, now: datetime) -> Digest:
    """The user's digest at ``now``; each task in one section only: overdue, then
    due this week (up to Sunday, as the queue counts it), then new since the last
    digest (or else the last day)."""
    today = timezone.localdate(now)
    pools = task_pools(user=user)
    scope = Q(assignee=user)
    if pools:
        scope |= Q(assignee__isnull=True) & reduce(or_, pools)
    open_ = TaskItem.objects.filter(scope, state=TaskItem.State.OPEN)
    sunday = week_end(today)
    since = _last_digest(user, today) or now - timedelta(days=1)
    return Digest(
        overdue=_section("Te laat", open_.filter(due_date__lt=today), user),
        due_soon=_section(
            f"Deze week af (tot en met zondag {sunday:%d-%m-%Y})",
            open_.filter(due_date__gte=today, due_date__lte=sunday),
            user,
        ),
        new=_section(
            "Nieuw sinds de vorige e-mail",
            open_.filter(ready_at__gt=since).exclude(due_date__lte=sunday),
            user,
        ),
    )


def _subject(digest: Digest) -> str:
    parts = [
        f"{digest.overdue.total} te laat" if digest.overdue.total else "",
        f"{digest.due_soon.total} deze week" if digest.due_soon.total else "",
        f"{digest.new.total} nieuw" if digest.new.total else "",
    ]
    return "Wegwijs: uw taken — " + ", ".join(p for p in parts if p)


def _message(user: AbstractBaseUser, digest: Digest, today: date) -> EmailMessage:
    body = render_to_string(
        "reminders/digest.txt",
        {
            "name": user.first_name or user.get_username(),
            "today": today,
            "digest": digest,
            "queue_url": _url(reverse("tasks:queue")),
            "profile_url": _url(reverse("accounts:profile")),
        },
    )
    return EmailMessage(
        subject=_subject(digest),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


# ---- who gets one, and sending ------------------------------------------------------


def digest_recipients(*, today: date) -> QuerySet:
    """Active users with an e-mail address and a role that works tasks, who did not
    switch the digest off and have none for ``today`` yet."""
    return (
        get_user_model()
        .objects.filter(is_active=True, memberships__role__in=list(LANE_SIDE))
        .exclude(email="")
        .exclude(profile__daily_digest=False)
        .exclude(digests__date=today)
        .distinct()
        .order_by("pk")
    )


def digests_queue(*, now: datetime | None = None) -> list[DigestSent]:
    """Today's row for every user due one; only the rows made now (so a digest is
    queued once a day, however often this runs)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = []
    for user in digest_recipients(today=today):
        row, created = DigestSent.objects.get_or_create(
            user=user, date=today, defaults={"queued_at": now}
        )
        if created:
            rows.append(row)
    return rows


def digest_send(*, digest_id: int, now: datetime | None = None) -> int:
    """Send one queued digest, once: nothing when it was sent already, the user
    switched it off meanwhile, or there is nothing to report. Returns the number of
    tasks the e-mail listed. When sending fails the row goes, so that the next run
    queues it again."""
    now = now or timezone.now()
    claimed = DigestSent.objects.filter(pk=digest_id, sent_at__isnull=True).update(
        sent_at=now
    )
    if not claimed:
        return 0
    row = DigestSent.objects.select_related("user").get(pk=digest_id)
    user = row.user
    if not (user.is_active and user.email and wants_digest(user=user)):
        return 0
    digest = digest_for(user=user, now=now)
    if not digest.count:
        return 0
    try:
        _message(user, digest, timezone.localdate(now)).send()
    except Exception:
        DigestSent.objects.filter(pk=digest_id).delete()
        raise
    DigestSent.objects.filter(pk=digest_id).update(tasks=digest.count)
    return digest.count
