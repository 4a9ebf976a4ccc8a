"""Need-to-know is asked many times per page; the memberships behind it are read
once per request. Two-factor sign-in is enforced before any page."""

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from webui.access import grants_per_request

from .twofactor import second_factor_step


class GrantsPerRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with grants_per_request():
            return self.get_response(request)


# Pages an unverified user may reach: the steps themselves, and the ways out.
_BEFORE_SECOND_FACTOR = frozenset(
    {
        "login",
        "logout",
        "accounts:second_factor_code",
        "accounts:second_factor_setup",
    }
)


class SecondFactorMiddleware:
    """After the password, nothing but the code page for a user with an
    authenticator app, and nothing but setting one up for a user whose roles require
    it (webui.accountpages.twofactor); the page first asked for comes after."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable, view_args: tuple, kwargs: dict
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _BEFORE_SECOND_FACTOR:
            return None
        step = second_factor_step(user=user)
        if step is None:
            return None
        return redirect_to_login(request.get_full_path(), reverse(step))
