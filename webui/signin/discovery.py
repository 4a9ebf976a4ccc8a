"""Reading an identity provider's discovery document
(``/.well-known/openid-configuration``) when its beheerder saves it: the endpoints
Wegwijs sends people to and fetches tokens and keys from."""

from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

import requests

from webui.outbound import address_refusal, guarded_session, unsafe_cause

WELL_KNOWN = "/.well-known/openid-configuration"
TIMEOUT_SECONDS = 10
# The field on the beheerder's form (webui.signin.forms), named in a refusal.
FIELD = "Adres van de identity provider (issuer)"


class DiscoveryFailed(Exception):
    """The document could not be read or is not usable; the message says why in
    Dutch, for the beheerder."""


def discovery_address(url: str) -> str:
    """The address of the discovery document: the issuer with the well-known path,
    or the document's own address as given."""
    url = url.strip()
    if url.rstrip("/").endswith(WELL_KNOWN):
        return url.rstrip("/")
    return url.rstrip("/") + WELL_KNOWN


def _check_scheme(url: str, what: str) -> None:
    scheme = urlsplit(url).scheme
    allowed = {"https", "http"} if settings.WEGWIJS_OIDC_ALLOW_HTTP else {"https"}
    if scheme not in allowed:
        raise DiscoveryFailed(
            f"{what} moet met https:// beginnen; een identity provider zonder"
            " versleutelde verbinding accepteert Wegwijs niet."
        )


def _check_address(url: str, what: str) -> None:
    reason = address_refusal(url, what=what)
    if reason:
        raise DiscoveryFailed(reason)


def discover(url: str) -> dict[str, Any]:
    """The endpoints from the provider's discovery document."""
    address = discovery_address(url)
    _check_scheme(address, "Het adres van de identity provider")
    _check_address(address, FIELD)
    try:
        with guarded_session() as session:
            response = session.get(address, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except requests.RequestException as problem:
        refused = unsafe_cause(problem)
        if refused is not None:
            raise DiscoveryFailed(f"{FIELD}: {refused}") from problem
        raise DiscoveryFailed(
            f"Wegwijs kon de gegevens van de identity provider niet ophalen van"
            f" {address}. Klopt het adres? ({type(problem).__name__})"
        ) from problem
    except ValueError as problem:
        raise DiscoveryFailed(
            f"Op {address} staat geen OpenID Connect-configuratie (geen JSON)."
        ) from problem
    if not isinstance(document, dict):
        raise DiscoveryFailed(f"Op {address} staat geen OpenID Connect-configuratie.")
    needed = ["issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"]
    missing = [key for key in needed if not isinstance(document.get(key), str)]
    if missing:
        raise DiscoveryFailed(
            f"De configuratie op {address} mist {', '.join(missing)}; is dit een"
            " OpenID Connect identity provider?"
        )
    for key in [*needed[1:], "userinfo_endpoint", "end_session_endpoint"]:
        if isinstance(document.get(key), str):
            what = f"Het adres {key} van de identity provider"
            _check_scheme(document[key], what)
            _check_address(document[key], what)
    algorithms = document.get("id_token_signing_alg_values_supported") or ["RS256"]
    usable = [a for a in algorithms if isinstance(a, str) and a[:2] in ("RS", "ES")]
    if not usable:
        raise DiscoveryFailed(
            "De identity provider ondertekent ID-tokens niet met RS256 of ES256;"
            " Wegwijs accepteert alleen tokens met een publieke sleutel."
        )
    return {
        "issuer": document["issuer"],
        "authorization_endpoint": document["authorization_endpoint"],
        "token_endpoint": document["token_endpoint"],
        "userinfo_endpoint": str(document.get("userinfo_endpoint") or ""),
        "jwks_uri": document["jwks_uri"],
        "end_session_endpoint": str(document.get("end_session_endpoint") or ""),
        "sign_algo": "RS256" if "RS256" in usable else usable[0],
    }
