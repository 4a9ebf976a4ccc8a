"""Firing due timers: each case on its own, never holding up the others."""

from datetime import datetime

import engine
from engine import Clock
from webui.cases.models import Case
from webui.definitions.bundles import bundle_of

from .advancing import Advance, case_advance
from .base import case_state, clock_or_system, logger


def _fire_case_timers(case_id: int, clock: Clock, now: datetime) -> bool:
    def fire(case: Case) -> Advance | None:
        if case.is_closed or case.next_timer_at is None or case.next_timer_at > now:
            return None  # someone else fired them meanwhile
        bundle = bundle_of(case.version)
        snapshot = engine.fire_timers(bundle.process, case_state(case), clock=clock)
        return Advance(
            case=case,
            snapshot=snapshot,
            bundle=bundle,
            now=now,
            event="timers_fired",
            reached=snapshot.reached,
        )

    case = Case.objects.select_related("version").get(pk=case_id)
    return case_advance(case=case, step=fire) is not None


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
