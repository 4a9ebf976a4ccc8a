"""The API at scale, on the seeded cases (bench/seed.py).

- ``POST /api/v1/aanmeldingen`` through Django's test Client (every middleware, the
  bearer token, need-to-know, the registration with the aanmelding form's checks, the
  engine's start, the outbox row, the processing-log record), into the largest
  gemeente of N cases: p50 and p95 of server time per aanmelding.
- 1,000 events delivered to a receiver on loopback that fails every third call: the
  outbox fanned out, each delivery sent signed and retried after its back-off (set
  short here) until every event arrived; the figure is the time until the last one
  arrived, with how many arrived, how many were lost and how many came twice. The
  worker is django-tasks' immediate backend (the test settings): the sweep sends in
  its own process, as ``run_worker`` would beside it.
"""

import json
import statistics
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from bench.stats import percentile

SECTION = "API en gebeurtenissen"
SAMPLES = 200
WARM_UP = 10
EVENTS = 1_000


def _api_client(gemeente: Any, scopes: list[str]) -> tuple[Any, Any, str]:
    """(test Client, ApiClient, token) for a client of ``gemeente``."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from webui.api.services import client_register, token_issue

    beheerder = get_user_model().objects.order_by("pk").first()
    client, secret = client_register(
        organisation=gemeente,
        name="Bench",
        scopes=scopes,
        expires_at=timezone.now() + timedelta(days=1),
        user=beheerder,
    )
    _client, token, _seconds = token_issue(
        client_id=client.client_id, client_secret=secret
    )
    return Client(HTTP_HOST="127.0.0.1"), client, token


def _answers(number: int) -> dict[str, Any]:
    return {
        "voornaam": "Bench",
        "achternaam": f"Persoon {number}",
        "geboortedatum": "1990-04-01",
        "herkomstland": "Eritrea",
        "gezinsgrootte": 2,
        "soort_aanmelding": "asiel",
        "aangemeld_door": "gemeente",
        "koppeling_datum": "2026-01-05",
        "datum_binnenkomst": "2026-01-20",
    }


def aanmelding_rows(info: Any) -> list[dict[str, Any]]:
    from webui.accounts.models import Gemeente
    from webui.cases.models import Case

    gemeente = Gemeente.objects.get(pk=info.gemeente_ids[0])
    http, _client, token = _api_client(gemeente, ["aanmeldingen.schrijven"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    total = Case.objects.count()
    times = []
    for number in range(WARM_UP + SAMPLES):
        body = json.dumps(
            {"referentie": f"bench-{number}", "gegevens": _answers(number)}
        )
        start = time.perf_counter()
        answer = http.post(
            "/api/v1/aanmeldingen", body, content_type="application/json", **headers
        )
        elapsed = (time.perf_counter() - start) * 1000
        assert answer.status_code == 201, answer.content
        if number >= WARM_UP:
            times.append(elapsed)
    over_http = _over_http(token, total)
    again = json.dumps({"referentie": "bench-0", "gegevens": _answers(0)})
    repeat = []
    for _ in range(50):
        start = time.perf_counter()
        answer = http.post(
            "/api/v1/aanmeldingen", again, content_type="application/json", **headers
        )
        repeat.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200
    return [
        {
            "section": SECTION,
            "label": "POST /api/v1/aanmeldingen (nieuw dossier)",
            "p50": statistics.median(times),
            "p95": percentile(times, 95),
            "n": len(times),
            "unit": "ms",
            "note": f"in de grootste gemeente, {total:_} dossiers".replace("_", "."),
            "target": "aanmelding",
            "via": "test-client",
            "cases": total,
        },
        over_http,
        {
            "section": SECTION,
            "label": "POST /api/v1/aanmeldingen (herhaald, al bekend)",
            "p50": statistics.median(repeat),
            "p95": percentile(repeat, 95),
            "n": len(repeat),
            "unit": "ms",
            "note": "dezelfde referentie: 200 met het bestaande dossier",
        },
    ]


def _over_http(token: str, total: int) -> dict[str, Any]:
    """The same POST as a client sends it: over loopback to gunicorn (production
    settings, one sync worker, as behind a TLS proxy), one request at a time; the
    time from sending to the last byte of the answer."""
    import http.client
    import os

    from bench.http_load import HOST, Gunicorn, free_port

    # The time of the service, not of its rate limit (600 a minute per client).
    os.environ.setdefault("WEGWIJS_API_RATE", "100000")
    server = Gunicorn(free_port(), workers=1)
    headers = {
        "Host": HOST,
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": HOST,
        "Authorization": f"Bearer {token}",
        "Content-Type": "application/json",
    }
    times = []
    cpu: list[float] = []
    try:
        connection = http.client.HTTPConnection(HOST, server.port, timeout=60)
        for number in range(WARM_UP + SAMPLES):
            body = json.dumps(
                {"referentie": f"bench-http-{number}", "gegevens": _answers(number)}
            )
            started = time.perf_counter()
            connection.request("POST", "/api/v1/aanmeldingen", body, headers)
            answer = connection.getresponse()
            content = answer.read()
            elapsed = (time.perf_counter() - started) * 1000
            assert answer.status == 201, content
            if number >= WARM_UP:
                times.append(elapsed)
            if number == WARM_UP - 1:
                cpu = _cpu_seconds(server.process.pid)
        connection.close()
        cpu += _cpu_seconds(server.process.pid)
    finally:
        server.stop()
    note = f"gunicorn, 1 worker, loopback; {total:_} dossiers".replace("_", ".")
    if len(cpu) == 2:
        per_request = (cpu[1] - cpu[0]) * 1000 / SAMPLES
        note += f"; CPU-tijd van de worker gemiddeld {per_request:.0f} ms per verzoek"
    return {
        "section": SECTION,
        "label": "POST /api/v1/aanmeldingen over HTTP (nieuw dossier)",
        "p50": statistics.median(times),
        "p95": percentile(times, 95),
        "n": len(times),
        "unit": "ms",
        "note": note,
        "target": "aanmelding",
        "via": "HTTP",
        "cases": total,
    }


def _cpu_seconds(master: int) -> list[float]:
    """The CPU time of gunicorn's workers so far (Linux /proc), in seconds."""
    import os
    from pathlib import Path

    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in children:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(stat[11]) + int(stat[12])) / ticks  # utime, stime
    except (OSError, ValueError, IndexError):
        return []
    return [total]


