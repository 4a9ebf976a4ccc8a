"""`make bench`: what Wegwijs costs on this machine, on SQLite and on PostgreSQL.

    python -m bench [--cases 100000] [--only queues,timers] [--backend sqlite]
    python -m bench --scale national      # make bench SCALE=national

For each backend (SQLite always; PostgreSQL when postgres://postgres@127.0.0.1:5432
answers, or WEGWIJS_BENCH_PG names another server) every measurement runs in a
process of its own against a throwaway database (a file under .bench/, or the
database ``wegwijs_bench``, created and dropped here; never the suite's ``test``):

- completion  task completion, through the service and the plain way
              (bench/completion.py)
- queues      queue pages and the case list at N cases (bench/queues.py)
- http        20 users against gunicorn, PostgreSQL only (bench/http_load.py)
- timers      the timer sweep with 1% and 10% of N due, and with 1% of N/10
              (bench/timers.py)
- export      the managers' workbook of N cases against bare openpyxl (bench/export.py)
- api         POST aanmelding at N cases, 1,000 events to a failing receiver
              (bench/api.py)
- zaken       the zaaksysteem's outbox catching up 1,000 updates after an outage
              (bench/zaken_outbox.py)
- coa         a 5,000-row COA informatieformulier file checked and registered
              (bench/coa_bulk.py)
- log         the processing log after a simulated year and the privacy officer's
              search on it, PostgreSQL only (bench/processing_log.py)

queues, http and timers share one seeded database (bench/seed.py). The figures are
printed as one table and written to docs/performance.md with the targets, met or not;
every run also adds its targets to the history at the end of that file (*Runs*),
with the load of the machine when it began and ended.

``--scale national`` (``make bench SCALE=national``) is the national picture on
PostgreSQL: 150,000 cases over 342 gemeenten and 200 MB organisations, the HTTP load
with 200 users, the timer sweep, the export; its figures go to
docs/performance-national.md (and its targets to the history). It takes the better
part of an hour on this machine.
Nothing here asserts a time: a bench measures, the tests judge behaviour.
"""

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / ".bench"
DOC = ROOT / "docs" / "performance.md"
NATIONAL_DOC = ROOT / "docs" / "performance-national.md"
# The national picture (issue 22): every statushouder of the Netherlands at once.
NATIONAL = {
    "cases": 150_000,
    "gemeenten": 342,
    "mb_organisations": 200,
    "users": 200,
    # The export of the largest gemeente runs during the HTTP load (its own
    # section at 150,000 cases is the default run's ratio against openpyxl).
    "only": ["queues", "http", "timers", "log"],
    "log_records": 2_000_000,
    "sweeps": "1",  # the sweep of a day: 1% of the cases due
    # The sweep and the export run while the 200 users work (bench/http_load.py).
    "during": "timers,export",
    "backend": "postgresql",
}
# The timer sweep of a day with 1% of the cases due, at national scale (seconds).
NATIONAL_SWEEP_LIMIT = 300
HISTORY = "## Runs"
SECTIONS = (
    "completion",
    "queues",
    "http",
    "timers",
    "export",
    "api",
    "zaken",
    "coa",
    "log",
)
PG_SERVER = os.environ.get("WEGWIJS_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = "wegwijs_bench"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---- databases -----------------------------------------------------------------------


def pg_admin() -> Any:
    """A connection to the PostgreSQL server's maintenance database, or None."""
    try:
        import psycopg

        return psycopg.connect(
            f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=3
        )
    except Exception:  # noqa: BLE001 - no server: the run is SQLite only
        return None


def pg_version() -> str:
    admin = pg_admin()
    if admin is None:
        return ""
    with admin:
        return str(admin.execute("SHOW server_version").fetchone()[0])


class Database:
    """A throwaway database for one job."""

    def __init__(self, backend: str, job: str, pg_name: str = PG_DATABASE) -> None:
        self.backend = backend
        self.path = WORK / f"{job}.sqlite3"
        self.pg_name = pg_name

    def __enter__(self) -> str:
        if self.backend == "sqlite":
            self._remove()
            return f"sqlite:///{self.path}"
        with pg_admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {self.pg_name}")
        return f"{PG_SERVER}/{self.pg_name}"

    def __exit__(self, *exc: object) -> None:
        if self.backend == "sqlite":
            self._remove()
            return
        with pg_admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def job(
    backend: str, name: str, sections: list[str], cases: int, args: argparse.Namespace
) -> list[dict[str, Any]]:
    """Run sections in a worker process on a fresh database; its rows."""
    if args.scale == "national":  # apart from a default run's files and database
        name = f"national-{name}"
    out = WORK / f"{backend}-{name}.json"
    out.unlink(missing_ok=True)
    log(f"{backend}: {', '.join(sections)} ({cases:,} dossiers)")
    started = time.perf_counter()
    pg_name = PG_DATABASE + ("_national" if args.scale == "national" else "")
    with Database(backend, f"{backend}-{name}", pg_name) as url:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "webui.settings.test",
        }
        command = [
            sys.executable,
            "-m",
            "bench.worker",
            "--sections",
            ",".join(sections),
            "--cases",
            str(cases),
            "--duration",
            str(args.duration),
            "--users",
            str(args.users),
            "--gemeenten",
            str(args.gemeenten),
            "--mb-organisations",
            str(args.mb_organisations),
            "--log-records",
            str(args.log_records),
            "--sweeps",
            args.sweeps,
            "--during",
            args.during,
            "--out",
            str(out),
        ]
        result = subprocess.run(command, cwd=ROOT, env=env, check=False)
    rows = json.loads(out.read_text()) if out.exists() else []
    if result.returncode != 0:
        rows.append(
            {
                "section": "Fouten",
                "label": f"{', '.join(sections)} stopte (exit {result.returncode})",
                "p50": None,
                "p95": None,
                "n": 0,
                "unit": "",
                "note": "zie de uitvoer hierboven",
            }
        )
    log(f"{backend}: klaar in {time.perf_counter() - started:.0f} s")
    for row in rows:
        row["backend"] = backend
        row.setdefault("cases", cases)
    return rows


