"""The occasion of a processing: which request it happened in. Built once by the page
from its HttpRequest (``occasion_of``) and handed to the services and selectors, which
write the log themselves; below the pages nothing knows HTTP. The actor is the user the
service already takes, the ground the roles by which that user reaches the case. The
client's address a record keeps is read here too (``client_address``), the one reading
the login lockout (AXES_CLIENT_IP_CALLABLE) uses."""

import ipaddress
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class Occasion:
    """One request as the processing log sees it: the id that links every record the
    request wrote, the page's path, and the path with what was asked of it (the
    log keeps only the names of its parameters)."""

    request_id: str = ""
    path: str = ""
    full_path: str = ""
    # Who acted when no user did: an API client of a gemeente or MB organisation
    # ("API-client <naam>"), named in every record the request writes.
    actor: str = ""


def request_id(request: HttpRequest) -> str:
    """One id for everything one request processed (links its records)."""
    if not hasattr(request, "_processing_id"):
        request._processing_id = uuid.uuid4().hex
    return request._processing_id


def occasion_of(request: HttpRequest) -> Occasion:
    """The occasion of one request (as often as a page asks: the id stays one)."""
    return Occasion(
        request_id=request_id(request),
        path=request.path,
        full_path=request.get_full_path()[:500],
    )


def client_address(request: HttpRequest) -> str | None:
    """The client's address as the deployment declares it (AXES_CLIENT_IP_CALLABLE).

    Without proxies (WEGWIJS_PROXY_COUNT 0) it is REMOTE_ADDR. Behind N trusted
    proxies each one appends the address it got the request from to X-Forwarded-For,
    so the client is the N-th entry from the right; whatever stands left of it the
    client wrote itself and is never believed. A header with fewer entries than
    proxies did not come through them all: then REMOTE_ADDR, as without proxies.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.WEGWIJS_PROXY_COUNT
    if not count:
        return remote
    hops = [
        hop.strip()
        for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if hop.strip()
    ]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote
