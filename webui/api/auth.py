"""Who calls the API: a bearer token from the token endpoint names the client
(OAuth2 client credentials). What it may do: the scopes its beheerder gave it
(a scope too small is a 403). How often: per client (DRF throttling)."""

from dataclasses import dataclass
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

import vocabulary
from webui.access import client_may

from .models import ApiClient
from .services import client_for_token


@dataclass(frozen=True)
class ClientPrincipal:
    """The client as ``request.user`` of an API view."""

    client: ApiClient
    is_authenticated: bool = True
    is_active: bool = True

    @property
    def pk(self) -> int:
        return int(self.client.pk)


WRONG_TOKEN = (
    "Het toegangstoken ontbreekt, is onjuist of verlopen. Vraag een nieuw token aan"
    " bij /api/v1/token."
)


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``; a wrong or expired token is a 401 before
    anything is read (so nothing is logged as read)."""

    keyword = "Bearer"

    def authenticate(self, request: Any) -> tuple[ClientPrincipal, ApiClient] | None:
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].decode("latin-1").lower() != self.keyword.lower():
            raise exceptions.AuthenticationFailed(WRONG_TOKEN)
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(WRONG_TOKEN)
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(WRONG_TOKEN) from exc
        client = client_for_token(token=token)
        if client is None:
            raise exceptions.AuthenticationFailed(WRONG_TOKEN)
        return ClientPrincipal(client), client

    def authenticate_header(self, request: Any) -> str:
        return 'Bearer realm="wegwijs"'


class HasScope(BasePermission):
    """The view's ``required_scope`` must be among the client's scopes (a 403)."""

    def has_permission(self, request: Any, view: Any) -> bool:
        client = getattr(request, "auth", None)
        if not isinstance(client, ApiClient):
            return False
        scope = getattr(view, "required_scope", "")
        if scope and not client_may(client=client, scope=scope):
            label = vocabulary.API_SCOPES.get(scope, scope)
            self.message = (
                f"Deze client heeft niet het recht '{scope}' ({label}). Vraag de"
                " functioneel beheerder van uw organisatie het toe te voegen."
            )
            return False
        return True


class ClientRateThrottle(SimpleRateThrottle):
    """So many calls per client per minute (``api_client`` in the throttle rates)."""

    scope = "api_client"

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        client = getattr(request, "auth", None)
        if not isinstance(client, ApiClient):
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.client_id}


class TokenRateThrottle(AnonRateThrottle):
    """The token endpoint, per address: guessing secrets stays slow."""

    scope = "api_token"


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The bearer token in the OpenAPI document, with where to get one."""

    target_class = "webui.api.auth.BearerTokenAuthentication"
    name = "bearer"

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[str]]:
        scope = getattr(auto_schema.view, "required_scope", "")
        return {self.name: [scope] if scope else []}

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": (
                "OAuth2 client credentials: vraag met client-id en geheim een token"
                " aan bij /api/v1/token en stuur het als 'Authorization: Bearer"
                " <token>'."
            ),
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/api/v1/token",
                    "scopes": dict(vocabulary.API_SCOPES),
                }
            },
        }
