"""The pages of the koppelingen in a real browser, as a person uses them: the
coördinator uploads a COA file by clicking, reads the dry run with a refused row
and confirms a good file; the beheerder fills in the zaaksysteem with a dossier
waiting on an unreachable one. Every page state: axe-core clean at 375 px, no
sideways scrolling at 375, 1024, 1280 and 1920 px."""

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.zgw_standin import EINDSTATUS, RESULTAATTYPE, ZAAKTYPE, ZakenStandIn
from webui.cases.models import Case
from webui.zaken.sending import zaak_dossiers_due, zaak_updates_send
from webui.zaken.services import ZaaksysteemSettings, zaaksysteem_configure

from ..conftest import World
from .conftest import axe_violations, login, shot, sideways

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

WIDTHS = (375, 1024, 1280, 1920)
HEADER = (
    "Referentie;Voornaam;Achternaam;Geboortedatum;BSN;Land van herkomst;"
    "Gezinsgrootte;Datum koppeling;Opleiding"
)


def write(tmp_path: Path, name: str, *lines: str) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def check(page: "Page", name: str, found: dict[str, object]) -> None:
    """axe at 375 px and no sideways scrolling at every width, on the page as it is."""
    url = page.url
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        if width == 375:
            shot(page, f"koppelingen-{name}")
            violations = axe_violations(page)
            if violations:
                found[f"{name} axe"] = violations
            page.goto(url)  # without the injected axe script
        if sideways(page) > 0:
            found[f"{name} {width}px"] = sideways(page)


def new_page(browser: "Browser", live_server) -> "Page":
    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        bypass_csp=True,  # only so that axe-core can be injected
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def test_a_coordinator_uploads_a_coa_file_sees_the_dry_run_and_registers(
    e2e_world: World, browser: "Browser", live_server, tmp_path: Path
) -> None:
    found: dict[str, object] = {}
    page = new_page(browser, live_server)
    login(page, "coordinator.polderdam")
    page.get_by_role("link", name="Aanmelden uit COA-bestand").click()
    check(page, "upload", found)
    broken = write(
        tmp_path,
        "coa-fout.csv",
        "TVS-1;Amal;Haddad;01-04-1990;123456789;Syrië;3;05-01-2026;mbo",
        "TVS-2;Yonas;Tesfay;1995-06-30;;Eritrea;1;05-01-2026;",
    )
    page.get_by_label("Bestand (CSV of JSON)").set_input_files(broken)
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url("**/aanmelden/bestand/*/")
    assert page.get_by_text("rij 2, BSN: Dit is geen geldig BSN").is_visible()
    assert page.get_by_role("button", name="aanmelden").count() == 0
    check(page, "dry-run-refused", found)

    page.goto("/aanmelden/bestand/")
    good = write(
        tmp_path,
        "coa.csv",
        "TVS-1;Amal;Haddad;01-04-1990;111222333;Syrië;3;05-01-2026;mbo",
        "TVS-2;Yonas;Tesfay;1995-06-30;;Eritrea;1;05-01-2026;",
    )
    page.get_by_label("Bestand (CSV of JSON)").set_input_files(good)
    page.get_by_role("button", name="Controleren").click()
    page.wait_for_url("**/aanmelden/bestand/*/")
    check(page, "dry-run", found)
    page.get_by_role("button", name="2 statushouder(s) aanmelden").click()
    assert page.get_by_text("2 statushouder(s) aangemeld.").is_visible()
    check(page, "done", found)
    assert Case.objects.filter(gemeente=e2e_world.polderdam).count() == 2
    page.context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_beheerder_connects_the_zaaksysteem_and_sees_a_waiting_dossier(
    e2e_world: World, browser: "Browser", live_server
) -> None:
    world = e2e_world
    standin = ZakenStandIn()
    try:
        zaaksysteem_configure(
            gemeente=world.polderdam,
            settings=ZaaksysteemSettings(
                api_root=standin.api_root,
                client_id=standin.client_id,
                secret=standin.secret,
                bronorganisatie="002220647",
                zaaktype=ZAAKTYPE,
                statustypen={"afgesloten": EINDSTATUS},
                resultaattype_pip=RESULTAATTYPE,
            ),
            actor=world.who("beheerder", world.polderdam),
        )
        standin.stop()
        world.start()
        for case_id in zaak_dossiers_due():
            zaak_updates_send(case_id=case_id)
        page = new_page(browser, live_server)
        login(page, "beheerder.polderdam")
        page.get_by_role("link", name="Zaaksysteem").click()
        assert page.get_by_text("Het zaaksysteem is niet bereikbaar.").is_visible()
        found: dict[str, object] = {}
        check(page, "zaaksysteem", found)
        page.get_by_label("Client-ID").fill("wegwijs-polderdam")
        page.get_by_role("button", name="Opslaan").click()
        assert page.get_by_text(
            "Het zaaksysteem van Polderdam is opgeslagen."
        ).is_visible()
        page.context.close()
        assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())
    finally:
        standin.stop()
