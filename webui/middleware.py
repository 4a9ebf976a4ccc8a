"""Security plumbing around every request: size limits, no NUL in the address, no
caching of personal data, the idle session timeout, the login lockout page and the
400/413 error answers."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme

Handler = Callable[[HttpRequest], HttpResponse]

LAST_SEEN_KEY = "wegwijs_last_seen"
# The session's expiry is moved on at most once a minute, not on every request: a
# session write per request would queue every page view behind SQLite's write lock.
TOUCH_EVERY_SECONDS = 60


def too_large_response() -> HttpResponse:
    """The Dutch 413 page; static, so nothing of the request can show in it."""
    return HttpResponse(loader.render_to_string("413.html"), status=413)


class RequestSizeLimitMiddleware:
    """Refuse a request body larger than WEGWIJS_MAX_REQUEST_BYTES before anything
    reads it (Django itself limits form fields, not uploaded files)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.WEGWIJS_MAX_REQUEST_BYTES:
            return too_large_response()
        return self.get_response(request)


class NulInAddressMiddleware:
    """A NUL character in the query string (a pasted or tampered link) gets the Dutch
    400 page: PostgreSQL refuses to compare text holding one, so any filter that
    reached the database with it would end in a server error. Posted forms are left
    to their own validation, which refuses NUL with a message and keeps the input."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(loader.render_to_string("400.html"))
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every page and download: nearly all of them carry
    personal data, and no browser or proxy cache may keep a copy. Static files (served
    outside the views) are left alone."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(self.static_prefix):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class PermissionsPolicyMiddleware:
    """Wegwijs uses no camera, microphone, location or payment: no page may."""

    POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.POLICY)
        return response


class IdleSessionTimeoutMiddleware:
    """Log out whoever sent no request for SESSION_IDLE_TIMEOUT seconds.

    SESSION_COOKIE_AGE ends an untouched session in the database as well; this
    middleware keeps that expiry sliding while the user works and says why they
    were logged out."""

    # Seconds since the epoch, read once a request; the tests set their own.
    seconds: Callable[[], float] = staticmethod(time.time)

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(self.seconds())
            last = request.session.get(LAST_SEEN_KEY)
            if isinstance(last, int) and now - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                minutes = settings.SESSION_IDLE_TIMEOUT // 60
                messages.info(
                    request,
                    f"U bent uitgelogd omdat u {minutes} minuten niets in Wegwijs"
                    " heeft gedaan. Log opnieuw in om verder te gaan.",
                )
            elif not isinstance(last, int) or now - last >= TOUCH_EVERY_SECONDS:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """django-axes' answer to a locked-out login: the login page with a Dutch
    message (AXES_LOCKOUT_CALLABLE)."""
    next_url = request.POST.get("next", "") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    context = {
        "form": AuthenticationForm(request),
        "locked_out": True,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "next": next_url,
    }
    return render(request, "registration/login.html", context, status=429)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: too much data gets the Dutch 413 page, the rest the 400 page.

    Both are rendered without the request: a 400 can come before the middleware
    that sets request.user (a wrong Host header), and the context processors need
    it."""
    if isinstance(exception, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return too_large_response()
    return HttpResponseBadRequest(loader.render_to_string("400.html"))


class DutchNotFoundMiddleware:
    """Development only (webui.settings.dev): with DEBUG on, Django answers a refused
    page with its English technical 404, which also names every URL pattern. A
    refusal is a 404 by design, so under `make run` too it shows the Dutch page that
    production shows. An address that matches no URL at all is resolved before any
    view runs and still gets Django's page in development."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not isinstance(exception, Http404):
            return None
        message = exception.args[0] if exception.args else ""
        return render(
            request,
            "404.html",
            {"exception": message if isinstance(message, str) else ""},
            status=404,
        )
