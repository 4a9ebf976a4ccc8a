"""The main paths through Wegwijs in a real browser, as a begeleider walks them.

Each test builds its World (committed, so the live server sees it), logs in through the
login form and from then on only clicks, types and reads what is on the screen. The
database is read afterwards, to check that what the browser showed was also stored.
"""

import re
from typing import TYPE_CHECKING

import pytest

from webui.cases.models import Case, Submission
from webui.tasks.models import TaskItem

from ..conftest import World
from .conftest import login, shot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

HUISVESTING = "Huisvesting en inschrijvingen regelen"


def answer(page: "Page", question: str, option: str) -> None:
    """Tick one option of a radio or checkbox group, found by its question (legend)."""
    group = page.get_by_role("group", name=question)
    group.get_by_label(option, exact=True).check()


def checked(page: "Page", question: str, option: str) -> bool:
    group = page.get_by_role("group", name=question)
    return group.get_by_label(option, exact=True).is_checked()


def submit(page: "Page") -> str:
    """Complete the task (Wegwijs then opens the next task, or the queue); returns
    the confirmation."""
    with page.expect_navigation():
        page.get_by_role("button", name="Afronden").click()
    return page.locator(".messages").inner_text()


def case_page_of_coordinator(page: "Page", case: Case) -> "Page":
    """The case page as the organisation's coördinator sees it, in a browser of
    their own: a begeleider who did a task from the pool reads the case only while
    they hold a task in it (access follows the present assignment)."""
    context = page.context.browser.new_context(
        locale="nl-NL",
        base_url="/".join(page.url.split("/", 3)[:3]),
        viewport={"width": 1280, "height": 900},
    )
    other = context.new_page()
    login(other, "coordinator.polderdam")
    other.goto(f"/dossiers/{case.reference}/")
    return other


def test_pages_are_styled(page: "Page") -> None:
    """The stylesheet is served; without it every table and form is a wall of text."""
    page.goto("/inloggen/")
    href = page.locator('link[rel="stylesheet"]').get_attribute("href")
    served = page.request.get(href)
    assert served.ok, f"{href}: {served.status}; is webui/static in STATICFILES_DIRS?"
    button = page.get_by_role("button", name="Inloggen")
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == (
        "rgb(11, 92, 173)"
    )