class _Receiver:
    """Fails every third call (500), records the event ids of the others."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.calls = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.calls += 1
                    fail = receiver.calls % 3 == 0
                    if not fail:
                        receiver.ids.append(json.loads(body)["id"])
                self.send_response(500 if fail else 204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"


def events_rows(info: Any) -> list[dict[str, Any]]:
    from django.conf import settings
    from django.utils import timezone

    from webui.accounts.models import Gemeente
    from webui.api.models import Delivery
    from webui.api.services import subscription_create
    from webui.api.tasks import events_sweep
    from webui.cases.models import Case
    from webui.events.models import OutboxEvent
    from webui.events.services import case_events_record

    settings.WEGWIJS_EVENTS_RETRY_SECONDS = 0.2
    settings.WEGWIJS_EVENTS_ATTEMPTS = 20
    settings.WEGWIJS_EVENTS_ALLOW_HTTP = True
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = True  # the receiver is on loopback
    gemeente = Gemeente.objects.get(pk=info.gemeente_ids[0])
    receiver = _Receiver()
    _http, client, _token = _api_client(
        gemeente, ["dossiers.lezen", "gebeurtenissen.abonneren"]
    )
    subscription_create(
        client=client, url=receiver.url, types=["nl.wegwijs.mijlpaal.bereikt"]
    )
    OutboxEvent.objects.filter(fanned_out_at__isnull=True).update(
        fanned_out_at=timezone.now()
    )  # what the seed and the aanmeldingen left: not part of this figure
    cases = list(Case.objects.filter(gemeente=gemeente)[:EVENTS])
    now = timezone.now()
    for number in range(EVENTS):
        case_events_record(
            case=cases[number % len(cases)], at=now, milestones=["pip_opgesteld"]
        )
    start = time.perf_counter()
    sweeps = 0
    while time.perf_counter() - start < 120:
        events_sweep()
        sweeps += 1
        if not Delivery.objects.filter(status=Delivery.Status.PENDING).exists():
            break
        time.sleep(0.1)
    seconds = time.perf_counter() - start
    receiver.server.shutdown()
    unique = set(receiver.ids)
    delivered = Delivery.objects.filter(status=Delivery.Status.DELIVERED).count()
    return [
        {
            "section": SECTION,
            "label": f"{EVENTS} gebeurtenissen afgeleverd, ontvanger faalt 1 op 3",
            "p50": seconds,
            "p95": None,
            "n": 1,
            "unit": "s",
            "note": f"{len(unique)} aangekomen, {EVENTS - len(unique)} verloren,"
            f" {len(receiver.ids) - len(unique)} dubbel; {receiver.calls} aanroepen,"
            f" {sweeps} rondes, {delivered} afleveringen afgeleverd",
            "target": "events",
            "lost": EVENTS - len(unique),
            "double": len(receiver.ids) - len(unique),
        }
    ]


def rows(info: Any) -> list[dict[str, Any]]:
    return aanmelding_rows(info) + events_rows(info)
