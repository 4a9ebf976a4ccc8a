"""Sign-in with the organisation's own account (issue 20, item 5), below the browser:
what one sign-in does with the provider's claims, the checks on the ID token the
library leaves out, the beheerder's page and its need-to-know, and the way back from
the provider when something is off. The whole way through a real provider in
Chromium is tests/e2e/test_signin_organisation_account.py."""

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from django.test import Client, override_settings

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from webui.accounts.models import Membership, Role
from webui.logs.models import AuditEvent, ProcessingRecord
from webui.privacy.selectors import log_search
from webui.signin import services
from webui.signin.backend import ID_TOKEN_SESSION_KEY, OrganisationAccountBackend
from webui.signin.discovery import DiscoveryFailed, discover
from webui.signin.models import ExternalAccount, IdentityProvider
from webui.signin.secrets import secret_open, secret_seal
from webui.signin.services import sign_in_complete
from webui.signin.views import PROVIDER_SESSION_KEY

from ..conftest import PASSWORD, World
from .test_outbound import Counter

ISSUER = "https://login.polderdam.example/realms/medewerkers"
SECRET = "geheim-van-polderdam-0123456789"


def _provider(world: World, **fields: Any) -> IdentityProvider:
    defaults: dict[str, Any] = {
        "gemeente": world.polderdam,
        "discovery_url": ISSUER,
        "issuer": ISSUER,
        "authorization_endpoint": f"{ISSUER}/auth",
        "token_endpoint": f"{ISSUER}/token",
        "userinfo_endpoint": f"{ISSUER}/userinfo",
        "jwks_uri": f"{ISSUER}/certs",
        "client_id": "wegwijs",
        "client_secret_encrypted": secret_seal(SECRET),
        "role_map": {
            Role.REGIEVOERDER: ["regie"],
            Role.TEAMLEIDER: ["teamleiding"],
            # Not a gemeente's role: never given at a gemeente, whatever is mapped.
            Role.BEGELEIDER: ["regie"],
        },
    }
    return IdentityProvider.objects.create(**{**defaults, **fields})


def _claims(sub: str = "abc-123", **claims: Any) -> dict[str, Any]:
    return {
        "sub": sub,
        "iss": ISSUER,
        "preferred_username": "s.smit@polderdam.example",
        "email": "s.smit@polderdam.example",
        "given_name": "Sanne",
        "family_name": "Smit",
        "groups": ["regie"],
        **claims,
    }


def _roles(user: Any) -> set[tuple[str, Any, Any]]:
    return set(
        Membership.objects.filter(user=user).values_list(
            "role", "gemeente_id", "mb_organisation_id"
        )
    )


# ---- one sign-in ----


def test_a_first_sign_in_makes_an_account_of_this_organisation_only(
    world: World,
) -> None:
    provider = _provider(world)
    outcome = sign_in_complete(provider=provider, claims=_claims())
    user = outcome.user
    assert user is not None and outcome.message == ""
    assert user.get_username() == "s.smit@polderdam.example"
    assert user.get_full_name() == "Sanne Smit"
    assert not user.has_usable_password()
    assert _roles(user) == {(Role.REGIEVOERDER, world.polderdam.pk, None)}
    assert ExternalAccount.objects.get(user=user).subject == "abc-123"
    actions = set(
        ProcessingRecord.objects.filter(user_id=user.pk).values_list(
            "action", flat=True
        )
    )
    assert actions == {ProcessingRecord.Action.USERS, ProcessingRecord.Action.LOGIN}
    # The next sign-in finds the same account by sub, even under another name.
    again = sign_in_complete(
        provider=provider, claims=_claims(preferred_username="sanne")
    )
    assert again.user.pk == user.pk
    assert get_user_model().objects.filter(username="sanne").count() == 0


def test_claims_without_a_role_are_refused_and_nothing_is_made(world: World) -> None:
    provider = _provider(world)
    users = get_user_model().objects.count()
    outcome = sign_in_complete(
        provider=provider, claims=_claims(groups=["intranet", "begeleiding"])
    )
    assert outcome.user is None
    assert "geen rol in Wegwijs" in outcome.message
    assert "Er is niets aangemaakt" in outcome.message
    assert get_user_model().objects.count() == users
    assert not ExternalAccount.objects.exists()
    refused = ProcessingRecord.objects.get(action=ProcessingRecord.Action.LOGIN_FAILED)
    assert refused.username == "s.smit@polderdam.example"
    assert refused.detail["organisatie"] == "Polderdam"


