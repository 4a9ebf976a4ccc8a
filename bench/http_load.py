"""HTTP load on loopback: users working their queues against gunicorn.

gunicorn serves ``webui.wsgi`` with production settings (DEBUG off, HTTPS as behind a
TLS proxy: the client sends ``X-Forwarded-Proto: https``) and ``WORKERS`` sync
workers, on the database of the run. ``USERS`` regievoerders of the four load
gemeenten (five per gemeente, sharing its pool: bench/seed.py) each log in through
the login form and loop: open the queue (tab *oppakken*), open one of its tasks at
random, post the voortgangsgesprek form with valid answers. Colleagues of one
gemeente pick from the same first page, so some of them race for a task; the loser
gets the form back with "al afgerond" (counted as a refusal, not an error).

Two rounds, bounded in time: with think time (a person reads each page:
``THINK`` seconds on average between requests) and without (every user fires its
next request at once: what the server can take). Afterwards the database is checked:
every completion the server acknowledged (302) has exactly one submission and a task
row done by that user, no task has two submissions, and no task row was completed
during the load without a submission.

The client runs threads (the bench only; the app never does).
"""

import http.client
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
    while not stop.is_set():
        try:
            _cycle(browser, username, answers, think)
        except Exception as exc:  # noqa: BLE001 - counted, not raised
            tally.error(str(exc))
            time.sleep(1)  # no tight loop of errors


def _round(
    port: int, users: list[str], answers: dict[str, Any], think: float, seconds: float
) -> tuple[Tally, float]:
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
    tally.measuring = True
    start = time.perf_counter()
    time.sleep(seconds)
    tally.measuring = False
    elapsed = time.perf_counter() - start
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
            f" {tally.refused} keer al afgerond door een collega",
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


def rows(info: Any, *, duration: float = 60.0, users: int = 20) -> list[dict]:
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
    acknowledged: list[tuple[str, str]] = []
    errors: list[str] = []
    try:
        for label, think, seconds in (
            (f"{len(names)} gebruikers, bedenktijd ~{THINK:.0f} s", THINK, duration),
            (f"{len(names)} gebruikers, zonder bedenktijd", 0.0, duration / 2),
        ):
            tally, elapsed = _round(server.port, names, answers, think, seconds)
            out += _rows(label, tally, elapsed, think)
            acknowledged += tally.acknowledged
            errors += tally.errors
    finally:
        server.stop()
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
