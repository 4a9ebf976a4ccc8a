"""Events out: an outbox row in the change's transaction, fanned out to the
subscriptions that may see the case, delivered as signed CloudEvents to a receiver
on loopback, retried with back-off, never doubled."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import vocabulary
from webui.api.delivery import backoff
from webui.api.models import Delivery
from webui.api.tasks import events_sweep
from webui.casework.services import CaseError
from webui.events.models import OutboxEvent
from webui.tasks.models import TaskItem

from ..test_outbound import rebinding

pytestmark = pytest.mark.django_db(transaction=True)

ALL_TYPES = list(vocabulary.EVENT_TYPES)


class Receiver:
    """A tiny HTTP server on loopback that records what it receives and answers
    500 to the calls listed in ``fail``."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.fail: set[int] = set()
        self.calls = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls += 1
                if receiver.calls in receiver.fail:
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.received.append((dict(self.headers), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/wegwijs"

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _headers, body in self.received]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    server = Receiver()
    yield server
    server.close()


def subscribe(api: Any, url: str, types: list[str] | None = None) -> str:
    answer = api.post("/api/v1/abonnementen", {"url": url, "typen": types or ALL_TYPES})
    assert answer.status_code == 201, answer.content
    return answer.json()["ondertekeningssleutel"]


def verify(key: str, headers: dict[str, str], body: bytes) -> bool:
    """What a receiver does (docs/api/README.md)."""
    parts = dict(p.split("=", 1) for p in headers["Wegwijs-Signature"].split(","))
    expected = hmac.new(
        key.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, parts["v1"])


def test_a_new_case_reaches_the_subscriber_signed_without_personal_data(
    world, api_for, receiver
):
    api = api_for(world.polderdam)
    key = subscribe(api, receiver.url)
    case = world.start()
    events_sweep()
    events = receiver.events()
    kinds = [e["type"] for e in events]
    assert "nl.wegwijs.dossier.aangemeld" in kinds
    assert "nl.wegwijs.mijlpaal.bereikt" in kinds
    aangemeld = events[kinds.index("nl.wegwijs.dossier.aangemeld")]
    assert aangemeld["specversion"] == "1.0"
    assert aangemeld["subject"] == case.reference
    assert aangemeld["data"]["dossier"].endswith(f"/api/v1/dossiers/{case.reference}")
    for headers, body in receiver.received:
        assert headers["Content-Type"].startswith("application/cloudevents+json")
        assert verify(key, headers, body)
        assert not verify("een-andere-sleutel", headers, body)
        text = body.decode()
        assert "Testa" not in text and "111222333" not in text
    assert Delivery.objects.filter(status="afgeleverd").count() == len(events)


def test_a_failing_receiver_gets_the_event_again_later_and_once(
    world, api_for, receiver
):
    api = api_for(world.polderdam)
    subscribe(api, receiver.url, ["nl.wegwijs.dossier.aangemeld"])
    receiver.fail = {1, 2}
    world.start()
    events_sweep()
    delivery = Delivery.objects.get()
    assert delivery.status == "wacht" and delivery.attempts == 1
    assert delivery.last_status == 500
    assert receiver.received == []
    # Not due yet: the sweep leaves it alone.
    events_sweep(now=delivery.last_attempt_at + backoff(1) / 2)
    assert Delivery.objects.get().attempts == 1
    events_sweep(now=delivery.next_attempt_at)
    second = Delivery.objects.get()
    assert second.attempts == 2 and second.status == "wacht"
    assert second.next_attempt_at - second.last_attempt_at == backoff(2)
    assert backoff(2) == 2 * backoff(1)
    events_sweep(now=second.next_attempt_at)
    third = Delivery.objects.get()
    assert third.status == "afgeleverd" and third.attempts == 3
    events_sweep(now=third.next_attempt_at + timedelta(hours=1))
    assert len(receiver.events()) == 1, "delivered once, not again"
    assert receiver.calls == 3


def test_an_unreachable_receiver_is_given_up_after_the_last_attempt(
    world, api_for, settings
):
    settings.WEGWIJS_EVENTS_ATTEMPTS = 2
    settings.WEGWIJS_EVENTS_TIMEOUT_SECONDS = 1
    api = api_for(world.polderdam)
    subscribe(api, "http://127.0.0.1:9/niemand", ["nl.wegwijs.dossier.aangemeld"])
    world.start()
    events_sweep()
    first = Delivery.objects.get()
    assert "niet bereikbaar" in first.last_error
    events_sweep(now=first.next_attempt_at)
    assert Delivery.objects.get().status == "mislukt"


def test_another_organisations_subscriber_hears_nothing(world, api_for, receiver):
    api = api_for(world.rivierstad)
    subscribe(api, receiver.url)
    world.start(world.polderdam)
    events_sweep()
    assert receiver.received == []
    assert OutboxEvent.objects.filter(fanned_out_at__isnull=False).exists()


def test_a_change_that_rolls_back_leaves_no_event(world, monkeypatch):
    from webui.casework.services import lifecycle

    def broken(**kwargs: Any) -> None:
        raise CaseError("kapot")

    monkeypatch.setattr(lifecycle, "change_rows", broken)
    with pytest.raises(CaseError):
        world.start()
    assert not OutboxEvent.objects.exists()


def test_closing_reopening_and_a_late_task_are_events(world, api_for, receiver):
    api = api_for(world.polderdam)
    subscribe(api, receiver.url)
    case = world.start()
    item = TaskItem.objects.filter(case=case, state="open").first()
    TaskItem.objects.filter(pk=item.pk).update(
        due_date=world.clock.now().date() - timedelta(days=3)
    )
    events_sweep()

    def late() -> list[str]:
        return [
            e["data"]["taak"]
            for e in receiver.events()
            if e["type"] == "nl.wegwijs.taak.te-laat"
        ]

    assert item.bpmn_id in late()
    first = late()
    events_sweep()
    assert late() == first and len(set(first)) == len(first), "once per task"
    case = world.run_to_end(case)
    events_sweep()
    kinds = [e["type"] for e in receiver.events()]
    assert kinds.count("nl.wegwijs.dossier.afgesloten") == 1
    from webui.casework.services import case_reopen

    case_reopen(
        case=case,
        user=world.who("coordinator", world.polderdam),
        reason="Terug in de gemeente",
        clock=world.clock,
    )
    events_sweep()
    kinds = [e["type"] for e in receiver.events()]
    assert kinds.count("nl.wegwijs.dossier.heropend") == 1
    ids = [e["id"] for e in receiver.events()]
    assert len(ids) == len(set(ids)), "no event twice"


def test_a_subscription_refuses_an_unknown_type_and_can_end(world, api_for, receiver):
    api = api_for(world.polderdam)
    bad = api.post("/api/v1/abonnementen", {"url": receiver.url, "typen": ["iets"]})
    assert bad.status_code == 400
    assert {p["name"] for p in bad.json()["invalidParams"]} == {"typen"}
    assert "Onbekende soorten" in bad.json()["detail"]
    no_url = api.post("/api/v1/abonnementen", {"url": "geen adres", "typen": ALL_TYPES})
    assert no_url.status_code == 400
    assert no_url.json()["invalidParams"][0]["name"] == "url"
    answer = api.post("/api/v1/abonnementen", {"url": receiver.url, "typen": ALL_TYPES})
    listed = api.get("/api/v1/abonnementen").json()
    assert [s["id"] for s in listed] == [answer.json()["id"]]
    assert "ondertekeningssleutel" not in listed[0]
    assert api.delete(f"/api/v1/abonnementen/{answer.json()['id']}").status_code == 204
    world.start()
    events_sweep()
    assert receiver.received == []


def test_a_pip_deadline_near_is_an_event(world, api_for, receiver):
    from webui.casework.services import timers_run

    api = api_for(world.polderdam)
    subscribe(api, receiver.url, ["nl.wegwijs.termijn.bijna-verstreken"])
    world.start()
    world.clock.advance(timedelta(weeks=9))  # two weeks before the ten weeks end
    timers_run(clock=world.clock)
    events_sweep()
    near = receiver.events()
    assert [e["data"]["termijn"] for e in near] == ["pip_termijn"]


def test_old_events_are_forgotten_unless_they_still_wait(world, api_for, receiver):
    api = api_for(world.polderdam)
    subscribe(api, receiver.url, ["nl.wegwijs.dossier.aangemeld"])
    world.start()
    events_sweep()
    assert Delivery.objects.get().status == "afgeleverd"
    receiver.fail = set(range(2, 100))
    world.start()
    events_sweep()
    waiting = Delivery.objects.get(status="wacht")
    later = waiting.last_attempt_at + timedelta(days=91)
    Delivery.objects.filter(pk=waiting.pk).update(next_attempt_at=later)
    events_sweep(now=later - timedelta(seconds=1))
    assert list(Delivery.objects.values_list("status", flat=True)) == ["wacht"]
    assert OutboxEvent.objects.filter(pk=waiting.event_id).exists()


def test_a_receiver_address_into_wegwijs_own_network_is_refused_naming_the_field(
    world, api_for
):
    api = api_for(world.polderdam)
    for url in (
        "http://169.254.169.254/latest/meta-data/",
        "https://10.0.0.7/hook",
        "https://[fd00::5]/hook",
    ):
        answer = api.post("/api/v1/abonnementen", {"url": url, "typen": ALL_TYPES[:1]})
        assert answer.status_code == 400, url
        [param] = answer.json()["invalidParams"]
        assert param["name"] == "url"
        assert (
            "Wegwijs maakt alleen verbinding met adressen op het internet"
            in (param["reason"])
        )
    assert not api.client.subscriptions.exists()


def test_a_receiver_whose_name_turns_inward_later_gets_nothing(
    world, api_for, receiver, settings, monkeypatch
):
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False
    api = api_for(world.polderdam)
    port = receiver.server.server_address[1]
    answers = rebinding(monkeypatch, "hooks.polderdam.example")
    subscribe(api, f"http://hooks.polderdam.example:{port}/wegwijs")
    answers["hooks.polderdam.example"] = "127.0.0.1"  # DNS changed since
    world.start()
    events_sweep()
    assert receiver.calls == 0
    refused = Delivery.objects.exclude(last_error="")
    assert refused.exists()
    assert all("geweigerd" in d.last_error for d in refused)
    assert all("loopback" in d.last_error for d in refused)


def test_a_sweep_reads_no_late_task_it_already_reported(world, api_for, receiver):
    """The sweep runs every few seconds: the tasks it reported late before are not
    read again, however many there are (100,000 cases hold ~46,000 late tasks)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    subscribe(api_for(world.polderdam), receiver.url)
    cases = [world.start() for _ in range(3)]
    TaskItem.objects.filter(case__in=cases, state="open").update(
        due_date=world.clock.now().date() - timedelta(days=3)
    )
    events_sweep()
    late = [e for e in receiver.events() if e["type"] == "nl.wegwijs.taak.te-laat"]
    assert len(late) == TaskItem.objects.filter(case__in=cases, state="open").count()

    with CaptureQueriesContext(connection) as sweep:
        events_sweep()
    task_reads = [
        q["sql"]
        for q in sweep.captured_queries
        if q["sql"].startswith("SELECT") and "tasks_taskitem" in q["sql"]
    ]
    assert task_reads, "the sweep still looks for tasks that became late"
    with connection.cursor() as cursor:
        for sql in task_reads:
            cursor.execute(sql)
            assert cursor.fetchall() == [], sql
    assert [e["id"] for e in receiver.events()].count(late[0]["id"]) == 1
