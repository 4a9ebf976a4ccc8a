"""A referral, a contact moment's topics and every count inherit the privacy class
of what they are about (issue 15, item 5): with "schulden MB → gemeente" withdrawn
the gemeente sees nothing of the schuldhulp referral, not even that there is one;
with consent it sees all of it."""

import io
from pathlib import Path

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from openpyxl import load_workbook

from webui.tasks.models import TaskItem

from ..conftest import PASSWORD, World

CONTACT = {
    "contact_datum": "2026-01-07",
    "contact_soort": "huisbezoek",
    "contact_leefgebieden": ["wonen", "financien"],
    "contact_verslag": "Post doorgenomen.",
    "contact_signaal_schulden": "Aanmaning zorgverzekeraar",
    "contact_doorverwezen": "ja",
    "contact_duur_minuten": "30",
}
REFERRAL = {
    "organisatie": "Schuldhulp Polderdam",
    "leefgebied": "financien",
    "reden": "Achterstand huur",
    "toestemming": "ja",
    "opvolgen_op": "2099-01-10",
}
# Words that tell the schulden referral or topic: the organisation, the reason, the
# leefgebied of the referral and of the contact moment, the follow-up.
TELLING = (
    "Schuldhulp",
    "Achterstand huur",
    "financiën en schulden",
    "financiën en toeslagen",
    "Aanmaning zorgverzekeraar",
    "Regeling getroffen",
)


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def consent(reference: str, given: str) -> None:
    response = client_for("begeleider.polderdam").post(
        reverse("cases:consent", args=[reference]),
        {
            "categorie": "schulden",
            "richting": "mb_naar_gemeente",
            "toestemming": given,
            "wijze": "mondeling",
            "datum": "2026-01-09",
        },
    )
    assert response.status_code == 302


def guided_case(world: World):  # type: ignore[no-untyped-def]
    """A case whose begeleider talked about money, referred to schuldhulp and
    followed it up, with the statushouder's consent for schulden at the intake."""
    case = world.coupled(intake={"toestemming_delen_gemeente": ["schulden"]})
    begeleider = client_for("begeleider.polderdam")
    begeleider.post(reverse("cases:contact", args=[case.reference]), CONTACT)
    begeleider.post(reverse("cases:referral", args=[case.reference]), REFERRAL)
    referral = case.referrals.get()
    begeleider.post(
        reverse("cases:follow_up", args=[case.reference, referral.pk]),
        {"uitkomst": "geholpen", "toelichting": "Regeling getroffen"},
    )
    return case


def told(text: str) -> list[str]:
    lowered = text.lower()
    return [word for word in TELLING if word.lower() in lowered]


