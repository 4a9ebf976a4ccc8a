"""The PVT trainer records a workshop for a whole group, on a phone, in a real browser.

The test counts what a person would do: every click, every field clicked into and
typed in, and two for a list opened and an option picked. Planning and recording
take a fixed number of them whatever the group's size; only each absentee adds an
untick and a reason.
"""

import re
from typing import TYPE_CHECKING

from django.utils import timezone

import pytest

from webui.cases.models import Case

from ..conftest import World
from .conftest import axe_violations, login, shot, sideways

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = pytest.mark.browser

WORKSHOP_1 = "PVT-workshop 1 van 4"
GROUP = ("Amal", "Yonas", "Sara", "Dawit", "Noor")
ABSENT = "Dawit"
# Menu, "Bijeenkomst plannen", date, time, place, "Bijeenkomst plannen",
# "Aanwezigheid vastleggen", "Ik weet het zeker", "Vastleggen": the same for 5
# people or 15.
FIXED_CLICKS = 9
PER_ABSENTEE = 3  # untick, open the list of reasons, pick one


class Person:
    """Clicks and types as a person would, and counts it."""

    def __init__(self, page: "Page") -> None:
        self.page = page
        self.clicks = 0

    def click(self, target: "Locator") -> None:
        target.click()
        self.clicks += 1

    def type_in(self, field: "Locator", text: str) -> None:
        field.click()
        field.fill(text)
        self.clicks += 1

    def choose(self, select: "Locator", label: str) -> None:
        select.select_option(label=label)
        self.clicks += 2


def check_page(page: "Page", name: str) -> None:
    """Accessible, phone-sized and free of inline script and style (the CSP)."""
    page.wait_for_load_state("load")
    html = page.request.get(page.url).text()  # as served, before axe-core runs
    assert " style=" not in html, page.url
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), page.url
    assert axe_violations(page) == [], page.url
    assert sideways(page) == 0, page.url
    shot(page, f"trainer-{name}")


def test_trainer_records_a_workshop_for_a_group_in_one_go(
    browser: "Browser", live_server, e2e_world: World
) -> None:
    world = e2e_world
    cases = {
        name: world.run_until(world.coupled(voornaam=name), "pvt_workshop", 60)
        for name in GROUP
    }
    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": 375, "height": 800},
        bypass_csp=True,  # only so that axe-core can be injected
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    login(page, "trainer.polderdam")
    person = Person(page)

    menu = page.get_by_role("navigation", name="Hoofdmenu")
    person.click(menu.get_by_role("link", name="PVT-bijeenkomsten"))
    page.wait_for_url("**/pvt/")
    check_page(page, "home")
    waiting = page.get_by_role("row").filter(has_text=WORKSHOP_1)
    assert "5 statushouders" in waiting.inner_text()
    person.click(
        page.get_by_role("link", name=f"Bijeenkomst plannen voor {WORKSHOP_1}")
    )
    page.wait_for_url("**/pvt/nieuw/**")
    check_page(page, "plan")
    who = page.get_by_role("group", name="Deelnemers")
    for name in GROUP:
        assert who.get_by_role("checkbox", name=re.compile(name)).is_checked()
    person.type_in(
        page.get_by_label("Datum", exact=True), timezone.localdate().isoformat()
    )
    person.type_in(page.get_by_label("Begintijd", exact=True), "14:00")
    person.type_in(page.get_by_label("Plaats", exact=True), "Buurthuis De Brug")
    person.click(page.get_by_role("button", name="Bijeenkomst plannen"))
    page.wait_for_url(re.compile(r"/pvt/\d+/$"))
    assert "gepland met 5 deelnemers" in page.locator(".messages").inner_text()
    check_page(page, "planned")

    person.click(page.get_by_role("link", name="Aanwezigheid vastleggen"))
    page.wait_for_url(re.compile(r"/pvt/\d+/vastleggen/$"))
    check_page(page, "record")
    absent = page.get_by_role("group", name=re.compile(f"^{ABSENT} "))
    reason = absent.get_by_label("Reden van afwezigheid")
    assert reason.is_hidden(), "no reason asked of someone who was there"
    # By keyboard: tab to the box and press space.
    absent.get_by_label("Aanwezig", exact=True).focus()
    page.keyboard.press("Space")
    person.clicks += 1
    assert reason.is_visible()
    person.choose(reason, "Ziek")
    check_page(page, "record-one-absent")
    person.click(page.get_by_label("Ik weet het zeker"))
    person.click(page.get_by_role("button", name="Vastleggen voor 5 deelnemers"))
    page.wait_for_url(re.compile(r"/pvt/\d+/$"))

    message = page.locator(".messages").inner_text()
    assert "Vastgelegd: 4 aanwezig, 1 afwezig." in message
    assert "inhaalworkshop" in message
    check_page(page, "recorded")
    next_steps = page.get_by_role("region", name="Vervolg plannen")
    assert "PVT-workshop 2 van 4: 4 van deze deelnemers" in next_steps.inner_text()
    assert "Inhaalworkshop voor workshop 1: 1 van deze deelnemers" in (
        next_steps.inner_text()
    )
    assert person.clicks == FIXED_CLICKS + PER_ABSENTEE
    assert person.clicks <= 20
    context.close()

    for name, case in cases.items():
        case = Case.objects.get(pk=case.pk)
        waiting_on = list(
            case.tasks.filter(state="open", role="trainer").values_list(
                "name", flat=True
            )
        )
        expected = (
            "Inhaalworkshop voor workshop 1"
            if name == ABSENT
            else "PVT-workshop 2 van 4"
        )
        assert waiting_on == [expected], name