def test_roles_removed_at_the_provider_are_taken_away_at_the_next_sign_in(
    world: World,
) -> None:
    provider = _provider(world)
    user = sign_in_complete(
        provider=provider, claims=_claims(groups=["regie", "teamleiding"])
    ).user
    assert {r for r, _g, _m in _roles(user)} == {Role.REGIEVOERDER, Role.TEAMLEIDER}
    # A role at another organisation (given there by its own beheerder) stays.
    Membership.objects.create(
        user=user, mb_organisation=world.mb["polderdam"], role=Role.BEGELEIDER
    )
    sign_in_complete(provider=provider, claims=_claims(groups=["teamleiding"]))
    assert _roles(user) == {
        (Role.TEAMLEIDER, world.polderdam.pk, None),
        (Role.BEGELEIDER, None, world.mb["polderdam"].pk),
    }
    outcome = sign_in_complete(provider=provider, claims=_claims(groups=[]))
    assert outcome.user is None and "ingetrokken" in outcome.message
    assert _roles(user) == {(Role.BEGELEIDER, None, world.mb["polderdam"].pk)}


def test_a_name_that_belongs_to_another_account_is_not_taken_over(
    world: World,
) -> None:
    provider = _provider(world)
    local = world.who("regievoerder", world.rivierstad)
    before = _roles(local)
    outcome = sign_in_complete(
        provider=provider, claims=_claims(preferred_username=local.username)
    )
    assert outcome.user is None and "neemt dat account niet over" in outcome.message
    assert _roles(local) == before
    assert not ExternalAccount.objects.exists()


def test_a_switched_off_account_stays_out(world: World) -> None:
    provider = _provider(world)
    user = sign_in_complete(provider=provider, claims=_claims()).user
    user.is_active = False
    user.save()
    outcome = sign_in_complete(provider=provider, claims=_claims())
    assert outcome.user is None and "non-actief" in outcome.message


@pytest.mark.parametrize(
    ("mfa_values", "claims", "expected"),
    [
        ([], {"amr": ["pwd", "otp"]}, False),  # nothing listed: always our code
        (["otp"], {"amr": ["pwd", "otp"]}, True),
        (["otp"], {"amr": ["pwd"]}, False),
        (["http://eidas.europa.eu/LoA/substantial"], {}, False),
        (
            ["http://eidas.europa.eu/LoA/substantial"],
            {"acr": "http://eidas.europa.eu/LoA/substantial"},
            True,
        ),
    ],
)
def test_the_provider_counts_as_second_factor_only_in_the_listed_words(
    world: World, mfa_values: list[str], claims: dict, expected: bool
) -> None:
    provider = _provider(world, mfa_values=mfa_values)
    assert sign_in_complete(provider=provider, claims=_claims(**claims)).mfa is expected


def test_the_client_secret_is_sealed_at_rest(world: World) -> None:
    provider = _provider(world)
    assert SECRET not in provider.client_secret_encrypted
    assert secret_open(provider.client_secret_encrypted) == SECRET
    with override_settings(SECRET_KEY="another-key"):
        assert secret_open(provider.client_secret_encrypted) == ""


# ---- the ID token: what mozilla-django-oidc leaves unchecked ----


@pytest.fixture
def signing_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _token(key: rsa.RSAPrivateKey, **claims: Any) -> str:
    body = {
        "iss": ISSUER,
        "aud": "wegwijs",
        "sub": "abc-123",
        "nonce": "n-1",
        "exp": int(time.time()) + 300,
        **claims,
    }
    return jwt.encode(body, key, algorithm="RS256")


