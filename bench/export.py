"""The managers' workbook at scale: ``cases_export`` of n cases against bare openpyxl.

*The export* is what a manager's download (or the background worker) costs:
``webui.reports.services.cases_export`` for a manager of every gemeente, no filter,
into a file: the case rows, their open tasks, PVT milestones and contact moments read
from the database in chunks, the figures by aggregate queries, every sheet streamed
into write-only openpyxl.

*Bare openpyxl* writes the same number of rows and cells per sheet (same cell types:
text, dates, numbers) from plain lists into write-only openpyxl, without a database:
the floor any export in openpyxl stands on.

Each is measured in a subprocess of its own, so that its peak memory (peak RSS,
``ru_maxrss``) is its own. The aim (issue 9): the export within 1.3x of bare openpyxl
at 100,000 cases, peak memory under 150 MB.

``seed_cases(n, gemeenten=50)`` fills a migrated database quickly (bulk_create) with n
cases spread over the trajectory, with their done and open tasks, milestones and
contact moments, on real deployed versions; other benches may reuse it.

    .venv/bin/python -m bench.export --cases 100000
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as day_time
from itertools import cycle, islice
from pathlib import Path
from typing import Any

AIM_RATIO = 1.3
AIM_PEAK_MB = 150

# Where a running case stands: the phases its tracks are in now (the MB track and the
# regie track run side by side), in trajectory order; the last stage is closed.
STAGES: tuple[tuple[str, ...], ...] = (
    ("voortraject", "brede_intake_pip", "ontzorgen"),
    ("intake_mb", "brede_intake_pip", "ontzorgen"),
    ("intake_mb", "ontzorgen", "inburgering", "voortgang"),
    ("uitvoering", "inburgering", "voortgang"),
    ("uitvoering", "voortgang"),
    ("vervolgtraject", "voortgang"),
    (),
)
# Phases a case has left by each stage (their tasks are done).
PASSED: tuple[tuple[str, ...], ...] = (
    ("aanmelding",),
    ("aanmelding", "voortraject"),
    ("aanmelding", "voortraject", "brede_intake_pip"),
    ("aanmelding", "voortraject", "brede_intake_pip", "intake_mb", "ontzorgen"),
    (
        "aanmelding",
        "voortraject",
        "brede_intake_pip",
        "intake_mb",
        "ontzorgen",
        "inburgering",
    ),
    (
        "aanmelding",
        "voortraject",
        "brede_intake_pip",
        "intake_mb",
        "ontzorgen",
        "inburgering",
        "uitvoering",
    ),
    (
        "aanmelding",
        "voortraject",
        "brede_intake_pip",
        "intake_mb",
        "ontzorgen",
        "inburgering",
        "uitvoering",
        "vervolgtraject",
        "voortgang",
    ),
)
REGIE_PHASES = {"brede_intake_pip", "ontzorgen", "inburgering", "voortgang"}
LEERROUTES = ("b1", "b1", "onderwijs", "z")
UITKOMSTEN = ("afronden", "afronden", "overdragen", "voortzetten")
BATCH = 5000


@dataclass(frozen=True)
class Seeded:
    manager: str  # a manager of every seeded gemeente
    cases: int
    tasks: int
    milestones: int
    contacts: int


def _phase_tasks(process: Any) -> dict[str, list[tuple[str, str]]]:
    """Per phase (process id): its user tasks as (bpmn id, name)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for (phase, bpmn_id), name in process.task_names.items():
        found.setdefault(phase, []).append((bpmn_id, name))
    return found


def _bulk(model: Any, rows: Iterator[Any]) -> int:
    n = 0
    while batch := list(islice(rows, BATCH)):
        model.objects.bulk_create(batch, batch_size=BATCH)
        n += len(batch)
    return n