def regie_pages(world: World, case) -> dict[str, str]:  # type: ignore[no-untyped-def]
    regie = client_for("regievoerder.polderdam")
    detail = reverse("cases:detail", args=[case.reference])
    task = next(
        item
        for item in world.open_tasks(case)
        if item.role == "regievoerder" and item.state == TaskItem.State.OPEN
    )
    pages = {
        "case page": regie.get(detail),
        "timeline, referrals only": regie.get(detail, {"soort": "verwijzing"}),
        "timeline, contact moments only": regie.get(detail, {"soort": "contact"}),
        "MB report": regie.get(reverse("cases:report", args=[case.reference])),
        "task page": regie.get(reverse("tasks:task", args=[task.task_id])),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
    return {name: response.content.decode() for name, response in pages.items()}


def test_without_schulden_consent_the_gemeente_sees_nothing_of_the_schuldhulp(
    world: World,
) -> None:
    case = guided_case(world)
    consent(case.reference, "nee")

    for name, html in regie_pages(world, case).items():
        assert told(html) == [], name
        # Not even a count of what is hidden: the count alone would tell.
        assert "afgeschermde gegevens" not in html, name

    regie = client_for("regievoerder.polderdam")
    page = regie.get(reverse("cases:detail", args=[case.reference]))
    kinds = [kind for kind, _, _ in page.context["file"].timeline.counts]
    assert "verwijzing" not in kinds, "the filter would count the referral"
    assert page.context["view"].referrals == []
    report = regie.get(reverse("cases:report", args=[case.reference])).context["report"]
    assert report.referrals == []
    assert dict(report.by_leefgebied) == {"Wonen": 1}
    assert dict(report.signals)["schulden"] is None


def test_with_schulden_consent_the_gemeente_sees_the_schuldhulp(world: World) -> None:
    case = guided_case(world)
    consent(case.reference, "nee")
    consent(case.reference, "ja")

    pages = regie_pages(world, case)
    assert set(told(pages["case page"])) == set(TELLING)
    assert "Schuldhulp" in pages["timeline, referrals only"]
    assert "Financiën en toeslagen" in pages["timeline, contact moments only"]
    report = (
        client_for("regievoerder.polderdam")
        .get(reverse("cases:report", args=[case.reference]))
        .context["report"]
    )
    assert dict(report.by_leefgebied) == {"Wonen": 1, "Financiën en toeslagen": 1}
    assert [area for area, _, _ in report.referrals] == ["financiën en schulden"]
    assert dict(report.signals)["schulden"] == 1


def test_the_begeleider_keeps_seeing_their_own_work(world: World) -> None:
    case = guided_case(world)
    consent(case.reference, "nee")
    page = client_for("begeleider.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    assert set(told(page.content.decode())) == set(TELLING)


def test_the_pip_of_the_gemeente_shows_no_count_of_what_needs_consent(
    world: World,
) -> None:
    case = world.run_until(world.coupled(), "brede_intake", max_steps=60)
    case = world.complete(case, "brede_intake", toestemming_delen_mb=[])
    case = world.run_until(case, "pip_opstellen", max_steps=60)
    case = world.complete(
        case, "pip_opstellen", pip_aandachtspunten_gezondheid="Rugklachten, fysio"
    )
    begeleider = client_for("begeleider.polderdam")
    pip = reverse("cases:pip", args=[case.reference])
    html = begeleider.get(pip).content.decode()
    assert "Rugklachten" not in html
    assert "afgeschermde" not in html, "the count would tell there is a health note"

    client_for("regievoerder.polderdam").post(
        reverse("cases:consent", args=[case.reference]),
        {
            "categorie": "gezondheid",
            "richting": "gemeente_naar_mb",
            "toestemming": "ja",
            "wijze": "schriftelijk",
            "datum": "2026-02-01",
        },
    )
    assert "Rugklachten" in begeleider.get(pip).content.decode()


def test_the_referral_and_its_event_are_not_found_without_consent(
    world: World,
) -> None:
    case = guided_case(world)
    consent(case.reference, "nee")
    referral = case.referrals.get()
    # The Django admin is for superusers only; need-to-know holds there too.
    regie = world.who("regievoerder", world.polderdam)
    regie.is_staff = regie.is_superuser = True
    regie.save()
    client = client_for("regievoerder.polderdam")
    follow_up = reverse("cases:follow_up", args=[case.reference, referral.pk])
    event = case.audit_events.get(event="referral_recorded")
    in_admin = reverse("admin:logs_auditevent_change", args=[event.pk])

    assert client.get(follow_up).status_code == 404
    assert client.get(in_admin).status_code == 404

    consent(case.reference, "ja")
    assert "Schuldhulp" in client.get(follow_up).content.decode()
    assert client.get(in_admin).status_code == 200


def test_the_export_tells_nothing_of_referrals_or_topics(
    world: World, tmp_path: Path
) -> None:
    """A guard, not a fix: the export has no referral or topic columns; it must not
    grow one that bypasses the consent (with consent it stays out too: the
    manager reads only the class `normaal`)."""
    case = guided_case(world)
    target = tmp_path / "dossiers.xlsx"
    for given in ("nee", "ja"):
        consent(case.reference, given)
        call_command(
            "export_cases",
            output=str(target),
            gebruiker="manager.polderdam",
            stdout=io.StringIO(),
        )
        book = load_workbook(target, read_only=True)
        cells = " ".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
        assert case.reference in cells
        assert told(cells) == [], given


def test_the_intakes_consent_answer_stays_as_it_was_given(world: World) -> None:
    """A consent answer names categories, not data about them: a later withdrawal
    does not rewrite what the statushouder said at the intake."""
    case = world.coupled(intake={"toestemming_delen_gemeente": ["psychisch"]})
    response = client_for("begeleider.polderdam").post(
        reverse("cases:consent", args=[case.reference]),
        {
            "categorie": "psychisch",
            "richting": "mb_naar_gemeente",
            "toestemming": "nee",
            "wijze": "mondeling",
            "datum": "2026-01-09",
        },
    )
    assert response.status_code == 302
    page = client_for("regievoerder.polderdam").get(
        reverse("cases:detail", args=[case.reference]), {"soort": "taak"}
    )
    answers = {
        label: value
        for entry in page.context["file"].timeline.entries
        for label, value in entry.rows
    }
    question = "Welke gegevens mag de begeleider delen met de gemeente (regievoerder)?"
    assert answers[question] == "Psychische gezondheid en trauma"