@pytest.mark.parametrize(
    ("claims", "accepted"),
    [
        ({}, True),
        ({"iss": "https://elders.example"}, False),
        ({"aud": "een-andere-client"}, False),
        ({"aud": ["wegwijs", "ander"], "azp": "ander"}, False),
        ({"aud": ["wegwijs", "ander"], "azp": "wegwijs"}, True),
        ({"exp": int(time.time()) - 60}, False),
    ],
)
def test_an_id_token_counts_only_from_this_issuer_for_this_client(
    world: World, signing_key: rsa.RSAPrivateKey, claims: dict, accepted: bool
) -> None:
    backend = OrganisationAccountBackend(_provider(world))
    backend.OIDC_RP_IDP_SIGN_KEY = signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = _token(signing_key, **claims)
    if accepted:
        assert backend.verify_token(token, nonce="n-1")["sub"] == "abc-123"
    else:
        with pytest.raises((SuspiciousOperation, jwt.InvalidTokenError)):
            backend.verify_token(token, nonce="n-1")


def test_the_backend_says_nothing_to_a_username_and_password(world: World) -> None:
    assert (
        OrganisationAccountBackend().authenticate(
            None, username="regievoerder.polderdam", password="x"
        )
        is None
    )


# ---- the beheerder's page ----


def _page(organisation: Any) -> str:
    kind = "gemeente" if organisation.__class__.__name__ == "Gemeente" else "mb"
    return f"/gebruikers/organisatieaccount/{kind}-{organisation.pk}/"


ENDPOINTS = {
    "issuer": ISSUER,
    "authorization_endpoint": f"{ISSUER}/auth",
    "token_endpoint": f"{ISSUER}/token",
    "userinfo_endpoint": f"{ISSUER}/userinfo",
    "jwks_uri": f"{ISSUER}/certs",
    "sign_algo": "RS256",
}


def _form(**overrides: str) -> dict[str, str]:
    return {
        "discovery_url": ISSUER,
        "client_id": "wegwijs",
        "client_secret": SECRET,
        "username_claim": "preferred_username",
        "email_claim": "email",
        "roles_claim": "groups",
        "role_regievoerder": "regie wegwijs-regie",
        "mfa_values": "otp",
        "enabled": "on",
        **overrides,
    }


def test_only_the_organisations_own_beheerder_reaches_its_page(world: World) -> None:
    client = Client()
    client.force_login(world.who("regievoerder", world.polderdam))
    assert client.get(_page(world.polderdam)).status_code == 404
    client.force_login(world.who("beheerder", world.rivierstad))
    assert client.get(_page(world.polderdam)).status_code == 404
    assert client.post(_page(world.polderdam), _form()).status_code == 404
    assert not IdentityProvider.objects.exists()
    client.force_login(world.who("beheerder", world.polderdam))
    assert client.get(_page(world.polderdam)).status_code == 200


def test_the_beheerder_saves_it_and_the_secret_is_never_shown_again(
    world: World, monkeypatch
) -> None:
    monkeypatch.setattr(services, "discover", lambda url: dict(ENDPOINTS))
    client = Client()
    client.force_login(world.who("beheerder", world.polderdam))
    response = client.post(_page(world.polderdam), _form(), follow=True)
    assert "is opgeslagen" in response.content.decode()
    assert SECRET not in response.content.decode()
    provider = IdentityProvider.objects.get(gemeente=world.polderdam)
    assert provider.role_map == {Role.REGIEVOERDER: ["regie", "wegwijs-regie"]}
    assert provider.mfa_values == ["otp"]
    assert AuditEvent.objects.filter(event="organisatieaccount_ingesteld").exists()
    # Saved again without a secret: the stored one stays.
    client.post(_page(world.polderdam), _form(client_secret="", client_id="nieuw"))
    provider.refresh_from_db()
    assert provider.client_id == "nieuw"
    assert secret_open(provider.client_secret_encrypted) == SECRET
    # Another issuer: the accounts made through the old one are unlinked (a sub is
    # unique at one issuer only).
    user = sign_in_complete(provider=provider, claims=_claims()).user
    other = {**ENDPOINTS, "issuer": "https://login.elders.example"}
    monkeypatch.setattr(services, "discover", lambda url: other)
    client.post(_page(world.polderdam), _form(client_secret=""))
    assert not ExternalAccount.objects.filter(user=user).exists()
    # The login page offers it.
    login_page = Client().get("/inloggen/").content.decode()
    assert "Inloggen met het account van Polderdam" in login_page