def test_begeleider_works_the_voortraject_from_the_queue(
    e2e_world: World, page: "Page"
) -> None:
    world = e2e_world
    case = world.start(voornaam="Amal", achternaam="Tesfay")
    # No vaste begeleider before the intake: the voortraject is the pool's.

    login(page, "begeleider.polderdam")
    mine = page.locator("#my-tasks")
    pool = page.locator("#available-tasks")
    assert mine.count() == 0
    row = pool.get_by_role("row").filter(has_text=HUISVESTING)
    assert "Amal Tesfay" in row.inner_text()
    assert case.reference in row.inner_text()
    assert pool.get_by_role("row").filter(has_text="Financiën regelen").count() == 1
    assert "Brede intake" not in pool.inner_text(), "the regievoerder's, not mine"
    shot(page, "queue-begeleider")

    # Pick up the huisvesting: it is mine now, and its form opens.
    row.get_by_role("button", name="oppakken").click()
    page.wait_for_url(re.compile(r"/taak/[^/]+/$"))
    assert f"‘{HUISVESTING}’ opgepakt" in page.locator(".messages").inner_text()
    item = TaskItem.objects.get(case=case, bpmn_id="huisvesting_inschrijvingen")
    assert item.assignee == world.who("begeleider", world.polderdam)

    # Huisvesting: radios, a date, checkboxes and a note, filled as a person would.
    assert page.get_by_role("heading", level=1).inner_text() == HUISVESTING
    assert "Amal Tesfay" in page.locator("#task-client").inner_text()
    answer(page, "Heeft de statushouder de woning betrokken?", "Ja")
    page.get_by_label("Datum sleuteloverdracht").fill("2026-11-20")
    answer(page, "Is de statushouder ingeschreven in de BRP", "Ja")
    answer(page, "Ingeschreven bij", "Huisarts")
    answer(page, "Ingeschreven bij", "Tandarts")
    page.get_by_label("Bijzonderheden over woning en inschrijvingen").fill(
        "Sleutel samen opgehaald; het energiecontract loopt via de corporatie."
    )
    message = submit(page)
    assert f"‘{HUISVESTING}’ is afgerond" in message
    coordinator = case_page_of_coordinator(page, case)
    open_tasks = coordinator.locator("#open-tasks")
    assert HUISVESTING not in open_tasks.inner_text()
    assert "Financiën regelen" in open_tasks.inner_text()
    # The tracks run side by side: the case is in three phases at once, one of the
    # begeleiding and two of the gemeente.
    both = (
        "Begeleiding: Voortraject\n"
        "Gemeente: Brede intake en PIP en Financieel ontzorgen"
    )
    assert coordinator.locator("#case-phase").inner_text() == both
    stepper = coordinator.get_by_role("list", name="Traject")
    current = stepper.locator('[aria-current="step"]')
    assert current.all_inner_texts() == [
        "Voortraject",
        "Brede intake en PIP",
        "Financieel ontzorgen",
    ]

    menu = page.get_by_role("navigation", name="Hoofdmenu")
    menu.get_by_role("link", name="Mijn taken").click()
    page.wait_for_url("**/")
    assert page.get_by_role("row").filter(has_text=HUISVESTING).count() == 0

    # Financiën, straight from the pool: yes/no questions and one checkbox.
    pool.get_by_role("link", name="Financiën regelen").click()
    for question in (
        "Is er een bankrekening geopend?",
        "Is de bijstandsuitkering aangevraagd?",
        "Is de zorgverzekering afgesloten?",
        "Is ontzorgen afgesproken met de gemeente?",
    ):
        answer(page, question, "Ja")
    answer(page, "Aangevraagde toeslagen en kinderbijslag", "Zorgtoeslag")
    answer(page, "Zijn er schulden of betalingsachterstanden?", "Nee")
    submit(page)
    coordinator.reload()
    assert coordinator.locator("#case-phase").inner_text() == both

    # Both parallel tasks are done: the next step stays with the begeleider who
    # did them, in their own tasks (and on the case page, for whoever reads it).
    assert "Voorbereiding inburgering" in open_tasks.inner_text()
    page.goto("/")
    page.locator("#my-tasks").get_by_role(
        "link", name="Voorbereiding inburgering"
    ).click()
    answer(page, "Is het dossier opgevraagd bij het COA?", "Ja")
    answer(page, "Zijn de rechten en plichten van de Wet inburgering uitgelegd?", "Ja")
    answer(page, "Inburgeringsplicht", "Inburgeringsplichtig")
    answer(page, "Is juridische ondersteuning nodig", "Nee")
    submit(page)
    coordinator.reload()
    phase = coordinator.locator("#case-phase").inner_text()
    assert phase == (
        "Begeleiding: Intake maatschappelijke begeleiding\n"
        "Gemeente: Brede intake en PIP en Financieel ontzorgen"
    )
    assert "Intakegesprek" in open_tasks.inner_text()
    shot(coordinator, "case-page")
    coordinator.context.close()

    submissions = Submission.objects.filter(case=case)
    huisvesting = submissions.get(bpmn_id="huisvesting_inschrijvingen")
    assert huisvesting.data["woning_betrokken"] is True
    assert huisvesting.data["sleuteloverdracht_datum"] == "2026-11-20"
    assert huisvesting.data["inschrijvingen"] == ["huisarts", "tandarts"]
    financien = submissions.get(bpmn_id="financien_regelen")
    assert financien.data["betalingsachterstanden"] is False
    assert Case.objects.get(pk=case.pk).phase == "intake_mb"


