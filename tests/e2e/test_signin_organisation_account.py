"""Sign in with the gemeente's own account (issue 20, item 5), end to end in Chromium
against a real OpenID Connect provider on loopback (django-oauth-toolkit, run as a
tiny Django project of its own: tests/oidc_idp). The beheerder configures it on the
Gebruikers page; a colleague signs in through the provider's own login page and lands
in Wegwijs with the role their group maps to; a person whose groups give no role is
refused and nothing is made; a role taken away at the provider is gone at the next
sign-in; a provider that asserts MFA (amr) spares the Wegwijs code; signing out of
Wegwijs signs out at the provider too (single logout)."""

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

import pytest

from tests.oidc_idp import TestProvider
from webui.accounts.models import Membership, Role
from webui.logs.models import ProcessingRecord
from webui.signin.models import ExternalAccount
from webui.signin.services import provider_save

from ..conftest import World
from .conftest import axe_violations, login, sideways

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

CLIENT_ID = "wegwijs-polderdam"
CLIENT_SECRET = "een-lang-geheim-van-de-gemeente-1234"
IDP_PASSWORD = "wachtwoord-bij-de-gemeente"
CALLBACK = "/inloggen/organisatie/terug/"


@pytest.fixture(scope="module")
def idp(live_server, tmp_path_factory) -> Iterator[TestProvider]:
    with TestProvider(tmp_path_factory.mktemp("idp")) as provider:
        provider.client(
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uri=f"{live_server.url}{CALLBACK}",
            post_logout_redirect_uri=f"{live_server.url}/inloggen/",
        )
        yield provider


def _configure(world: World, idp: TestProvider, **overrides: object) -> None:
    """What the beheerder saves on the page (the first test does it there)."""
    arguments = {
        "discovery_url": idp.issuer,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "username_claim": "preferred_username",
        "email_claim": "email",
        "roles_claim": "groups",
        "role_map": {
            Role.REGIEVOERDER: ["wegwijs-regie"],
            Role.TEAMLEIDER: ["wegwijs-teamleiding"],
            Role.MANAGER: ["wegwijs-management"],
        },
        "mfa_values": [],
        "enabled": True,
        **overrides,
    }
    provider_save(
        actor=world.who("beheerder", world.polderdam),
        organisation=world.polderdam,
        **arguments,  # type: ignore[arg-type]
    )


def _sign_in(
    browser: "Browser", live_server, idp: TestProvider, username: str, width: int = 1280
) -> "Page":
    """A fresh browser (no session at the provider yet): the button on the login
    page, the provider's own login form, and back in Wegwijs."""
    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": width, "height": 900},
        bypass_csp=True,  # only so that axe-core can be injected
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/inloggen/")
    page.get_by_role("link", name="Inloggen met het account van Polderdam").click()
    page.wait_for_url(f"{idp.base}/**")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(IDP_PASSWORD)
    page.get_by_role("button", name="Aanmelden bij de identity provider").click()
    page.wait_for_url(f"{live_server.url}/**")
    page.wait_for_load_state("load")
    return page


def _roles(username: str) -> set[tuple[str, str]]:
    return {
        (m.role, str(m.organisation))
        for m in Membership.objects.filter(user__username=username)
    }


def test_the_beheerder_configures_it_and_a_colleague_signs_in_with_the_mapped_role(
    browser: "Browser", live_server, e2e_world: World, idp: TestProvider
) -> None:
    idp.person(
        "r.devries",
        IDP_PASSWORD,
        groups=["wegwijs-regie", "intranet"],
        email="r.devries@polderdam.example",
        first_name="Roos",
        last_name="de Vries",
    )
    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": 375, "height": 800},
        bypass_csp=True,  # only so that axe-core can be injected
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    login(page, "beheerder.polderdam")
    page.goto("/gebruikers/")
    page.get_by_role(
        "link", name="Inloggen met het account van Polderdam instellen"
    ).click()
    assert not axe_violations(page) and sideways(page) <= 0
    page.get_by_label("Adres van de identity provider (issuer)").fill(idp.issuer)
    page.get_by_label("Client-id").fill(CLIENT_ID)
    page.get_by_label("Client-secret").fill(CLIENT_SECRET)
    page.get_by_label("Waarden die de rol Regievoerder geven").fill("wegwijs-regie")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_load_state("load")
    assert page.get_by_text("is opgeslagen").is_visible()
    # The secret is stored, never shown again.
    assert CLIENT_SECRET not in page.content()
    assert page.get_by_label("Client-secret").input_value() == ""
    assert not axe_violations(page) and sideways(page) <= 0
    page.set_viewport_size({"width": 1280, "height": 900})
    assert sideways(page) <= 0
    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/inloggen/")
    assert page.get_by_role(
        "link", name="Inloggen met het account van Polderdam"
    ).is_visible()
    assert not axe_violations(page) and sideways(page) <= 0
    page.set_viewport_size({"width": 1280, "height": 900})
    assert sideways(page) <= 0
    context.close()

    page = _sign_in(browser, live_server, idp, "r.devries")
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    assert "Roos de Vries" in page.locator("header").inner_text()
    assert page.get_by_role("link", name="Dossiers").is_visible()
    # An account of Polderdam only, with the mapped role and nothing else.
    assert _roles("r.devries") == {(Role.REGIEVOERDER, "Polderdam")}
    user = get_user_model().objects.get(username="r.devries")
    assert user.email == "r.devries@polderdam.example"
    assert not user.has_usable_password()
    assert ExternalAccount.objects.filter(user=user).count() == 1
    signed_in = ProcessingRecord.objects.filter(
        action=ProcessingRecord.Action.LOGIN, user_id=user.pk
    ).get()
    assert signed_in.roles == Role.REGIEVOERDER
    assert signed_in.detail["organisatie"] == "Polderdam"
    assert ProcessingRecord.objects.filter(
        action=ProcessingRecord.Action.USERS, user_id=user.pk
    ).exists()
    # Need-to-know as for everyone: Rivierstad's cases are not hers.
    other = e2e_world.start(e2e_world.rivierstad)
    assert page.goto(f"/dossiers/{other.pk}/").status == 404
    page.context.close()


