"""The occasion of a processing: which request it happened in. Built once by the page
from its HttpRequest (``occasion_of``) and handed to the services and selectors, which
write the log themselves; below the pages nothing knows HTTP. The actor is the user the
service already takes, the ground the roles by which that user reaches the case."""

import uuid
from dataclasses import dataclass

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
