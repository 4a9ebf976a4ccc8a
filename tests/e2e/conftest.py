"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Playwright's sync API keeps an asyncio loop running in the test thread while a browser is open;
Django refuses ORM calls from such a thread unless DJANGO_ALLOW_ASYNC_UNSAFE is set. The tests
only touch the database from this thread to build the World and to check results afterwards.
"""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import PASSWORD, World

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
SHOTS = os.environ.get("WEGWIJS_E2E_SHOTS", "")  # a directory: keep screenshots for review


# Package scope, not session: the browser (and Playwright's event loop in the main thread) is
# closed as soon as the last browser test has run, so the rest of the suite runs without it.
@pytest.fixture(scope="package")
def browser() -> Iterator["object"]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}; install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Never a Playwright-downloaded browser: the system's Chromium only.
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server) -> Iterator["object"]:
    context = browser.new_context(
        locale="nl-NL", base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def e2e_world(transactional_db) -> World:
    """The shared World, committed so the live server's thread sees it."""
    return World()


def login(page, username: str, password: str = PASSWORD) -> None:
    """Log in through the login form as a person would; ends on the queue."""
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/")
    assert page.get_by_role("heading", name="Mijn taken").is_visible()


def shot(page, name: str) -> None:
    """With WEGWIJS_E2E_SHOTS=<dir>, keep a full-page screenshot for a UI review."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)
