"""A volunteer's day on a phone (375 px): the begeleider works three tasks from the
queue; the four-step intake is left halfway, the begeleider logs out and in, finds
every answer back and finishes it; each completion opens the next task."""

import re
from datetime import timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

import pytest

from webui.cases.models import Submission
from webui.tasks.models import TaskDraft, TaskItem
from webui.taskwork.services import task_claim

from ..conftest import World
from .conftest import axe_violations, login, shot, sideways

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

INTAKE = "Intakegesprek"
HUISVESTING = "Huisvesting en inschrijvingen regelen"
FINANCIEN = "Financiën regelen"


def answer(page: "Page", question: str, option: str) -> None:
    page.get_by_role("group", name=question).get_by_label(option, exact=True).check()


def checked(page: "Page", question: str, option: str) -> bool:
    group = page.get_by_role("group", name=question)
    return group.get_by_label(option, exact=True).is_checked()


def fits(page: "Page", found: dict, name: str) -> None:
    """axe-core clean and no sideways scrolling; a screenshot for the review."""
    shot(page, f"begeleider-day-{name}")
    violations = axe_violations(page)
    if violations:
        found[f"{name} axe"] = violations
    if sideways(page) > 0:
        found[f"{name} sideways"] = sideways(page)


def test_a_begeleider_works_three_tasks_on_a_phone(
    browser: "Browser", live_server, e2e_world: World
) -> None:
    world = e2e_world
    begeleider = world.who("begeleider", world.polderdam)
    amal = world.start(voornaam="Amal", achternaam="Tesfay")
    yonas = world.run_until(
        world.start(voornaam="Yonas", achternaam="Haile"), "intake_gesprek"
    )
    today = timezone.localdate()
    for case, bpmn_id, days in (
        (yonas, "intake_gesprek", 0),
        (amal, "huisvesting_inschrijvingen", 3),
        (amal, "financien_regelen", 5),
    ):
        task = TaskItem.objects.get(case=case, bpmn_id=bpmn_id, state="open")
        task_claim(item=task, user=begeleider)
        TaskItem.objects.filter(pk=task.pk).update(due_date=today + timedelta(days))
    intake = TaskItem.objects.get(case=yonas, bpmn_id="intake_gesprek")

    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": 375, "height": 800},
        bypass_csp=True,  # only so that axe-core can be injected
    )
    page = context.new_page()
    found: dict[str, object] = {}
    login(page, "begeleider.polderdam")

    # The queue: my three tasks, the one due today first, in words.
    mine = page.locator("#my-tasks")
    assert page.get_by_role("link", name=re.compile(r"Mijn taken \(3\)")).is_visible()
    first = mine.get_by_role("row").nth(1)
    assert INTAKE in first.inner_text() and "Yonas Haile" in first.inner_text()
    assert "deze week" in first.inner_text()
    fits(page, found, "queue")

    # The intake: step 1, on to step 2, something typed there, then away.
    first.get_by_role("link", name=INTAKE).click()
    step = page.locator("#step-title")
    assert step.inner_text() == "Stap 1 van 4: Kennismaking"
    fits(page, found, "task")
    page.get_by_label("Datum intakegesprek").fill("2026-11-16")
    answer(page, "Waar vond het gesprek plaats?", "Huisbezoek")
    answer(page, "Was er een tolk bij het gesprek?", "Ja")
    answer(page, "Zijn het aanbod maatschappelijke begeleiding", "Ja")
    page.get_by_label("Wat wil de statushouder").fill("Weer lesgeven.")
    answer(
        page, "Zijn dat reële verwachtingen?", "Ja, reëel en met een realistisch plan"
    )
    answer(
        page,
        "Wil de statushouder in Nederland blijven wonen, en waar?",
        "Ja, in deze gemeente blijven",
    )
    page.get_by_role("button", name="Volgende stap").click()
    assert step.inner_text() == "Stap 2 van 4: Achtergrond"
    page.get_by_label("Aantal kinderen").fill("2")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Mijn taken").click()
    page.wait_for_url("**/")

    # Logged out and in again: the intake resumes on step 2 with everything kept.
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url("**/inloggen/**")
    login(page, "begeleider.polderdam")
    page.locator("#my-tasks").get_by_role("link", name=INTAKE).click()
    assert step.inner_text() == "Stap 2 van 4: Achtergrond"
    assert "Concept opgeslagen" in page.locator("#draft-status").inner_text()
    assert page.get_by_label("Aantal kinderen").input_value() == "2"
    page.get_by_role("button", name="Vorige stap").click()
    assert step.inner_text() == "Stap 1 van 4: Kennismaking"
    assert page.get_by_label("Datum intakegesprek").input_value() == "2026-11-16"
    assert checked(page, "Waar vond het gesprek plaats?", "Huisbezoek")
    page.get_by_role("button", name="Volgende stap").click()
    assert page.get_by_label("Aantal kinderen").input_value() == "2"
    answer(page, "Is het dossier bijgewerkt met de achtergrondgegevens?", "Ja")
    page.get_by_role("button", name="Volgende stap").click()
    assert step.inner_text() == "Stap 3 van 4: Rechten, plichten en toestemming"
    answer(page, "Is uitgelegd hoe wij met persoonsgegevens omgaan?", "Ja")
    answer(
        page,
        "Hoe is de toestemming gegeven?",
        "Mondeling, vastgelegd door de begeleider",
    )
    page.get_by_label("Datum waarop de toestemming is vastgelegd").fill("2026-11-16")
    page.get_by_role("button", name="Volgende stap").click()
    assert step.inner_text() == "Stap 4 van 4: Behoeften en vervolgafspraken"
    answer(page, "Vorm van begeleiding", "Individuele begeleiding")
    answer(
        page,
        "In welke Piëzo-fase staat de statushouder?",
        "Fase 1 – meedoen aan activiteiten",
    )
    answer(page, "Waar wil de statushouder hulp bij?", "Taal")
    answer(page, "Hoe vaak is er contact?", "Eens per twee weken")
    page.get_by_role("button", name="Afronden").click()

    # Straight on to the next task: the huisvesting, due in three days.
    page.wait_for_url(re.compile(r"/taak/[^/]+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == HUISVESTING
    message = page.locator(".messages").inner_text()
    assert f"‘{INTAKE}’ is afgerond" in message and "volgende taak" in message
    answer(page, "Heeft de statushouder de woning betrokken?", "Ja")
    page.get_by_label("Datum sleuteloverdracht").fill("2026-11-20")
    answer(page, "Is de statushouder ingeschreven in de BRP", "Ja")
    answer(page, "Ingeschreven bij", "Huisarts")
    page.get_by_role("button", name="Afronden").click()

    page.wait_for_url(re.compile(r"/taak/[^/]+/$"))
    assert page.get_by_role("heading", level=1).inner_text() == FINANCIEN
    assert f"‘{HUISVESTING}’ is afgerond" in page.locator(".messages").inner_text()
    for question in (
        "Is er een bankrekening geopend?",
        "Is de bijstandsuitkering aangevraagd?",
        "Is de zorgverzekering afgesloten?",
        "Is ontzorgen afgesproken met de gemeente?",
    ):
        answer(page, question, "Ja")
    answer(page, "Aangevraagde toeslagen en kinderbijslag", "Zorgtoeslag")
    answer(page, "Zijn er schulden of betalingsachterstanden?", "Nee")
    page.get_by_role("button", name="Afronden").click()

    # Both practical steps done: the next step of Amal's voortraject stays with
    # the begeleider who did them, and opens at once.
    page.wait_for_url(re.compile(r"/taak/[^/]+/$"))
    message = page.locator(".messages").inner_text()
    assert f"‘{FINANCIEN}’ is afgerond" in message
    assert "Dit is uw volgende taak" in message
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading == "Voorbereiding inburgering"
    fits(page, found, "next-step")
    page.goto("/")
    fits(page, found, "queue-after")
    context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())

    data = Submission.objects.get(task_id=intake.task_id).data
    assert data["aantal_kinderen"] == 2 and data["datum_intake"] == "2026-11-16"
    assert data["verwachtingen_statushouder"] == "Weer lesgeven."
    assert Submission.objects.filter(case=amal).count() == 3  # aanmelding + two
    assert not TaskDraft.objects.exists()
