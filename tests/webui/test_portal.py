"""Mijn Wegwijs (issue 21), below the browser: the invitation, the sign-in with a
one-time code, need-to-know, what the statushouder sees and does, the logs."""

import re
from datetime import date, time, timedelta

from django.core import mail
from django.test import Client
from django.utils import timezone

import pytest

from webui.access import case_access
from webui.cases.models import Case, Consent
from webui.logs.models import ProcessingRecord
from webui.portal.models import Invitation, PortalRequest, SignInCode
from webui.portalpages import sms
from webui.portalpages import urls as portal_urls
from webui.pvt.services import session_plan

from ..conftest import World

PLACE = "Buurthuis De Brug, Kerkstraat 1"
WORKSHOP_1 = "PVT-workshop 1 van 4"


def invite(world: World, case: Case, **data: str) -> dict:
    """The begeleider invites through the invitation page; the printed sheet."""
    return invite_as(world, case, "begeleider", **data)


def invite_as(world: World, case: Case, role: str, **data: str) -> dict:
    staff = Client()
    staff.force_login(world.who(role, world.polderdam))
    response = staff.post(
        f"/mijn/uitnodigen/{case.reference}/",
        {"email": "", "phone": "06 12345678", "language": "ar", **data},
    )
    assert response.status_code == 200, response.content[:500]
    return response.context["sheet"]


def sign_in(case: Case, sheet: dict) -> Client:
    """The statushouder types the short code, then the code from the SMS."""
    client = Client()
    sms.outbox.clear()
    response = client.post("/mijn/", {"code": sheet["short_code"].lower()})
    assert response.status_code == 302 and response["Location"] == "/mijn/code/"
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1][1]).group(1)
    response = client.post("/mijn/code/", {"code": code})
    assert response["Location"] == f"/mijn/{case.reference}/"
    return client


@pytest.fixture
def at_workshop(world: World) -> Case:
    """A coupled case with a vastgesteld PIP, planned for the first PVT workshop."""
    case = world.run_until(world.coupled(), "pvt_workshop", 60)
    item = case.tasks.get(state="open", bpmn_id="pvt_workshop")
    session_plan(
        user=world.who("trainer", world.polderdam),
        organisation=world.mb["polderdam"],
        task_name=WORKSHOP_1,
        task_ids=[item.task_id],
        on_date=timezone.localdate() + timedelta(days=7),
        start_time=time(10, 0),
        place=PLACE,
        interpreter="Arabisch",
        clock=world.clock,
    )
    case.refresh_from_db()
    return case


def test_invited_statushouder_signs_in_and_sees_plan_and_appointment_in_arabic(
    world: World, at_workshop: Case
) -> None:
    sheet = invite(world, at_workshop)
    client = sign_in(at_workshop, sheet)
    page = client.get(f"/mijn/{at_workshop.reference}/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert "خطتي" in html  # "Mijn plan"
    # The plan as typed, marked Dutch; the workshop with place and interpreter.
    assert 'id="plan" lang="nl"' in html
    assert PLACE in html and "Arabisch" in html
    # Nothing the form does not mark for the statushouder.
    assert "Motivering van de leerroute" not in html
    # Other steps' answers marked for them: the next appointment of the intake,
    # never its notes.
    assert "Datum volgende afspraak" in html
    assert "Toelichting op de behoeften" not in html
    assert len(page.content) < 100_000


def test_another_case_by_its_address_is_a_404_and_logged(
    world: World, at_workshop: Case
) -> None:
    other = world.coupled()
    client = sign_in(at_workshop, invite(world, at_workshop))
    for path in ("", "toestemming/", "inzage/", "inzage/download/"):
        assert client.get(f"/mijn/{other.reference}/{path}").status_code == 404
    refused = ProcessingRecord.objects.filter(action=ProcessingRecord.Action.REFUSED)
    assert refused.filter(detail__reference=other.reference).count() == 4


def test_wrong_and_expired_codes_are_refused_in_their_language(
    world: World, at_workshop: Case
) -> None:
    sheet = invite(world, at_workshop, language="ti")
    client = Client()
    client.post("/mijn/", {"code": sheet["short_code"]})
    wrong = client.post("/mijn/code/", {"code": "000000"})
    assert wrong.status_code == 200
    assert 'lang="ti"' in wrong.content.decode()
    assert "እዚ ኮድ ቅኑዕ ኣይኮነን" in wrong.content.decode()
    SignInCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1][1]).group(1)
    expired = client.post("/mijn/code/", {"code": code})
    assert "/mijn/code/" in expired.request["PATH_INFO"]
    assert "እዚ ኮድ ድሕሪ ሕጂ ኣይሰርሕን" in expired.content.decode()
    assert (
        ProcessingRecord.objects.filter(
            action=ProcessingRecord.Action.LOGIN_FAILED,
            subjects__case_reference=at_workshop.reference,
        ).count()
        == 2
    )


