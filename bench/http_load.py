"""HTTP load on loopback: users working their queues against gunicorn.

gunicorn serves ``webui.wsgi`` with production settings (DEBUG off, HTTPS as behind a
TLS proxy: the client sends ``X-Forwarded-Proto: https``) and ``WORKERS`` sync
workers, on the database of the run. ``USERS`` regievoerders of the four load
gemeenten (five per gemeente, sharing its pool: bench/seed.py) each log in through
the login form and loop: open the queue (tab *oppakken*), open one of its tasks at
random, post the voortgangsgesprek form with valid answers. Colleagues of one
gemeente pick from the same first page, so some of them race for a task; the loser
gets the form back with "al afgerond" (counted as a refusal, not an error).

Rounds: with think time (a person reads each page: ``THINK`` seconds on average
between requests), bounded in time; with think time while the timer sweep of the
day or the export of the largest gemeente runs in a process of its own (``during``),
for as long as that takes; and without think time (every user fires its next
request at once), the users doubling until p95 passes ``STEP_LIMIT_MS``: the most
the server takes, with where each request's time went (gunicorn's access log, the
CPU of its workers and their database backends). Afterwards the database is checked:
every completion the server acknowledged (302) has exactly one submission and a task
row done by that user, no task has two submissions, and no task row was completed
during the load without a submission.

The client runs threads (the bench only; the app never does).
"""

import http.client
import json
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection

from bench.seed import LOOP_ANSWERS, PASSWORD
from bench.stats import percentile

