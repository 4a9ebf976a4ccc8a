"""Firing due timers: each case on its own, never holding up the others."""

from datetime import datetime

from django.db import transaction

import engine
from engine import Clock
from webui.definitions.bundles import bundle_of
from webui.logs.services import audit

from ..models import Case
from .base import case_state, clock_or_system, locked_case, logger, store


def _fire_case_timers(case_id: int, clock: Clock, now: datetime) -> bool:
    case = Case.objects.select_related("version").get(pk=case_id)
    if case.is_closed or case.next_timer_at is None or case.next_timer_at > now:
        return False  # someone else fired them meanwhile
    seen = case.lock_version
    bundle = bundle_of(case.version)
    snapshot = engine.fire_timers(bundle.process, case_state(case), clock=clock)
    with transaction.atomic():
        # Another worker holding the row is firing (or completing) it already.
        locked = locked_case(case_id, skip_locked=True)
        if locked is None or locked.lock_version != seen:
            return False
        store(locked, snapshot, bundle, now, snapshot.reached)
        audit(case=locked, user=None, event="timers_fired", at=now)
    return True


def timers_run(*, clock: Clock | None = None) -> int:
    """Fire the due timers of every case; returns how many cases moved.

    A case whose diagram fails (or anything else goes wrong with it) is logged and
    left as it was; the others still move.
    """
    clock = clock_or_system(clock)
    now = clock.now()
    due = Case.objects.filter(is_closed=False, next_timer_at__lte=now).order_by(
        "next_timer_at"
    )
    moved = 0
    for case_id in list(due.values_list("pk", flat=True)):
        try:
            moved += _fire_case_timers(case_id, clock, now)
        except Exception:  # noqa: BLE001 - one broken case must not stop the sweep
            logger.exception("Timers of case %s could not fire", case_id)
    return moved