def run_backend(backend: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    wanted = [s for s in SECTIONS if s in args.only]
    rows: list[dict[str, Any]] = []
    if "completion" in wanted:
        rows += job(backend, "completion", ["completion"], args.cases, args)
    seeded = [s for s in ("queues", "http", "timers", "api") if s in wanted]
    if seeded:
        rows += job(backend, "seeded", seeded, args.cases, args)
    if "timers" in wanted and args.scale != "national":
        small = max(1_000, args.cases // 10)
        rows += job(backend, "timers-small", ["timers"], small, args)
    if "export" in wanted:
        rows += job(backend, "export", ["export"], args.cases, args)
    if "zaken" in wanted:
        rows += job(backend, "zaken", ["zaken"], args.cases, args)
    if "coa" in wanted:
        rows += job(backend, "coa", ["coa"], args.cases, args)
    if "log" in wanted and backend == "postgresql":
        rows += job(backend, "log", ["log"], args.cases, args)
    return rows


# ---- targets -------------------------------------------------------------------------


def _fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    if unit == "×":
        return f"{value:.2f}"
    return f"{value:,.1f}".replace(",", " ") if value >= 10 else f"{value:.2f}"


# Completion p50 at engine task 1,000, per backend (ms).
COMPLETION_LIMIT = {"sqlite": 10.0, "postgresql": 20.0}


def _met(ok: bool) -> str:
    return "gehaald" if ok else "niet gehaald"


def _completion_targets(
    backend: str, mine: list[dict[str, Any]]
) -> list[tuple[str, str, str, str]]:
    by_target = {r["target"]: r for r in mine if r.get("target")}
    found = []
    at_1000 = by_target.get("completion_1000")
    if at_1000 and backend in COMPLETION_LIMIT:
        limit = COMPLETION_LIMIT[backend]
        found.append(
            (
                backend,
                f"taak afronden via de service, engine-taak 1.000: p50 ≤ {limit:.0f}"
                " ms",
                f"p50 {at_1000['p50']:.1f} ms (p95 {at_1000['p95']:.1f})",
                _met(at_1000["p50"] <= limit),
            )
        )
    flat = by_target.get("completion_flat")
    if flat:
        found.append(
            (
                backend,
                "taak afronden: engine-taak 10.000 binnen 1,5× van ~10",
                f"{flat['p50']:.2f}×",
                _met(flat["p50"] <= 1.5),
            )
        )
    plain = by_target.get("completion_plain")
    if plain:
        found.append(
            (
                backend,
                "taak afronden: ≥ 10× sneller dan zonder Wegwijs, engine-taak 1.000",
                f"{plain['p50']:.1f}×",
                _met(plain["p50"] >= 10),
            )
        )
    return found


def _api_targets(
    backend: str, mine: list[dict[str, Any]]
) -> list[tuple[str, str, str, str]]:
    """The API's targets (bench/api.py)."""
    found = []
    for r in mine:
        if r.get("target") == "aanmelding":
            found.append(
                (
                    backend,
                    f"POST aanmelding: p95 ≤ 100 ms bij {r['cases']:_}"
                    f" dossiers ({r.get('via', 'test-client')})".replace("_", "."),
                    f"p95 {r['p95']:.1f} ms (p50 {r['p50']:.1f})",
                    _met(r["p95"] <= 100),
                )
            )
        if r.get("target") == "events":
            ok = r["p50"] <= 60 and r["lost"] == 0 and r["double"] == 0
            found.append(
                (
                    backend,
                    "1.000 gebeurtenissen ≤ 60 s, ontvanger faalt 1 op 3,"
                    " niets kwijt of dubbel",
                    f"{r['p50']:.1f} s; kwijt {r['lost']}, dubbel {r['double']}",
                    _met(ok),
                )
            )
    return found


def _verdicts(
    backend: str, mine: list[dict[str, Any]]
) -> list[tuple[str, str, str, str]]:
    """The targets of the sections that judge their own (the zaaksysteem)."""
    return [
        (backend, v["target"], v["measured"], _met(v["ok"]))
        for v in (r["verdict"] for r in mine if r.get("verdict"))
    ]


def _timer_targets(
    backend: str, mine: list[dict[str, Any]], cases: int
) -> list[tuple[str, str, str, str]]:
    found: list[tuple[str, str, str, str]] = []
    sweeps = {
        (r["cases"], r.get("timer_share")): r
        for r in mine
        if r["section"] == "Timers" and r["unit"] == "ms"
    }
    one, ten = sweeps.get((cases, "1%")), sweeps.get((cases, "10%"))
    small = next(
        (r for (n, share), r in sweeps.items() if n < cases and share == "1%"),
        None,
    )
    if one and cases >= NATIONAL["cases"]:
        found.append(
            (
                backend,
                f"timer-sweep van een dag, 1% van {cases:_} due:"
                f" ≤ {NATIONAL_SWEEP_LIMIT // 60} min".replace("_", "."),
                f"{one['p50'] / 1000:.0f} s",
                _met(one["p50"] / 1000 <= NATIONAL_SWEEP_LIMIT),
            )
        )
    if one and ten:
        ratio = ten["p50"] / one["p50"]
        found.append(
            (
                backend,
                "timer-sweep: 10% due ≤ 12× de tijd van 1% due",
                f"{ten['p50'] / 1000:.1f} s / {one['p50'] / 1000:.1f} s = {ratio:.1f}×",
                _met(ratio <= 12),
            )
        )
    if one and small:
        ratio = one["per_case"] / small["per_case"]
        found.append(
            (
                backend,
                f"timer-sweep: 1% van {cases:_} binnen 2× van 1% van"
                f" {small['cases']:_} (per dossier)".replace("_", "."),
                f"{one['per_case']:.1f} / {small['per_case']:.1f} ms per dossier"
                f" = {ratio:.2f}×",
                _met(ratio <= 2),
            )
        )
    return found


def _http_targets(
    backend: str, mine: list[dict[str, Any]]
) -> list[tuple[str, str, str, str]]:
    """The HTTP load's targets: p95 of each round with think time, the most
    requests per second within 500 ms, and nothing lost or doubled."""
    found: list[tuple[str, str, str, str]] = []
    for r in mine:
        if r.get("target") == "http":
            found.append(
                (
                    backend,
                    f"HTTP ({r['label']}): p95 ≤ 150 ms, 0 fouten",
                    f"p95 {r['p95']:.0f} ms, {r['errors']} fouten",
                    _met(r["p95"] <= 150 and r["errors"] == 0),
                )
            )
        if r.get("target") == "http_max":
            best = r["best"]
            found.append(
                (
                    backend,
                    f"HTTP: {r['label']} (gebruikers verdubbeld, zonder bedenktijd)",
                    f"{best[0]:.0f} verzoeken/s bij {best[1]} gebruikers"
                    f" (p95 {best[2]:.0f} ms)"
                    if best
                    else r["note"],
                    _met(best is not None),
                )
            )
        if r.get("check"):
            c = r["check"]
            bad = c["lost"] + c["double"] + c["wrong_row"]
            bad += c["done_without_submission"] + c["submitted_unacknowledged"]
            found.append(
                (
                    backend,
                    "HTTP: geen afronding kwijt of dubbel",
                    f"{c['acknowledged']} bevestigd; kwijt {c['lost']},"
                    f" dubbel {c['double']}",
                    _met(bad == 0),
                )
            )
    return found


def targets(rows: list[dict[str, Any]], cases: int) -> list[tuple[str, str, str, str]]:
    """(backend, target, measured, met) for every target the issue sets."""
    found = []
    for backend in sorted({r["backend"] for r in rows}):
        mine = [r for r in rows if r["backend"] == backend]
        found += _completion_targets(backend, mine)
        found += _api_targets(backend, mine)
        for r in mine:
            if r.get("target") == "queue":
                found.append(
                    (
                        backend,
                        f"{r['label']}: p95 ≤ 50 ms",
                        f"p95 {r['p95']:.1f} ms (p50 {r['p50']:.1f})",
                        _met(r["p95"] <= 50),
                    )
                )
        found += _timer_targets(backend, mine, cases)
        found += _verdicts(backend, mine)
        found += _http_targets(backend, mine)
        for r in mine:
            if r.get("target") == "log_search":
                found.append(
                    (
                        backend,
                        f"verwerkingenlog na een jaar, {r['label']}: p95 ≤ 500 ms",
                        f"p95 {r['p95']:.0f} ms (p50 {r['p50']:.0f})",
                        _met(r["p95"] <= 500),
                    )
                )
            if r.get("target") == "export_cpu":
                found.append(
                    (
                        backend,
                        "export ≤ 1,3× kaal openpyxl in CPU-tijd, piek < 150 MB",
                        f"{r['p50']:.2f}×, piek {r['peak_mb']:.0f} MB",
                        _met(r["p50"] <= 1.3 and r["peak_mb"] < 150),
                    )
                )
            if r.get("target") == "export":
                ok = r["p50"] <= 1.3 and r["peak_mb"] < 150
                found.append(
                    (
                        backend,
                        "export ≤ 1,3× kaal openpyxl, piek < 150 MB",
                        f"{r['p50']:.2f}×, piek {r['peak_mb']:.0f} MB",
                        _met(ok),
                    )
                )
    return found


# ---- output --------------------------------------------------------------------------


def table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| sectie | meting | backend | p50 | p95 | n | eenheid | toelichting |",
        "| --- | --- | --- | ---: | ---: | ---: | --- | --- |",
    ]
    for r in rows:
        if r["unit"] == "plan":
            continue
        lines.append(
            f"| {r['section']} | {r['label']} | {r['backend']} |"
            f" {_fmt(r['p50'], r['unit'])} | {_fmt(r['p95'], r['unit'])} | {r['n']} |"
            f" {r['unit']} | {r['note']} |"
        )
    return lines


def machine() -> list[str]:
    import django

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    pg = pg_version()
    return [
        f"- run: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- machine: {os.cpu_count()} cores (nproc), {cpu or platform.machine()},"
        f" load average at the end {load}",
        f"- Python {platform.python_version()}, Django {django.get_version()},"
        f" SQLite {sqlite3.sqlite_version}"
        + (f", PostgreSQL {pg}" if pg else ", PostgreSQL: not reachable"),
    ]


HOW_TO_READ = """\
## How to read this

Times are wall-clock milliseconds (or seconds) measured in the process that does the
work: the queue pages and the case list in-process through Django's test Client
(every middleware, the session, the template and the processing-log write; no
network), the timer sweep around `timers_run`, the HTTP load at the client over
loopback (network and queueing included). p50 is the median, p95 the 95th
percentile of n samples; a figure with p95 "–" is one run (a sweep, an export) or a
ratio. The machine is shared: other processes ran beside the bench, so absolute
figures move from run to run; ratios taken within one run hold better.

The data is synthetic (bench/seed.py): N cases over 50 gemeenten of Zipf-like sizes
(the largest ~14%), about ten task rows per case (~15% open, about half of those
claimed). The cases the timer sweep and the HTTP load run through the engine are
real: clones of cases made through the services, with their own task ids and timer
moments; the others carry a stub engine state that nothing in these measurements
reads.

- *Werkvoorraad*: the first page (25 rows, as served) with the counts of both tabs;
  the queries are listed under *Query plans*: each is one index range.
- *Timers*: one sweep fires every due case (engine, save, task rows, audit) in its
  own transaction. Its cost should follow the number of due cases, not the number of
  cases: so 10% due against 1% due (≈ 10×), and the cost per case at N against N/10.
- *HTTP-belasting*: PostgreSQL only, gunicorn with 4 sync workers, production
  settings. The rounds with think time are the ones the target is judged on (people
  read a page before the next click); at national scale two more of them run while
  the timer sweep of the day and the export of the largest gemeente run in a process
  of their own (as the task worker does), for as long as each takes. The rounds
  without think time double the users (1, 2, 4, …) until p95 passes 500 ms: the
  most requests/s within it, and per request the time in a gunicorn worker (its
  access log), the rest of the wait (for a free worker, and the client), the CPU
  of the workers and of their PostgreSQL backends, and how busy the machine was.
  The check afterwards reads the database.
- *Taak afronden* and *Excel-export* come from bench/completion.py and
  bench/export.py; see their docstrings.
"""


MISSES = """\
## Why a target misses (check it against the figures above)

The machine is shared and its speed moves between runs: on the night of
2026-11-23/24 the same code took twice as long as in the afternoon, bare openpyxl
included; on 2026-12-07 seven other sessions ran their suites beside the bench (load
average 6–13 on 2 cores), and every wall-clock figure of that day is two to ten
times what the same code takes on a quiet machine. An absolute target can be met in
one run and missed in the next; ratios within one run, statement counts and CPU
time of the process hold better, so the bench reports those too, and the history at
the end gives each run's load.

- **Task completion.** What a completion costs the database is fixed by a test
  (tests/webui/test_completion_statements.py): 6 statements on PostgreSQL, 10 on
  SQLite (was 18, then 12, then 10 on both). The task row, its case, version and
  engine state come in one read; in the transaction one statement locks the case
  (FOR UPDATE OF the case) and reads the task row again together with the case's
  open task rows (the projection no longer reads them) and whether anyone typed a
  draft of them (drafts are deleted only where there are); the case row gets only
  the fields that changed; new task rows are one INSERT. On PostgreSQL the writes
  after that (the case row with its next stamp, its engine state, the task rows that
  are done, cancelled or assigned, the submission, the audit event and the outbox
  rows) are one statement, each a data-modifying WITH query (``writes_run`` in
  webui/casework/services/rows.py): four round trips fewer; the stamp is checked on
  the count the case's part returns. The two wide reads are SQL written once per
  process from the models' metadata (webui/casework/services/rows.py), not an ORM
  query built and compiled on every call: that was a third of the CPU time. The lock
  joins only the case's organisations (PostgreSQL spent ~3 ms planning the old
  nine-way join, more than running it); the version's files, derived data and rules
  (~33 KB of JSON per completion) are not read at all. The state at engine task
  1,000 is 30 KB, was 42: a task without data of its own is stored as empty instead
  of SpiffWorkflow's delta listing every case variable as deleted. On PostgreSQL the
  state column is lz4-compressed (0.35 against 0.7 ms per write with pglz). Measured
  on 2026-12-07 at engine task 1,000 (p50; CPU = the process's CPU time): before,
  with the load rising from 0.4 to 5, SQLite 7.8 ms (CPU 7.8), PostgreSQL 39.6 ms
  (CPU 11.0), against the plain way's 127 and 151 ms: 16.2× and 3.8×; the later runs
  had the plain way at 73–80 ms; after the lock and projection changes (load 2.8 →
  1.7) SQLite 7.3, PostgreSQL 12.1 ms (CPU 8.9): 10.0× and 6.1×; with ten
  statements, two runs at a load of ~1: SQLite 5.3 and 5.2 ms (CPU the same), 13.8×
  and 15.1×; PostgreSQL 8.9 and 8.7 ms (CPU 6.5 and 6.2 in the client), 9.0× and
  8.9× on the wall clock, 12.4× in CPU time. With six statements on PostgreSQL, two
  runs, the first on a machine loaded by the other sessions' test suites (browser
  tests among them): load 4.1 → 6.2, SQLite 6.0 ms (CPU 5.7), 21.4×; PostgreSQL 10.2
  ms (CPU 6.4 in the client), 12.5× on the wall clock, 13.0× in CPU time, the plain
  way at 129 and 128 ms; the second at a load of ~1 (1.1 → 1.1): SQLite 5.5 ms (CPU
  5.5), 15.1×; PostgreSQL 8.9 ms (CPU 6.4), 10.0× on the wall clock (9.99, judged
  not met), 13.8× in CPU time, the plain way at 84 and 89 ms. On a quiet machine the
  four round trips fewer barely show on the wall clock (8.9 ms as with ten
  statements, whose CPU was 6.2–6.5 too): loopback round trips are cheap when a core
  is free, and PostgreSQL's own work per completion (the ~30 KB state written, lz4,
  WAL) stays. Every target of the completion is met on both databases in the loaded
  run and at the line on PostgreSQL in the quiet one; the wall-clock ratio moves
  with the load (the plain way slows more than a completion when cores are busy),
  the CPU ratio (12–14×) much less. Where a SQLite completion's ~5 ms go now (timed
  per part, roughly): the engine 2.6 ms (load 0.8, run 0.9, snapshot with prune and
  dump 0.7), storing 1.6 ms, the two reads, the memberships and the transaction the
  rest. Next: orjson for the state (~0.3 ms; a dependency). The memberships read
  costs a round trip in the bench, which calls the service directly; in a page the
  task's own need-to-know check has read it before (grants per request).
- **Queue pages, p95 ≤ 50 ms.** Every query the queue runs is one index range of the
  pool indexes (plans below): together a few milliseconds of the page. What remains
  is per-request work outside the queries: 25 task rows with their case, gemeente
  and holder as model instances, the template, the session save and the
  processing-log record. On a quiet machine 16–31 ms p50, 23–41 ms p95.
- **HTTP p95 ≤ 150 ms.** Met on a quiet machine (p95 55 ms with 20 users, one
  request ~30 ms of server time). Without think time the server takes 28–62
  requests/s; nothing was lost or completed twice in any round.
- **Timer sweep.** Met on both. On SQLite the cost per case at 100,000 cases is
  1.06–1.85× that at 10,000 (PostgreSQL ~1.0×).
- **Export ≤ 1.3× bare openpyxl.** Met on both, on the wall clock and in CPU time.
  On 2026-12-07 at 100,000 cases (this Intel machine, `--only export`, two runs of
  each side per bench run): SQLite 1.19× on the wall clock (48.4 s against 40.6 s)
  and 1.15× in CPU time (44.1 s against 38.5 s), peak 138 MB (load 6.3 / 5.1 / 3.5
  when the run began, 2.7 / 4.1 / 3.9 at its end, other sessions' benches and
  tests beside it); PostgreSQL 1.19× on the wall clock (45.1 s against 37.9 s)
  and 0.97× in the process's CPU time (36.5 s against 37.5 s; the server's work
  not in it), peak 131 MB (load 1.0 / 2.6 / 3.3 → 4.1 / 2.6 / 3.0). Both from
  commit 972abe4 (the sheet below); the rows' words once per combination came
  after it. A second bench run of each from commit 8ab0b5a (with them): SQLite
  1.12× / 1.11× (44.2 s against 39.6 s; 43.7 s against 39.4 s CPU; load 6.2 / 4.3
  / 3.6 → 1.1 / 2.0 / 2.8), PostgreSQL 1.17× / 0.96× (47.8 s against 40.9 s;
  38.7 s against 40.3 s CPU; load 1.1 / 1.7 / 2.6 → 2.0 / 2.1 / 2.5), peaks 138
  and 131 MB. Bare openpyxl took 37.5–40.3 s of CPU in these runs against 33.9–34.3 s
  in the first pass's (a busier machine now); the export's own CPU fell from 49.7 to
  43.7–44.1 s (SQLite) and from 43.2 to 36.5–38.7 s (PostgreSQL).
  Since issue 22's second pass the three table sheets are written by a write-only
  sheet of the export's own (`_TableSheet` in exports/cases.py): `_write_table`
  already makes every value ready for its cell (each text checked, neutralised and
  cleaned where needed, each date its column's formatted cell), and openpyxl's
  append then worked every value's type out again, tried each handed date cell as a
  value first (a ValueError per date cell) and looked the column cell's style up on
  every write. The sheet now writes plain text and numbers as they are and a cell
  as it is, leaves any other value (a bool, text past Excel's 32,767 characters) to
  openpyxl, and the column cell keeps its style id. The file is the same: the
  sheets' XML compared byte for byte on a 20,000-case seed (only the "Gemaakt op"
  moment differs), tests/exports/test_table_cells.py for the values openpyxl would
  treat otherwise. At 20,000 cases (CPU, in-process, rows held in memory) writing
  the three sheets went from ~0.4 s above bare openpyxl to ~1.5 s below it. So the
  ratio met is partly the export now writing cells cheaper than bare openpyxl, not
  only overhead removed: the rows, figures and medians read from the database
  (~2.5 s of CPU at 20,000 cases on SQLite: dossier rows 0.6 s plus ~0.6 s of
  version bundles parsed once per process, open task rows 0.3 s, PVT rows 0.4 s,
  the figures 0.7 s) are still above it. The PVT and open task rows also work out
  their words (hidden or not, the part, the result; role, organisation, holder) once
  per combination instead of per row. The medians are in SQL since the first pass,
  grouped by the phase key (issue 19): every name a version gives a phase maps to
  its key in a CASE, one GROUP BY per case and key makes a migrated case's days
  under v1's and v3's name one stay, and a stay counts when none of its tasks is
  open, each of its names has a completed task and the case has left the phase;
  percentile_cont on PostgreSQL, on SQLite a histogram of local days (SQLite's
  'localtime', which is Django's TIME_ZONE; the Python definition if the user's zone
  is another) from which the exact median is taken; tests/webui/test_reports.py
  holds SQL and Python to the same medians. The rows come through a plain cursor
  (no Django converter per value, JSON decoded once per distinct text). Before the
  second pass: SQLite 1.47× / 1.47×, PostgreSQL 1.46× / 1.26× (wall / CPU). Next,
  for the overhead that is left: the stays as a projection kept by the task
  completion (case, phase key, first ready, last completed, open tasks), so the
  medians read the left stays only; a chunk's open tasks and milestones aggregated
  per case in SQL (an ordered group_concat needs SQLite ≥ 3.44).
- **POST aanmelding, p95 ≤ 100 ms at 100,000 cases.** One aanmelding is a whole case
  start: 16 statements (counted by tests/webui/test_registration.py, which fails if
  one comes back) and 13–17 ms of CPU on a quiet machine, about 6 ms of it the
  engine (start, snapshot, the ~44 KB state) and most of the rest one INSERT per
  table. The figures here were taken with the task rows still one INSERT each (19
  statements); they are one INSERT since the completion work. Nothing grows with the
  number of cases: measured in-process on SQLite on 2026-12-07, 20,000 cases p50 17
  ms, p95 24 ms (load 1.5); 100,000 cases p50 19 ms, p95 58 ms (load 1.8–3.6). What
  makes a p95 of 100–300 ms is the machine, not the request: the bench runs of that
  morning gave p95 106–134 ms at 20,000 (load 3–5, other sessions' test suites), and
  Python's full garbage collection (110–450 ms in a process holding the seed's
  objects) hits about one request in a hundred. Since issue 20 one registration
  reads the version in use once (the validation and the case start share it), builds
  the aanmelding form once per version, and reads its unique rows by key without
  `first()`'s ORDER BY (20 → 19 statements, ~17 → ~15.5 ms CPU).
- **A 5,000-row COA file checked and registered in ≤ 60 s.** Not met. The dry run is
  now one statement per row (the version in use and the MB organisations are read
  once for the file; tests/webui/test_bulk_aanmelding.py counts it): 1–2 ms a row.
  Registering is a case start per row (above), all in one transaction: 1,000 rows
  took 19 s against 28 s before (CPU of the whole run 15.5 against 21.3 s, same
  load); 5,000 rows 132 s (check 9 s, registering 122 s; 85 s of CPU; load 3.6–4),
  where issue 20 measured 711 s. The next step is a file's cases written together:
  one INSERT per table for the whole file instead of ~16 statements per row (which
  needs `advance_store` to store many `Advance`s at once); the engine's ~6 ms per
  case then remains (5,000 × 6 ms = 30 s).
"""


NATIONAL_TEXT = """\
## National scale

`make bench SCALE=national` (figures in
[performance-national.md](performance-national.md)): every statushouder of the
Netherlands at once, ~150,000 running cases over 342 gemeenten and 200 MB
organisations, on PostgreSQL, on this one 2-core machine. Measured on 2026-12-07 in
two runs on a machine shared with other sessions (their benches waited on the lock,
their niced tests did not): 10:57 UTC (load average 2.3–5.1 as it began) and 11:27
UTC (1.1–2.6 as it began, ~6 while its HTTP steps and export ran). Figures below are
first run / second run.

- **Seeding** 150,002 cases and 1,488,918 task rows (221,321 open), 23,736 of the
  cases real clones made through the services: 172 s / 156 s (COPY, states reused).
  The load gemeenten are now ranks 7–10 (8,126 cases, ~40 open tasks per user): at
  ranks 30–33 a quiet machine would empty their pools within the first rounds.
- **Queue pages** at 150,000 cases, in-process: the begeleider's 53 / 27 ms p50, 152
  / 39 ms p95; the regievoerder's of the largest gemeente 54 / 27 p50, 158 / 30 p95:
  within the 50 ms of the target in the second run, not in the first. The queries
  are index ranges whatever the size (plans in the default run); the p95 is a core
  that is busy elsewhere (17–32 ms p50 at 100,000 on a quiet machine).
- **200 users with ~3 s think time: not met on this machine, and not to be met on
  two cores.** A user's cycle is three requests and three pauses of ~3 s: 200 users
  offer ~66 requests/s. One request costs ~29 ms of CPU (Django 22–24 ms in the
  gunicorn worker, PostgreSQL 5–7 ms in its backend, measured per round), so 66
  requests/s is 1.9 of the 2 cores: the machine's whole capacity (the steps below
  top out at 65–68 requests/s). At that utilisation requests wait in line for a
  worker: the first run served 35.5 requests/s at p95 4.7 s (101 ms in the worker,
  2.2 s waiting for one: the other sessions had part of the cores), the second 61.8
  requests/s at p95 193 ms (50 ms in the worker, 39 ms waiting) with the machine 88%
  busy: near the target, with nothing left for anything else. Correctness held in
  every run: 2,880 / 2,090 completions acknowledged, 0 lost, 0 doubled, 0 without
  their submission (checked in the database).
- **The most requests per second with p95 ≤ 500 ms**: 66 requests/s at 8 users (p95
  150 ms) in the first run, where 1 user got 33/s (p95 38 ms), 2 users 62/s and 4–32
  users 65–68/s; 23/s in the second, whose steps ran while other sessions' tests
  took most of the machine (1 user: 62 ms in the worker for the same ~34 ms of CPU).
  Where the time goes: with 1–2 users a request spends ~30 ms in the worker and
  almost nothing waiting; from 4 users on the 4 workers share 2 cores (in the worker
  ~60 ms, the same ~29 ms of CPU) and every user beyond that waits in gunicorn's
  queue (8 users: 63 ms, 16: 185 ms, 32: 404 ms of waiting per request) while the
  throughput stays at the cores' ~66/s. The first limit is CPU for request handling,
  three quarters of it Django's; not the database.
- **Timer sweep of a day, 1% due, while the 200 users work**: 1,500 of 150,002 cases
  in 59 s / 55 s (40 / 36 ms per case): within 5 minutes (met). Its own process used
  17 / 15.5 s of CPU (10–11.5 ms per case, plus the database's share); the users'
  p95 during it was 1.15 s / 1.0 s (50–51 requests/s served), not within 150 ms, as
  it is not without the sweep.
- **Export of the largest gemeente while the users work** (11,062 cases, 16,624 open
  tasks, 6,915 PVT rows): 8.1 s / 20.0 s (3.7 / 3.9 s of CPU in its process, peak
  121–123 MB). The users' p95 during it: 967 ms / 4.3 s. Any work beside the users
  (the export, the sweep, another session) comes on top of their ~1.9 cores and the
  queue grows; the export's window is short (a few hundred requests), so its p95
  moves most between runs.
- **The processing log after a year.** One record per read, with a subject row per
  case it shows. At 2,000,000 records (bench/processing_log.py, a year's spread of
  dates, 5,000 users, one in ten records a list of 25 cases): 6,800,000 subject
  rows, 1,783 MB with indexes (656 + 1,127), ~935 bytes per record. A national year
  (~12,500 begeleiders and ~1,000 regievoerders at ~40 reads a working day over 220
  days) is ~120 million records, ~110 GB a year. The privacy officer's search now
  counts up to 10,000 records and then says "Meer dan 10.000 verwerkingen — verfijn
  de zoekopdracht" (the newest 10,000 can still be paged through, newest first); the
  first page comes from the index on the moment (~2 ms). By kenmerk 10 / 10 ms p50,
  92 / 79 p95; by user 11 / 10, 65 / 60; one week (8,220 found, counted in full) 83
  / 76, 164 / 155; one month (more than 10,000) 138 / 86, 318 / 160; one month for
  the officer of a middle gemeente (rank 172, 1,224 found; second run only) 76 /
  179. Before (09:07, at 1,000,000 records, load 5–7): a week 346 / 652, a month 563
  / 876. All within 500 ms (met). Two things made the date ranges cheap: the cap (a
  month of the largest gemeente: the old full count of 30,045 records took 319 ms
  p50 / 465 p95, capped 116 / 273, same data, load ~5), and a vacuumed log: the
  bench's log was never vacuumed, so each record's check against the officer's
  organisation read the table besides the index (560 ms for a week in EXPLAIN
  ANALYZE before, ~110 ms after); autovacuum does that to an insert-only table
  (PostgreSQL 13+), the bench now does it after the fill. Where it stops holding:
  the capped count reads records until it has found 10,000 of the officer's, so its
  cost is ~10,000 / (the organisation's share of the log) records, whatever the
  log's size: for the largest gemeente (~20%) about 50,000. The officer of a small
  organisation finds fewer than 10,000 in a month and the count reads the whole
  month: 76 ms p50 / 179 p95 (the middle gemeente above, ~170,000 records read) at
  2,000,000 records a year, but a month of a national year is ~10 million records,
  ~60× more: seconds, not met there. See the log in the list below.

### What meets it: more machines, and a log in months

1. **Web**: more gunicorn hosts behind one load balancer, all on one PostgreSQL.
   From the figures, one request is ~29 ms of CPU (22–24 Django, 5–7 PostgreSQL):
   200 users at ~66 requests/s need ~1.5 cores of Django and ~0.4 of PostgreSQL, and
   a p95 ≤ 150 ms needs the cores at no more than about half: two web hosts of 2
   cores (or one of 4) with PostgreSQL on its own host, and a third web host for
   peaks and a failed host. Halving Django's 22 ms per request (the pages' own work:
   templates, session, the processing-log write) would do what one more host does.
2. **Database**: one PostgreSQL primary (completions are ~12 statements and a ~30 KB
   state; 13 completions/s measured here is a small part of a core); read replicas
   for the lists and reports (the case list, the managers' overview, the export)
   once the primary's CPU is the limit, with the need-to-know filters unchanged
   (they are SQL).
3. **Background work**: the timer sweep and exports on the task worker, scaled out
   on a broker-backed backend of django-tasks (several workers, each sweep batch a
   task), so neither takes a core from the web hosts: measured here, the sweep of a
   day is ~17 s of CPU and the largest gemeente's export ~4 s.
4. **Processing log**: built: the count stops at 10,000 and says so in Dutch
   (webui/privacy/selectors.py, `log_search_page`). Next: the subject row gets the
   record's moment as a column of its own, with indexes (gemeente_id, at) and
   (mb_organisation_id, at), so that a search over a period reads only the officer's
   organisation's own subjects of that period (an index range, whatever the others'
   share) instead of every record in it; then PostgreSQL range partitions on `at`,
   one per month, for both tables, so that after the retention period a month's
   partitions are detached and archived (pg_dump to the archive store, then
   dropped), one statement each, without a vacuum of the live log. At national scale
   the log grows ~110 GB a year.
"""


def _load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def history(text: str, met: list[tuple[str, str, str, str]], args: Any) -> list[str]:
    """The *Runs* section of ``text`` (the doc as it is) with this run's targets
    added at the end."""
    kept: list[str] = []
    if HISTORY in text:
        body = text.split(HISTORY, 1)[1].split("\n## ", 1)[0]
        kept = [
            line
            for line in body.splitlines()
            if line.startswith("| 20")  # a run's row begins with its date
        ]
    stamp = f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    scale = (
        "landelijk" if args.scale == "national" else f"{args.cases:_}".replace("_", ".")
    )
    # From saved rows the load when they were measured is all there is.
    load = args.load_before if args.from_rows else f"{args.load_before} → {_load()}"
    kept += [
        f"| {stamp} | {scale} | {b} | {load} | {t} | {m} | {ok} |"
        for b, t, m, ok in met
    ]
    return [
        HISTORY,
        "",
        "Every run of `make bench` adds its targets here (newest last), with the"
        " machine's load average (1, 5, 15 min) when it began → when it ended: 2"
        " cores, shared with the other sessions' tests and servers, so a figure"
        " taken at a load of 6 is not one taken at 1.",
        "",
        "| run | dossiers | backend | load | target | measured | |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        *kept,
        "",
    ]


def _with_history(text: str, section: list[str]) -> str:
    """``text`` with its *Runs* section replaced by ``section`` (or added)."""
    if HISTORY not in text:
        return text.rstrip("\n") + "\n\n" + "\n".join(section)
    before, after = text.split(HISTORY, 1)
    rest = after.split("\n## ", 1)
    tail = "\n## " + rest[1] if len(rest) > 1 else ""
    return before + "\n".join(section) + tail


def write_doc(rows: list[dict[str, Any]], args: argparse.Namespace) -> None:
    met = targets(rows, args.cases)
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    runs = history(old, met, args)
    if args.scale == "national":
        write_national(rows, args, met)
        DOC.write_text(_with_history(old, runs), encoding="utf-8")
        return
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`python -m bench`); the latest run replaces it,"
        " except the history of runs at the end. The national picture (`make bench"
        " SCALE=national`) is in [performance-national.md](performance-national.md).",
        f"Run as: `python -m bench --cases {args.cases}"
        f" --only {','.join(args.only)} --backend {args.backend}`.",
        "",
        *machine(),
        f"- load average when the run began {args.load_before}",
        "",
        "## Targets",
        "",
        "| backend | target | measured | |",
        "| --- | --- | --- | --- |",
        *[f"| {b} | {t} | {m} | {ok} |" for b, t, m, ok in met],
        "",
        "## Figures",
        "",
        *table(rows),
        "",
        HOW_TO_READ,
        MISSES,
        NATIONAL_TEXT,
        "## Query plans",
        "",
        "The queries on the task and case tables each page ran, with the database's"
        " plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL), at"
        f" {args.cases:_} cases.".replace("_", "."),
        "",
    ]
    for r in rows:
        if r["unit"] != "plan":
            continue
        lines += [
            f"### {r['backend']}: {r['label']} ({r['note'] or 'plan'})",
            "",
            "```sql",
            r["sql"][:1500],
            "```",
            "",
            "```",
            r["plan"],
            "```",
            "",
        ]
    lines += runs
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text("\n".join(lines), encoding="utf-8")