def test_a_person_whose_groups_give_no_role_is_refused_and_nothing_is_made(
    browser: "Browser", live_server, e2e_world: World, idp: TestProvider
) -> None:
    _configure(e2e_world, idp)
    idp.person("k.buiten", IDP_PASSWORD, groups=["intranet", "wegwijs-onbekend"])
    before = get_user_model().objects.count()
    page = _sign_in(browser, live_server, idp, "k.buiten", width=375)
    assert page.url.endswith("/inloggen/")
    message = page.get_by_role("status")
    assert "geeft u geen rol in Wegwijs" in message.inner_text()
    assert "Er is niets aangemaakt" in message.inner_text()
    assert not axe_violations(page) and sideways(page) <= 0
    assert get_user_model().objects.count() == before
    assert not get_user_model().objects.filter(username="k.buiten").exists()
    refused = ProcessingRecord.objects.get(
        action=ProcessingRecord.Action.LOGIN_FAILED, username="k.buiten"
    )
    assert refused.detail["reden"] == "geen rol in de claims"
    page.context.close()


def test_roles_follow_the_provider_at_every_sign_in(
    browser: "Browser", live_server, e2e_world: World, idp: TestProvider
) -> None:
    _configure(e2e_world, idp)
    idp.person("t.wisselt", IDP_PASSWORD, groups=["wegwijs-regie"])
    _sign_in(browser, live_server, idp, "t.wisselt").context.close()
    assert _roles("t.wisselt") == {(Role.REGIEVOERDER, "Polderdam")}

    idp.person("t.wisselt", IDP_PASSWORD, groups=["wegwijs-teamleiding"])
    page = _sign_in(browser, live_server, idp, "t.wisselt")
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    assert _roles("t.wisselt") == {(Role.TEAMLEIDER, "Polderdam")}
    page.context.close()

    # Every group gone at the provider: refused, and the roles are taken away.
    idp.person("t.wisselt", IDP_PASSWORD, groups=[])
    page = _sign_in(browser, live_server, idp, "t.wisselt")
    assert page.url.endswith("/inloggen/")
    assert "uw rollen bij Polderdam zijn daarom ingetrokken" in (
        page.get_by_role("status").inner_text()
    )
    assert _roles("t.wisselt") == set()
    page.context.close()


def test_the_second_factor_is_the_providers_only_when_it_says_so(
    browser: "Browser", live_server, e2e_world: World, idp: TestProvider
) -> None:
    """A manager must sign in with two factors. Without amr from the provider,
    Wegwijs asks for its own authenticator app; with amr "otp" (listed by the
    beheerder) it does not."""
    _configure(e2e_world, idp, mfa_values=["otp", "mfa"])
    idp.person("m.zonder", IDP_PASSWORD, groups=["wegwijs-management"])
    page = _sign_in(browser, live_server, idp, "m.zonder")
    page.goto("/overzicht/")
    assert "/account/tweestapsverificatie/" in page.url
    page.context.close()

    idp.person("m.met", IDP_PASSWORD, groups=["wegwijs-management", "mfa"])
    page = _sign_in(browser, live_server, idp, "m.met")
    response = page.goto("/overzicht/")
    assert response is not None and response.status == 200
    assert "/overzicht/" in page.url
    signed_in = ProcessingRecord.objects.get(
        action=ProcessingRecord.Action.LOGIN, username="m.met"
    )
    assert signed_in.detail["tweede_factor_door_idp"] is True
    page.context.close()


def test_signing_out_of_wegwijs_signs_out_at_the_provider_too(
    browser: "Browser", live_server, e2e_world: World, idp: TestProvider
) -> None:
    _configure(e2e_world, idp)
    idp.person("u.itlog", IDP_PASSWORD, groups=["wegwijs-regie"])
    page = _sign_in(browser, live_server, idp, "u.itlog", width=375)
    assert page.get_by_role("button", name="Uitloggen").is_visible()
    # Still signed in at the provider: the button goes straight through.
    page.goto("/inloggen/")
    page.get_by_role("link", name="Inloggen met het account van Polderdam").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("button", name="Uitloggen").is_visible()

    page.get_by_role("button", name="Uitloggen").click()
    # Via the provider's end_session_endpoint back to Wegwijs's login page.
    page.wait_for_url(f"{live_server.url}/inloggen/")
    assert page.get_by_role(
        "link", name="Inloggen met het account van Polderdam"
    ).is_visible()
    assert not axe_violations(page) and sideways(page) <= 0
    # Signed out there too: the provider asks for the password again.
    page.get_by_role("link", name="Inloggen met het account van Polderdam").click()
    page.wait_for_url(f"{idp.base}/**")
    assert page.get_by_label("Wachtwoord").is_visible()
    page.context.close()
