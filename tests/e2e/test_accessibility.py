"""Every page, as each role opens it on a phone (375 px): no serious or critical
WCAG 2.1 AA violation (axe-core) and no sideways scrolling; and no sideways scrolling
at desk widths (1024, 1280 and 1920 px) either. Every page answers 200: a page that
refuses shows nothing to check."""

from datetime import time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.http import urlencode

import pytest

from webui.portal.models import PortalRequest
from webui.pvt.services import session_plan, session_record
from webui.reports.models import ExportRun
from webui.taskwork.services import task_claim

from ..conftest import PASSWORD, World
from .conftest import axe_violations, login, shot, sideways

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


WORKSHOP_1 = "PVT-workshop 1 van 4"


def pages(world: World) -> dict[str, list[str]]:
    case = world.run_until(world.start(), "intake_gesprek")
    # The begeleider picks the intake up from the pool: the case is theirs to see.
    task = case.tasks.get(state="open", bpmn_id="intake_gesprek")
    begeleider = world.who("begeleider", world.polderdam)
    task_claim(item=task, user=begeleider)
    # A statushouder waiting on a vaste begeleider, for the coordinator's matching.
    waiting = world.complete(
        world.run_until(world.start(), "intake_gesprek"),
        "intake_gesprek",
        begeleidingsvorm="individueel",
    )
    koppelen = waiting.tasks.get(state="open", bpmn_id="begeleider_koppelen")
    pvt = world.coupled()
    pvt = world.run_until(pvt, "pvt_workshop", max_steps=60)
    group = [world.run_until(world.coupled(), "pvt_workshop", 60) for _ in range(2)]
    closed = world.run_to_end(world.coupled())
    # A regievoerder's task on a case with a vastgesteld PIP: the side panel shows
    # the PIP's goals, whose long questions once pushed the page sideways at 1280 px.
    regie_task = pvt.tasks.filter(state="open", role="regievoerder").first()
    assert regie_task is not None, "the PVT case has an open regievoerder task"
    planned, recorded = pvt_sessions(world, [pvt], group)
    ref = case.reference
    studio = "/processen/polderdam/studio"
    manager = world.who("manager", world.polderdam)
    now = timezone.now()
    running = ExportRun.objects.create(
        requested_by=manager,
        filters={"status": "open"},
        status=ExportRun.Status.RUNNING,
        total=3000,
        done=1200,
        requested_at=now,
        expires_at=now + timedelta(hours=24),
    )
    done = ExportRun.objects.create(
        requested_by=manager,
        status=ExportRun.Status.DONE,
        total=3000,
        done=3000,
        cases=2500,
        file_name="niet-aanwezig.xlsx",
        requested_at=now,
        finished_at=now,
        expires_at=now + timedelta(hours=24),
    )
    # A statushouder asked for contact in Mijn Wegwijs: the queue shows it.
    PortalRequest.objects.create(
        case=case,
        kind="contact",
        role="begeleider",
        assignee=begeleider,
        created_at=now,
    )
    plan = "/pvt/nieuw/?" + urlencode(
        {"organisatie": "mb-polderdam", "taak": WORKSHOP_1}
    )
    return {
        "begeleider.polderdam": [
            "/",
            "/?lijst=oppakken",
            "/?lijst=mijn&te_laat=on&volgorde=nieuwste",  # the filters open
            "/dossiers/",
            f"/dossiers/{ref}/",
            f"/taak/{task.task_id}/",
            f"/taak/{task.task_id}/overdragen/",
            f"/dossiers/{ref}/contactmoment/",
            f"/dossiers/{ref}/toestemming/",
            f"/dossiers/{ref}/verwijzing/",
            f"/dossiers/{pvt.reference}/pip/",
            "/account/",
            "/account/tweestapsverificatie/",
            "/processen/",
            f"/processen/polderdam/intake_mb.bpmn/?dossier={ref}",
            f"/mijn/uitnodigen/{ref}/",
        ],
        "coordinator.polderdam": [
            "/",
            "/coordinatie/",
            f"/coordinatie/koppelen/{koppelen.task_id}/",
            f"/taak/{koppelen.task_id}/?begeleider={begeleider.pk}",
            "/coordinatie/begeleiders/",
            f"/coordinatie/begeleiders/{begeleider.pk}/",
            "/coordinatie/te-laat/",
            f"/taak/{task.task_id}/overdragen/",
            "/dossiers/nieuw/",
            "/aanmelden/bestand/",
            f"/dossiers/{closed.reference}/",
            f"/dossiers/{closed.reference}/heropenen/",
            "/account/",
        ],
        "regievoerder.polderdam": [
            "/",
            "/dossiers/",
            f"/dossiers/{ref}/",
            f"/dossiers/{ref}/rapportage/",
            f"/dossiers/{ref}/toestemming/",
            f"/dossiers/{ref}/toestemming/vragen/",
            f"/dossiers/{ref}/datum-corrigeren/",
            f"/dossiers/{pvt.reference}/",
            f"/dossiers/{pvt.reference}/pip/",
            f"/taak/{regie_task.task_id}/",
            "/account/",
        ],
        "trainer.polderdam": [
            "/",
            "/pvt/",
            plan,
            f"/pvt/{planned.pk}/",
            f"/pvt/{planned.pk}/vastleggen/",
            f"/pvt/{recorded.pk}/",
            f"/dossiers/{pvt.reference}/",
            "/account/",
        ],
        "manager.polderdam": [
            "/",
            "/dossiers/",
            "/overzicht/",
            "/overzicht/?status=open&fase=brede_intake_pip&koppeling_van=2025-01-01",
            "/overzicht/?koppeling_van=2026-02-01&koppeling_tot=2026-01-01",
            f"/overzicht/export/{running.pk}/",
            f"/overzicht/export/{done.pk}/",
        ],
        "beheerder.polderdam": [
            f"{studio}/",
            f"{studio}/controleren/",
            f"{studio}/verschillen/",
            f"{studio}/instellingen/",
            f"{studio}/diagram/voortraject.bpmn/",
            f"{studio}/formulier/contactmoment/",
            "/processen/polderdam/migratie/?doel=1",
            "/gebruikers/",
            f"/gebruikers/uitnodigen/gemeente-{world.polderdam.pk}/",
            f"/gebruikers/{manager.pk}/",
            "/zaaksysteem/polderdam/",
        ],
        "privacy.polderdam": [f"/privacy/?dossier={ref}"],
    }