def write_national(
    rows: list[dict[str, Any]],
    args: argparse.Namespace,
    met: list[tuple[str, str, str, str]],
) -> None:
    """docs/performance-national.md: the figures of the national run; what they
    mean (and what one machine cannot do) is written in docs/performance.md."""
    lines = [
        "# Performance at national scale",
        "",
        "Written by `make bench SCALE=national`; the latest run replaces it. What"
        " the figures mean, and how Wegwijs runs on more than one machine, is in"
        " [performance.md](performance.md#national-scale).",
        "",
        *machine(),
        f"- load average when the run began {args.load_before}",
        f"- {args.cases:_} dossiers over {args.gemeenten} gemeenten and"
        f" {args.mb_organisations} MB-organisaties; HTTP with {args.users}"
        " gebruikers".replace("_", "."),
        "",
        "## Targets",
        "",
        "| backend | target | measured | |",
        "| --- | --- | --- | --- |",
        *[f"| {b} | {t} | {m} | {ok} |" for b, t, m, ok in met],
        "",
        "## Figures",
        "",
        *table(rows),
        "",
    ]
    NATIONAL_DOC.write_text("\n".join(lines), encoding="utf-8")


def print_table(rows: list[dict[str, Any]], cases: int) -> None:
    print()
    print(f"{'meting':66} {'backend':10} {'p50':>9} {'p95':>9} {'n':>5}  eenheid")
    section = None
    for r in rows:
        if r["unit"] == "plan":
            continue
        if r["section"] != section:
            section = r["section"]
            print(f"-- {section}")
        print(
            f"  {r['label'][:64]:64} {r['backend']:10} {_fmt(r['p50'], r['unit']):>9}"
            f" {_fmt(r['p95'], r['unit']):>9} {r['n']:>5}  {r['unit']:3} {r['note']}"
        )
    print()
    print("Doelen:")
    for backend, target, measured, ok in targets(rows, cases):
        print(f"  [{ok}] {backend}: {target} — {measured}")


