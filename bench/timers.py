"""The timer sweep at scale: ``timers_run`` when 1% and when 10% of the cases are due.

The due cases are real (bench/seed.py): clones of a case that waits for the timer of
its next voortgangsgesprek, their timer moments spread so that 1% of the cases is due
at the seed moment and another 10% within two days after it. The sweep runs once at
the seed moment (the 1%) and once two days later (the 10%; the 1% fired before now
wait months for their next timer), each with a manual clock. Every due case fires:
its engine state loads, the timer runs, a voortgangsgesprek task appears, and the
case, its state, task rows and audit event are written, each case in its own
transaction. The figures are totals per sweep and the cost per fired case.

The parsed diagrams of every gemeente's version are loaded first, as a running worker
has them.
"""

import argparse
import json
import os
import sys
import time
from datetime import datetime, timedelta
from typing import Any

from django.db import connection

from bench.seed import SOON

SECTION = "Timers"


def _due(now: Any) -> int:
    from webui.cases.models import Case

    return Case.objects.filter(is_closed=False, next_timer_at__lte=now).count()


def _sweep(now: Any) -> tuple[int, int, float, str]:
    """(due, moved, seconds, plan of the due query) for one sweep at ``now``."""
    from engine import ManualClock
    from webui.cases.models import Case
    from webui.casework.services import timers_run

    due = _due(now)
    query = Case.objects.filter(is_closed=False, next_timer_at__lte=now).order_by(
        "next_timer_at"
    )
    sql, params = query.values_list("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        explain = (
            "EXPLAIN" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
        )
        cursor.execute(f"{explain} {sql}", params)
        plan = "\n".join(str(row[-1]) if len(row) > 1 else row[0] for row in cursor)
    start = time.perf_counter()
    moved = timers_run(clock=ManualClock(now))
    seconds = time.perf_counter() - start
    return due, moved, seconds, plan


def _warm() -> None:
    from webui.definitions.bundles import bundle_of
    from webui.definitions.models import DefinitionVersion

    for version in DefinitionVersion.objects.filter(gemeente__isnull=False):
        bundle_of(version)


def rows(info: Any, shares: tuple[str, ...] = ("1%", "10%")) -> list[dict[str, Any]]:
    from webui.cases.models import Case

    _warm()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = Case.objects.count()
    out = []
    results = {}
    for key, now, share in (
        ("1%", info.now, "1%"),
        ("10%", info.now + SOON + timedelta(minutes=1), "10%"),
    ):
        if share not in shares:
            continue
        due, moved, seconds, plan = _sweep(now)
        results[key] = (due, moved, seconds)
        out.append(
            {
                "section": SECTION,
                "label": f"sweep, {share} van {total:_} dossiers due".replace("_", "."),
                "p50": seconds * 1000,
                "p95": None,
                "n": 1,
                "unit": "ms",
                "note": f"{moved:_} van {due:_} due dossiers verder;".replace("_", ".")
                + f" {seconds * 1000 / max(moved, 1):.1f} ms per dossier",
                "per_case": seconds * 1000 / max(moved, 1),
                "due": due,
                "moved": moved,
                "timer_share": share,
            }
        )
        out.append(
            {
                "section": "Queryplannen",
                "label": f"timers: due-dossiers ({share})",
                "p50": None,
                "p95": None,
                "n": 0,
                "unit": "plan",
                "note": "",
                "sql": "Case: is_closed = false AND next_timer_at <= nu"
                " ORDER BY next_timer_at",
                "plan": plan,
            }
        )
    return out


def main() -> int:
    """In a process of its own (``python -m bench.timers --at ISO``), as the task
    worker sweeps beside the web server: the sweep at that moment, as JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--at", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings.test")
    import django

    django.setup()
    _warm()
    started_cpu = time.process_time()
    due, moved, seconds, _plan = _sweep(datetime.fromisoformat(args.at))
    print(
        json.dumps(
            {
                "due": due,
                "moved": moved,
                "seconds": seconds,
                "cpu_seconds": time.process_time() - started_cpu,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
