"""mozilla-django-oidc's backend, per organisation: the endpoints, client and
signing algorithm come from the organisation's IdentityProvider instead of the
settings, and the ID token's issuer and audience are checked (the library checks
neither). Django calls it with a username and password too: then it has no provider
and says no, and the next backend checks the password."""

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation

import requests
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings

from webui.logs.context import client_address, occasion_of
from webui.outbound import UnsafeAddress, address_check

from .models import IdentityProvider
from .secrets import secret_open
from .services import SignIn, sign_in_complete

BACKEND = "webui.signin.backend.OrganisationAccountBackend"
# The ID token of a sign-in through a provider that offers single logout: sent
# back to it as id_token_hint when the person signs out (webui.signin.views).
ID_TOKEN_SESSION_KEY = "wegwijs_signin_id_token"
LOGGER = logging.getLogger("webui.signin")

# What mozilla-django-oidc reads from the settings, the same for every
# organisation: the callback, PKCE, a timeout on every call to the provider.
FIXED = {
    "OIDC_AUTHENTICATION_CALLBACK_URL": "signin:callback",
    "OIDC_USE_PKCE": True,
    "OIDC_USE_NONCE": True,
    "OIDC_TIMEOUT": 10,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_STORE_ID_TOKEN": False,
    "OIDC_ALLOW_UNSECURED_JWT": False,
    "OIDC_VERIFY_KID": True,
}


def oidc_setting(attr: str, *default: Any) -> Any:
    if attr in FIXED:
        return FIXED[attr]
    return import_from_settings(attr, *default)


class OrganisationAccountBackend(OIDCAuthenticationBackend):
    def __init__(self, provider: IdentityProvider | None = None) -> None:
        self.UserModel = get_user_model()
        self.provider = provider
        self.outcome = SignIn()
        if provider is not None:
            self.OIDC_OP_TOKEN_ENDPOINT = provider.token_endpoint
            self.OIDC_OP_USER_ENDPOINT = provider.userinfo_endpoint
            self.OIDC_OP_JWKS_ENDPOINT = provider.jwks_uri
            self.OIDC_RP_CLIENT_ID = provider.client_id
            self.OIDC_RP_CLIENT_SECRET = secret_open(provider.client_secret_encrypted)
            self.OIDC_RP_SIGN_ALGO = provider.sign_algo
            self.OIDC_RP_IDP_SIGN_KEY = None

    def get_settings(self, attr: str, *args: Any) -> Any:  # type: ignore[override]
        return oidc_setting(attr, *args)

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        if self.provider is None or request is None:
            return None
        self._addresses_check()
        return super().authenticate(request, **kwargs)

    def _addresses_check(self) -> None:
        """The provider's endpoints, checked again just before Wegwijs calls them
        (their names may resolve elsewhere than when the beheerder saved them):
        one that leads inward is a provider that cannot be reached."""
        assert self.provider is not None
        for url in (
            self.provider.token_endpoint,
            self.provider.jwks_uri,
            self.provider.userinfo_endpoint,
        ):
            if not url:
                continue
            try:
                address_check(url, what="De identity provider")
            except UnsafeAddress as refused:
                LOGGER.warning("sign-in with %s refused: %s", self.provider, refused)
                raise requests.ConnectionError(str(refused)) from refused

    def store_tokens(self, access_token: str, id_token: str) -> None:
        """Only the ID token, and only when the provider can end its session on
        sign-out (the access token is not kept: Wegwijs calls nothing with it)."""
        if self.provider is not None and self.provider.end_session_endpoint:
            self.request.session[ID_TOKEN_SESSION_KEY] = id_token

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        """The signature, expiry and nonce (the library), then what it leaves out:
        the token comes from this organisation's provider and is meant for us."""
        payload = super().verify_token(token, **kwargs)
        assert self.provider is not None
        if payload.get("iss") != self.provider.issuer:
            raise SuspiciousOperation("ID token of another issuer")
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.provider.client_id not in audiences:
            raise SuspiciousOperation("ID token for another client")
        if len(audiences) > 1 and payload.get("azp") != self.provider.client_id:
            raise SuspiciousOperation("ID token authorised for another party")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: Any) -> Any:
        """The claims of the ID token with those of the userinfo endpoint (of the
        same person), handed to the sign-in service."""
        assert self.provider is not None
        claims = dict(payload)
        if self.provider.userinfo_endpoint:
            info = self.get_userinfo(access_token, id_token, payload)
            if str(info.get("sub")) != str(payload.get("sub")):
                raise SuspiciousOperation("userinfo of another person")
            # The ID token's own words on how the person signed in stay its own.
            claims.update(
                {k: v for k, v in info.items() if k not in ("acr", "amr", "iss")}
            )
        self.outcome = sign_in_complete(
            provider=self.provider,
            claims=claims,
            occasion=occasion_of(self.request),
            ip=client_address(self.request) or "",
        )
        return self.outcome.user

    def get_user(self, user_id: Any) -> Any:
        """The session's user, while their account is active (a beheerder who
        switches an account off ends its sessions, as for a password)."""
        user = self.UserModel.objects.filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