def _settle(args: argparse.Namespace) -> None:
    """The scale's settings, the sections, and the load as the run begins."""
    args.load_before = _load()
    only = args.only
    if args.scale == "national":
        for name, value in NATIONAL.items():
            setattr(args, name, value)
    if only is not None:  # a part of the run: --only narrows either scale
        args.only = [s for s in only.split(",") if s]
    elif args.scale != "national":
        args.only = list(SECTIONS)


def _from_rows(args: argparse.Namespace) -> int:
    """The docs from the rows a run saved (one file, or several joined by commas:
    the parts of a run made with --only)."""
    rows: list[dict[str, Any]] = []
    loads = []
    for name in args.from_rows.split(","):
        saved = json.loads(Path(name).read_text())
        if isinstance(saved, list):  # saved before the load was
            saved = {"load_before": "?", "rows": saved}
        loads.append(saved["load_before"])
        rows += saved["rows"]
    args.load_before = "; ".join(loads)
    print_table(rows, args.cases)
    write_doc(rows, args)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--only", default=None, help=f"any of {','.join(SECTIONS)} (default: all)"
    )
    parser.add_argument(
        "--backend", choices=("all", "sqlite", "postgresql"), default="all"
    )
    parser.add_argument(
        "--duration", type=float, default=60.0, help="seconds of HTTP load"
    )
    parser.add_argument(
        "--no-doc", action="store_true", help="print only, leave docs/ alone"
    )
    parser.add_argument("--users", type=int, default=20, help="HTTP load users")
    parser.add_argument("--gemeenten", type=int, default=50)
    parser.add_argument("--mb-organisations", type=int, default=20)
    parser.add_argument(
        "--log-records",
        type=int,
        default=200_000,
        help="processing records of the simulated year (section log)",
    )
    parser.add_argument("--scale", choices=("default", "national"), default="default")
    parser.add_argument("--sweeps", default="1,10", help=argparse.SUPPRESS)
    parser.add_argument("--during", default="", help=argparse.SUPPRESS)
    parser.add_argument(
        "--from-rows",
        metavar="JSON",
        help="write the docs from the rows an earlier run saved (.bench/rows.json)",
    )
    args = parser.parse_args(argv)
    _settle(args)
    if args.from_rows:
        return _from_rows(args)
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    WORK.mkdir(exist_ok=True)
    backends = ["sqlite", "postgresql"] if args.backend == "all" else [args.backend]
    if "postgresql" in backends and pg_admin() is None:
        log(f"PostgreSQL ({PG_SERVER}) antwoordt niet: alleen SQLite.")
        backends.remove("postgresql")
    rows: list[dict[str, Any]] = []
    for backend in backends:
        rows += run_backend(backend, args)
    print_table(rows, args.cases)
    (WORK / f"rows{'-national' if args.scale == 'national' else ''}.json").write_text(
        json.dumps(
            {"load_before": args.load_before, "rows": rows}, default=str, indent=1
        )
    )
    if not args.no_doc:
        write_doc(rows, args)
        print(f"\nGeschreven: {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
