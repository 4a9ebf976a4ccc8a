"""The DMN editor in a real browser: a beheerder opens a decision table of the draft
from the studio, changes a cell in dmn-js, and saves it into the draft."""

from typing import TYPE_CHECKING

import pytest

from webui.definitions.models import Draft

from ..conftest import World
from .conftest import axe_violations, login, shot, sideways
from .test_csp import COLLECT_VIOLATIONS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

TABLE = "voortgang_frequentie.dmn"
EDITOR = "#dmn-editor"


def test_a_beheerder_edits_a_decision_table_in_the_browser(
    e2e_world: World, page: "Page"
) -> None:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: errors.append(msg.text) if msg.type == "error" else None,
    )
    page.add_init_script(COLLECT_VIOLATIONS)
    login(page, "beheerder.polderdam")
    page.goto("/processen/polderdam/studio/")
    page.get_by_role("link", name="Bewerken Frequentie voortgangsgesprek").click()
    page.wait_for_url(f"**/studio/beslistabel/{TABLE}/")
    editor = page.locator(f"{EDITOR}[data-import='ok']")
    editor.wait_for()
    assert editor.get_attribute("data-dirty") == "false"
    assert page.get_by_text("Frequentie voortgangsgesprek").first.is_visible()
    cell = page.locator(
        'td[data-row-id="voortgang_frequentie_b1"]'
        '[data-col-id="voortgang_frequentie_weken"] [contenteditable]'
    )
    assert cell.inner_text().strip() == "12"
    cell.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("8")
    page.locator(EDITOR).get_by_text("Leerroute").first.click()
    assert editor.get_attribute("data-dirty") == "true"
    shot(page, "dmn-editor")
    page.get_by_role("button", name="Opslaan in concept").click()
    page.wait_for_url(f"**/studio/beslistabel/{TABLE}/")
    page.locator(f"{EDITOR}[data-import='ok']").wait_for()
    assert f"‘{TABLE}’ is opgeslagen in het concept" in page.content()
    assert page.locator("#dmn-no-findings").is_visible()
    saved = Draft.objects.get(gemeente=e2e_world.polderdam).files[TABLE]
    assert "<text>8</text>" in saved
    assert 'name="voortgang_weken"' in saved

    page.set_viewport_size({"width": 375, "height": 800})
    assert sideways(page) <= 0, "the page scrolls sideways at 375 px"
    assert page.get_by_text("gemaakt voor een groter scherm").is_visible()
    # dmn-js's bundle says it holds Inferno's development build; nothing breaks.
    assert [e for e in errors if "development build of Inferno" not in e] == []
    assert page.evaluate("window.__cspViolations") == []


def test_the_dmn_editor_is_accessible(
    e2e_world: World, browser: "Browser", live_server
) -> None:
    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": 375, "height": 800},
        bypass_csp=True,  # only so that axe-core can be injected
    )
    page = context.new_page()
    login(page, "beheerder.polderdam")
    page.goto(f"/processen/polderdam/studio/beslistabel/{TABLE}/")
    page.locator(f"{EDITOR}[data-import='ok']").wait_for()
    found = axe_violations(page)
    context.close()
    assert found == []
