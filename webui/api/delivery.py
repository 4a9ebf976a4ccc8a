"""Events out: the outbox (webui/events) fanned out to the subscriptions that may
see each case, and each delivery sent as a CloudEvents 1.0 JSON message, signed
with HMAC-SHA256, until the receiver answers 2xx, with a doubling wait between
tries, or given up after the last (the beheerder reads the delivery log).

At least once, never doubled by Wegwijs: one delivery row per subscription and
event (a unique constraint), taken by one worker at a time (a lease); a receiver
that must not act twice keys on the CloudEvent ``id`` (the same on every try).

The message carries a reference (the dossier's kenmerk and its address in the
API), never personal data: the receiver fetches what its scopes allow."""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from webui.access import client_cases
from webui.events.models import OutboxEvent
from webui.events.services import TAAK_TE_LAAT, case_event_row
from webui.outbound import guarded_urlopen, preflight, unsafe_cause
from webui.tasks.models import TaskItem

from .models import Delivery, Subscription

SIGNATURE_HEADER = "Wegwijs-Signature"
LEASE = timedelta(minutes=2)
FAN_OUT_BATCH = 500
LATE_BATCH = 500
# The once-key of a task's late event: this and the task's id.
LATE_KEY = "taak-te-laat:"


def _base() -> str:
    return str(settings.WEGWIJS_BASE_URL).rstrip("/")


def cloudevent(event: OutboxEvent) -> dict[str, Any]:
    """The event as a CloudEvents 1.0 structured JSON message."""
    url = _base() + reverse("api:dossier", args=[event.case_reference])
    return {
        "specversion": "1.0",
        "id": str(event.id),
        "source": _base() + "/api/v1",
        "type": event.type,
        "subject": event.case_reference,
        "time": event.occurred_at.isoformat(),
        "datacontenttype": "application/json",
        "data": {"dossier": url, "kenmerk": event.case_reference, **event.data},
    }


def signature(key: str, timestamp: str, body: bytes) -> str:
    """``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>``: the receiver
    recomputes it with the subscription's key and refuses an old timestamp."""
    mac = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def late_tasks_record(*, now: datetime) -> int:
    """A "taak te laat" event, once per task, for every open task past its day.
    Run by every sweep, so it reads only the late tasks not yet reported (a
    partial index holds the open ones): a batch's events go in with one INSERT and
    its tasks are marked in one UPDATE, and a sweep with nothing new late costs
    two small reads however many cases and late tasks there are."""
    today = timezone.localdate(now)
    late = (
        TaskItem.objects.filter(
            state=TaskItem.State.OPEN, late_reported=False, due_date__lt=today
        )
        .select_related("case")
        .only(
            "task_id",
            "bpmn_id",
            "due_date",
            "case__id",
            "case__reference",
            "case__gemeente_id",
            "case__mb_organisation_id",
        )
        .order_by("due_date", "pk")
    )
    # Nobody subscribed to late tasks: their events are fanned out as they are
    # written (the fan-out would make no delivery), not read again for nothing.
    wanted = any(TAAK_TE_LAAT in s.types for s in _running_subscriptions(now))
    fanned_out_at = None if wanted else now
    found = 0
    after = Q()
    while True:
        with transaction.atomic():
            batch = list(late.filter(after)[:LATE_BATCH])
            # The event's key keeps it once per task even when a sweep beside
            # this one reports the same task (or one stopped before the UPDATE).
            OutboxEvent.objects.bulk_create(
                [_late_row(item, now, fanned_out_at) for item in batch],
                ignore_conflicts=True,
            )
            TaskItem.objects.filter(pk__in=[item.pk for item in batch]).update(
                late_reported=True
            )
        found += len(batch)
        if len(batch) < LATE_BATCH:
            return found
        # On from the last one: the index entries of the tasks just marked stay
        # until a vacuum, and each batch would step over all of them again.
        last = batch[-1]
        after = Q(due_date__gt=last.due_date) | Q(
            due_date=last.due_date, pk__gt=last.pk
        )


def _late_row(
    item: TaskItem, now: datetime, fanned_out_at: datetime | None
) -> OutboxEvent:
    assert item.due_date is not None
    row = case_event_row(
        case=item.case,
        type_=TAAK_TE_LAAT,
        at=now,
        data={"taak": item.bpmn_id, "uiterlijk": item.due_date.isoformat()},
    )
    row.once_key = f"{LATE_KEY}{item.task_id}"
    row.fanned_out_at = fanned_out_at
    return row


def _visible(subscription: Subscription, case_ids: set[int]) -> set[int]:
    """Which of these cases the subscriber's client may see (need-to-know)."""
    return set(
        client_cases(client=subscription.client)
        .filter(pk__in=case_ids)
        .values_list("pk", flat=True)
    )


