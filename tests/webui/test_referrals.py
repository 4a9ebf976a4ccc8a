"""Signaleren en doorverwijzen, the Piëzo phase and the MB report to the gemeente."""

from datetime import date

from django.test import Client
from django.urls import reverse

from lxml import html as lxml_html

from webui.cases.models import CaseMilestone, Referral

from ..conftest import PASSWORD, World


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_a_referral_needs_consent_and_its_follow_up_appears_in_the_queue(
    world: World, web_today: date
) -> None:
    case = world.coupled()
    begeleider = client_for("begeleider.polderdam")
    url = reverse("cases:referral", args=[case.reference])
    data = {
        "organisatie": "Schuldhulp Polderdam",
        "leefgebied": "financien",
        "reden": "Achterstand huur",
        "toestemming": "nee",
        "opvolgen_op": "2099-01-10",
    }
    refused = begeleider.post(url, data)
    assert "alleen door met toestemming" in refused.content.decode()
    assert not Referral.objects.exists()
    begeleider.post(url, {**data, "toestemming": "ja"})
    referral = Referral.objects.get()
    queue = begeleider.get(reverse("tasks:queue")).content.decode()
    assert "Schuldhulp Polderdam" not in queue, "not yet: follow up in 2099"
    Referral.objects.update(follow_up_on=date(2026, 1, 1))  # time passes
    queue = begeleider.get(reverse("tasks:queue")).content.decode()
    assert "Schuldhulp Polderdam" in queue and "te laat" in queue
    # Without consent for schulden the gemeente does not see the referral at all:
    # "naar Schuldhulp" tells as much as the reason (issue 15).
    regie = client_for("regievoerder.polderdam")
    page = regie.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Schuldhulp Polderdam" not in page and "Achterstand huur" not in page
    follow = reverse("cases:follow_up", args=[case.reference, referral.pk])
    begeleider.post(follow, {"uitkomst": "geholpen", "toelichting": "Regeling"})
    referral.refresh_from_db()
    assert referral.outcome == "geholpen" and referral.followed_up_at
    queue = begeleider.get(reverse("tasks:queue")).content.decode()
    assert "Schuldhulp Polderdam" not in queue


def test_a_referral_that_still_runs_keeps_a_date_to_follow_it_up(
    world: World,
) -> None:
    """'Loopt nog' without a next date once took the referral off the follow-up
    list for good; now the form refuses it, keeps what was typed, and changes
    nothing."""
    case = world.coupled()
    begeleider = client_for("begeleider.polderdam")
    begeleider.post(
        reverse("cases:referral", args=[case.reference]),
        {
            "organisatie": "Schuldhulp Polderdam",
            "leefgebied": "financien",
            "reden": "Achterstand huur",
            "toestemming": "ja",
            "opvolgen_op": "2099-01-10",
        },
    )
    referral = Referral.objects.get()
    Referral.objects.update(follow_up_on=date(2026, 1, 1))  # time passes
    follow = reverse("cases:follow_up", args=[case.reference, referral.pk])
    refused = begeleider.post(follow, {"uitkomst": "loopt", "toelichting": "Wacht"})
    assert refused.status_code == 200
    form = refused.context["form"]
    assert "zonder datum verdwijnt" in str(form.errors["volgende_opvolging"])
    assert form.data["toelichting"] == "Wacht"
    referral.refresh_from_db()
    assert referral.outcome == "" and referral.follow_up_on == date(2026, 1, 1)
    assert (
        "Schuldhulp Polderdam"
        in begeleider.get(reverse("tasks:queue")).content.decode()
    )

    begeleider.post(
        follow,
        {
            "uitkomst": "loopt",
            "toelichting": "Wacht",
            "volgende_opvolging": "2099-02-01",
        },
    )
    referral.refresh_from_db()
    assert referral.outcome == "loopt" and referral.follow_up_on == date(2099, 2, 1)
    assert referral.followed_up_at is None