def test_five_wrong_codes_lock_the_invitation(world: World, at_workshop: Case) -> None:
    sheet = invite(world, at_workshop, language="nl")
    client = Client()
    client.post("/mijn/", {"code": sheet["short_code"]})
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1][1]).group(1)
    for _ in range(5):
        client.post("/mijn/code/", {"code": "999999" if code != "999999" else "111111"})
    locked = client.post("/mijn/code/", {"code": code})
    assert "te vaak een verkeerde code" in locked.content.decode()
    assert Invitation.objects.get(case=at_workshop).locked_until is not None


def test_a_new_code_does_not_give_new_tries(world: World, at_workshop: Case) -> None:
    sheet = invite(world, at_workshop, language="nl")
    client = Client()
    client.post("/mijn/", {"code": sheet["short_code"]})
    for _ in range(2):
        for _ in range(2):
            client.post("/mijn/code/", {"code": "999999"})
        client.post("/mijn/code/", {"opnieuw": "1"})  # a fresh code
    client.post("/mijn/code/", {"code": "999999"})
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1][1]).group(1)
    locked = client.post("/mijn/code/", {"code": code})
    assert "te vaak een verkeerde code" in locked.content.decode()
    assert Invitation.objects.get(case=at_workshop).locked_until is not None
    texts = len(sms.outbox)
    client.post("/mijn/code/", {"opnieuw": "1"})
    assert len(sms.outbox) == texts, "no code is sent while locked"


def test_revoked_invitation_ends_the_session(world: World, at_workshop: Case) -> None:
    client = sign_in(at_workshop, invite(world, at_workshop))
    staff = Client()
    staff.force_login(world.who("coordinator", world.polderdam))
    staff.post(f"/mijn/uitnodigen/{at_workshop.reference}/intrekken/")
    response = client.get(f"/mijn/{at_workshop.reference}/")
    assert response.status_code == 302 and response["Location"] == "/mijn/"


def test_portal_session_opens_no_staff_page(world: World, at_workshop: Case) -> None:
    client = sign_in(at_workshop, invite(world, at_workshop))
    for path in ("/", f"/dossiers/{at_workshop.reference}/", "/dossiers/"):
        response = client.get(path)
        assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_withdrawn_consent_hides_the_category_and_tells_the_begeleider(
    world: World, at_workshop: Case
) -> None:
    case = at_workshop
    Consent.objects.create(
        case=case,
        category="gezondheid",
        direction="mb_naar_gemeente",
        given=True,
        on_date=date(2026, 1, 6),
        way="mondeling",
        recorded_at=timezone.now(),
    )
    regie = world.who("regievoerder", world.polderdam)
    assert case_access(user=regie, case=case).may_read("gezondheid", "mb")
    client = sign_in(case, invite(world, case))
    response = client.post(
        f"/mijn/{case.reference}/toestemming/",
        {"category": "gezondheid", "direction": "mb_naar_gemeente", "given": "nee"},
    )
    assert response.status_code == 302
    assert not case_access(user=regie, case=case).may_read("gezondheid", "mb")
    latest = case.consents.order_by("-recorded_at", "-id").first()
    assert latest.way == "zelf" and latest.recorded_by is None and not latest.given
    asked = PortalRequest.objects.get(case=case, kind="toestemming")
    assert asked.assignee == world.who("begeleider", world.polderdam)
    staff = Client()
    staff.force_login(world.who("begeleider", world.polderdam))
    queue = staff.get("/").content.decode()
    assert (
        "Vragen van statushouders" in queue and "heeft toestemming ingetrokken" in queue
    )


