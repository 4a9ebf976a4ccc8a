"""The guard on addresses Wegwijs connects to (webui.outbound): what it refuses,
that loopback passes only by the explicit setting, and that a name which resolves
inward after it was checked gets no connection. The three places that use it (the
identity provider, the receivers of events, the Zaken API) are tested with their
own pages: tests/webui/test_signin.py, tests/webui/api/test_events.py,
tests/webui/test_zaaksysteem.py."""

import ipaddress
import json
import socket
import threading
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests

from webui.outbound import (
    UnsafeAddress,
    address_check,
    address_refusal,
    guarded_session,
    guarded_urlopen,
    ip_refusal,
    preflight,
    proxied,
    unsafe_cause,
)

from .test_hardening import _production_env, _run

INWARD = [
    "127.0.0.1",
    "127.8.9.10",
    "::1",
    "10.1.2.3",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "100.64.0.1",
    "fd12:3456::1",
    "169.254.169.254",
    "fe80::1",
    "224.0.0.251",
    "ff02::1",
    "240.0.0.1",
    "0.0.0.0",
    "::",
    "192.0.2.10",  # documentation
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
]
OUTWARD = ["93.184.216.34", "145.21.100.5", "2a00:1450:400e:80c::200e"]


@pytest.mark.parametrize("address", INWARD)
def test_inward_addresses_are_refused(settings, address: str) -> None:
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False
    assert ip_refusal(ipaddress.ip_address(address))
    refusal = address_refusal(
        f"https://[{address}]/" if ":" in address else f"https://{address}/",
        what="Adres van de Zaken API",
    )
    assert refusal.startswith("Adres van de Zaken API: ")


@pytest.mark.parametrize("address", OUTWARD)
def test_internet_addresses_pass(settings, address: str) -> None:
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False
    assert ip_refusal(ipaddress.ip_address(address)) == ""


def test_the_setting_lets_loopback_through_and_nothing_else(settings) -> None:
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = True
    assert ip_refusal(ipaddress.ip_address("127.0.0.1")) == ""
    assert ip_refusal(ipaddress.ip_address("::1")) == ""
    for address in ("10.0.0.1", "169.254.169.254", "192.168.0.1"):
        assert ip_refusal(ipaddress.ip_address(address))
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False
    assert "loopback" in address_refusal("http://localhost:8000/", what="Het adres")


def test_production_never_lets_loopback_through() -> None:
    result = _run(
        [
            "-c",
            "import django; django.setup(); from django.conf import settings as s;"
            " print(s.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK)",
        ],
        _production_env(),
    )
    assert result.stdout.split() == ["False"], result.stderr


def test_a_name_that_resolves_nowhere_is_no_danger_yet() -> None:
    assert address_refusal("https://bestaat-niet.invalid/", what="Het adres") == ""
    address_check("https://bestaat-niet.invalid/", what="Het adres")  # no refusal


def rebinding(monkeypatch, name: str) -> dict[str, str]:
    """``name`` resolves to whatever the returned dict says at the moment asked: a
    DNS record that changes between the check and the connection."""
    answers = {name: "93.184.216.34"}
    real: Callable[..., Any] = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == name:
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", (answers[name], int(port)))
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


class Counter:
    """An HTTP server on loopback that counts who reached it."""

    def __init__(self) -> None:
        self.calls = 0
        # What a GET answers: JSON when set (a discovery document), else nothing.
        self.document: dict[str, Any] | None = None
        counter = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                counter.calls += 1
                body = json.dumps(counter.document or {}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.port = self.server.server_address[1]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def counter():  # type: ignore[no-untyped-def]
    server = Counter()
    yield server
    server.close()


def test_a_name_that_turns_inward_after_the_check_gets_no_connection(
    settings, monkeypatch, counter
) -> None:
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False
    answers = rebinding(monkeypatch, "idp.polderdam.example")
    url = f"http://idp.polderdam.example:{counter.port}/"
    assert address_refusal(url, what="Het adres") == ""  # the entry check passes
    answers["idp.polderdam.example"] = "127.0.0.1"  # and then the name turns
    with pytest.raises(requests.ConnectionError) as raised:
        guarded_session().get(url, timeout=5)
    assert "loopback" in str(unsafe_cause(raised.value))
    assert counter.calls == 0
    # The same server, with the setting the tests and developers use: reached.
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = True
    assert guarded_session().get(url, timeout=5).status_code == 200
    assert counter.calls == 1


def test_through_an_egress_proxy_the_name_is_checked_before_connecting(
    settings, monkeypatch, counter
) -> None:
    """The socket reaches the proxy (here on loopback, which the guard would
    refuse as a destination): the proxy is used, and the name is what is judged."""
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False
    for name in ("HTTP_PROXY", "http_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{counter.port}")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    answers = rebinding(monkeypatch, "hooks.polderdam.example")
    url = "http://hooks.polderdam.example/wegwijs"
    assert proxied(url)
    preflight(url, what="Het adres")
    with guarded_urlopen(urllib.request.Request(url, data=b"{}"), timeout=5) as answer:
        assert answer.status == 200
    assert guarded_session().get(url, timeout=5).status_code == 200
    assert counter.calls == 2
    answers["hooks.polderdam.example"] = "10.0.0.5"  # the name turned inward
    with pytest.raises(UnsafeAddress, match="privénetwerk"):
        preflight(url, what="Het adres")
