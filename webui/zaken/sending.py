"""Sending the zaaksysteem's outbox: per dossier, in the order written, through a
zgw-consumers client (the ZGW JWT of the gemeente's client id and secret).

A dossier's updates go one at a time; the first that fails (the zaaksysteem
unreachable, or refusing) stops that dossier until its retry time, with a back-off
that grows with the failures, so nothing is skipped and nothing overtakes. An
update whose answer was lost may have arrived: before sending it again the sender
asks the zaaksysteem whether it is there (the zaak by its identificatie, the status
by its type and moment, the zaak's one resultaat)."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

import requests
from zgw_consumers.client import build_client

from webui.outbound import UnsafeAddress, guard_session, preflight, unsafe_cause

from .models import ZaakDossier, ZaakUpdate

logger = logging.getLogger("webui.zaken")

# Every call with a geometry-aware resource states its coordinate system (the Zaken
# API requires the headers on /zaken, even without a zaakgeometrie).
CRS = {"Accept-Crs": "EPSG:4326", "Content-Crs": "EPSG:4326"}
CLAIM = timedelta(minutes=5)
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


class ZaakRefused(Exception):
    """The zaaksysteem answered, but not with what the call should give."""


@dataclass(frozen=True)
class Sent:
    sent: int
    failed: bool
    error: str = ""


def backoff(failures: int) -> timedelta:
    """30 s after the first failure, doubling, at most an hour."""
    return min(BACKOFF_FIRST * (2 ** max(failures - 1, 0)), BACKOFF_MAX)


def zaak_dossiers_due(*, now: datetime | None = None) -> list[int]:
    """The dossiers (case ids) with updates waiting whose retry time has come."""
    now = now or timezone.now()
    return list(
        ZaakDossier.objects.filter(updates__sent_at__isnull=True)
        .filter(Q(retry_at__isnull=True) | Q(retry_at__lte=now))
        .order_by("pk")
        .values_list("pk", flat=True)
        .distinct()
    )


def _claim(case_id: int, now: datetime) -> bool:
    free = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    return bool(
        ZaakDossier.objects.filter(free, pk=case_id).update(claimed_until=now + CLAIM)
    )


def zaak_updates_send(*, case_id: int, now: datetime | None = None) -> Sent:
    """Send the waiting updates of one dossier, in order; stop at the first that
    fails and set the dossier's retry time. Another worker holding the dossier
    (its claim) means there is nothing to do here."""
    now = now or timezone.now()
    if not _claim(case_id, now):
        return Sent(0, False)
    dossier = ZaakDossier.objects.select_related("zaaksysteem__service", "case").get(
        pk=case_id
    )
    sent = 0
    try:
        # Every connection is checked where it lands (webui.outbound): the address
        # was checked when the beheerder saved it, its name may resolve inward now.
        with guard_session(build_client(dossier.zaaksysteem.service)) as client:
            for update in dossier.updates.filter(sent_at__isnull=True).order_by("id"):
                try:
                    preflight(client.base_url, what="Het adres van de Zaken API")
                    _send(client, dossier, update)
                except (requests.RequestException, ZaakRefused, UnsafeAddress) as exc:
                    return _failed(dossier, update, exc, now, sent)
                update.sent_at = timezone.now()
                update.attempts += 1
                update.save(update_fields=["sent_at", "attempts"])
                sent += 1
        ZaakDossier.objects.filter(pk=case_id).update(
            failures=0, retry_at=None, last_error="", zaak_url=dossier.zaak_url
        )
        return Sent(sent, False)
    finally:
        ZaakDossier.objects.filter(pk=case_id).update(claimed_until=None)


def _failed(
    dossier: ZaakDossier, update: ZaakUpdate, exc: Exception, now: datetime, sent: int
) -> Sent:
    error = _describe(exc)[:500]
    failures = dossier.failures + 1
    ZaakUpdate.objects.filter(pk=update.pk).update(attempts=update.attempts + 1)
    ZaakDossier.objects.filter(pk=dossier.pk).update(
        failures=failures,
        retry_at=now + backoff(failures),
        last_error=error,
        zaak_url=dossier.zaak_url,
    )
    logger.warning("zaaksysteem: dossier %s wacht: %s", dossier.pk, error)
    return Sent(sent, True, error)


def _describe(exc: Exception) -> str:
    refused = unsafe_cause(exc)
    if refused is not None:
        return f"Wegwijs maakt geen verbinding met dit zaaksysteem: {refused}"
    if isinstance(exc, requests.ConnectionError):
        return "Het zaaksysteem is niet bereikbaar."
    if isinstance(exc, requests.Timeout):
        return "Het zaaksysteem antwoordde niet op tijd."
    return f"Het zaaksysteem weigerde: {exc}"


def _answer(response: requests.Response, expected: int = 201) -> dict[str, Any]:
    if response.status_code != expected:
        raise ZaakRefused(_problem(response))
    return response.json()


def _problem(response: requests.Response) -> str:
    """The Zaken API's problem answer (Fout / ValidatieFout) in a line."""
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    params = "; ".join(
        f"{p.get('name')}: {p.get('reason')}" for p in body.get("invalidParams") or []
    )
    title = body.get("title") or body.get("detail") or ""
    return f"HTTP {response.status_code} {title} {params}".strip()


def _send(client: Any, dossier: ZaakDossier, update: ZaakUpdate) -> None:
    payload = dict(update.payload)
    if update.kind == ZaakUpdate.Kind.ZAAK:
        dossier.zaak_url = _zaak_create(client, payload, retry=update.attempts > 0)
        return
    if not dossier.zaak_url:
        raise ZaakRefused("de zaak is nog niet aangemaakt")
    payload["zaak"] = dossier.zaak_url
    if update.kind == ZaakUpdate.Kind.STATUS:
        if update.attempts and _status_exists(client, payload):
            return
        _answer(client.post("statussen", json=payload))
    elif update.kind == ZaakUpdate.Kind.RESULTAAT:
        if update.attempts and _results(client, payload["zaak"]):
            return
        _answer(client.post("resultaten", json=payload))


def _zaak_create(client: Any, payload: dict[str, Any], *, retry: bool) -> str:
    if retry:
        found = _zaak_find(client, payload)
        if found:
            return found
    response = client.post("zaken", json=payload, headers=CRS)
    if response.status_code == 400 and "identificatie" in _problem(response):
        # Made before, its answer lost: the identificatie is the dossier's own.
        found = _zaak_find(client, payload)
        if found:
            return found
    return str(_answer(response)["url"])


def _zaak_find(client: Any, payload: dict[str, Any]) -> str | None:
    response = client.get(
        "zaken",
        params={
            "identificatie": payload["identificatie"],
            "bronorganisatie": payload["bronorganisatie"],
        },
        headers=CRS,
    )
    results = _answer(response, 200).get("results") or []
    return str(results[0]["url"]) if results else None


def _status_exists(client: Any, payload: dict[str, Any]) -> bool:
    response = client.get(
        "statussen",
        params={"zaak": payload["zaak"], "statustype": payload["statustype"]},
    )
    given = _parse(payload["datumStatusGezet"])
    return any(
        _parse(row.get("datumStatusGezet", "")) == given
        for row in _answer(response, 200).get("results") or []
    )


def _results(client: Any, zaak: str) -> bool:
    response = client.get("resultaten", params={"zaak": zaak})
    return bool(_answer(response, 200).get("results"))


def _parse(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