def test_a_provider_that_cannot_be_read_is_a_dutch_error_and_nothing_is_saved(
    world: World,
) -> None:
    client = Client()
    client.force_login(world.who("beheerder", world.polderdam))
    response = client.post(
        _page(world.polderdam), _form(discovery_url="http://127.0.0.1:9/")
    )
    assert response.status_code == 200
    assert "kon de gegevens van de identity provider niet ophalen" in (
        response.content.decode()
    )
    assert not IdentityProvider.objects.exists()
    response = client.post(_page(world.polderdam), _form(role_regievoerder=""))
    assert "ten minste één rol" in response.content.decode()
    assert not IdentityProvider.objects.exists()


@pytest.fixture
def counter():  # type: ignore[no-untyped-def]
    """A server on loopback that counts who reached it (tests/webui/test_outbound)."""
    server = Counter()
    yield server
    server.close()


def test_a_provider_address_into_wegwijs_own_network_is_refused_naming_the_field(
    world: World, settings, counter
) -> None:
    client = Client()
    client.force_login(world.who("beheerder", world.polderdam))
    for address in ("http://169.254.169.254/latest", "https://10.20.30.40/realms/x"):
        response = client.post(_page(world.polderdam), _form(discovery_url=address))
        assert response.status_code == 200
        text = response.content.decode()
        assert "Adres van de identity provider (issuer): " in text
        assert "alleen verbinding met adressen op het internet" in text
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False
    response = client.post(
        _page(world.polderdam),
        _form(discovery_url=f"http://127.0.0.1:{counter.port}/"),
    )
    assert "van deze server zelf (loopback)" in response.content.decode()
    assert counter.calls == 0
    assert not IdentityProvider.objects.exists()


def test_a_discovery_document_that_points_inward_is_refused(counter) -> None:
    base = f"http://127.0.0.1:{counter.port}"
    counter.document = {
        **ENDPOINTS,
        "issuer": base,
        "authorization_endpoint": f"{base}/auth",
        "jwks_uri": f"{base}/certs",
        "token_endpoint": "http://169.254.169.254/token",
    }
    with pytest.raises(DiscoveryFailed, match="token_endpoint") as raised:
        discover(base)
    assert "link-local" in str(raised.value)


def test_the_providers_logout_address_is_read_when_it_offers_one(counter) -> None:
    base = f"http://127.0.0.1:{counter.port}"
    counter.document = {
        **ENDPOINTS,
        "issuer": base,
        "authorization_endpoint": f"{base}/auth",
        "token_endpoint": f"{base}/token",
        "jwks_uri": f"{base}/certs",
    }
    assert discover(base)["end_session_endpoint"] == ""
    counter.document["end_session_endpoint"] = f"{base}/logout"
    assert discover(base)["end_session_endpoint"] == f"{base}/logout"


def test_a_provider_whose_name_turns_inward_later_is_not_called(
    world: World, settings, counter
) -> None:
    _provider(world, token_endpoint=f"http://127.0.0.1:{counter.port}/token")
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False  # as if its name moved inward
    client = Client()
    start = client.get(f"/inloggen/organisatie/gemeente-{world.polderdam.pk}/")
    state = start["Location"].split("state=")[1].split("&")[0]
    response = client.get(
        "/inloggen/organisatie/terug/", {"code": "c", "state": state}, follow=True
    )
    assert "kon de identity provider van Polderdam niet bereiken" in (
        response.content.decode()
    )
    assert counter.calls == 0
    assert "_auth_user_id" not in client.session


# ---- signing out ----


def _signed_in_through(world: World, provider: IdentityProvider | None) -> Client:
    client = Client()
    client.force_login(world.who("regievoerder", world.polderdam))
    if provider is not None:
        session = client.session
        session[PROVIDER_SESSION_KEY] = provider.pk
        session[ID_TOKEN_SESSION_KEY] = "kop.inhoud.handtekening"
        session.save()
    return client


