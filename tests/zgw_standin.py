"""A ZGW Zaken API stand-in on loopback, for the tests and the bench.

It follows the published specification — Zaken API 1.5.1, VNG-Realisatie/zaken-api
``src/openapi.yaml`` (commit 9be7e14) — for exactly the calls Wegwijs makes, and no
more: ``POST``/``GET /zaken`` (with the required ``Accept-Crs``/``Content-Crs``
headers, 412 without them), ``POST``/``GET /statussen``, ``POST``/``GET
/resultaten``; a bearer JWT (HS256, the ZGW convention: ``client_id`` claim, signed
with the client's secret) on every call, 403 without a valid one; problem answers
as ``application/problem+json`` (``Fout``, ``ValidatieFout`` with
``invalidParams``). Rules kept: ``identificatie`` unique per ``bronorganisatie``
(``identificatie-niet-uniek``), the RSIN passes the elfproef, the referenced zaak
exists, one resultaat per zaak, the eindstatus only after a resultaat
(``resultaat-does-not-exist``), and the eindstatus sets the zaak's einddatum.

``stop()`` and ``start()`` make it unreachable and back on the same port (an
outage); ``calls`` lists what arrived, in order."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt

ROOT = "/zaken/api/v1/"
CATALOGI = "http://catalogi.test/catalogi/api/v1/"
ZAAKTYPE = f"{CATALOGI}zaaktypen/0b8b3f6e-5e0c-4b7c-9a55-0e8a0b2b0d01"
RESULTAATTYPE = f"{CATALOGI}resultaattypen/8f7e0d5c-1d2a-4a0d-9c43-2d2f1f5b0a02"


def statustype(name: str) -> str:
    return f"{CATALOGI}statustypen/{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


EINDSTATUS = statustype("afgesloten")
SECRET = "geheim-van-wegwijs-voor-de-zaken-api-stand-in"


def elfproef(number: str) -> bool:
    if len(number) != 9 or not number.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:8], range(9, 1, -1), strict=True))
    return (total - int(number[8])) % 11 == 0


class ZakenStandIn:
    def __init__(self, *, client_id: str = "wegwijs", secret: str = SECRET) -> None:
        self.client_id = client_id
        self.secret = secret
        self.zaken: dict[str, dict[str, Any]] = {}
        self.statussen: list[dict[str, Any]] = []
        self.resultaten: list[dict[str, Any]] = []
        self.calls: list[tuple[str, str, dict[str, Any] | None]] = []
        self.eindstatussen = {EINDSTATUS}
        self.lock = threading.Lock()
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self.start()

    @property
    def api_root(self) -> str:
        return f"http://127.0.0.1:{self.port}{ROOT}"

    def start(self) -> None:
        standin = self

        class Handler(_Handler):
            owner = standin

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # ---- what arrived, for the tests ---------------------------------------------

    def zaak_by_identificatie(self, identificatie: str) -> dict[str, Any] | None:
        return next(
            (z for z in self.zaken.values() if z["identificatie"] == identificatie),
            None,
        )

    def statussen_of(self, zaak_url: str) -> list[dict[str, Any]]:
        return [s for s in self.statussen if s["zaak"] == zaak_url]

    # ---- the API -----------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, dict[str, Any]]:
        resource = path[len(ROOT) :].strip("/")
        route = {
            ("POST", "zaken"): self._zaak_create,
            ("GET", "zaken"): self._zaak_list,
            ("POST", "statussen"): self._status_create,
            ("GET", "statussen"): self._status_list,
            ("POST", "resultaten"): self._resultaat_create,
            ("GET", "resultaten"): self._resultaat_list,
        }.get((method, resource))
        if route is None:
            return 404, _fout(404, "not_found", "Niet gevonden.")
        with self.lock:
            return route(query, body)

    def _zaak_create(self, _q: dict, body: Any) -> tuple[int, dict]:
        invalid = _required(
            body, "bronorganisatie", "zaaktype", "verantwoordelijkeOrganisatie"
        )
        invalid += _required(body, "startdatum")
        for name in ("bronorganisatie", "verantwoordelijkeOrganisatie"):
            if body.get(name) and not elfproef(str(body[name])):
                invalid.append(_param(name, "invalid", "Onjuist RSIN."))
        ident = body.get("identificatie") or f"ZAAK-{len(self.zaken) + 1}"
        if len(ident) > 40:
            invalid.append(_param("identificatie", "max_length", "Te lang."))
        if any(
            z["identificatie"] == ident
            and z["bronorganisatie"] == body.get("bronorganisatie")
            for z in self.zaken.values()
        ):
            invalid.append(
                _param(
                    "identificatie",
                    "identificatie-niet-uniek",
                    "Deze identificatie bestaat al voor deze bronorganisatie",
                )
            )
        if invalid:
            return 400, _validatiefout(invalid)
        zaak_uuid = str(uuid.uuid4())
        zaak = {
            **body,
            "identificatie": ident,
            "uuid": zaak_uuid,
            "url": f"{self.api_root}zaken/{zaak_uuid}",
            "status": None,
            "resultaat": None,
            "einddatum": None,
        }
        self.zaken[zaak["url"]] = zaak
        return 201, zaak

    def _zaak_list(self, query: dict, _b: Any) -> tuple[int, dict]:
        rows = [
            z
            for z in self.zaken.values()
            if all(str(z.get(k)) == v for k, v in query.items())
        ]
        return 200, _page(rows)

    def _status_create(self, _q: dict, body: Any) -> tuple[int, dict]:
        invalid = _required(body, "zaak", "statustype", "datumStatusGezet")
        zaak = self.zaken.get(body.get("zaak", ""))
        if body.get("zaak") and zaak is None:
            invalid.append(_param("zaak", "bad-url", "De zaak bestaat niet."))
        if (
            zaak is not None
            and body.get("statustype") in self.eindstatussen
            and not zaak["resultaat"]
        ):
            invalid.append(
                _param(
                    "nonFieldErrors",
                    "resultaat-does-not-exist",
                    "De zaak heeft geen resultaat; een eindstatus kan niet.",
                )
            )
        if invalid:
            return 400, _validatiefout(invalid)
        status_uuid = str(uuid.uuid4())
        status = {
            **body,
            "uuid": status_uuid,
            "url": f"{self.api_root}statussen/{status_uuid}",
        }
        self.statussen.append(status)
        zaak["status"] = status["url"]
        if body["statustype"] in self.eindstatussen:
            zaak["einddatum"] = body["datumStatusGezet"][:10]
        return 201, status

    def _status_list(self, query: dict, _b: Any) -> tuple[int, dict]:
        rows = [
            s
            for s in self.statussen
            if all(s.get(k) == v for k, v in query.items() if k != "page")
        ]
        return 200, _page(rows)

    def _resultaat_create(self, _q: dict, body: Any) -> tuple[int, dict]:
        invalid = _required(body, "zaak", "resultaattype")
        zaak = self.zaken.get(body.get("zaak", ""))
        if body.get("zaak") and zaak is None:
            invalid.append(_param("zaak", "bad-url", "De zaak bestaat niet."))
        if zaak is not None and zaak["resultaat"]:
            invalid.append(_param("zaak", "unique", "De zaak heeft al een resultaat."))
        if invalid:
            return 400, _validatiefout(invalid)
        result_uuid = str(uuid.uuid4())
        resultaat = {
            **body,
            "uuid": result_uuid,
            "url": f"{self.api_root}resultaten/{result_uuid}",
        }
        self.resultaten.append(resultaat)
        zaak["resultaat"] = resultaat["url"]
        return 201, resultaat

    def _resultaat_list(self, query: dict, _b: Any) -> tuple[int, dict]:
        rows = [r for r in self.resultaten if r["zaak"] == query.get("zaak")]
        return 200, _page(rows)


class _Handler(BaseHTTPRequestHandler):
    owner: ZakenStandIn
    protocol_version = "HTTP/1.1"
    # Headers and body in one segment, without Nagle: otherwise every keep-alive
    # answer waits ~40 ms for a delayed ACK.
    disable_nagle_algorithm = True
    wbufsize = 64 * 1024

    def log_message(self, *args: Any) -> None:  # quiet in the test output
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, method: str) -> None:
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        status, body = self._answer(method, url.path, query, raw)
        data = json.dumps(body).encode()
        self.send_response(status)
        kind = "application/problem+json" if status >= 400 else "application/json"
        self.send_header("Content-Type", kind)
        self.send_header("API-version", "1.5.1")
        self.send_header("Content-Length", str(len(data)))
        if status == 201 and "url" in body:
            self.send_header("Location", body["url"])
        self.end_headers()
        self.wfile.write(data)

    def _answer(
        self, method: str, path: str, query: dict[str, str], raw: bytes
    ) -> tuple[int, dict[str, Any]]:
        owner = self.owner
        if not self._authorised():
            return 403, _fout(403, "permission_denied", "Geen geldige JWT.")
        if path.rstrip("/").endswith("/zaken") and not (
            self.headers.get("Accept-Crs")
            and (method == "GET" or self.headers.get("Content-Crs"))
        ):
            return 412, _fout(412, "precondition_failed", "Crs-headers ontbreken.")
        body = None
        if method == "POST":
            if not self.headers.get("Content-Type", "").startswith("application/json"):
                return 415, _fout(415, "unsupported_media_type", "Geen JSON.")
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                return 400, _fout(400, "parse_error", "Geen geldige JSON.")
            if not isinstance(body, dict):
                return 400, _fout(400, "parse_error", "Een object verwacht.")
        owner.calls.append((method, path, body))
        return owner.handle(method, path, query, body)

    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        try:
            claims = jwt.decode(
                header[len("Bearer ") :], self.owner.secret, algorithms=["HS256"]
            )
        except jwt.PyJWTError:
            return False
        return claims.get("client_id") == self.owner.client_id


def _param(name: str, code: str, reason: str) -> dict[str, str]:
    return {"name": name, "code": code, "reason": reason}


def _required(body: dict, *names: str) -> list[dict[str, str]]:
    return [
        _param(n, "required", "Dit veld is vereist.") for n in names if not body.get(n)
    ]


def _fout(status: int, code: str, title: str) -> dict[str, Any]:
    return {
        "type": f"https://zaken.test/ref/fouten/{code}/",
        "code": code,
        "title": title,
        "status": status,
        "detail": title,
        "instance": f"urn:uuid:{uuid.uuid4()}",
    }


def _validatiefout(invalid: list[dict[str, str]]) -> dict[str, Any]:
    return {
        **_fout(400, "invalid", "Invalid input."),
        "invalidParams": invalid,
    }


def _page(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"count": len(rows), "next": None, "previous": None, "results": rows}


def main() -> None:
    """Run the stand-in by hand, to try the zaaksysteem from the README:
    ``python -m tests.zgw_standin --port 8155``; it prints what to fill in on the
    Zaaksysteem page and every zaak, status and resultaat as it arrives."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--port", type=int, default=8155)
    args = parser.parse_args()
    standin = ZakenStandIn()
    standin.stop()
    standin.port = args.port
    standin.start()
    print(
        "Zaken API stand-in (Zaken API 1.5.1) draait. Vul op de pagina Zaaksysteem in:"
    )
    print(f"  Adres van de Zaken API: {standin.api_root}")
    print(f"  Client-ID: {standin.client_id}")
    print(f"  Secret: {standin.secret}")
    print("  RSIN van de gemeente: 002220647")
    print(f"  Zaaktype: {ZAAKTYPE}")
    print(f"  Statustype 'aangemeld': {statustype('aangemeld')}")
    print(f"  Statustype 'afgesloten': {EINDSTATUS}")
    print(f"  Resultaattype voor het vastgestelde PIP: {RESULTAATTYPE}")
    print("Stoppen: Ctrl-C.")
    seen = 0
    try:
        while True:
            time.sleep(1)
            for method, path, body in standin.calls[seen:]:
                print(method, path, json.dumps(body, ensure_ascii=False))
            seen = len(standin.calls)
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()
