"""Real-browser tests: Debian's Chromium, driven by Playwright, against the live server.

Playwright's sync API keeps an asyncio loop running in the test thread while a browser
is open, and Django refuses ORM calls from such a thread unless
DJANGO_ALLOW_ASYNC_UNSAFE is set. These tests touch the database from the test thread
only to build the World before the clicking starts and to check the result after it.

Set WEGWIJS_E2E_SHOTS=<directory> to keep full-page screenshots for a UI review.
"""

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from ..conftest import PASSWORD, World

if TYPE_CHECKING:
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from playwright.sync_api import Browser, Page

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = os.environ.get("WEGWIJS_E2E_SHOTS", "")


# Package scope rather than session: the browser, and Playwright's event loop in the
# main thread, go away after the last browser test; the rest of the suite runs without.
@pytest.fixture(scope="package")
def browser() -> Iterator["Browser"]:
    if not CHROMIUM.exists():
        pytest.skip(
            f"Chromium not found at {CHROMIUM}; install Debian's chromium package"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # The system's Chromium only; Playwright never downloads a browser here.
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: "Browser", live_server) -> Iterator["Page"]:
    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def e2e_world(transactional_db) -> World:
    """The shared World, committed so that the live server's thread sees it."""
    return World()


def login(page: "Page", username: str, password: str = PASSWORD) -> None:
    """Log in through the login form as a person would; ends on the start page:
    "Mijn taken", or for a manager without tasks the overview. A beheerder, privacy
    officer or manager has an authenticator app and types its code next."""
    device = _authenticator(username)
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/inloggen/" not in url)
    if device is not None:
        page.wait_for_url(lambda url: "/account/inlogcode/" in url)
        page.get_by_label("Code uit uw authenticator-app").fill(_next_code(device))
        page.get_by_role("button", name="Verder").click()
        page.wait_for_url(lambda url: "/account/inlogcode/" not in url)
    assert page.get_by_role("button", name="Uitloggen").is_visible()


def _authenticator(username: str) -> "TOTPDevice | None":
    """The user's app, for the roles that must sign in with a code."""
    from django.contrib.auth import get_user_model

    from django_otp.plugins.otp_totp.models import TOTPDevice

    from webui.accountpages.twofactor import second_factor_required

    user = get_user_model().objects.get(username=username)
    if not second_factor_required(user=user):
        return None
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "telefoon"}
    )
    return device


def _next_code(device: "TOTPDevice") -> str:
    """A code the app shows now, or in the next 30 s when this one was used: a
    code signs in once, and a test may log the same user in twice."""
    from django_otp.oath import hotp

    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step + device.drift
    code = hotp(device.bin_key, max(now, device.last_t + 1), digits=device.digits)
    return f"{code:06d}"


def shot(page: "Page", name: str) -> None:
    """With WEGWIJS_E2E_SHOTS=<directory>, keep a full-page screenshot there."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def axe_violations(page: "Page") -> list[dict]:
    """The serious and critical WCAG 2.1 A/AA violations axe-core finds on the page."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag",
            values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})"""
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def sideways(page: "Page") -> int:
    """How many pixels the page is wider than the window (0: no sideways scroll)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
