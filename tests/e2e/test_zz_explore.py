import pytest
from .conftest import login, shot

pytestmark = pytest.mark.browser

def test_explore(e2e_world, page, settings):
    from django.conf import settings as s2
    settings.STATICFILES_DIRS=[s2.BASE_DIR/'webui'/'static']
    w = e2e_world
    cases = []
    for i, name in enumerate(["Amal", "Yonas", "Sara", "Mohammed"]):
        c = w.start(voornaam=name, achternaam="Voorbeeld")
        if i < 3:
            c = w.complete(c, "begeleider_koppelen")
        if i == 1:
            c = w.complete(c, "huisvesting_inschrijvingen")
            c = w.complete(c, "financien_regelen")
            c = w.complete(c, "voorbereiding_inburgering", juridische_hulp_nodig=False)
        cases.append(c)
    w.start(gemeente=w.rivierstad, voornaam="Rivier", achternaam="Mens")
    page.goto("/inloggen/")
    shot(page, "01-login")
    page.get_by_role("button", name="Inloggen").click()
    shot(page, "01b-login-error")
    login(page, "begeleider.polderdam")
    shot(page, "02-queue")
    page.get_by_role("link", name="Intakegesprek").first.click()
    shot(page, "03-wizard-step1")
    page.get_by_role("button", name="Volgende stap").click()
    shot(page, "04-wizard-step1-errors")
    page.goto("/")
    page.get_by_role("link", name="Financiën regelen").first.click()
    shot(page, "05-task")
    page.get_by_role("button", name="Afronden").click()
    shot(page, "06-task-errors")
    page.goto(f"/dossiers/{cases[1].reference}/")
    shot(page, "07-case")
    page.goto("/dossiers/")
    shot(page, "08-list")
    page.goto("/dossiers/nieuw/")
    shot(page, "09-new")
    page.goto("/dossiers/export.xlsx")
    shot(page, "10-export-forbidden")
    page.goto("/taak/nonexistent/")
    shot(page, "11-404")