def pvt_sessions(world: World, planned: list, recorded: list) -> tuple:
    """A session planned for the first cases and one recorded for the others (one
    there, one not): the trainer's pages in both states."""
    trainer = world.who("trainer", world.polderdam)

    def session_for(cases: list):  # type: ignore[no-untyped-def]
        return session_plan(
            user=trainer,
            organisation=world.mb["polderdam"],
            task_name=WORKSHOP_1,
            task_ids=[
                c.tasks.get(state="open", bpmn_id="pvt_workshop").task_id for c in cases
            ],
            on_date=world.clock.now().date(),
            start_time=time(14),
            place="Buurthuis De Brug",
            interpreter="Arabisch",
            clock=world.clock,
        )

    first = session_for(planned)
    second = session_for(recorded)
    attendance = {
        p.pk: (n == 0, "" if n == 0 else "ziek")
        for n, p in enumerate(second.participants.order_by("pk"))
    }
    result = session_record(
        session=second, user=trainer, attendance=attendance, clock=world.clock
    )
    assert not result.failed
    return first, second


def test_every_page_is_accessible_and_fits_a_phone(
    browser: "Browser", live_server, e2e_world: World
) -> None:
    found: dict[str, object] = {}
    for username, urls in pages(e2e_world).items():
        for width in (375, 1024, 1280, 1920):
            context = browser.new_context(
                locale="nl-NL",
                base_url=live_server.url,
                viewport={"width": width, "height": 800},
                bypass_csp=True,  # only so that axe-core can be injected
            )
            page = context.new_page()
            login(page, username)
            for url in urls:
                response = page.goto(url)
                page.wait_for_load_state("load")
                if response is None or response.status != 200:
                    found[f"{username} {url} status"] = response and response.status
                    continue
                if width == 375:
                    shot(page, f"a11y-{username}-{url.strip('/').replace('/', '_')}")
                    violations = axe_violations(page)
                    if violations:
                        found[f"{username} {url} axe"] = violations
                if sideways(page) > 0:
                    found[f"{username} {url} {width}px"] = sideways(page)
            context.close()
    assert not found, "\n".join(f"{k}: {v}" for k, v in found.items())


def test_the_login_page_is_accessible(browser: "Browser", live_server) -> None:
    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": 375, "height": 800},
        bypass_csp=True,
    )
    page = context.new_page()
    page.goto("/inloggen/")
    assert axe_violations(page) == []
    assert sideways(page) == 0
    context.close()


def test_the_code_page_after_the_password_is_accessible(
    browser: "Browser", live_server, e2e_world: World
) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(
        user=e2e_world.who("manager", e2e_world.polderdam), name="app", confirmed=True
    )
    context = browser.new_context(
        locale="nl-NL",
        base_url=live_server.url,
        viewport={"width": 375, "height": 800},
        bypass_csp=True,
    )
    page = context.new_page()
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("manager.polderdam")
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/account/inlogcode/" in url)
    page.get_by_label("Code uit uw authenticator-app").fill("000000")
    page.get_by_role("button", name="Verder").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("alert").is_visible()
    assert axe_violations(page) == []
    assert sideways(page) == 0
    context.close()