def test_signing_out_also_ends_the_session_at_the_provider(world: World) -> None:
    provider = _provider(world, end_session_endpoint=f"{ISSUER}/logout")
    client = _signed_in_through(world, provider)
    response = client.post("/uitloggen/")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200  # a page, not a redirect: CSP form-action
    html = response.content.decode()
    assert "U bent uitgelogd bij Wegwijs" in html
    onward = (
        f"{ISSUER}/logout?client_id=wegwijs&amp;post_logout_redirect_uri="
        "http%3A%2F%2Ftestserver%2Finloggen%2F&amp;id_token_hint=kop.inhoud.handtekening"
    )
    assert f'<meta http-equiv="refresh" content="0;url={onward}">' in html
    assert f'<a href="{onward}">' in html


def test_signing_out_stays_in_wegwijs_without_the_providers_logout(
    world: World,
) -> None:
    # Signed in with a password: the usual way out.
    _provider(world, end_session_endpoint=f"{ISSUER}/logout")
    response = _signed_in_through(world, None).post("/uitloggen/")
    assert response.status_code == 302 and response["Location"] == "/inloggen/"
    # Through a provider that offers no logout: the same.
    IdentityProvider.objects.update(end_session_endpoint="")
    client = _signed_in_through(world, IdentityProvider.objects.get())
    response = client.post("/uitloggen/")
    assert response.status_code == 302 and response["Location"] == "/inloggen/"
    assert "_auth_user_id" not in client.session


# ---- only the organisation's account ----


def _password(username: str, password: str = PASSWORD) -> tuple[Client, str]:
    client = Client()
    page = client.post(
        "/inloggen/", {"username": username, "password": password}, follow=True
    )
    return client, page.content.decode()


def test_with_only_the_organisations_account_a_password_is_refused(
    world: World,
) -> None:
    provider = _provider(world, only_organisation_account=True)
    client, page = _password("regievoerder.polderdam")
    assert "Medewerkers van Polderdam loggen in met het account van hun" in page
    assert "Inloggen met het account van Polderdam" in page  # the way that works
    assert "_auth_user_id" not in client.session
    # A wrong password still says only that (the switch gives nothing away).
    client, page = _password("regievoerder.polderdam", "verkeerd")
    assert "loggen in met het account" not in page
    # The break-glass way in: the organisation's beheerder keeps the password
    # (and gives the authenticator code next).
    client, page = _password("beheerder.polderdam")
    assert "loggen in met het account" not in page
    assert "_auth_user_id" in client.session
    # Another organisation's people (here: Polderdam's MB organisation) are not
    # touched; nor is anyone once the provider is switched off.
    client, _page = _password("begeleider.polderdam")
    assert "_auth_user_id" in client.session
    provider.enabled = False
    provider.save()
    client, _page = _password("regievoerder.polderdam")
    assert "_auth_user_id" in client.session


def test_someone_who_also_works_elsewhere_keeps_the_password_there(
    world: World,
) -> None:
    _provider(world, only_organisation_account=True)
    world.user("regievoerder.polderdam", world.rivierstad, "regievoerder")
    client, _page = _password("regievoerder.polderdam")
    assert "_auth_user_id" in client.session


def test_the_beheerder_switches_password_sign_in_off(world: World, monkeypatch) -> None:
    monkeypatch.setattr(services, "discover", lambda url: dict(ENDPOINTS))
    client = Client()
    client.force_login(world.who("beheerder", world.polderdam))
    page = client.get(_page(world.polderdam)).content.decode()
    assert "Alleen inloggen met het organisatieaccount" in page
    client.post(_page(world.polderdam), _form(only_organisation_account="on"))
    provider = IdentityProvider.objects.get(gemeente=world.polderdam)
    assert provider.only_organisation_account
    event = AuditEvent.objects.filter(event="organisatieaccount_ingesteld").latest("pk")
    assert event.detail["alleen_organisatieaccount"] is True
    client.post(_page(world.polderdam), _form(client_secret=""))
    provider.refresh_from_db()
    assert not provider.only_organisation_account


@override_settings(WEGWIJS_OIDC_ALLOW_HTTP=False)
def test_outside_development_a_provider_needs_https() -> None:
    with pytest.raises(DiscoveryFailed, match="https://"):
        discover("http://login.polderdam.example/")


# ---- the login page and the way back ----


