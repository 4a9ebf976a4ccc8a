"""Aanmelding in bulk from COA's informatieformulier (issue 20, item 2): a
coördinator or regievoerder uploads a CSV or JSON file, sees per row what will
happen, and confirms; nothing is half-done when a row fails."""

import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

import pytest

from tests.conftest import PASSWORD, World
from webui.aanmeldingen.models import BulkAanmelding
from webui.cases.models import Case, Registration
from webui.casework.services import register
from webui.logs.models import ProcessingRecord

HEADER = (
    "Referentie;Voornaam;Achternaam;Geboortedatum;BSN;Land van herkomst;Taal;"
    "Gezinsgrootte;Soort;Datum koppeling;Datum huisvesting;Opleiding"
)


def line(n: int, **changes: str) -> str:
    values = {
        "ref": f"TVS-{n}",
        "voornaam": f"Amal{n}",
        "achternaam": "Haddad",
        "geboortedatum": "01-04-1990",
        "bsn": "111222333",
        "land": "Syrië",
        "taal": "Arabisch",
        "gezin": "3",
        "soort": "asiel",
        "koppeling": "05-01-2026",
        "huisvesting": "2026-01-20",
        "opleiding": "mbo",
        **changes,
    }
    return ";".join(values.values())


def csv_file(*lines: str, name: str = "coa.csv") -> SimpleUploadedFile:
    text = "\n".join([HEADER, *lines]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def upload(client: Client, file: SimpleUploadedFile, place: str = "") -> BulkAanmelding:
    page = client.get("/aanmelden/bestand/")
    assert page.status_code == 200
    place = place or page.context["form"].fields["place"].choices[0][0]
    answer = client.post("/aanmelden/bestand/", {"place": place, "file": file})
    assert answer.status_code == 302, answer.content
    return BulkAanmelding.objects.latest("pk")


def test_a_coordinator_sees_the_dry_run_then_registers_the_file(world: World) -> None:
    client = client_for("coordinator.polderdam")
    run = upload(client, csv_file(line(1), line(2), line(3)))
    page = client.get(f"/aanmelden/bestand/{run.pk}/")
    assert page.text.count("wordt aangemeld") == 3
    assert "3 worden aangemeld, 0 al bekend, 0 geweigerd" in page.text
    assert "Amal2 Haddad" in page.text
    assert "opleiding (hoort bij de brede intake)" in page.text
    assert Case.objects.count() == 0  # a dry run registers nobody

    answer = client.post(f"/aanmelden/bestand/{run.pk}/bevestigen/", follow=True)

    assert "3 statushouder(s) aangemeld." in answer.text
    cases = Case.objects.order_by("pk")
    assert [c.client_naam for c in cases] == [
        "Amal1 Haddad",
        "Amal2 Haddad",
        "Amal3 Haddad",
    ]
    assert {c.gemeente for c in cases} == {world.polderdam}
    assert {c.mb_organisation for c in cases} == {world.mb["polderdam"]}
    start = cases[0].submissions.get()
    assert start.data["aangemeld_door"] == "coa"
    assert start.data["geboortedatum"] == "1990-04-01"
    assert start.data["koppeling_datum"] == "2026-01-05"
    assert set(Registration.objects.values_list("reference", flat=True)) == {
        "TVS-1",
        "TVS-2",
        "TVS-3",
    }
    run.refresh_from_db()
    assert run.status == "done" and run.rows == []  # the personal data is gone
    # Every registration is a change in the processing log, by the uploader.
    changes = ProcessingRecord.objects.filter(action=ProcessingRecord.Action.CHANGE)
    assert changes.count() == 3
    # The page that lists the new dossiers logs reading them.
    page = client.get(f"/aanmelden/bestand/{run.pk}/")
    listed = ProcessingRecord.objects.filter(
        action=ProcessingRecord.Action.LIST
    ).latest("pk")
    assert listed.subjects.count() == 3


def test_the_same_file_again_is_already_known_and_registers_nothing(
    world: World,
) -> None:
    client = client_for("coordinator.polderdam")
    run = upload(client, csv_file(line(1), line(2)))
    client.post(f"/aanmelden/bestand/{run.pk}/bevestigen/")
    again = upload(client, csv_file(line(1), line(2), line(3)))
    page = client.get(f"/aanmelden/bestand/{again.pk}/")
    assert "1 worden aangemeld, 2 al bekend, 0 geweigerd" in page.text
    client.post(f"/aanmelden/bestand/{again.pk}/bevestigen/")
    assert Case.objects.count() == 3


def test_a_broken_row_is_named_and_nothing_is_registered(world: World) -> None:
    client = client_for("regievoerder.polderdam")
    run = upload(
        client,
        csv_file(
            line(1),
            line(2, bsn="123456789"),
            line(3, koppeling="31-02-2026"),
            line(4, ref="TVS-1"),
        ),
    )
    page = client.get(f"/aanmelden/bestand/{run.pk}/")
    assert "1 worden aangemeld, 0 al bekend, 3 geweigerd" in page.text
    assert "rij 3, BSN: Dit is geen geldig BSN: de elfproef klopt niet." in page.text
    assert "rij 4, Datum koppeling aan de gemeente:" in page.text
    assert "rij 5, Referentie: Referentie &#x27;TVS-1&#x27; staat ook op rij 2." in (
        page.text
    )
    assert "aanmelden</button>" not in page.text

    answer = client.post(f"/aanmelden/bestand/{run.pk}/bevestigen/", follow=True)
    assert "Er zijn rijen geweigerd" in answer.text
    assert Case.objects.count() == 0


def test_a_row_refused_at_registration_rolls_back_the_whole_file(
    world: World,
) -> None:
    client = client_for("coordinator.polderdam")
    run = upload(client, csv_file(line(1), line(2), line(3)))
    # Meanwhile another system registers TVS-3 with other answers.
    register(
        organisation=world.polderdam,
        answers={
            "voornaam": "Ander",
            "achternaam": "Mens",
            "geboortedatum": "1980-01-01",
            "herkomstland": "Eritrea",
            "gezinsgrootte": 1,
            "soort_aanmelding": "asiel",
            "aangemeld_door": "coa",
            "koppeling_datum": "2026-01-05",
            "datum_binnenkomst": "2026-01-05",
        },
        sender="coa-informatieformulier",
        reference="TVS-3",
        actor=None,
    )
    assert Case.objects.count() == 1

    page = client.post(f"/aanmelden/bestand/{run.pk}/bevestigen/", follow=True)

    assert "Rij 4 werd bij het aanmelden geweigerd; er is niets aangemeld." in page.text
    assert Case.objects.count() == 1  # rows 2 and 3 rolled back with it
    run.refresh_from_db()
    assert run.status == "refused"


def test_a_json_file_with_an_unknown_column_is_refused_whole(world: World) -> None:
    client = client_for("coordinator.polderdam")
    rows = [{"referentie": "TVS-9", "voornaam": "A", "schoenmaat": "42"}]
    file = SimpleUploadedFile(
        "coa.json", json.dumps({"aanmeldingen": rows}).encode(), "application/json"
    )
    run = upload(client, file)
    page = client.get(f"/aanmelden/bestand/{run.pk}/")
    assert "Onbekende kolom &#x27;schoenmaat&#x27;" in page.text
    assert "Het bestand wordt niet verwerkt" in page.text
    assert run.status == "refused" and Case.objects.count() == 0


def test_a_json_file_registers_like_a_csv(world: World) -> None:
    client = client_for("coordinator.polderdam")
    rows = [
        {
            "referentie": "TVS-7",
            "voornaam": "Yonas",
            "achternaam": "Tesfay",
            "geboortedatum": "1995-06-30",
            "herkomstland": "Eritrea",
            "gezinsgrootte": 1,
            "soort": "nareiziger",
            "datum_koppeling": "2026-01-05",
        }
    ]
    file = SimpleUploadedFile("coa.json", json.dumps(rows).encode(), "application/json")
    run = upload(client, file)
    client.post(f"/aanmelden/bestand/{run.pk}/bevestigen/")
    case = Case.objects.get()
    data = case.submissions.get().data
    assert data["soort_aanmelding"] == "gezinshereniging"
    assert data["datum_binnenkomst"] == "2026-01-05"  # none given: the koppeling


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"\xff\xfe\x00broken", "Het bestand is geen UTF-8-tekst."),
        (b"\n", "De eerste regel van het CSV-bestand moet de kolomnamen geven."),
        (b"Referentie\n", "Het bestand bevat geen aanmeldingen."),
        (b"Referentie;Voornaam\nTVS-1;A;extra\n", "Regel 2 heeft meer waarden"),
    ],
)
def test_an_unreadable_file_gets_a_dutch_reason(
    world: World, content: bytes, reason: str
) -> None:
    client = client_for("coordinator.polderdam")
    run = upload(client, SimpleUploadedFile("coa.csv", content, "text/csv"))
    assert run.status == "refused"
    page = client.get(f"/aanmelden/bestand/{run.pk}/")
    assert reason in page.text
    assert Case.objects.count() == 0