def _running_subscriptions(now: datetime) -> list[Subscription]:
    return list(
        Subscription.objects.filter(
            ended_at__isnull=True,
            client__revoked_at__isnull=True,
            client__expires_at__gt=now,
        ).select_related("client")
    )


def events_fan_out(*, now: datetime) -> int:
    """Make a delivery for every new outbox event and every running subscription to
    its type whose client may see the case; returns how many."""
    made = 0
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(fanned_out_at__isnull=True)
            .order_by("occurred_at", "id")[:FAN_OUT_BATCH]
        )
        if not events:
            return 0
        subscriptions = _running_subscriptions(now)
        # Need-to-know is asked only of a subscription that wants some of these
        # events, and only about their cases (a batch of late tasks nobody
        # subscribed to costs no query).
        visible = {}
        for s in subscriptions:
            case_ids = {e.case_id for e in events if e.type in s.types}
            visible[s.pk] = _visible(s, case_ids) if case_ids else set()
        rows = [
            Delivery(subscription=s, event=e, next_attempt_at=now)
            for e in events
            for s in subscriptions
            if e.type in s.types and e.case_id in visible[s.pk]
        ]
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        made = len(rows)
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(
            fanned_out_at=now
        )
    return made


def deliveries_claim(*, now: datetime, limit: int = 200) -> list[int]:
    """Take the deliveries due now (a lease: no other worker sends them meanwhile);
    their ids, oldest event first."""
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .order_by("next_attempt_at", "id")
            .values_list("pk", flat=True)[:limit]
        )
        Delivery.objects.filter(pk__in=due).update(claimed_until=now + LEASE)
    return due


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    timeout = float(getattr(settings, "WEGWIJS_EVENTS_TIMEOUT_SECONDS", 10))
    try:
        # Where the connection lands is checked (webui.outbound): the address was
        # checked when the client subscribed, but its name may resolve inward now.
        preflight(url, what="Het adres van de ontvanger")
        with guarded_urlopen(request, timeout=timeout) as response:
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"de ontvanger antwoordde {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        refused = unsafe_cause(exc)
        if refused is not None:
            return None, f"geweigerd: {refused}"[:300]
        reason = getattr(exc, "reason", exc)
        return None, f"niet bereikbaar: {reason}"[:300]


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: doubling, at most a day."""
    first = float(getattr(settings, "WEGWIJS_EVENTS_RETRY_SECONDS", 30))
    return timedelta(seconds=min(first * 2 ** (attempts - 1), 86_400))


def delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send one delivery once; record the answer and, on failure, when to try
    again (or that it is given up). Returns the delivery's status."""
    delivery = (
        Delivery.objects.select_related("event", "subscription")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.status != Delivery.Status.PENDING:
        return delivery.status if delivery else ""
    subscription = delivery.subscription
    if subscription.ended_at is not None:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, last_error="abonnement beëindigd"
        )
        return Delivery.Status.FAILED
    body = json.dumps(cloudevent(delivery.event), separators=(",", ":")).encode()
    sent_at = now or timezone.now()
    stamp = str(int(sent_at.timestamp()))
    code, error = _post(
        subscription.url,
        body,
        {
            "Content-Type": "application/cloudevents+json; charset=utf-8",
            "User-Agent": "Wegwijs-gebeurtenissen/1.0",
            SIGNATURE_HEADER: signature(subscription.signing_key, stamp, body),
        },
    )
    attempts = delivery.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "last_status": code,
        "last_error": error,
        "last_attempt_at": sent_at,
        "claimed_until": None,
    }
    if code is not None and 200 <= code < 300:
        fields.update(status=Delivery.Status.DELIVERED, delivered_at=sent_at)
    elif attempts >= int(getattr(settings, "WEGWIJS_EVENTS_ATTEMPTS", 8)):
        fields.update(status=Delivery.Status.FAILED)
    else:
        fields.update(next_attempt_at=sent_at + backoff(attempts))
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    return str(fields.get("status", Delivery.Status.PENDING))


def events_prune(*, now: datetime) -> int:
    """Forget events (and their deliveries) older than WEGWIJS_EVENTS_KEEP_DAYS that
    wait for nothing: the outbox and the delivery log do not grow for ever."""
    days = int(getattr(settings, "WEGWIJS_EVENTS_KEEP_DAYS", 90))
    old = OutboxEvent.objects.filter(fanned_out_at__lt=now - timedelta(days=days))
    waiting = Delivery.objects.filter(status=Delivery.Status.PENDING).values("event")
    deleted, _per_model = old.exclude(pk__in=waiting).delete()
    return deleted
