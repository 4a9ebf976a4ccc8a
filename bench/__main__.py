"""`make bench`: what Wegwijs costs on this machine. Prints its figures; asserts
nothing.

Runs against a throwaway test database of the configured backend (SQLite by default,
PostgreSQL with DATABASE_URL). Compare with shared/reference/performance-floors.md.
"""

import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings.test")
os.environ.setdefault("WEGWIJS_TEST_DB", ".bench/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(label: str, samples: list[float], unit: str = "ms") -> None:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1] if len(samples) >= 20 else samples[-1]
    print(
        f"  {label:58} median {statistics.median(samples):8.2f} {unit}"
        f"   p95 {p95:8.2f} {unit}   n={len(samples)}"
    )


def bench_engine() -> None:
    import engine
    from tests.engine.conftest import WORKFLOWS, Driver, answers_for, start_clock

    print("engine (no database)")
    files = engine.collect_diagrams(WORKFLOWS)
    report(
        "parse + validate the base diagram set",
        timed(lambda: engine.build_version(files), 5),
    )
    version = engine.build_version(files)
    driver = Driver(version, start_clock())
    driver.start()
    cycle, sizes = [], []
    while not driver.snapshot.completed:
        ready = driver.ready()
        if not ready:
            driver.clock.set(driver.snapshot.next_timer_at + timedelta(minutes=1))
            driver.fire()
            continue
        task = ready[0]
        answers = answers_for(task.bpmn_id)
        text = json.dumps(driver.state)
        sizes.append(len(text))
        start = time.perf_counter()
        snapshot = engine.complete_task(
            version, json.loads(text), task.id, answers, clock=driver.clock
        )
        json.dumps(snapshot.state)
        cycle.append((time.perf_counter() - start) * 1000)
        driver._keep(snapshot)
    report("load + complete + dump, one task (whole trajectory)", cycle)
    print(
        f"  {'state size over the trajectory':58} first {sizes[0] / 1024:6.1f} KB"
        f"   last {sizes[-1] / 1024:6.1f} KB   ({len(sizes)} tasks)"
    )


def bench_database() -> None:
    from django.contrib.auth import get_user_model

    from tests.conftest import World
    from webui.cases.services import task_complete
    from webui.tasks.models import TaskItem
    from webui.tasks.selectors import task_queue

    print(f"database ({connection.vendor})")
    world = World()
    cases = [world.start() for _ in range(20)]
    timings = []
    for case in cases:
        item = world.open_tasks(case)[0]
        answers = world.answers(item)
        user = world.who(item.role, item.gemeente)
        start = time.perf_counter()
        task_complete(
            task_id=item.task_id, user=user, cleaned_data=answers, clock=world.clock
        )
        timings.append((time.perf_counter() - start) * 1000)
    report("task_complete service (lock, engine, save, project, audit)", timings)
    report("case_start service", timed(lambda: world.start(), 20))

    # A big queue: 100k task rows (1 in 7 open, half of them claimed) over two
    # gemeenten.
    template = TaskItem.objects.filter(state="open").first()
    User = get_user_model()
    users = list(User.objects.all())
    rows = []
    for n in range(100_000):
        rows.append(
            TaskItem(
                task_id=f"bench-{n}",
                case_id=template.case_id,
                gemeente_id=template.gemeente_id
                if n % 10 == 0
                else world.rivierstad.pk,
                bpmn_id="pvt_workshop_1",
                name="PVT-workshop 1",
                role=("begeleider", "trainer", "regievoerder", "coordinator")[n % 4],
                form_key="pvt_workshop",
                phase="Uitvoering",
                state="open" if n % 7 == 0 else "done",
                assignee=users[n % len(users)] if n % 2 else None,
                ready_at=datetime(2026, 1, 1, tzinfo=UTC),
                due_date=date(2026, 1, 1) + timedelta(days=n % 300),
            )
        )
    TaskItem.objects.bulk_create(rows, batch_size=5000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    coordinator = world.who("coordinator", world.polderdam)
    report(
        "task queue of a coordinator, 100k task rows",
        timed(lambda: task_queue(user=coordinator), 50),
    )
    trainer = world.who("trainer", world.rivierstad)
    report(
        "task queue of a trainer (big pool), 100k task rows",
        timed(lambda: task_queue(user=trainer), 50),
    )


def bench_export() -> None:
    from exports import CaseRow, cases_workbook, workbook_bytes

    print("export (openpyxl write-only, no database)")
    rows = [
        CaseRow(
            "Polderdam",
            f"WW-2026-{n:05d}",
            "Demo Persoon",
            "Uitvoering",
            "PVT-workshop 2 (rol trainer)",
            "Bea Begeleider",
            date(2026, 1, 5),
            date(2026, 3, 16),
            date(2026, 3, 1),
            date(2026, 3, 10),
            "Ja",
            2,
            "–",
            "",
        )
        for n in range(10_000)
    ]
    samples = timed(lambda: workbook_bytes(cases_workbook(rows)), 3)
    report("10,000 case rows to .xlsx bytes", samples)
    print(
        f"  {'rows per second':58} {10_000 / (statistics.median(samples) / 1000):8.0f}"
    )


def main() -> int:
    os.makedirs(".bench", exist_ok=True)
    bench_engine()
    bench_export()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        bench_database()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