def test_intake_wizard_keeps_answers_across_errors_and_steps(
    e2e_world: World, page: "Page"
) -> None:
    world = e2e_world
    case = world.start(voornaam="Yonas", achternaam="Haile")
    for bpmn_id in ("huisvesting_inschrijvingen", "financien_regelen"):
        case = world.complete(case, bpmn_id)
    case = world.complete(
        case, "voorbereiding_inburgering", juridische_hulp_nodig=False
    )

    login(page, "begeleider.polderdam")
    # Before the intake no vaste begeleider: the intake waits in the pool.
    page.locator("#available-tasks").get_by_role("link", name="Intakegesprek").click()
    step = page.locator("#step-title")
    assert step.inner_text() == "Stap 1 van 4: Kennismaking"

    # Step 1 with one required question left open: refused, the error at that question.
    aanbod = "Zijn het aanbod maatschappelijke begeleiding"
    page.get_by_label("Datum intakegesprek").fill("2026-11-16")
    answer(page, "Waar vond het gesprek plaats?", "Huisbezoek")
    answer(page, "Was er een tolk bij het gesprek?", "Ja")
    dream = "Weer als verpleegkundige werken."
    page.get_by_label("Wat wil de statushouder").fill(dream)
    realistic = "Deels: het plan moet worden bijgesteld"
    answer(page, "Zijn dat reële verwachtingen?", realistic)
    stay = "Wil de statushouder in Nederland blijven wonen, en waar?"
    answer(page, stay, "Ja, in deze gemeente blijven")
    page.get_by_role("button", name="Volgende stap").click()
    assert step.inner_text() == "Stap 1 van 4: Kennismaking"
    assert page.get_by_role("alert").is_visible()
    error = page.get_by_role("group", name=aanbod).locator(".errorlist")
    assert error.inner_text() == "Dit veld is verplicht."
    assert page.locator(".errorlist").count() == 1
    assert page.get_by_label("Datum intakegesprek").input_value() == "2026-11-16"
    assert checked(page, "Waar vond het gesprek plaats?", "Huisbezoek")
    assert checked(page, "Was er een tolk bij het gesprek?", "Ja")
    assert page.get_by_label("Wat wil de statushouder").input_value() == dream
    assert checked(page, "Zijn dat reële verwachtingen?", realistic)
    assert checked(page, stay, "Ja, in deze gemeente blijven")
    shot(page, "wizard-step-errors")

    answer(page, aanbod, "Ja")
    page.get_by_role("button", name="Volgende stap").click()
    assert step.inner_text() == "Stap 2 van 4: Achtergrond"
    answer(page, "Is het dossier bijgewerkt met de achtergrondgegevens?", "Ja")
    page.get_by_label("Aantal kinderen").fill("2")
    page.get_by_label("Aantal kinderen").press("Enter")  # Enter goes on, never back
    assert step.inner_text() == "Stap 3 van 4: Rechten, plichten en toestemming"
    shot(page, "wizard-step")

    # Back twice: each earlier step shows what was answered there.
    page.get_by_role("button", name="Vorige stap").click()
    assert step.inner_text() == "Stap 2 van 4: Achtergrond"
    assert page.get_by_label("Aantal kinderen").input_value() == "2"
    page.get_by_role("button", name="Vorige stap").click()
    assert step.inner_text() == "Stap 1 van 4: Kennismaking"
    assert page.get_by_label("Datum intakegesprek").input_value() == "2026-11-16"
    assert checked(page, "Waar vond het gesprek plaats?", "Huisbezoek")
    assert checked(page, aanbod, "Ja")

    page.get_by_role("button", name="Volgende stap").click()
    page.get_by_role("button", name="Volgende stap").click()
    assert step.inner_text() == "Stap 3 van 4: Rechten, plichten en toestemming"
    answer(page, "Is uitgelegd hoe wij met persoonsgegevens omgaan?", "Ja")
    answer(
        page,
        "Welke gegevens mag de begeleider delen met de gemeente",
        "Schulden en financiën",
    )
    answer(page, "Hoe is de toestemming gegeven?", "Schriftelijk (getekend formulier)")
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
    answer(page, "Waar wil de statushouder hulp bij?", "Werk en vrijwilligerswerk")
    answer(page, "Hoe vaak is er contact?", "Eens per twee weken")
    with page.expect_navigation():
        page.get_by_role("button", name="Afronden").click()
    assert "‘Intakegesprek’ is afgerond" in page.locator(".messages").inner_text()
    # Individual guidance: the coördinator couples a vaste begeleider next. Until
    # then the case is nobody's: the begeleider who did the intake from the pool
    # no longer reads it (access follows the present assignment).
    open_tasks = set(
        TaskItem.objects.filter(case=case, state="open").values_list("name", flat=True)
    )
    assert "Intakegesprek" not in open_tasks
    assert "Vaste begeleider koppelen" in open_tasks

    data = Submission.objects.get(case=case, bpmn_id="intake_gesprek").data
    assert data["intake_locatie"] == "huisbezoek" and data["aanbod_mb_uitgelegd"]
    assert data["aantal_kinderen"] == 2
    assert data["toestemming_delen_gemeente"] == ["schulden"]
    consents = case.consents.filter(direction="mb_naar_gemeente", given=True)
    assert list(consents.values_list("category", flat=True)) == ["schulden"]
    assert data["begeleidingsvorm"] == "individueel"
    assert data["hulpvragen"] == ["werk", "taal"]
    assert data["verwachtingen_reeel"] == "deels"
    assert data["verblijfsintentie"] == "blijven" and data["piezo_fase"] == "1"
    assert Case.objects.get(pk=case.pk).piezo_fase == "1"


def test_another_gemeente_never_sees_a_polderdam_task(
    e2e_world: World, page: "Page"
) -> None:
    world = e2e_world
    polder = world.coupled(world.polderdam, voornaam="Amal", achternaam="Polder")
    rivier = world.coupled(world.rivierstad, voornaam="Rami", achternaam="Rivier")
    # The polderdam begeleider's own task (a rivierstad begeleider holds the same).
    foreign = next(t for t in world.open_tasks(polder) if t.role == "begeleider")

    login(page, "begeleider.rivierstad")
    queue = page.locator("main").inner_text()
    assert "Rami Rivier" in queue and rivier.reference in queue  # their own work
    assert "Amal Polder" not in queue and polder.reference not in queue

    response = page.goto(f"/taak/{foreign.task_id}/")
    assert response is not None and response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Niet gevonden"
    assert "geen toegang" in page.locator("main").inner_text()
    assert page.locator("form.task-form").count() == 0
    assert page.get_by_role("button", name="Afronden").count() == 0
    assert "Amal Polder" not in page.content()

    response = page.goto(f"/dossiers/{polder.reference}/")
    assert response is not None and response.status == 404
    page.goto("/dossiers/")
    assert polder.reference not in page.locator("main").inner_text()
    assert TaskItem.objects.get(pk=foreign.pk).state == TaskItem.State.OPEN
