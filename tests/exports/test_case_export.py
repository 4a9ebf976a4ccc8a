import io
from datetime import date, datetime

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from openpyxl import load_workbook

from exports import CASE_COLUMNS
from webui.cases.models import Case
from webui.privacy.models import ProcessingRecord
from webui.tasks.models import TaskItem

from ..conftest import PASSWORD, World


def _rows(content: bytes) -> list[dict[str, object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert list(header) == [title for title, _ in CASE_COLUMNS]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def _as_date(value: object) -> date | None:
    return value.date() if isinstance(value, datetime) else value  # type: ignore[return-value]


def test_the_manager_downloads_one_row_per_case_matching_the_database(
    world: World,
) -> None:
    early = world.start(
        koppeling_datum=date(2025, 10, 1), datum_binnenkomst=date(2025, 10, 1)
    )
    early = world.run_until(early, "pvt_workshop", max_steps=60)  # past the PIP, late
    early = world.complete(early, "pvt_workshop", aanwezig=True)
    early = world.complete(early, "pvt_workshop", aanwezig=False)
    # Absent at the catch-up too: workshop 2 is missed.
    early = world.complete(early, "pvt_inhaalworkshop", inhaal_aanwezig=False)
    early = world.complete(early, "pvt_workshop", aanwezig=True)
    fresh = world.start(world.rivierstad)

    client = Client()
    client.login(username="manager.polderdam", password=PASSWORD)
    response = client.get(reverse("cases:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    rows = {row["Kenmerk"]: row for row in _rows(response.content)}

    # manager.polderdam manages only Polderdam: one row, the Polderdam case.
    assert set(rows) == {early.reference}
    row = rows[early.reference]
    early.refresh_from_db()
    assert row["Gemeente"] == "Polderdam"
    assert row["Fase"] == early.phase_label
    assert "Inburgering" in early.phase_label.split(" · ")
    assert row["Vaste begeleider"] == early.begeleider.get_full_name()
    assert _as_date(row["Koppelingsdatum"]) == early.koppeling_datum
    assert _as_date(row["PIP-termijn"]) == early.pip_deadline == date(2025, 12, 10)
    assert _as_date(row["PIP vastgesteld op"]) == early.pip_vastgesteld_op
    assert row["PIP op tijd"] == "Nee"  # set in January 2026, after the deadline
    assert row["PVT-workshops bijgewoond"] == 2
    assert row["Verklaring ondertekend"] == "–"
    open_items = TaskItem.objects.filter(case=early, state="open").order_by(
        "ready_at", "id"
    )
    entries = row["Open taken (wie)"].split("; ")
    assert len(entries) == open_items.count()
    for entry, item in zip(entries, open_items, strict=True):
        who = item.assignee.get_full_name() if item.assignee else f"rol {item.role}"
        assert entry == f"{item.name} ({who})"
    assert "PVT-workshop 4 van 4" in row["Open taken (wie)"]

    assert fresh.gemeente.slug == "rivierstad"


def test_export_command_writes_the_managers_cases_and_logs_it(
    world: World, tmp_path
) -> None:
    world.user("manager.polderdam", world.rivierstad, "manager")
    world.start(world.polderdam)
    world.start(world.rivierstad)
    world.start(world.rivierstad)
    target = tmp_path / "dossiers.xlsx"
    call_command("export_cases", output=str(target), gebruiker="manager.polderdam")
    rows = _rows(target.read_bytes())
    assert sorted(r["Kenmerk"] for r in rows) == sorted(
        Case.objects.values_list("reference", flat=True)
    )
    # Both gemeenten's cases start the MB track, the PIP and the ontzorgen at once.
    assert {r["Fase"] for r in rows} == {
        "Voortraject · Brede intake en PIP · Financieel ontzorgen"
    }
    assert {r["Statushouder"] for r in rows} == {None}, "no names for a manager"
    [record] = ProcessingRecord.objects.filter(action="exporteren")
    assert record.username == "manager.polderdam" and record.detail["rows"] == 3
    call_command("export_cases", output=str(target), gebruiker="begeleider.polderdam")
    assert _rows(target.read_bytes()) == [], "a begeleider exports nothing"


def test_only_managers_may_export(world: World) -> None:
    client = Client()
    client.login(username="begeleider.polderdam", password=PASSWORD)
    assert client.get(reverse("cases:export")).status_code == 404
