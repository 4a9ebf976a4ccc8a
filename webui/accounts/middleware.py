"""Need-to-know is asked many times per page; the memberships behind it are read
once per request."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from .selectors import grants_per_request


class GrantsPerRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with grants_per_request():
            return self.get_response(request)
