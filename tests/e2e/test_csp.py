"""The Content-Security-Policy in a real browser: every page works under it.

The policy allows no inline script and no inline style. Chromium reports whatever it
blocks twice: as a console message ("Refused to …", "… Content Security Policy …") and
as a securitypolicyviolation event, which an init script (injected by Playwright,
outside the policy) collects. Both must stay empty on the pages people use, the
bpmn-js modeler and the form editor included, and those must still work.
"""

import re
from typing import TYPE_CHECKING

import pytest

from webui.tasks.models import TaskItem

from ..conftest import World
from .conftest import login

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI}`
    + ` ${event.sourceFile}:${event.lineNumber}`
  );
});
"""
CSP_MESSAGE = re.compile(r"Content Security Policy|Refused to", re.I)


class Watch:
    """Console messages and policy violations of one page, per visited address."""

    def __init__(self, page: "Page") -> None:
        self.page = page
        self.console: list[str] = []
        self.errors: list[str] = []
        page.add_init_script(COLLECT_VIOLATIONS)
        page.on("console", lambda msg: self.console.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def visit(self, url: str) -> dict:
        response = self.page.goto(url)
        assert response is not None and response.status == 200, url
        return response.headers

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations || []")

    def assert_clean(self, where: str) -> None:
        blocked = [m for m in self.console if CSP_MESSAGE.search(m)]
        assert blocked == [], f"{where}: {blocked}"
        assert self.violations() == [], where
        assert self.errors == [], f"{where}: {self.errors}"


def test_the_pages_work_under_the_content_security_policy(
    e2e_world: World, page: "Page"
) -> None:
    world = e2e_world
    case = world.run_until(
        world.start(voornaam="Amal", achternaam="Tesfay"), "intake_gesprek"
    )
    case = world.complete(case, "intake_gesprek", begeleidingsvorm="individueel")
    # The coördinator's task: coupling the vaste begeleider.
    (item,) = TaskItem.objects.filter(
        case=case, state=TaskItem.State.OPEN, role="coordinator"
    )
    assert item.bpmn_id == "begeleider_koppelen"
    watch = Watch(page)

    headers = watch.visit("/inloggen/")
    policy = headers["content-security-policy"]
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in policy, policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    watch.assert_clean("login")
    assert not [m for m in watch.console if "Permissions-Policy" in m]

    login(page, "coordinator.polderdam")
    watch.assert_clean("queue")
    assert watch.visit("/")["cache-control"] == "no-store"
    watch.visit(f"/dossiers/{case.reference}/")
    assert page.get_by_role("heading", level=1).is_visible()
    watch.assert_clean("case page")
    watch.visit(f"/taak/{item.task_id}/")
    page.get_by_role("button", name="Afronden").wait_for()
    watch.assert_clean("task page")
    watch.visit("/dossiers/nieuw/")
    watch.assert_clean("registration")


def test_the_studio_works_under_the_content_security_policy(
    e2e_world: World, page: "Page"
) -> None:
    watch = Watch(page)
    login(page, "beheerder.polderdam")

    watch.visit("/processen/polderdam/studio/")
    watch.assert_clean("studio")

    watch.visit("/processen/polderdam/studio/diagram/voortraject.bpmn/")
    page.wait_for_selector("#process-modeler[data-import]", state="attached")
    assert page.locator("#process-modeler").get_attribute("data-import") == "ok"
    assert page.locator("#process-modeler .djs-element").count() > 0
    # Pick an element: the properties panel renders its fields.
    page.locator("#properties-panel").get_by_label("Element kiezen").select_option(
        index=1
    )
    # Select a task on the canvas (context pad) and edit its label in place.
    task = page.locator(
        '#process-modeler .djs-shape[data-element-id="huisvesting_inschrijvingen"]'
    )
    task.click()
    page.locator("#process-modeler .djs-context-pad").wait_for()
    task.dblclick()
    page.locator("#process-modeler .djs-direct-editing-parent").wait_for()
    page.keyboard.press("Escape")
    watch.assert_clean("modeler")

    watch.visit("/processen/polderdam/studio/formulier/pip_vaststellen/")
    page.wait_for_selector('#form-editor[data-editor="ready"]', state="attached")
    # The live preview is HTML from the server, put in by script.
    page.locator("#form-preview").get_by_label("Kenmerk beschikking").wait_for()
    watch.assert_clean("form editor")

    watch.visit("/processen/polderdam/voortraject.bpmn/")
    page.wait_for_selector("#process-viewer[data-import]", state="attached")
    assert page.locator("#process-viewer").get_attribute("data-import") == "ok"
    watch.assert_clean("diagram viewer")