SECTION = "HTTP-belasting"
WORKERS = 4
# Seconds a person takes on a page before the next click, on average (uniform
# between half and one and a half times this).
THINK = 3.0
TASK_LINK = re.compile(r'href="/taak/([0-9a-f-]{36})/"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
HOST = "127.0.0.1"


def free_port(start: int | None = None) -> int:
    """A free port from WEGWIJS_BENCH_PORT on (8123 unless set): on a shared machine
    each session keeps to its own range."""
    first = start or int(os.environ.get("WEGWIJS_BENCH_PORT", "8123"))
    for port in range(first, first + 200):
        with socket.socket() as probe:
            if probe.connect_ex((HOST, port)) != 0:
                return port
    raise RuntimeError("no free port")


# ---- the server ----------------------------------------------------------------------


class Gunicorn:
    def __init__(self, port: int, workers: int) -> None:
        self.port = port
        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("postgresql"):
            url = (
                f"postgres://{db['USER']}@{db['HOST'] or HOST}:{db['PORT'] or 5432}"
                f"/{db['NAME']}"
            )
        else:
            url = f"sqlite:///{db['NAME']}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "webui.settings.production",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": HOST,
            "DJANGO_BEHIND_PROXY": "1",
            "DATABASE_URL": url,
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.access_log = Path(".bench") / f"gunicorn-access-{port}.log"
        self.access_log.unlink(missing_ok=True)
        self.log = open(Path(".bench") / "gunicorn.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "webui.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                f"{HOST}:{port}",
                "--timeout",
                "60",
                "--forwarded-allow-ips",
                HOST,
                # The time each request spent in a worker (microseconds): the
                # rest of what a user waited was the queue for a free worker.
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(D)s %(s)s",
            ],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex((HOST, port)) == 0:
                    return
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn stopped; see .bench/gunicorn.log")
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def workers(self) -> list[int]:
        """The process ids of the workers (the master's children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        if not children.exists():
            return []
        return [int(pid) for pid in children.read_text().split()]

    def served_since(self, offset: int) -> tuple[list[float], int]:
        """Server milliseconds of the requests logged after ``offset``, and the new
        offset."""
        if not self.access_log.exists():
            return [], offset
        with self.access_log.open("rb") as log:
            log.seek(offset)
            text = log.read()
        times = []
        for line in text.decode("utf-8", "replace").splitlines():
            first = line.split(" ", 1)[0]
            if first.isdigit():
                times.append(int(first) / 1000)
        return times, offset + len(text)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


# ---- one user ------------------------------------------------------------------------


@dataclass
class Tally:
    """What all users saw; appended to under a lock."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    acknowledged: list[tuple[str, str]] = field(default_factory=list)  # (task, user)
    refused: int = 0
    measuring: bool = False
    outcome: Any = None  # what the work during the round returned
    server: dict[str, float] = field(default_factory=dict)  # Meter.stop()

    def seen(self, kind: str, ms: float) -> None:
        if self.measuring:
            with self.lock:
                self.latencies.setdefault(kind, []).append(ms)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


class Browser:
    """One person's session: cookies kept by hand (the production cookies are
    ``Secure``; the proxy header says the request came over HTTPS)."""

    def __init__(self, port: int, tally: Tally) -> None:
        self.port = port
        self.tally = tally
        self.cookies: dict[str, str] = {}
        self.origin = f"https://{HOST}:{port}"

    def request(
        self, kind: str, method: str, path: str, form: dict[str, Any] | None = None
    ) -> tuple[int, str, str]:
        headers = {
            "Host": f"{HOST}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": HOST,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
            headers["Referer"] = self.origin + path
        start = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        self.tally.seen(kind, (time.perf_counter() - start) * 1000)
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.status >= 500:
            raise RuntimeError(f"{method} {path}: {response.status}")
        return response.status, response.getheader("Location") or "", text

    def login(self, username: str) -> None:
        _status, _loc, page = self.request("inloggen", "GET", "/inloggen/")
        token = CSRF_FIELD.search(page)
        if token is None:
            raise RuntimeError("no CSRF token on the login page")
        status, _loc, _page = self.request(
            "inloggen",
            "POST",
            "/inloggen/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "username": username,
                "password": PASSWORD,
            },
        )
        if status != 302:
            raise RuntimeError(f"login of {username} failed ({status})")


def _answers() -> dict[str, Any]:
    """The voortgangsgesprek's step 0 as a browser posts it."""
    from webui.definitions.bundles import bundle_of
    from webui.definitions.models import DefinitionVersion
    from webui.demo.seed import sample_answers

    version = DefinitionVersion.objects.filter(gemeente__isnull=False).first()
    definition = bundle_of(version).forms.get("voortgangsgesprek")
    answers = sample_answers(
        definition,
        today=date.today(),
        user_for_role=lambda role: "",
        overrides=LOOP_ANSWERS,
    )
    posted = {}
    for name, value in answers.items():
        if isinstance(value, bool):
            value = "ja" if value else "nee"
        elif isinstance(value, date):
            value = value.isoformat()
        elif value is None:
            value = ""
        elif isinstance(value, list):
            value = [str(v) for v in value]
        posted[f"0-{name}"] = value
    return posted


def _cycle(browser: Browser, username: str, answers: dict[str, Any], think: float):
    """Queue → task → complete; returns when done (or when the task was gone)."""
    rnd = random.Random()

    def pause() -> None:
        if think:
            time.sleep(rnd.uniform(0.5 * think, 1.5 * think))

    _status, _loc, page = browser.request("werkvoorraad", "GET", "/?lijst=oppakken")
    tasks = TASK_LINK.findall(page)
    if not tasks:
        raise RuntimeError(f"{username}: an empty queue")
    task_id = rnd.choice(tasks[:25])
    pause()
    path = f"/taak/{task_id}/"
    _status, _loc, page = browser.request("taak openen", "GET", path)
    token = CSRF_FIELD.search(page)
    if token is None or f'name="task_{task_id}-current_step"' not in page:
        with browser.tally.lock:
            browser.tally.refused += 1  # taken by a colleague meanwhile
        pause()
        return
    pause()
    form = {
        "csrfmiddlewaretoken": token.group(1),
        f"task_{task_id}-current_step": "0",
        **answers,
    }
    status, _loc, page = browser.request("taak afronden", "POST", path, form)
    if status == 302:
        with browser.tally.lock:
            browser.tally.acknowledged.append((task_id, username))
    elif "al afgerond" in page or "staat niet meer open" in page:
        with browser.tally.lock:
            browser.tally.refused += 1
    else:
        raise RuntimeError(f"{username}: completion not accepted ({status})")
    pause()


def _user(
    port: int,
    username: str,
    tally: Tally,
    answers: dict[str, Any],
    think: float,
    ready: threading.Barrier,
    stop: threading.Event,
) -> None:
    browser = Browser(port, tally)
    try:
        browser.login(username)
        _cycle(browser, username, answers, 0)  # warm-up: every worker parses once
    except Exception as exc:  # noqa: BLE001 - counted, not raised
        tally.error(f"warm-up {username}: {exc}")
    ready.wait()
    if think:
        # People do not all click at the same moment: spread the first cycles over
        # one cycle's length instead of releasing every user at once.
        stop.wait(random.uniform(0, 3 * think))
    while not stop.is_set():
        try:
            _cycle(browser, username, answers, think)
        except Exception as exc:  # noqa: BLE001 - counted, not raised
            tally.error(str(exc))
            time.sleep(1)  # no tight loop of errors


# ---- where the time goes -------------------------------------------------------------


def _cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process used so far (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        used[pid] = (int(fields[11]) + int(fields[12])) / tick
    return used


def _machine() -> tuple[float, float]:
    """(busy, total) jiffies of all cores so far (/proc/stat)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split()[1:9]]
    except OSError:
        return 0.0, 0.0
    idle = values[3] + values[4]  # idle, iowait
    return float(sum(values) - idle), float(sum(values))


def _backends() -> list[int]:
    """The PostgreSQL backends of this database but the bench's own connection:
    the gunicorn workers' (kept open between requests: CONN_MAX_AGE)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass
class Meter:
    """What the server did while one round was measured: server time per request
    from gunicorn's access log, CPU of its workers and of their database backends,
    and how busy the whole machine was."""

    server: "Gunicorn"
    offset: int = 0
    workers: dict[int, float] = field(default_factory=dict)
    backends: dict[int, float] = field(default_factory=dict)
    machine: tuple[float, float] = (0.0, 0.0)

    def start(self) -> None:
        _times, self.offset = self.server.served_since(0)
        self.workers = _cpu(self.server.workers())
        self.backends = _cpu(_backends())
        self.machine = _machine()

    def stop(self) -> dict[str, float]:
        served, _offset = self.server.served_since(self.offset)
        workers = _cpu(self.server.workers())
        backends = _cpu(_backends())
        busy, total = _machine()

        def spent(before: dict[int, float], after: dict[int, float]) -> float:
            return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())

        n = max(len(served), 1)
        return {
            "served": len(served),
            "server_mean": sum(served) / n,
            "server_p95": percentile(served, 0.95) if served else 0.0,
            "django_cpu": spent(self.workers, workers) * 1000 / n,
            "db_cpu": spent(self.backends, backends) * 1000 / n,
            "busy": (busy - self.machine[0]) / max(total - self.machine[1], 1.0),
        }


def _round(
    port: int,
    users: list[str],
    answers: dict[str, Any],
    think: float,
    seconds: float,
    work: Any = None,
    meter: Meter | None = None,
) -> tuple[Tally, float]:
    """Users at work for ``seconds``, or while ``work()`` runs when given (then the
    round is measured for as long as it takes)."""
    tally = Tally()
    ready = threading.Barrier(len(users) + 1)
    stop = threading.Event()
    threads = [
        threading.Thread(
            target=_user, args=(port, name, tally, answers, think, ready, stop)
        )
        for name in users
    ]
    for thread in threads:
        thread.start()
    ready.wait()
    if meter is not None:
        meter.start()
    tally.measuring = True
    start = time.perf_counter()
    try:
        if work is not None:
            tally.outcome = work()
        else:
            time.sleep(seconds)
    finally:
        tally.measuring = False
        elapsed = time.perf_counter() - start
        if meter is not None:
            tally.server = meter.stop()
        stop.set()
        for thread in threads:
            thread.join()
    return tally, elapsed


# ---- the check afterwards ------------------------------------------------------------


def verify(acknowledged: list[tuple[str, str]], since: Any) -> dict[str, int]:
    from django.db.models import Count

    from webui.cases.models import Submission
    from webui.logs.models import AuditEvent
    from webui.tasks.models import TaskItem

    task_ids = [task for task, _user in acknowledged]
    by_task = dict(
        Submission.objects.filter(task_id__in=task_ids)
        .values("task_id")
        .annotate(n=Count("id"))
        .values_list("task_id", "n")
    )
    items = {
        item.task_id: item
        for item in TaskItem.objects.filter(task_id__in=task_ids).select_related(
            "completed_by"
        )
    }
    lost = sum(1 for task in task_ids if by_task.get(task, 0) == 0)
    double = sum(1 for n in by_task.values() if n > 1)
    wrong_row = sum(
        1
        for task, user in acknowledged
        if task not in items
        or items[task].state != "done"
        or items[task].completed_by is None
        or items[task].completed_by.username != user
    )
    done_in_window = set(
        TaskItem.objects.filter(state="done", completed_at__gte=since).values_list(
            "task_id", flat=True
        )
    )
    submitted = set(
        Submission.objects.filter(submitted_at__gte=since).values_list(
            "task_id", flat=True
        )
    )
    double_anywhere = (
        Submission.objects.filter(submitted_at__gte=since)
        .values("case_id", "task_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    audits = AuditEvent.objects.filter(event="task_completed", at__gte=since).count()
    return {
        "acknowledged": len(task_ids),
        "acknowledged_twice": len(task_ids) - len(set(task_ids)),
        "lost": lost,
        "double": double + double_anywhere,
        "wrong_row": wrong_row,
        "done_without_submission": len(done_in_window - submitted),
        "submitted_unacknowledged": len(submitted - set(task_ids)),
        "submissions": len(submitted),
        "audit_events": audits,
    }


# ---- the figures ---------------------------------------------------------------------


def _rows(label: str, tally: Tally, elapsed: float, think: float) -> list[dict]:
    every = [ms for samples in tally.latencies.values() for ms in samples]
    completions = len(tally.latencies.get("taak afronden", []))
    out = [
        {
            "section": SECTION,
            "label": f"{label}: alle verzoeken",
            "p50": statistics.median(every) if every else None,
            "p95": percentile(every, 0.95) if every else None,
            "n": len(every),
            "unit": "ms",
            "note": f"{len(every) / elapsed:.1f} verzoeken/s,"
            f" {completions / elapsed:.1f} afrondingen/s; {len(tally.errors)} fouten,"
            f" {tally.refused} keer al afgerond door een collega"
            + _where(tally.server, every),
            "errors": len(tally.errors),
            "think": think,
            "target": "http" if think else None,
        }
    ]
    for kind in ("werkvoorraad", "taak openen", "taak afronden"):
        samples = tally.latencies.get(kind, [])
        if samples:
            out.append(
                {
                    "section": SECTION,
                    "label": f"{label}: {kind}",
                    "p50": statistics.median(samples),
                    "p95": percentile(samples, 0.95),
                    "n": len(samples),
                    "unit": "ms",
                    "note": "",
                }
            )
    return out


# ---- work beside the users -----------------------------------------------------------

# Users per step of the rounds without think time, doubling until p95 passes this.
STEP_LIMIT_MS = 500
ROOT = Path(__file__).resolve().parent.parent


def _child(args: list[str]) -> dict[str, Any]:
    """A bench module in a process of its own (as the task worker beside the web
    server); its JSON answer."""
    completed = subprocess.run(
        [sys.executable, "-m", *args],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ},
        cwd=ROOT,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _sweep(info: Any) -> Any:
    """The timer sweep of the day (1% due at the seed moment)."""
    return lambda: _child(["bench.timers", "--at", info.now.isoformat()])


def _export(info: Any) -> Any:
    """The manager of the largest gemeente exports all of its cases."""
    from webui.accounts.models import Gemeente

    slug = Gemeente.objects.get(pk=info.gemeente_ids[0]).slug
    database = settings.DATABASES["default"]["NAME"]
    target = ROOT / ".bench" / "export-during-load.xlsx"
    return lambda: _child(
        ["bench.export", "--measure-export", database, "--user", f"{slug}.manager1"]
        + ["--target", str(target)]
    )


def _where(server: dict[str, float], latencies: list[float]) -> str:
    """Where the time of a request went, for the note of its row."""
    if not server or not latencies:
        return ""
    mean = sum(latencies) / len(latencies)
    return (
        f"; per verzoek gem. {mean:.0f} ms: in de worker {server['server_mean']:.0f}"
        f" ms (p95 {server['server_p95']:.0f}), wachten op een worker en de client"
        f" {max(mean - server['server_mean'], 0):.0f} ms; CPU per verzoek: Django"
        f" {server['django_cpu']:.0f} ms, PostgreSQL {server['db_cpu']:.0f} ms;"
        f" machine {server['busy'] * 100:.0f}% bezig"
    )


def _steps(
    port: int,
    names: list[str],
    answers: dict[str, Any],
    seconds: float,
    server: Gunicorn,
) -> tuple[list[dict], list[Tally]]:
    """Rounds without think time, the users doubling from one until p95 passes
    ``STEP_LIMIT_MS`` (or all users are at work): the most requests per second
    served within it, and where each request's time went."""
    out: list[dict] = []
    tallies: list[Tally] = []
    best: tuple[float, int, float] | None = None  # (requests/s, users, p95)
    count = 1
    while True:
        tally, elapsed = _round(
            port, names[:count], answers, 0.0, seconds, meter=Meter(server)
        )
        tallies.append(tally)
        every = [ms for samples in tally.latencies.values() for ms in samples]
        p95 = percentile(every, 0.95) if every else None
        rps = len(every) / elapsed
        out.append(
            {
                "section": SECTION,
                "label": f"zonder bedenktijd, {count} gebruiker"
                + ("s" if count > 1 else ""),
                "p50": statistics.median(every) if every else None,
                "p95": p95,
                "n": len(every),
                "unit": "ms",
                "note": f"{rps:.1f} verzoeken/s; {len(tally.errors)} fouten"
                + _where(tally.server, every),
                "rps": rps,
                "users": count,
                "errors": len(tally.errors),
                "server": tally.server,
            }
        )
        if p95 is not None and p95 <= STEP_LIMIT_MS and not tally.errors:
            if best is None or rps > best[0]:
                best = (rps, count, p95)
        if p95 is None or p95 > STEP_LIMIT_MS or count >= len(names):
            break
        count = min(count * 2, len(names))
    out.append(
        {
            "section": SECTION,
            "label": f"meeste verzoeken/s met p95 ≤ {STEP_LIMIT_MS} ms",
            "p50": best[0] if best else None,
            "p95": None,
            "n": len(out),
            "unit": "verzoeken/s",
            "note": (
                f"bij {best[1]} gebruikers zonder bedenktijd (p95 {best[2]:.0f} ms)"
                if best
                else "geen stap bleef binnen de grens"
            ),
            "target": "http_max",
            "best": best,
        }
    )
    return out, tallies


def rows(
    info: Any,
    *,
    duration: float = 60.0,
    users: int = 20,
    during: tuple[str, ...] = (),
) -> list[dict]:
    """The HTTP rounds; with ``during`` ("timers", "export") also a round with think
    time while each of those runs in a process of its own."""
    from django.utils import timezone

    if connection.vendor != "postgresql":
        return [
            {
                "section": SECTION,
                "label": "HTTP-belasting",
                "p50": None,
                "p95": None,
                "n": 0,
                "unit": "",
                "note": "alleen tegen PostgreSQL gemeten (meerdere workers)",
            }
        ]
    names = info.load_users[:users]
    answers = _answers()
    since = timezone.now()
    server = Gunicorn(free_port(), WORKERS)
    out: list[dict] = []
    tallies: list[Tally] = []
    thinking = f"{len(names)} gebruikers, bedenktijd ~{THINK:.0f} s"
    try:
        tally, elapsed = _round(
            server.port, names, answers, THINK, duration, meter=Meter(server)
        )
        out += _rows(thinking, tally, elapsed, THINK)
        tallies.append(tally)
        if "timers" in during:
            from bench.timers import _warm

            _warm()
            tally, elapsed = _round(
                server.port, names, answers, THINK, 0, _sweep(info), Meter(server)
            )
            out += _rows(f"{thinking}, tijdens de timer-sweep", tally, elapsed, THINK)
            out.append(_sweep_row(tally.outcome))
            tallies.append(tally)
        if "export" in during:
            tally, elapsed = _round(
                server.port, names, answers, THINK, 0, _export(info), Meter(server)
            )
            out += _rows(f"{thinking}, tijdens de export", tally, elapsed, THINK)
            out.append(_export_row(tally.outcome))
            tallies.append(tally)
        steps, stepped = _steps(server.port, names, answers, duration / 4, server)
        out += steps
        tallies += stepped
    finally:
        server.stop()
    acknowledged = [a for tally in tallies for a in tally.acknowledged]
    errors = [e for tally in tallies for e in tally.errors]
    checked = verify(acknowledged, since)
    out.append(
        {
            "section": SECTION,
            "label": "controle in de database na de belasting",
            "p50": None,
            "p95": None,
            "n": checked["acknowledged"],
            "unit": "",
            "note": f"{checked['acknowledged']} bevestigde afrondingen;"
            f" kwijt {checked['lost']}, dubbel {checked['double']},"
            f" verkeerde taakregel {checked['wrong_row']},"
            f" afgerond zonder inzending {checked['done_without_submission']},"
            f" inzending zonder bevestiging {checked['submitted_unacknowledged']};"
            f" {checked['audit_events']} auditregels",
            "check": checked,
        }
    )
    if errors:
        Path(".bench/http-errors.txt").write_text("\n".join(errors), encoding="utf-8")
    return out


def _sweep_row(outcome: dict[str, Any]) -> dict[str, Any]:
    """The sweep that ran while the users worked, as the Timers section's row (the
    national target judges it)."""
    from webui.cases.models import Case

    total = Case.objects.count()
    moved = outcome["moved"]
    return {
        "section": "Timers",
        "label": f"sweep, 1% van {total:_} dossiers due, terwijl de gebruikers"
        " werken".replace("_", "."),
        "p50": outcome["seconds"] * 1000,
        "p95": None,
        "n": 1,
        "unit": "ms",
        "note": f"{moved:_} van {outcome['due']:_} due dossiers verder;".replace(
            "_", "."
        )
        + f" {outcome['seconds'] * 1000 / max(moved, 1):.1f} ms per dossier;"
        f" {outcome['cpu_seconds']:.1f} s CPU van het sweep-proces",
        "per_case": outcome["seconds"] * 1000 / max(moved, 1),
        "due": outcome["due"],
        "moved": moved,
        "timer_share": "1%",
    }


def _export_row(outcome: dict[str, Any]) -> dict[str, Any]:
    cases, open_tasks, pvt = outcome["rows"]
    return {
        "section": "Excel-export",
        "label": f"export grootste gemeente ({cases:_} dossiers), terwijl de"
        " gebruikers werken".replace("_", "."),
        "p50": outcome["seconds"],
        "p95": None,
        "n": 1,
        "unit": "s",
        "note": f"{open_tasks:_} open taken, {pvt:_} PVT-regels;".replace("_", ".")
        + f" {outcome['cpu_seconds']:.1f} s CPU van het exportproces;"
        f" piekgeheugen {outcome['peak_mb']:.0f} MB",
    }
