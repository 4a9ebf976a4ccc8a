"""The processing log: a record for every kind of access to personal data, none
missing, append-only, and intact after a case is anonymised."""

from datetime import timedelta
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from webui.cases.models import Case
from webui.logs.models import ImmutableLog, ProcessedSubject, ProcessingRecord
from webui.privacy.selectors import log_search

from ..conftest import PASSWORD, World


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def actions(reference: str) -> list[str]:
    return list(
        ProcessingRecord.objects.filter(subjects__case_reference=reference)
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_every_kind_of_access_leaves_a_record(world: World, tmp_path) -> None:
    case = world.coupled()
    begeleider = client_for("begeleider.polderdam")
    begeleider.get(reverse("cases:list"))
    begeleider.get(reverse("cases:detail", args=[case.reference]))
    task = case.tasks.filter(state="open").first()
    begeleider.get(reverse("tasks:task", args=[task.task_id]))
    assert actions(case.reference) == ["lijst", "inzien", "taak"]

    # Django's admin is for superusers only (made on the command line); it keeps
    # need-to-know (this one is also a regievoerder) and logs every look.
    root = get_user_model().objects.create_superuser("root", "", PASSWORD)
    root.memberships.create(role="regievoerder", gemeente=world.polderdam)
    admin = client_for("root")
    assert admin.get(reverse("admin:cases_case_changelist")).status_code == 200
    admin.get(reverse("admin:cases_case_change", args=[case.pk]))
    assert actions(case.reference)[-2:] == ["beheer", "beheer"]

    client_for("manager.polderdam").post(reverse("reports:download"))
    call_command(
        "export_cases",
        output=str(tmp_path / "x.xlsx"),
        gebruiker="manager.polderdam",
        stdout=StringIO(),
    )
    exports = ProcessingRecord.objects.filter(action="exporteren")
    assert [r.username for r in exports] == ["manager.polderdam"] * 2

    Client().post(
        reverse("login"), {"username": "begeleider.polderdam", "password": "fout"}
    )
    failed = ProcessingRecord.objects.get(action="inloggen_mislukt")
    assert failed.username == "begeleider.polderdam"

    for record in ProcessingRecord.objects.filter(action__in=["inzien", "taak"]):
        assert record.ground.startswith("Wet inburgering 2021")
        assert "persoonsgegevens" in record.categories


def test_the_log_is_append_only(world: World) -> None:
    case = world.start()
    client_for("coordinator.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    record = ProcessingRecord.objects.get(action="inzien")
    record.username = "iemand anders"
    with pytest.raises(ImmutableLog):
        record.save()
    with pytest.raises(ImmutableLog):
        record.delete()
    with pytest.raises(ImmutableLog):
        ProcessingRecord.objects.all().delete()
    with pytest.raises(ImmutableLog):
        ProcessedSubject.objects.update(case_reference="X")


def test_anonymising_keeps_the_figures_and_the_log(world: World) -> None:
    case = world.coupled()
    phase, open_phases = case.phase, case.open_phases
    client_for("coordinator.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    closed_long_ago = timezone.now() - timedelta(days=365 * 11)
    Case.objects.filter(pk=case.pk).update(is_closed=True, closed_at=closed_long_ago)
    out = StringIO()
    call_command("anonymise_cases", "--dry-run", stdout=out, stderr=StringIO())
    assert f"{case.reference}: zou worden geanonimiseerd" in out.getvalue()
    assert Case.objects.get(pk=case.pk).anonymised_at is None
    call_command("anonymise_cases", stdout=StringIO(), stderr=StringIO())
    case.refresh_from_db()
    assert case.client_naam == "(geanonimiseerd)" and case.anonymised_at
    start = case.submissions.get(form_key="aanmelding").data
    assert "bsn" not in start and "voornaam" not in start
    assert start["koppeling_datum"] == "2026-01-05", "the figures stay"
    assert (case.phase, case.open_phases) == (phase, open_phases)
    assert actions(case.reference) == ["inzien", "geanonimiseerd"]
    # A case still within its retention period stays as it is.
    recent = world.start()
    Case.objects.filter(pk=recent.pk).update(is_closed=True, closed_at=timezone.now())
    call_command("anonymise_cases", stdout=StringIO(), stderr=StringIO())
    assert Case.objects.get(pk=recent.pk).anonymised_at is None


def test_the_privacy_officer_searches_by_statushouder_user_and_period(
    world: World,
) -> None:
    case = world.start()
    other = world.start(world.rivierstad)
    client_for("coordinator.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    client_for("coordinator.rivierstad").get(
        reverse("cases:detail", args=[other.reference])
    )
    officer = client_for("privacy.polderdam")
    page = officer.get(reverse("privacy:log"), {"dossier": case.reference})
    records = list(page.context["page"])
    assert [r.username for r in records] == ["coordinator.polderdam"]
    foreign = officer.get(reverse("privacy:log"), {"dossier": other.reference})
    assert list(foreign.context["page"]) == [], "another gemeente's log is not theirs"
    by_user = officer.get(
        reverse("privacy:log"), {"gebruiker": "coordinator.polderdam"}
    )
    assert len(by_user.context["page"]) == 1
    assert ProcessingRecord.objects.filter(action="log_doorzocht").count() == 3


def _read_by_someone_outside(case: Case, at) -> ProcessingRecord:
    """A record of a read of ``case`` by a user of no organisation, at ``at``: in
    the officer's scope only through the case it is about."""
    record = ProcessingRecord.objects.create(
        at=at, username="extern", roles="", action="inzien"
    )
    ProcessedSubject.objects.create(
        record=record,
        case_id=case.pk,
        case_reference=case.reference,
        gemeente_id=case.gemeente_id,
    )
    return record


def test_a_long_period_counts_up_to_the_cap_and_shows_the_newest_first(
    world: World, monkeypatch
) -> None:
    monkeypatch.setattr("webui.privacy.selectors.LOG_COUNT_CAP", 3)
    ours, theirs = world.start(), world.start(world.rivierstad)
    now = timezone.now()
    for hours in range(5):
        _read_by_someone_outside(ours, now - timedelta(hours=hours + 1))
        _read_by_someone_outside(theirs, now - timedelta(minutes=30 + 60 * hours))
    officer = client_for("privacy.polderdam")
    today = timezone.localdate()
    week = {"van": (today - timedelta(days=7)).isoformat(), "tot": today.isoformat()}

    page = officer.get(reverse("privacy:log"), week)
    text = page.content.decode()
    assert "Meer dan 3 verwerkingen — verfijn de zoekopdracht" in text
    shown = list(page.context["page"])
    assert [r.at for r in shown] == sorted((r.at for r in shown), reverse=True)
    assert {s.case_reference for r in shown for s in r.subjects.all()} == {
        ours.reference
    }, "another gemeente's reads are neither shown nor counted"
    newest = ProcessingRecord.objects.filter(username="extern").order_by("-at")
    assert shown[0].at == newest.filter(subjects__gemeente_id=ours.gemeente_id)[0].at

    # A search that finds fewer than the cap counts them exactly.
    monkeypatch.setattr("webui.privacy.selectors.LOG_COUNT_CAP", 10_000)
    in_scope = log_search(
        user=get_user_model().objects.get(username="privacy.polderdam"),
        date_from=today - timedelta(days=7),
        date_to=today,
    ).count()
    assert in_scope > 5
    page = officer.get(reverse("privacy:log"), week)
    text = page.content.decode()
    assert "verfijn de zoekopdracht" not in text
    assert f"{in_scope} verwerkingen" in text
