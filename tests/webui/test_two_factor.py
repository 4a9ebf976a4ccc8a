"""Two-factor sign-in: managers, beheerders and privacy officers set up an
authenticator app before any page and give its code after their password; everyone
else may turn it on under Mijn instellingen."""

from datetime import timedelta
from urllib.parse import quote

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from webui.accountpages.twofactor import WRONG_CODE

from ..conftest import PASSWORD, World

pytestmark = pytest.mark.real_second_factor

SETUP = reverse("accounts:second_factor_setup")
CODE = reverse("accounts:second_factor_code")


def _code(device: TOTPDevice) -> str:
    """The code the user's app shows now."""
    device.refresh_from_db()
    code = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift,
    )
    return f"{code:06d}"


def _not(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _wait_out_the_throttle(device: TOTPDevice) -> None:
    """As if the user waited the seconds a wrong code costs."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=5)
    )


def _password_login(username: str, next_url: str = "") -> tuple[Client, str]:
    """Through the login page, as a person: the client and where it is sent."""
    client = Client()
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    return client, response["Location"]


def _device(world: World, username: str) -> TOTPDevice:
    return TOTPDevice.objects.create(
        user=world.users[username], name="telefoon", confirmed=True
    )


PAGES = [
    reverse("tasks:queue"),
    reverse("reports:overview"),
    reverse("accounts:profile"),
    reverse("cases:list"),
    reverse("studio:list"),
    reverse("privacy:log"),
    "/admin/",
]


@pytest.mark.parametrize("role", ["manager", "beheerder", "privacy"])
def test_a_role_that_needs_a_second_factor_is_sent_to_set_up_on_every_page(
    world: World, role: str
) -> None:
    client, location = _password_login(f"{role}.polderdam")
    assert client.get(location).status_code == 302
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{SETUP}?next={quote(url)}", url
    # A post is refused the same way: nothing happens before the set-up.
    response = client.post(reverse("accounts:profile"), {"daily_digest": "on"})
    assert response["Location"].startswith(SETUP)
    # Nor can they skip it by claiming a code page without an app.
    assert client.get(CODE)["Location"].startswith(SETUP)


def test_a_superuser_sets_up_a_second_factor_before_the_admin(world: World) -> None:
    """The Django admin is for superusers only: a password alone never opens it."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(
        "technisch.beheer", "tb@voorbeeld.invalid", PASSWORD
    )
    client, _location = _password_login("technisch.beheer")
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next={quote('/admin/')}"


def test_setting_up_shows_a_qr_code_and_the_secret_and_ends_where_one_began(
    world: World,
) -> None:
    client, _ = _password_login("manager.polderdam")
    overview = reverse("reports:overview")
    page = client.get(f"{SETUP}?next={overview}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html, "a QR code drawn here, no CDN"
    assert "QR-code om Wegwijs aan uw authenticator-app toe te voegen" in html
    device = TOTPDevice.objects.get(user=world.users["manager.polderdam"])
    assert not device.confirmed
    secret = page.context["secret"]
    assert secret in html
    # Reloading keeps the same secret: a scanned code stays good.
    assert client.get(SETUP).context["secret"] == secret

    wrong = client.post(SETUP, {"code": _not(_code(device)), "next": overview})
    assert wrong.status_code == 200
    assert WRONG_CODE in wrong.content.decode()
    assert client.get(overview)["Location"].startswith(SETUP)

    _wait_out_the_throttle(device)
    done = client.post(SETUP, {"code": _code(device), "next": overview})
    assert done.status_code == 302 and done["Location"] == overview
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(overview).status_code == 200
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Staat aan" in profile
    assert "Tweestapsverificatie uitzetten" not in profile, "required for a manager"


def test_with_an_app_the_login_asks_for_the_code_and_refuses_a_wrong_one_in_dutch(
    world: World,
) -> None:
    device = _device(world, "beheerder.polderdam")
    studio = reverse("studio:list")
    client, location = _password_login("beheerder.polderdam", next_url=studio)
    response = client.get(location)
    assert response.status_code == 302
    assert response["Location"] == f"{CODE}?next={quote(studio)}"
    page = client.get(response["Location"])
    assert "Code uit uw authenticator-app" in page.content.decode()

    right = _code(device)
    wrong = client.post(CODE, {"code": "12345", "next": studio})
    assert "Een code bestaat uit zes cijfers" in wrong.content.decode()
    wrong = client.post(CODE, {"code": _not(right), "next": studio})
    assert WRONG_CODE in wrong.content.decode()
    assert client.get(studio)["Location"].startswith(CODE)
    # Straight after a wrong code even the right one waits: guessing is slow.
    hurried = client.post(CODE, {"code": right, "next": studio})
    assert "Wacht" in hurried.content.decode()
    assert client.get(studio)["Location"].startswith(CODE)

    _wait_out_the_throttle(device)
    done = client.post(CODE, {"code": f"{right[:3]} {right[3:]}", "next": studio})
    assert done.status_code == 302 and done["Location"] == studio
    assert client.get(studio).status_code == 200
    # A code is good for one sign-in only.
    other, _ = _password_login("beheerder.polderdam")
    again = other.post(CODE, {"code": right})
    assert WRONG_CODE in again.content.decode()


def test_the_code_page_sends_nobody_elsewhere_than_wegwijs(world: World) -> None:
    device = _device(world, "privacy.polderdam")
    client, _ = _password_login("privacy.polderdam")
    done = client.post(CODE, {"code": _code(device), "next": "https://evil.example/"})
    assert done.status_code == 302 and done["Location"] == reverse("tasks:queue")


def test_someone_with_only_the_password_cannot_set_up_a_new_app(
    world: World,
) -> None:
    _device(world, "manager.polderdam")
    client, _ = _password_login("manager.polderdam")
    assert client.get(SETUP)["Location"].startswith(CODE)
    assert client.post(SETUP, {"code": "123456"})["Location"].startswith(CODE)
    assert TOTPDevice.objects.filter(user=world.users["manager.polderdam"]).count() == 1


def test_a_begeleider_is_not_forced_and_may_turn_it_on_and_off(world: World) -> None:
    client, location = _password_login("begeleider.polderdam")
    assert client.get(location).status_code == 200
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Tweestapsverificatie aanzetten" in profile

    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.users["begeleider.polderdam"])
    client.post(SETUP, {"code": _code(device)})
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert "Staat aan" in profile

    # From now on the begeleider's login asks for the code as well.
    again, location = _password_login("begeleider.polderdam")
    assert again.get(location)["Location"].startswith(CODE)

    client.post(reverse("accounts:second_factor_off"))
    assert not TOTPDevice.objects.filter(user=world.users["begeleider.polderdam"])
    later, location = _password_login("begeleider.polderdam")
    assert later.get(location).status_code == 200


def test_a_manager_cannot_turn_it_off(world: World) -> None:
    device = _device(world, "manager.polderdam")
    client, _ = _password_login("manager.polderdam")
    client.post(CODE, {"code": _code(device)})
    response = client.post(reverse("accounts:second_factor_off"), follow=True)
    assert "verplicht" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