def test_contact_request_lands_in_the_begeleiders_queue(
    world: World, at_workshop: Case
) -> None:
    client = sign_in(at_workshop, invite(world, at_workshop))
    client.post(f"/mijn/{at_workshop.reference}/contact/")
    client.post(f"/mijn/{at_workshop.reference}/contact/")
    assert PortalRequest.objects.filter(kind="contact").count() == 1
    staff = Client()
    staff.force_login(world.who("begeleider", world.polderdam))
    assert "wil graag contact" in staff.get("/").content.decode()
    item = PortalRequest.objects.get()
    staff.post(f"/mijn/vraag/{item.pk}/afgehandeld/")
    assert "wil graag contact" not in staff.get("/").content.decode()


def test_inzage_names_roles_and_organisations_not_colleagues(
    world: World, at_workshop: Case
) -> None:
    staff = Client()
    staff.force_login(world.who("regievoerder", world.polderdam))
    staff.get(f"/dossiers/{at_workshop.reference}/")
    client = sign_in(at_workshop, invite(world, at_workshop, language="nl"))
    client.get(f"/mijn/{at_workshop.reference}/")
    page = client.get(f"/mijn/{at_workshop.reference}/inzage/").content.decode()
    assert "regievoerder, Gemeente Polderdam" in page
    assert "Regievoerder Polderdam" not in page  # the colleague's name
    # Their own visits are counted, not listed.
    assert "uzelf" not in page
    assert re.search(r'id="own-visits">[^<]*: [1-9]', page)
    download = client.get(f"/mijn/{at_workshop.reference}/inzage/download/")
    assert download["Content-Disposition"].startswith("attachment;")
    assert "regievoerder, Gemeente Polderdam" in download.content.decode()
    client.post(
        f"/mijn/{at_workshop.reference}/inzage/", {"text": "Mijn adres is fout"}
    )
    correction = PortalRequest.objects.get(kind="correctie")
    assert correction.role == "coordinator" and correction.text == "Mijn adres is fout"


# The statushouder's pages that show their data (the URL walk of
# test_every_page_is_logged.py leaves them to this file: it signs in as staff).
OWN_PAGES = {
    "home": "",
    "consents": "toestemming/",
    "inzage": "inzage/",
    "inzage_download": "inzage/download/",
}
SIGNING_IN_AND_ACTIONS = {
    "start",
    "code",
    "invitation",
    "language",
    "sign_out",
    "contact",
    "invite",
    "revoke",
    "request_done",
}


def test_every_portal_page_writes_a_self_access_record(
    world: World, at_workshop: Case
) -> None:
    names = {p.name for p in portal_urls.urlpatterns}
    assert names == set(OWN_PAGES) | SIGNING_IN_AND_ACTIONS, "a new portal page"
    client = sign_in(at_workshop, invite(world, at_workshop))
    for path in OWN_PAGES.values():
        before = ProcessingRecord.objects.count()
        assert client.get(f"/mijn/{at_workshop.reference}/{path}").status_code == 200
        record = ProcessingRecord.objects.order_by("-id").first()
        assert ProcessingRecord.objects.count() == before + 1
        assert record.username == "statushouder (zelf)"
        assert record.detail["zelf"] is True
        assert [s.case_reference for s in record.subjects.all()] == [
            at_workshop.reference
        ]