def test_a_large_file_is_checked_and_registered_in_the_background(
    world: World, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr("webui.aanmeldingen.tasks.INLINE_ROWS", 2)
    client = client_for("coordinator.polderdam")
    with django_capture_on_commit_callbacks(execute=True) as queued:
        run = upload(client, csv_file(line(1), line(2), line(3)))
    assert len(queued) == 1  # the check went to the worker
    run.refresh_from_db()
    assert run.status == "checked"
    with django_capture_on_commit_callbacks(execute=True) as queued:
        client.post(f"/aanmelden/bestand/{run.pk}/bevestigen/")
    assert len(queued) == 1
    run.refresh_from_db()
    assert run.status == "done" and Case.objects.count() == 3


def test_only_the_uploaders_gemeente_sees_the_file(world: World) -> None:
    run = upload(client_for("coordinator.polderdam"), csv_file(line(1)))
    for username in ("coordinator.rivierstad", "regievoerder.rivierstad"):
        other = client_for(username)
        assert other.get(f"/aanmelden/bestand/{run.pk}/").status_code == 404
        assert other.post(f"/aanmelden/bestand/{run.pk}/bevestigen/").status_code == 404
    # A begeleider registers nobody: no upload page either.
    assert (
        client_for("begeleider.polderdam").get("/aanmelden/bestand/").status_code == 404
    )
    assert Case.objects.count() == 0


def test_the_docs_name_every_column_the_code_reads() -> None:
    from pathlib import Path

    from webui.aanmeldingen.coa import COLUMNS, LEFT_OUT

    doc = (Path(__file__).parents[2] / "docs" / "koppelingen.md").read_text()
    for column in COLUMNS:
        assert " / ".join((column.name, *column.aliases)) in doc, column.name
    for name in LEFT_OUT:
        assert f"`{name}`" in doc, name


@pytest.mark.parametrize(
    "name", ["coa-informatieformulier.csv", "coa-informatieformulier.json"]
)
def test_the_example_files_in_the_docs_register(world: World, name: str) -> None:
    from pathlib import Path

    path = Path(__file__).parents[2] / "docs" / "voorbeelden" / name
    client = client_for("coordinator.polderdam")
    run = upload(client, SimpleUploadedFile(name, path.read_bytes()))
    assert run.status == "checked" and run.total and not run.refused_rows
    client.post(f"/aanmelden/bestand/{run.pk}/bevestigen/")
    assert Case.objects.count() == run.total


def test_a_file_left_unconfirmed_loses_its_rows_after_a_day(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    client = client_for("coordinator.polderdam")
    old = upload(client, csv_file(line(1)))
    BulkAanmelding.objects.filter(pk=old.pk).update(
        uploaded_at=timezone.now() - timedelta(hours=25)
    )
    upload(client, csv_file(line(2)))  # every upload clears what was left
    old.refresh_from_db()
    assert old.status == "cancelled" and old.rows == []
    assert "aanmelden</button>" not in client.get(f"/aanmelden/bestand/{old.pk}/").text


def test_a_files_rows_share_one_read_of_the_version_and_the_organisations(
    world: World,
) -> None:
    """Issue 20's 5,000-row file: the dry run reads the version in use, the MB
    organisations and which references are known once for the file, not per row:
    more rows cost no more statements."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from webui.aanmeldingen.services import bulk_check, bulk_record
    from webui.access import RegistrationPlace
    from webui.accounts.models import Role

    user = world.who("coordinator", world.polderdam)
    mb = world.polderdam.mb_organisations.get()
    place = RegistrationPlace(world.polderdam, mb, Role.COORDINATOR)

    def check_statements(rows: int) -> int:
        text = "\n".join([HEADER, *(line(rows * 100 + n) for n in range(rows))])
        run = bulk_record(
            place=place, user=user, file_name="coa.csv", content=text.encode()
        )
        with CaptureQueriesContext(connection) as counted:
            run = bulk_check(run_id=run.pk)
        assert run.refused_rows == 0 and len(run.outcomes) == rows
        return len(counted)

    check_statements(1)  # the version's parsed files and forms cached: steady state
    assert check_statements(6) == check_statements(2)


def _register_file(world: World, lines: list[str]) -> BulkAanmelding:
    from webui.aanmeldingen.services import (
        bulk_check,
        bulk_confirm,
        bulk_record,
        bulk_register,
    )
    from webui.access import RegistrationPlace
    from webui.accounts.models import Role
    from webui.logs.context import Occasion

    user = world.who("coordinator", world.polderdam)
    mb = world.polderdam.mb_organisations.get()
    place = RegistrationPlace(world.polderdam, mb, Role.COORDINATOR)
    text = "\n".join([HEADER, *lines])
    run = bulk_record(
        place=place, user=user, file_name="coa.csv", content=text.encode()
    )
    run = bulk_check(run_id=run.pk)
    run = bulk_confirm(run=run, user=user, occasion=Occasion(request_id="test"))
    return bulk_register(run_id=run.pk)


def _written(case: Case) -> dict[str, list]:
    """Every row registering ``case`` wrote, without what differs between any two
    cases (keys, the case's reference)."""
    from webui.cases.models import CaseState, Consent
    from webui.events.models import OutboxEvent
    from webui.logs.models import AuditEvent, ProcessedSubject
    from webui.tasks.models import TaskItem
    from webui.zaken.models import ZaakUpdate

    def plain(rows: object) -> list:
        text = json.dumps(list(rows), default=str, sort_keys=True)
        # The moment of registering (the system's clock) differs by milliseconds.
        text = re.sub(r"\d{4}-\d\d-\d\dT[\d:.]+\+00:00", "MOMENT", text)
        return sorted(json.loads(text.replace(case.reference, "REF")), key=str)

    records = ProcessedSubject.objects.filter(case_id=case.pk).values_list(
        "record", flat=True
    )
    return {
        "case": plain(
            Case.objects.filter(pk=case.pk).values(
                "phase", "phase_label", "open_phases", "koppeling_datum", "version"
            )
        ),
        "state": [CaseState.objects.filter(case=case).exclude(state="").exists()],
        "milestones": plain(case.milestones.values("key", "value", "bpmn_id")),
        "consents": plain(Consent.objects.filter(case=case).values("category")),
        "tasks": plain(
            TaskItem.objects.filter(case=case).values(
                "bpmn_id", "name", "role", "state", "phase", "due_date", "assignee"
            )
        ),
        "submissions": plain(case.submissions.values("form_key", "data", "role")),
        "registrations": plain(case.registrations.values("sender", "answers_digest")),
        "log": plain(
            ProcessingRecord.objects.filter(pk__in=records).values(
                "action", "username", "roles", "categories", "ground", "detail"
            )
        ),
        "audit": plain(
            AuditEvent.objects.filter(case=case).values("event", "detail", "user")
        ),
        "events": plain(
            OutboxEvent.objects.filter(case_id=case.pk).values("type", "data")
        ),
        "zaken": plain(
            ZaakUpdate.objects.filter(dossier__case=case).values("kind", "payload")
        ),
    }


def test_a_files_registration_writes_what_registering_each_row_alone_writes(
    world: World,
) -> None:
    """The file's cases are stored together (one INSERT per table): the same task
    rows, outbox events, zaak updates, audit trail and processing log as the same
    aanmeldingen sent one by one."""
    from tests.zgw_standin import EINDSTATUS, ZAAKTYPE, statustype
    from webui.aanmeldingen import coa
    from webui.aanmeldingen.services import SENDER
    from webui.logs.context import Occasion
    from webui.zaken.services import ZaaksysteemSettings, zaaksysteem_configure

    zaaksysteem_configure(
        gemeente=world.polderdam,
        settings=ZaaksysteemSettings(
            api_root="http://127.0.0.1:9/zaken/api/v1/",
            client_id="wegwijs",
            secret="geheim",
            bronorganisatie="002220647",
            zaaktype=ZAAKTYPE,
            statustypen={
                "aangemeld": statustype("aangemeld"),
                "afgesloten": EINDSTATUS,
            },
            resultaattype_pip="",
        ),
        actor=world.who("beheerder", world.polderdam),
    )
    lines = [line(n) for n in range(1, 4)]
    run = _register_file(world, lines)
    assert run.status == "done"
    from_file = list(Case.objects.order_by("pk"))

    parsed = coa.parse(("\n".join([HEADER, *lines])).encode(), "coa.csv")
    for row in parsed.rows:
        outcome = register(
            organisation=world.mb["polderdam"],
            gemeente=world.polderdam,
            answers=row.answers,
            sender=SENDER,
            reference=f"{row.reference}-alleen",
            actor=world.who("coordinator", world.polderdam),
            occasion=Occasion(request_id="test"),
        )
        assert outcome.status == "created"
    alone = list(Case.objects.exclude(pk__in=[c.pk for c in from_file]).order_by("pk"))

    assert len(alone) == len(from_file) == 3
    for one, other in zip(from_file, alone, strict=True):
        written = _written(one)
        assert written == _written(other)
        # Each kind of row was written (consent is asked later, at the intake).
        assert all(rows for kind, rows in written.items() if kind != "consents")


def test_registering_a_file_costs_no_statements_per_row(world: World) -> None:
    """Issue 20's 5,000-row file in ≤ 60 s: a file's cases are written with one
    INSERT per table, not a dozen statements per row. (SQLite takes at most 999
    values in one statement, so Django splits a long INSERT there: twice the rows
    may cost a statement or two more, never ten.)"""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def register_statements(first: int, rows: int) -> int:
        with CaptureQueriesContext(connection) as counted:
            run = _register_file(world, [line(first + n) for n in range(rows)])
        assert run.status == "done"
        assert Registration.objects.filter(case__isnull=False).count() >= rows
        return len(counted)

    register_statements(1000, 1)  # caches filled: the steady state
    ten = register_statements(2000, 10)
    twenty = register_statements(3000, 20)
    assert twenty - ten < 10, (ten, twenty)


def test_the_dry_run_logs_reading_the_people_who_are_no_dossier_yet(
    world: World,
) -> None:
    client = client_for("coordinator.polderdam")
    run = upload(client, csv_file(line(1), line(2, bsn="123456789")))
    before = ProcessingRecord.objects.count()
    page = client.get(f"/aanmelden/bestand/{run.pk}/")
    assert "Amal1 Haddad" in page.text and "Amal2 Haddad" in page.text
    assert ProcessingRecord.objects.count() == before + 1
    record = ProcessingRecord.objects.latest("pk")
    assert record.action == ProcessingRecord.Action.LIST
    assert record.username == "coordinator.polderdam"
    assert record.categories == ["normaal"]
    assert record.ground  # the coordinator's legal ground
    shown = sorted(record.detail["zonder_dossier"], key=lambda u: u["rij"])
    assert [u["referentie"] for u in shown] == ["TVS-1", "TVS-2"]
    assert "Amal" not in str(record.detail)  # which rows, not their content
    subjects = list(record.subjects.all())
    assert len(subjects) == 2
    polderdam = world.polderdam.pk
    assert {(s.case_id, s.gemeente_id) for s in subjects} == {(None, polderdam)}
    # The gemeente's privacy officer finds it, and reads what was shown.
    officer = client_for("privacy.polderdam")
    log = officer.get("/privacy/", {"gebruiker": "coordinator.polderdam"}, follow=True)
    assert "Nog zonder dossier, uit een COA-bestand: " in log.text
    assert "rij 2 (TVS-1)" in log.text  # the file's row: its header is row 1
