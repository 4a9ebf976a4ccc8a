"""Mijn Wegwijs in a real browser (issue 21): a begeleider invites, the statushouder
signs in with a code on a 360 px phone in Arabic (mirrored, no sideways scroll, axe
clean) and in Tigrinya, reads plan and appointments, withdraws a consent, asks for
contact and downloads their inzage. The rest is tested below the browser
(tests/webui/test_portal.py)."""

import re
from datetime import time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

import pytest

from webui.access import case_access
from webui.cases.models import Case, Consent
from webui.portal.models import PortalRequest
from webui.portalpages import sms
from webui.portalpages.languages import LANGUAGES
from webui.pvt.services import session_plan

from ..conftest import World
from .conftest import axe_violations, login, shot, sideways

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

PLACE = "Buurthuis De Brug"
PHONE = {"width": 360, "height": 740}
# Each portal page as transferred, without the shared style sheet.
MAX_PAGE_BYTES = 100_000


def planned_case(world: World) -> Case:
    case = world.run_until(world.coupled(), "pvt_workshop", 60)
    item = case.tasks.get(state="open", bpmn_id="pvt_workshop")
    session_plan(
        user=world.who("trainer", world.polderdam),
        organisation=world.mb["polderdam"],
        task_name=item.name,
        task_ids=[item.task_id],
        on_date=timezone.localdate() + timedelta(days=7),
        start_time=time(10, 0),
        place=PLACE,
        interpreter="Arabisch",
        clock=world.clock,
    )
    Consent.objects.create(
        case=case,
        category="gezondheid",
        direction="mb_naar_gemeente",
        given=True,
        on_date=timezone.localdate(),
        way="mondeling",
        recorded_at=timezone.now(),
    )
    return case


def invite(page: "Page", case: Case, language: str) -> str:
    """The begeleider invites from the case page; the short code of the sheet."""
    page.goto(f"/dossiers/{case.reference}/")
    page.get_by_role("link", name="Uitnodigen voor Mijn Wegwijs").click()
    page.get_by_label("Mobiel nummer").fill("06 12345678")
    page.get_by_label("Taal").select_option(language)
    page.get_by_role("button", name="Uitnodigen en papier maken").click()
    assert page.locator(".qr svg").is_visible()
    return page.locator("#short-code").inner_text()


def last_code() -> str:
    return re.search(r"\b(\d{6})\b", sms.outbox[-1][1]).group(1)


def check(phone: "Page", name: str) -> None:
    """Phone-sized, accessible, light."""
    assert sideways(phone) == 0, name
    assert axe_violations(phone) == [], name
    size = len(phone.request.get(phone.url).body())
    assert size < MAX_PAGE_BYTES, (name, size)
    shot(phone, f"portal-{name}")


def test_statushouder_in_arabic_on_a_phone(
    browser: "Browser", page: "Page", live_server, e2e_world: World
) -> None:
    world = e2e_world
    case = planned_case(world)
    other = world.coupled()
    login(page, "begeleider.polderdam")
    short_code = invite(page, case, "ar")

    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="ar", bypass_csp=True
    )
    phone = context.new_page()
    phone.goto("/mijn/")
    phone.get_by_role("button", name="العربية").click()
    assert phone.locator("html").get_attribute("dir") == "rtl"
    check(phone, "ar-start")
    phone.get_by_label("الرمز الموجود في دعوتك").fill(short_code)
    phone.get_by_role("button", name="متابعة").click()
    phone.get_by_label("الرمز من الرسالة القصيرة أو البريد الإلكتروني").fill(
        last_code()
    )
    phone.get_by_role("button", name="تسجيل الدخول").click()
    phone.wait_for_url(f"**/mijn/{case.reference}/")

    # The plan and the appointment; the layout mirrored (the name at the right).
    assert phone.locator("html").get_attribute("lang") == "ar"
    assert phone.get_by_role("heading", name="خطتي", exact=True).is_visible()
    assert phone.locator("#plan[lang=nl]").is_visible()
    assert PLACE in phone.locator("#appointments").inner_text()
    brand = phone.locator("header .brand").bounding_box()
    assert brand["x"] > PHONE["width"] / 2
    check(phone, "ar-home")

    # Withdraw a consent: the regievoerder no longer reads that category.
    phone.get_by_role("link", name="الموافقة").click()
    check(phone, "ar-consents")
    phone.locator(
        "[data-category=gezondheid] [data-direction=mb_naar_gemeente] button"
    ).click()
    assert "تم الحفظ" in phone.locator(".messages").inner_text()
    regie = world.who("regievoerder", world.polderdam)
    assert not case_access(user=regie, case=case).may_read("gezondheid", "mb")

    # Ask for contact: the request is in the begeleider's queue.
    phone.get_by_role("link", name="خطتي").click()
    phone.get_by_role("button", name="أريد التواصل").click()
    assert phone.locator("#contact-asked").is_visible()
    page.goto("/")
    queue = page.locator("#portal-request-list").inner_text()
    assert "wil graag contact" in queue and "heeft toestemming ingetrokken" in queue

    # Inzage, as a page and a download.
    phone.get_by_role("link", name="بياناتي").click()
    check(phone, "ar-inzage")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="تنزيل كل شيء").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert case.reference in text and "begeleider" in text

    # Another statushouder's case by its address: a 404.
    response = phone.goto(f"/mijn/{other.reference}/")
    assert response.status == 404
    assert PortalRequest.objects.filter(case=case).count() == 2
    context.close()


def test_statushouder_in_tigrinya_and_a_wrong_code(
    browser: "Browser", page: "Page", live_server, e2e_world: World
) -> None:
    world = e2e_world
    case = planned_case(world)
    login(page, "begeleider.polderdam")
    short_code = invite(page, case, "ti")

    context = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        bypass_csp=True,  # for axe-core
    )
    phone = context.new_page()
    phone.goto("/mijn/")
    phone.get_by_role("button", name="ትግርኛ").click()
    phone.get_by_label("ኮድ ካብ ዕድምኹም").fill(short_code)
    phone.get_by_role("button", name="ቀጽሉ").click()
    phone.get_by_label("ኮድ ካብ ኤስኤምኤስ ወይ ኢመይል").fill("000000")
    phone.get_by_role("button", name="እቶ").click()
    assert "እዚ ኮድ ቅኑዕ ኣይኮነን" in phone.locator(".errorlist").inner_text()
    check(phone, "ti-wrong-code")
    phone.get_by_label("ኮድ ካብ ኤስኤምኤስ ወይ ኢመይል").fill(last_code())
    phone.get_by_role("button", name="እቶ").click()
    phone.wait_for_url(f"**/mijn/{case.reference}/")
    assert phone.locator("html").get_attribute("lang") == "ti"
    assert phone.get_by_role("heading", name="ትልመይ", exact=True).is_visible()
    assert PLACE in phone.locator("#appointments").inner_text()
    check(phone, "ti-home")
    phone.get_by_role("link", name="ፍቓድ").click()
    check(phone, "ti-consents")

    # Every language, each page: phone-sized, axe clean, light; mirrored when RTL.
    for language in LANGUAGES:
        for path in ("", "toestemming/", "inzage/"):
            phone.goto(f"/mijn/{case.reference}/{path}")
            phone.locator("details.languages-menu summary").click()
            phone.locator(f"button[name=taal][value={language.code}]").click()
            html = phone.locator("html")
            assert html.get_attribute("lang") == language.code
            assert html.get_attribute("dir") == ("rtl" if language.rtl else "ltr")
            check(phone, f"{language.code}-{path.strip('/') or 'home'}")
    context.close()