def test_the_login_page_offers_only_providers_that_are_on(world: World) -> None:
    _provider(world)
    _provider(world, gemeente=world.rivierstad, enabled=False)
    page = Client().get("/inloggen/").content.decode()
    assert "Inloggen met het account van Polderdam" in page
    assert "Rivierstad" not in page
    assert 'name="password"' in page  # the password stays, for everyone else
    rivierstad = f"/inloggen/organisatie/gemeente-{world.rivierstad.pk}/"
    assert Client().get(rivierstad).status_code == 404


def test_the_start_goes_to_the_provider_with_pkce_and_a_nonce(world: World) -> None:
    _provider(world)
    response = Client().get(f"/inloggen/organisatie/gemeente-{world.polderdam.pk}/")
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"{ISSUER}/auth?")
    for part in ("client_id=wegwijs", "code_challenge=", "nonce=", "state="):
        assert part in location


def test_an_answer_without_a_known_state_signs_nobody_in(world: World) -> None:
    _provider(world)
    client = Client()
    response = client.get(
        "/inloggen/organisatie/terug/", {"code": "x", "state": "onbekend"}, follow=True
    )
    assert "verlopen of al gebruikt" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_sign_in_stopped_at_the_provider_says_so(world: World) -> None:
    _provider(world)
    client = Client()
    start = client.get(f"/inloggen/organisatie/gemeente-{world.polderdam.pk}/")
    state = start["Location"].split("state=")[1].split("&")[0]
    response = client.get(
        "/inloggen/organisatie/terug/",
        {"error": "access_denied", "state": state},
        follow=True,
    )
    assert "afgebroken" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_organisations_privacy_officer_finds_its_sign_ins_and_refusals(
    world: World,
) -> None:
    """Also of a person without an account, or without a role there any more."""
    provider = _provider(world)
    sign_in_complete(provider=provider, claims=_claims(sub="x-1", groups=[]))
    sign_in_complete(provider=provider, claims=_claims(sub="x-2"))
    sign_in_complete(provider=provider, claims=_claims(sub="x-2", groups=[]))
    own = log_search(user=world.who("privacy", world.polderdam))
    assert sorted(own.values_list("action", flat=True)) == sorted(
        [
            ProcessingRecord.Action.LOGIN_FAILED,  # x-1: no role, nothing made
            ProcessingRecord.Action.USERS,  # x-2: made, with a role
            ProcessingRecord.Action.LOGIN,
            ProcessingRecord.Action.USERS,  # x-2: the role taken away
            ProcessingRecord.Action.LOGIN_FAILED,
        ]
    )
    assert not log_search(user=world.who("privacy", world.rivierstad)).exists()


def test_the_page_first_asked_for_comes_after_and_only_if_it_is_ours(
    world: World,
) -> None:
    _provider(world)
    start = f"/inloggen/organisatie/gemeente-{world.polderdam.pk}/"
    client = Client()
    client.get(start, {"next": "/dossiers/"})
    assert client.session["oidc_login_next"] == "/dossiers/"
    client.get(start, {"next": "https://elders.example/"})
    assert client.session["oidc_login_next"] is None


@pytest.mark.parametrize("name", ["", "x" * 151, None])
def test_a_first_sign_in_without_a_usable_name_is_refused(
    world: World, name: str | None
) -> None:
    provider = _provider(world)
    outcome = sign_in_complete(
        provider=provider, claims=_claims(preferred_username=name)
    )
    assert outcome.user is None
    assert "geen bruikbare gebruikersnaam" in outcome.message
    assert "preferred_username" in outcome.message
    assert not ExternalAccount.objects.exists()


def test_a_provider_that_does_not_answer_is_said_in_dutch(world: World) -> None:
    _provider(world, token_endpoint="http://127.0.0.1:9/token")
    client = Client()
    start = client.get(f"/inloggen/organisatie/gemeente-{world.polderdam.pk}/")
    state = start["Location"].split("state=")[1].split("&")[0]
    response = client.get(
        "/inloggen/organisatie/terug/", {"code": "c", "state": state}, follow=True
    )
    assert "kon de identity provider van Polderdam niet bereiken" in (
        response.content.decode()
    )
    assert "_auth_user_id" not in client.session
    # The state was used up: the same answer again is expired.
    again = client.get(
        "/inloggen/organisatie/terug/", {"code": "c", "state": state}, follow=True
    )
    assert "verlopen of al gebruikt" in again.content.decode()
