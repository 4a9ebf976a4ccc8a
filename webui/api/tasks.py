"""Background work of the events out, on Django's task framework (django-tasks):
the task that sends one delivery, and the sweep that hands due deliveries to the
worker (``manage.py send_events --every N``, started by ``make run``). The services
never import this module."""

from datetime import datetime

from django.utils import timezone

from django_tasks import task

from .delivery import (
    deliveries_claim,
    delivery_attempt,
    events_fan_out,
    late_tasks_record,
)

# Deliveries handed over per sweep: at most this many rounds of a claim.
SWEEP_ROUNDS = 10


@task()
def send_event(delivery_id: int) -> str:
    """Send one event to one subscriber, once; a failure waits for the next sweep
    after its back-off."""
    return delivery_attempt(delivery_id=delivery_id)


def events_sweep(*, now: datetime | None = None) -> int:
    """Record the late tasks, fan new events out to the subscriptions and hand every
    delivery due now to the worker; returns how many were handed over."""
    now = now or timezone.now()
    late_tasks_record(now=now)
    while events_fan_out(now=now):
        pass
    handed = 0
    for _round in range(SWEEP_ROUNDS):
        ids = deliveries_claim(now=now)
        if not ids:
            break
        for delivery_id in ids:
            send_event.enqueue(delivery_id)
        handed += len(ids)
    return handed