def test_invitation_by_email_sends_a_link_in_their_language(
    world: World, at_workshop: Case
) -> None:
    invite(world, at_workshop, email="sara@example.invalid", phone="", language="nl")
    assert "/mijn/uitnodiging/" in mail.outbox[-1].body
    link = re.search(r"(/mijn/uitnodiging/[^/\s]+/)", mail.outbox[-1].body).group(1)
    client = Client()
    assert client.get(link).status_code == 200
    client.post(link)
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    assert client.post("/mijn/code/", {"code": code})["Location"].startswith(
        "/mijn/WW-"
    )


def test_without_a_vaste_begeleider_contact_goes_to_the_coordinators(
    world: World,
) -> None:
    case = world.run_until(world.start(), "intake_gesprek")
    assert case.begeleider is None
    client = sign_in(case, invite_as(world, case, "coordinator"))
    client.post(f"/mijn/{case.reference}/contact/")
    asked = PortalRequest.objects.get(case=case)
    assert asked.role == "coordinator" and asked.assignee is None
    staff = Client()
    staff.force_login(world.who("coordinator", world.polderdam))
    assert "wil graag contact" in staff.get("/").content.decode()


def test_without_an_sms_service_codes_go_by_email_and_never_to_a_console(
    world: World, at_workshop: Case, settings
) -> None:
    """Production without an SMS provider: a phone-only invitation is refused with
    the reason, and with an e-mail address the code goes by e-mail."""
    settings.WEGWIJS_SMS_BACKEND = ""
    staff = Client()
    staff.force_login(world.who("begeleider", world.polderdam))
    refused = staff.post(
        f"/mijn/uitnodigen/{at_workshop.reference}/",
        {"email": "", "phone": "06 12345678", "language": "nl"},
    )
    assert "Er is geen sms-dienst ingesteld" in refused.content.decode()
    assert not Invitation.objects.filter(case=at_workshop).exists()

    sheet = invite(world, at_workshop, email="amal@example.invalid", language="nl")
    sms.outbox.clear()
    mail.outbox.clear()
    Client().post("/mijn/", {"code": sheet["short_code"]})
    assert sms.outbox == []
    assert re.search(r"\b\d{6}\b", mail.outbox[-1].body)


def test_the_officers_inzage_export_holds_the_portal_and_the_referrals(
    world: World, at_workshop: Case
) -> None:
    """AVG art. 15: what the statushouder asked in Mijn Wegwijs, how they were
    invited, and where they were referred, are data Wegwijs holds about them."""
    from webui.casework.services import referral_record

    client = sign_in(
        at_workshop,
        invite(world, at_workshop, language="nl", email="a@example.invalid"),
    )
    client.post(
        f"/mijn/{at_workshop.reference}/inzage/", {"text": "Mijn adres is fout"}
    )
    referral_record(
        case=at_workshop,
        user=world.who("begeleider", world.polderdam),
        organisation="Schuldhulp Polderdam",
        leefgebied="financien",
        reason="Achterstand huur",
        consent=True,
        follow_up_on=world.clock.now().date() + timedelta(days=14),
        clock=world.clock,
    )
    officer = Client()
    officer.force_login(world.who("privacy", world.polderdam))
    data = officer.get(f"/privacy/inzage/{at_workshop.reference}/").json()
    assert [q["toelichting"] for q in data["mijn_wegwijs"]["vragen"]] == [
        "Mijn adres is fout"
    ]
    assert (
        data["mijn_wegwijs"]["uitnodigingen"][0]["e-mailadres"] == "a@example.invalid"
    )
    assert data["doorverwijzingen"][0]["naar"] == "Schuldhulp Polderdam"
    assert data["doorverwijzingen"][0]["waarom"] == "Achterstand huur"
