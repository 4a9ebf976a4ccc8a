"""The coordinator on a phone (375 px): matches a new statushouder to the suggested
begeleider (who speaks the language and works in the area) and moves a case of a
volunteer who stops to a colleague; every page axe-clean, none scrolls sideways."""

import re
from typing import TYPE_CHECKING

import pytest

from webui.accounts.models import Role, UserProfile
from webui.cases.models import Case
from webui.logs.models import AuditEvent
from webui.tasks.models import TaskItem

from ..conftest import World
from .conftest import axe_violations, login, shot, sideways

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


def fits(page: "Page", found: dict, name: str) -> None:
    """axe-core clean and no sideways scrolling; a screenshot for the review."""
    shot(page, f"coordinator-{name}")
    violations = axe_violations(page)
    if violations:
        found[f"{name} axe"] = violations
    if sideways(page) > 0:
        found[f"{name} sideways"] = sideways(page)


def test_the_coordinator_matches_and_reassigns_on_a_phone(
    browser: "Browser", live_server, e2e_world: World
) -> None:
    world = e2e_world
    bea = world.who("begeleider", world.polderdam)
    anna = world.user("anna.polderdam", world.polderdam, Role.BEGELEIDER)
    UserProfile.objects.create(
        user=anna, languages=["Tigrinya", "Engels"], areas=["1234"], hours_per_week=6
    )
    guided = world.coupled(voornaam="Dawit", achternaam="Gebre")
    new = world.run_until(
        world.start(
            voornaam="Selam", achternaam="Tesfay", taal="Tigrinya", postcode="1234 AB"
        ),
        "intake_gesprek",
    )
    new = world.complete(new, "intake_gesprek", begeleidingsvorm="individueel")

    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": 375, "height": 800},
        bypass_csp=True,  # only so that axe-core can be injected
    )
    page = context.new_page()
    found: dict[str, object] = {}
    login(page, "coordinator.polderdam")

    # Coördinatie: Selam waits for a vaste begeleider.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role(
        "link", name="Coördinatie"
    ).click()
    assert page.get_by_role("heading", name="Coördinatie", level=1).is_visible()
    waiting = page.locator("#waiting")
    assert "Selam Tesfay" in waiting.inner_text()
    fits(page, found, "koppelen")

    # The suggestions: Anna speaks Tigrinya and works in 1234, so she comes first.
    waiting.get_by_role("link", name="Begeleider kiezen voor Selam Tesfay").click()
    first = page.locator("#suggestions > li").first
    assert first.get_by_role("heading").inner_text() == "Anna Polderdam"
    assert "spreekt Tigrinya" in first.inner_text()
    assert "werkt in 1234" in first.inner_text()
    fits(page, found, "suggesties")
    first.get_by_role("link", name="Kies Anna Polderdam").click()

    # The koppelen task opens with Anna filled in; the coordinator confirms.
    page.wait_for_url(re.compile(rf"/taak/.+\?begeleider={anna.pk}$"))
    assert page.get_by_label("Vaste begeleider").input_value() == "anna.polderdam"
    page.get_by_role("group", name="Is een tolk nodig bij de gesprekken?").get_by_label(
        "Ja", exact=True
    ).check()
    page.get_by_role("button", name="Afronden").click()
    page.wait_for_load_state()
    new.refresh_from_db()
    assert new.begeleider == anna

    # Bea stops: her case goes to Anna, with a note.
    page.goto("/coordinatie/")
    page.get_by_role("link", name=re.compile(r"^Begeleiders")).click()
    assert "Begeleider Polderdam" in page.locator("#caseloads").inner_text()
    fits(page, found, "begeleiders")
    page.get_by_role("link", name="Begeleider Polderdam").click()
    fits(page, found, "begeleider")
    page.get_by_label("Waarom wisselt de begeleider?").fill(
        "Bea stopt als vrijwilliger"
    )
    page.get_by_label(f"Nieuwe begeleider voor {guided.reference}").select_option(
        str(anna.pk)
    )
    page.get_by_role(
        "button", name=f"Alleen dit dossier overdragen ({guided.reference})"
    ).click()
    moved = page.locator("#moved")
    assert guided.reference in moved.inner_text()
    assert "nu bij Anna Polderdam" in moved.inner_text()
    fits(page, found, "overgedragen")

    page.goto("/coordinatie/te-laat/")
    fits(page, found, "te-laat")

    # Mijn instellingen, through the name in the header.
    page.get_by_role("link", name=re.compile("mijn instellingen")).click()
    assert page.get_by_role("heading", name="Mijn instellingen").is_visible()
    fits(page, found, "instellingen")
    page.get_by_label("Stuur mij één keer per dag een e-mail met mijn taken").uncheck()
    page.get_by_role("button", name="Opslaan").click()
    assert page.get_by_text("Uw instellingen zijn opgeslagen.").is_visible()
    context.close()

    assert found == {}
    guided.refresh_from_db()
    assert guided.begeleider == anna
    assert not TaskItem.objects.filter(
        case=guided, state="open", role=Role.BEGELEIDER, assignee=bea
    ).exists()
    event = AuditEvent.objects.get(case=guided, event="begeleider_reassigned")
    assert event.detail["note"] == "Bea stopt als vrijwilliger"
    assert Case.objects.filter(begeleider=bea, is_closed=False).count() == 0
    coordinator = world.who("coordinator", world.polderdam)
    assert UserProfile.objects.get(user=coordinator).daily_digest is False