def test_the_piezo_phase_moves_with_its_history(world: World) -> None:
    case = world.coupled(intake={"piezo_fase": "0"})
    assert case.piezo_fase == "0", "the intake records the first phase"
    begeleider = client_for("begeleider.polderdam")
    for phase in ("1", "2"):
        begeleider.post(
            reverse("cases:contact", args=[case.reference]),
            {
                "contact_datum": "2026-01-06",
                "contact_soort": "huisbezoek",
                "contact_leefgebieden": ["wonen"],
                "contact_verslag": "x",
                "contact_doorverwezen": "nee",
                "piezo_fase": phase,
            },
        )
    case.refresh_from_db()
    assert case.piezo_fase == "2"
    history = CaseMilestone.objects.filter(case=case, key="piezo_fase")
    assert [m.value for m in history] == ["0", "1", "2"]
    # The MB report names the phases in words, not by their number.
    report = begeleider.get(reverse("cases:report", args=[case.reference]))
    html = report.content.decode()
    assert "Fase 2 – lerend vrijwilligerswerk" in html
    assert ": fase 2<" not in html


def test_the_mb_report_shows_the_guidance_within_the_consent(world: World) -> None:
    case = world.coupled(intake={"toestemming_delen_gemeente": []})
    begeleider = client_for("begeleider.polderdam")
    begeleider.post(
        reverse("cases:contact", args=[case.reference]),
        {
            "contact_datum": "2026-01-06",
            "contact_soort": "huisbezoek",
            "contact_leefgebieden": ["wonen", "financien"],
            "contact_verslag": "x",
            "contact_signaal_schulden": "Aanmaning",
            "contact_doorverwezen": "nee",
            "contact_duur_minuten": "45",
        },
    )
    report = client_for("regievoerder.polderdam").get(
        reverse("cases:report", args=[case.reference])
    )
    context = report.context["report"]
    assert context.contacts == 1 and context.minutes == 45
    assert dict(context.signals) == {"gezondheid": None, "schulden": None}
    assert "Aanmaning" not in report.content.decode()
    case.consents.create(
        category="schulden",
        direction="mb_naar_gemeente",
        given=True,
        on_date=date(2026, 1, 7),
        recorded_by=world.who("begeleider", world.polderdam),
        recorded_at="2026-01-07T10:00:00+01:00",
    )
    report = client_for("regievoerder.polderdam").get(
        reverse("cases:report", args=[case.reference])
    )
    assert dict(report.context["report"].signals)["schulden"] == 1


CONTACT = {
    "contact_datum": "2026-01-07",
    "contact_soort": "huisbezoek",
    "contact_leefgebieden": ["wonen"],
    "contact_verslag": "Huurcontract doorgenomen.",
    "contact_doorverwezen": "ja",
}


def test_a_contact_moment_with_a_referral_opens_the_referral_form_filled_in(
    world: World, web_today: date
) -> None:
    """ "Doorverwezen: ja" leads to the referral form with the topic as its
    leefgebied; the referral is recorded without typing it again; "nee" goes back
    to the case."""
    case = world.coupled()
    begeleider = client_for("begeleider.polderdam")
    contact_url = reverse("cases:contact", args=[case.reference])

    answered = begeleider.post(contact_url, CONTACT, follow=True)
    url, _status = answered.redirect_chain[-1]
    assert url.startswith(reverse("cases:referral", args=[case.reference]))
    html = answered.content.decode()
    assert "U gaf aan dat u hebt doorverwezen" in html
    assert "hoort bij het contactmoment van 07-01-2026" in html
    assert answered.context["form"]["leefgebied"].value() == "wonen"
    checked = lxml_html.fromstring(html).xpath(
        '//input[@name="leefgebied"][@checked]/@value'
    )
    assert checked == ["wonen"]

    begeleider.post(
        url,
        {
            "organisatie": "Woningcorporatie Polderdam",
            "leefgebied": answered.context["form"]["leefgebied"].value(),
            "reden": "Vragen over de huur",
            "toestemming": "ja",
            "opvolgen_op": "2099-01-10",
        },
    )
    referral = Referral.objects.get()
    assert (referral.case, referral.leefgebied) == (case, "wonen")

    # Without a referral the case page follows, as before.
    plain = begeleider.post(contact_url, {**CONTACT, "contact_doorverwezen": "nee"})
    assert plain["Location"] == reverse("cases:detail", args=[case.reference])
    # Another case's contact moment (or none) fills in nothing.
    other = world.coupled()
    foreign = begeleider.get(
        reverse("cases:referral", args=[other.reference]),
        {"contactmoment": url.split("contactmoment=")[1]},
    )
    assert foreign.status_code == 200
    assert foreign.context["start"] is None
    assert foreign.context["form"]["leefgebied"].value() is None
