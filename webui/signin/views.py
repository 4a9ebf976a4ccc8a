"""The login page with a button per organisation that signs in with its own account,
the way there and back (mozilla-django-oidc's views, per organisation), and the
beheerder's page to configure the organisation's identity provider."""

import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.views.generic import View

import requests
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from webui.access import managed_organisation, managed_organisations
from webui.accountpages.twofactor import IDP_MFA_SESSION_KEY

from .backend import (
    BACKEND,
    ID_TOKEN_SESSION_KEY,
    OrganisationAccountBackend,
    oidc_setting,
)
from .discovery import DiscoveryFailed
from .forms import ProviderForm, SignInForm
from .services import (
    ProviderChangeRefused,
    enabled_provider,
    end_session_url,
    provider_for_login,
    provider_of,
    provider_save,
    providers_for_login,
)

LOGGER = logging.getLogger(__name__)

# Which organisation's provider the session was signed in through (its id).
PROVIDER_SESSION_KEY = "wegwijs_signin_provider"
# state → provider id, for the way back (next to mozilla-django-oidc's own
# "oidc_states", which holds the nonce and the PKCE verifier).
STATES_KEY = "wegwijs_signin_states"

FAILED = (
    "Inloggen met het account van {organisation} is niet gelukt. Probeer het"
    " opnieuw; lukt het weer niet, vraag dan de functioneel beheerder van"
    " {organisation}."
)
UNREACHABLE = (
    "Wegwijs kon de identity provider van {organisation} niet bereiken. Probeer het"
    " over een paar minuten opnieuw."
)
STOPPED = "Het inloggen bij {organisation} is afgebroken. Er is niets veranderd."
EXPIRED = (
    "Deze inlogpoging is verlopen of al gebruikt. Kies hieronder opnieuw"
    " 'Inloggen met het account van …'."
)


class SignInView(auth_views.LoginView):
    """Django's login page, with a button per organisation with its own account."""

    authentication_form = SignInForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["organisation_accounts"] = providers_for_login()
        return context


class SignOutView(auth_views.LogoutView):
    """Django's logout; signed in through an organisation's provider that offers
    single logout, the browser goes on to end that session too. Not by a redirect:
    the CSP's form-action 'self' forbids a form's redirect to another site, so a
    short page sends the browser on (and links there)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        provider_pk = request.session.get(PROVIDER_SESSION_KEY)
        id_token = str(request.session.get(ID_TOKEN_SESSION_KEY) or "")
        response = super().post(request, *args, **kwargs)
        onward = end_session_url(
            provider_pk=provider_pk,
            id_token=id_token,
            return_to=request.build_absolute_uri(resolve_url("login")),
        )
        if not onward:
            return response
        return render(request, "signin/signed_out.html", {"onward": onward})


class SignInStartView(OIDCAuthenticationRequestView):
    """To the organisation's identity provider (state, nonce and PKCE by
    mozilla-django-oidc); the state remembers which organisation it was."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the settings are the organisation's

    def get_settings(self, attr: str, *args: Any) -> Any:  # type: ignore[override]
        if attr == "OIDC_RP_SCOPES":
            return self.provider.scopes
        return oidc_setting(attr, *args)

    def get(self, request: HttpRequest, organisation: str) -> HttpResponse:  # type: ignore[override]
        provider = provider_for_login(key=organisation)
        if provider is None:
            raise Http404("Deze organisatie logt niet in met een eigen account.")
        self.provider = provider
        self.OIDC_OP_AUTH_ENDPOINT = provider.authorization_endpoint
        self.OIDC_RP_CLIENT_ID = provider.client_id
        response = super().get(request)
        state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
        states = dict(request.session.get(STATES_KEY) or {})
        states = dict(list(states.items())[-9:])  # a few tabs at once, no more
        states[state] = provider.pk
        request.session[STATES_KEY] = states
        return response


def _back_to_login(request: HttpRequest, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("login")


def _callback_checks(request: HttpRequest) -> tuple[Any, dict | None, str]:
    """The provider this answer belongs to, the nonce and verifier stored for its
    state (None when there are none), and the problem to show (or "")."""
    state = request.GET.get("state", "")
    provider_pk = (request.session.get(STATES_KEY) or {}).get(state)
    provider = enabled_provider(pk=provider_pk) if provider_pk else None
    if provider is None:
        return None, None, EXPIRED
    words = {"organisation": provider.organisation}
    stored = (request.session.get("oidc_states") or {}).pop(state, None)
    states = request.session.get(STATES_KEY) or {}
    states.pop(state, None)
    request.session.modified = True  # one state, one use
    if request.GET.get("error"):
        return provider, None, STOPPED.format(**words)
    if stored is None or not request.GET.get("code"):
        return provider, None, EXPIRED
    return provider, stored, ""


def sign_in_callback(request: HttpRequest) -> HttpResponse:
    """Back from the identity provider: the code for tokens, the claims to an
    account with roles (webui.signin.services), or a Dutch message why not."""
    provider, stored, problem = _callback_checks(request)
    if problem:
        return _back_to_login(request, problem)
    words = {"organisation": provider.organisation}
    backend = OrganisationAccountBackend(provider)
    try:
        user = backend.authenticate(
            request, nonce=stored["nonce"], code_verifier=stored.get("code_verifier")
        )
    except requests.RequestException:
        return _back_to_login(request, UNREACHABLE.format(**words))
    except Exception:  # a token that does not verify, a bad answer: no entry
        LOGGER.exception("sign-in with the account of %s failed", provider)
        user = None
    if user is None:
        return _back_to_login(
            request, backend.outcome.message or FAILED.format(**words)
        )
    next_url = request.session.get("oidc_login_next")
    auth.login(request, user, backend=BACKEND)
    request.session[PROVIDER_SESSION_KEY] = provider.pk
    if backend.outcome.mfa:
        request.session[IDP_MFA_SESSION_KEY] = provider.pk
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


@login_required
def provider_edit(request: HttpRequest, organisation: str) -> HttpResponse:
    """The beheerder sets up sign-in with the organisation's own account."""
    if not managed_organisations(user=request.user):
        raise Http404("Deze pagina is er alleen voor de functioneel beheerder.")
    found = managed_organisation(user=request.user, key=organisation)
    if found is None:
        raise Http404("Deze organisatie bestaat niet of u beheert haar niet.")
    current = provider_of(organisation=found)
    form = ProviderForm(request.POST or None, organisation=found, provider=current)
    if request.method == "POST" and form.is_valid():
        try:
            provider_save(
                actor=request.user, organisation=found, **form.service_arguments()
            )
        except ProviderChangeRefused as refused:
            form.add_error(None, str(refused))
        except DiscoveryFailed as refused:
            # Whatever went wrong reading the provider, it is about its address.
            form.add_error("discovery_url", str(refused))
        else:
            messages.success(
                request,
                f"Inloggen met het account van {found} is opgeslagen.",
            )
            return redirect("signin:provider", organisation)
    callback = request.build_absolute_uri(resolve_url("signin:callback"))
    context = {
        "form": form,
        "organisation": found,
        "provider": current,
        "callback": callback,
        "after_logout": request.build_absolute_uri(resolve_url("login")),
    }
    return render(request, "signin/provider.html", context)