def _stage(i: int, gemeenten: int) -> int:
    return (i * 7 + i // gemeenten) % len(STAGES)


def _moment(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, day_time(hour), tzinfo=UTC)


@dataclass
class _Place:
    """One seeded gemeente: its pk, version, MB organisation and begeleiders, and
    what its version says (tasks per phase, phase names)."""

    gemeente_id: int
    version_id: int
    mb_id: int
    begeleiders: list[Any]
    tasks: dict[str, list[tuple[str, str]]]
    names: dict[str, str]


def _seed_places(gemeenten: int) -> tuple[list[_Place], Any]:
    """Gemeenten on real deployed versions (every fifth on a variant with its own
    files), an MB organisation per five gemeenten with twenty begeleiders, and a
    manager of every gemeente."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from webui.accounts.models import Gemeente, MbOrganisation, Membership, Role
    from webui.definitions.bundles import bundle_of
    from webui.definitions.services import base_register, version_deploy
    from webui.demo.seed import demo_own_files

    User = get_user_model()
    base_register()
    Gemeente.objects.bulk_create(
        Gemeente(slug=f"bench-{g:03d}", naam=f"Benchgemeente {g:03d}")
        for g in range(gemeenten)
    )
    gemeente_rows = list(
        Gemeente.objects.filter(slug__startswith="bench-").order_by("slug")
    )
    variant = demo_own_files("rivierstad")
    password = make_password(None)
    manager = User.objects.create(
        username="bench.manager", first_name="Bench", last_name="Manager"
    )
    places: list[_Place] = []
    for start in range(0, gemeenten, 5):
        number = start // 5
        org = MbOrganisation.objects.create(
            slug=f"bench-mb-{number:02d}", naam=f"Bench MB {number:02d}"
        )
        org.gemeenten.add(*gemeente_rows[start : start + 5])
        User.objects.bulk_create(
            User(
                username=f"bench.begeleider.{number}.{b}",
                first_name=f"Begeleider {b}",
                last_name=f"Bench {number}",
                password=password,
            )
            for b in range(20)
        )
        users = list(
            User.objects.filter(
                username__startswith=f"bench.begeleider.{number}."
            ).order_by("pk")
        )
        Membership.objects.bulk_create(
            Membership(user=u, role=Role.BEGELEIDER, mb_organisation=org) for u in users
        )
        for g, gemeente in enumerate(gemeente_rows[start : start + 5], start=start):
            version, _new = version_deploy(
                gemeente=gemeente, own_files=variant if g % 5 == 4 else {}
            )
            process = bundle_of(version).process
            places.append(
                _Place(
                    gemeente.pk,
                    version.pk,
                    org.pk,
                    users,
                    _phase_tasks(process),
                    dict(process.phase_names),
                )
            )
    Membership.objects.bulk_create(
        Membership(user=manager, role=Role.MANAGER, gemeente=g) for g in gemeente_rows
    )
    return places, manager


def _case_rows(n: int, places: list[_Place], today: date) -> Iterator[Any]:
    from webui.cases.models import Case

    for i in range(n):
        place = places[i % len(places)]
        stage = _stage(i, len(places))
        phases = STAGES[stage]
        koppeling = today - timedelta(days=30 + (i * 13) % 1000)
        closed = not phases
        vastgesteld = koppeling + timedelta(days=40 + (i % 45)) if stage >= 2 else None
        yield Case(
            reference=f"WW-B-{i:07d}",
            gemeente_id=place.gemeente_id,
            version_id=place.version_id,
            mb_organisation_id=place.mb_id,
            client_naam=f"Bench Persoon {i}",
            phase=phases[0] if phases else "",
            phase_label=" · ".join(place.names[p] for p in phases) or "Afgerond",
            open_phases=list(phases),
            is_closed=closed,
            closed_at=_moment(koppeling + timedelta(days=900)) if closed else None,
            koppeling_datum=koppeling,
            pip_deadline=koppeling + timedelta(days=70),
            pip_opgesteld_op=vastgesteld - timedelta(days=10) if vastgesteld else None,
            pip_vastgesteld_op=vastgesteld,
            begeleider=place.begeleiders[i % 20] if stage >= 1 and i % 10 < 7 else None,
            uitkomst=UITKOMSTEN[i % len(UITKOMSTEN)] if closed else "",
        )


def _task(place: _Place, pk: int, task_id: str, phase: str, task: tuple[str, str]):  # type: ignore[no-untyped-def]
    from webui.tasks.models import TaskItem

    bpmn_id, name = task
    return TaskItem(
        task_id=task_id,
        case_id=pk,
        gemeente_id=place.gemeente_id,
        mb_organisation_id=place.mb_id,
        bpmn_id=bpmn_id,
        name=name,
        role="regievoerder" if phase in REGIE_PHASES else "begeleider",
        form_key=bpmn_id,
        phase=place.names[phase],
    )


def _task_rows(
    cases: list[tuple[int, date]], places: list[_Place], today: date
) -> Iterator[Any]:
    """Two done tasks in each phase a case has left; one open task in each phase it
    is in, a third of those overdue."""
    for i, (pk, koppeling) in enumerate(cases):
        place = places[i % len(places)]
        stage = _stage(i, len(places))
        day = koppeling
        for p, phase in enumerate(PASSED[stage]):
            for k, task in enumerate(place.tasks.get(phase, [])[:2]):
                item = _task(place, pk, f"b{pk}-d{p}-{k}", phase, task)
                start = day + timedelta(days=k * 3)
                item.state = "done"
                item.ready_at = _moment(start)
                item.due_date = start + timedelta(days=14)
                item.completed_at = _moment(start + timedelta(days=5 + i % 20), 15)
                yield item
            day += timedelta(days=20 + i % 30)
        for p, phase in enumerate(STAGES[stage]):
            options = place.tasks.get(phase, [])
            if options:
                item = _task(place, pk, f"b{pk}-o{p}", phase, options[i % len(options)])
                ready = today - timedelta(days=(i + p * 11) % 45)
                item.state = "open"
                item.ready_at = _moment(ready)
                item.due_date = ready + timedelta(days=30)
                yield item


def _milestone_rows(
    cases: list[tuple[int, date]], places: list[_Place]
) -> Iterator[Any]:
    """From the PIP on: the leerroute, two or four PVT workshops (one in six missed
    the second), the signing later on."""
    from webui.cases.models import CaseMilestone

    for i, (pk, koppeling) in enumerate(cases):
        stage = _stage(i, len(places))
        if stage < 2:
            continue
        version_id = places[i % len(places)].version_id
        on = koppeling + timedelta(days=60)
        reached = [("leerroute", LEERROUTES[i % len(LEERROUTES)], on, "pip_opstellen")]
        for w in range(2 if stage == 2 else 4):
            attended = not (w == 1 and i % 6 == 0)
            day = on + timedelta(days=14 * (w + 1))
            reached.append(("pvt_workshop", attended, day, "pvt_workshop"))
        if stage >= 4:
            day = on + timedelta(days=80)
            reached.append(("verklaring_ondertekend", True, day, "pvt_ondertekening"))
        for key, value, day, bpmn_id in reached:
            yield CaseMilestone(
                case_id=pk,
                key=key,
                value=value,
                reached_at=_moment(day),
                bpmn_id=bpmn_id,
                version_id=version_id,
            )


def _contact_rows(cases: list[tuple[int, date]], places: list[_Place]) -> Iterator[Any]:
    """Up to two contact moments per case."""
    from webui.cases.models import Submission

    for i, (pk, koppeling) in enumerate(cases):
        for c in range(i % 3):
            on = koppeling + timedelta(days=10 + 30 * c)
            yield Submission(
                case_id=pk,
                task_id=f"contact-{pk}-{c}",
                bpmn_id="contactmoment",
                task_name="Contactmoment",
                form_key="contactmoment",
                role="begeleider",
                version_id=places[i % len(places)].version_id,
                data={"contact_datum": on.isoformat(), "contact_soort": "gesprek"},
                submitted_at=_moment(on, 16),
            )


def seed_cases(n: int, gemeenten: int = 50, *, today: date | None = None) -> Seeded:
    """Fill a migrated database with ``gemeenten`` gemeenten on real deployed versions
    (every fifth on a variant with its own files), an MB organisation per five
    gemeenten with twenty begeleiders each, and ``n`` cases spread over the
    trajectory: done tasks in the phases they left, open tasks (some overdue) in the
    phases they are in, PVT workshops, the signing, the leerroute, contact moments.
    Returns a manager of every gemeente. Fast: bulk inserts, no engine runs."""
    from django.db import transaction

    from webui.cases.models import Case, CaseMilestone, Submission
    from webui.tasks.models import TaskItem

    today = today or date.today()
    places, manager = _seed_places(gemeenten)
    with transaction.atomic():
        _bulk(Case, _case_rows(n, places, today))
    cases = list(
        Case.objects.filter(reference__startswith="WW-B-")
        .order_by("reference")
        .values_list("pk", "koppeling_datum")
    )
    with transaction.atomic():
        tasks = _bulk(TaskItem, _task_rows(cases, places, today))
        milestones = _bulk(CaseMilestone, _milestone_rows(cases, places))
        contacts = _bulk(Submission, _contact_rows(cases, places))
    return Seeded(manager.username, len(cases), tasks, milestones, contacts)


# ---- measuring, each in a subprocess of its own -----------------------------------


def _peak_mb() -> float:
    """Peak RSS of this process image. (ru_maxrss would do, but Linux carries it over
    from the parent through fork and exec: every child would start at the seeding
    parent's size.)"""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure_export(database: str, username: str, target: Path) -> dict[str, Any]:
    """In the child: Django on the seeded database, one export into a file."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings.test")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connections

    connections["default"].settings_dict["NAME"] = database
    from webui.reports.filters import ReportFilter
    from webui.reports.services import cases_export

    user = get_user_model().objects.get(username=username)
    before = _peak_mb()
    start, start_cpu = time.perf_counter(), time.process_time()
    with target.open("wb") as out:
        result = cases_export(
            user=user, report_filter=ReportFilter(), target=out, via="bench"
        )
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - start_cpu,
        "rows": [result.cases, result.open_tasks, result.pvt],
        "peak_mb": _peak_mb(),
        "peak_before_mb": before,
        "bytes": target.stat().st_size,
    }


def _sample(path: Path, title: str, size: int = 1000) -> list[list[object]]:
    """The first ``size`` rows of a sheet of the export, as plain values (dates as
    dates): the bare writer cycles through them, so that it writes cells of the same
    types, lengths and gaps."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    rows = []
    for row in islice(book[title].iter_rows(min_row=2, values_only=True), size):
        rows.append(
            [
                v.date() if isinstance(v, datetime) and v.time() == day_time() else v
                for v in row
            ]
        )
    book.close()
    return rows or [[]]


def _measure_bare(rows: list[int], sample: Path, target: Path) -> dict[str, Any]:
    """In the child: the same sheets with the same number of rows and cells, from
    plain lists (cycled from the export's own first rows)."""
    from openpyxl import Workbook

    from exports import DOSSIER_COLUMNS, OPEN_TASK_COLUMNS, PVT_COLUMNS

    sheets = (
        ("Dossiers", DOSSIER_COLUMNS[:-1]),  # no names, as the export
        ("Open taken", OPEN_TASK_COLUMNS),
        ("PVT", PVT_COLUMNS),
    )
    pools = [_sample(sample, title) for title, _columns in sheets]
    before = _peak_mb()
    start, start_cpu = time.perf_counter(), time.process_time()
    workbook = Workbook(write_only=True)
    for (title, columns), pool, count in zip(sheets, pools, rows, strict=True):
        sheet = workbook.create_sheet(title)
        sheet.append([c.title for c in columns])
        for row in islice(cycle(pool), count):
            sheet.append(row)
    workbook.save(target)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - start_cpu,
        "rows": rows,
        "peak_mb": _peak_mb(),
        "peak_before_mb": before,
        "bytes": target.stat().st_size,
    }


def _child(args: list[str]) -> dict[str, Any]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.export", *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ},
        cwd=Path(__file__).resolve().parent.parent,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def measure(n: int, gemeenten: int = 50, repeat: int = 2) -> dict[str, Any]:
    """Seed ``n`` cases into the (throwaway, migrated) database Django is connected
    to, then time the export and bare openpyxl, each in its own subprocess, in turns,
    ``repeat`` times; the fastest of each counts (this machine is shared), and the
    highest peak."""
    from django.db import connection

    start = time.perf_counter()
    seeded = seed_cases(n, gemeenten)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    seeding = time.perf_counter() - start
    database = str(connection.settings_dict["NAME"])
    exports, bares = [], []
    with tempfile.TemporaryDirectory() as folder:
        written = Path(folder) / "export.xlsx"
        for _ in range(repeat):
            exports.append(
                _child(
                    ["--measure-export", database, "--user", seeded.manager]
                    + ["--target", str(written)]
                )
            )
            rows = ",".join(str(r) for r in exports[-1]["rows"])
            bares.append(
                _child(
                    ["--measure-bare", rows, "--sample", str(written)]
                    + ["--target", str(Path(folder) / "bare.xlsx")]
                )
            )
    export = min(exports, key=lambda r: r["seconds"])
    bare = min(bares, key=lambda r: r["seconds"])
    # CPU time of each process, the least of the runs: on a machine shared with
    # other sessions the wall clock waits for a core, the CPU time does not (on
    # PostgreSQL the server's share of reading the rows is not in it).
    cpu_export = min(r["cpu_seconds"] for r in exports)
    cpu_bare = min(r["cpu_seconds"] for r in bares)
    export["peak_mb"] = max(r["peak_mb"] for r in exports)
    bare["peak_mb"] = max(r["peak_mb"] for r in bares)
    return {
        "vendor": connection.vendor,
        "seeded": seeded,
        "seeding_seconds": seeding,
        "export": export,
        "bare": bare,
        "ratio": export["seconds"] / bare["seconds"],
        "cpu": {"export": cpu_export, "bare": cpu_bare, "ratio": cpu_export / cpu_bare},
        "samples": {
            "export": [round(r["seconds"], 2) for r in exports],
            "bare": [round(r["seconds"], 2) for r in bares],
        },
    }


def report(figures: dict[str, Any]) -> None:
    export, bare, seeded = figures["export"], figures["bare"], figures["seeded"]
    rows = export["rows"]
    print(f"export of the managers' workbook ({figures['vendor']})")
    print(
        f"  {'seeded':34} {seeded.cases:,} cases, {seeded.tasks:,} task rows,"
        f" {seeded.milestones:,} milestones, {seeded.contacts:,} contact moments"
        f" ({figures['seeding_seconds']:.0f} s)"
    )
    print(
        f"  {'rows written':34} Dossiers {rows[0]:,}, Open taken {rows[1]:,},"
        f" PVT {rows[2]:,}"
    )
    for label, run in (("cases_export into a file", export), ("bare openpyxl", bare)):
        print(
            f"  {label:34} {run['seconds']:8.2f} s   peak RSS {run['peak_mb']:6.0f} MB"
            f"   ({run['bytes'] / 1e6:.1f} MB file)"
        )
    samples = figures["samples"]
    print(
        f"  {'runs (s), fastest counts':34} export {samples['export']},"
        f" bare {samples['bare']}"
    )
    ratio, peak = figures["ratio"], export["peak_mb"]
    print(
        f"  {'ratio export / bare':34} {ratio:8.2f} x   (aim ≤ {AIM_RATIO}x:"
        f" {'met' if ratio <= AIM_RATIO else 'MISSED'}; peak aim < {AIM_PEAK_MB} MB:"
        f" {'met' if peak < AIM_PEAK_MB else 'MISSED'})"
    )


def run(n: int = 100_000, gemeenten: int = 50, repeat: int = 2) -> dict[str, Any]:
    """On a throwaway test database: seed, measure, print; returns the figures."""
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        figures = measure(n, gemeenten, repeat)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    report(figures)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.export", description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--gemeenten", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--measure-export", metavar="DATABASE", help=argparse.SUPPRESS)
    parser.add_argument("--measure-bare", metavar="ROWS", help=argparse.SUPPRESS)
    parser.add_argument("--user", help=argparse.SUPPRESS)
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--sample", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure_export:
        result = _measure_export(args.measure_export, args.user, Path(args.target))
        print(json.dumps(result))
        return 0
    if args.measure_bare:
        rows = [int(r) for r in args.measure_bare.split(",")]
        result = _measure_bare(rows, Path(args.sample), Path(args.target))
        print(json.dumps(result))
        return 0
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings.test")
    os.environ.setdefault("WEGWIJS_TEST_DB", ".bench/export.sqlite3")
    os.makedirs(".bench", exist_ok=True)
    import django

    django.setup()
    run(args.cases, args.gemeenten, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
