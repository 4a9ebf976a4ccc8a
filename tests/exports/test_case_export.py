"""The case-status workbook agrees with the database, in every sheet, for cases in
every phase and for a gemeente whose variant renamed its tasks."""

import csv
import io
import os
import shutil
import subprocess
import zipfile
from datetime import timedelta
from pathlib import Path

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from exports import DOSSIER_COLUMNS
from webui.cases.models import Case
from webui.definitions.bundles import bundle_of
from webui.logs.models import ProcessingRecord

from ..conftest import World
from .helpers import (
    SHEETS,
    SIGNING_NAME,
    WORKSHOP_NAME,
    expected_dossier,
    expected_medians,
    expected_open_tasks,
    export_bytes,
    pvt_milestones,
    seed_every_phase,
    summary_tables,
    table,
)


@pytest.fixture
def seeded(world: World) -> dict[str, Case]:
    world.user("manager.beide", world.polderdam, "manager")
    world.user("manager.beide", world.rivierstad, "manager")
    return seed_every_phase(world)


def test_every_row_and_figure_agrees_with_the_database(
    world: World, seeded: dict[str, Case]
) -> None:
    now = world.clock.now() + timedelta(days=3)
    today = timezone.localdate(now)
    content = export_bytes(world.users["manager.beide"], now=now)
    assert load_workbook(io.BytesIO(content), read_only=True).sheetnames == SHEETS
    cases = list(Case.objects.all())

    # Dossiers: one row per case, every column as the database has it.
    rows = {row["Kenmerk"]: row for row in table(content, "Dossiers")}
    assert set(rows) == {c.reference for c in cases}
    for case in cases:
        assert rows[case.reference] == expected_dossier(case, today), case.reference
    # The phase per track, in words, never the tracks' phases joined by a dot.
    assert all("·" not in (row["Fase"] or "") for row in rows.values())
    assert rows[seeded["closed"].reference]["Fase"] == "Afgerond"
    assert rows[seeded["coupled"].reference]["Fase"].startswith("Begeleiding: ")
    pvt, signed = rows[seeded["pvt"].reference], rows[seeded["signed"].reference]
    assert (pvt["PVT-workshops bijgewoond"], pvt["PVT-workshops van de gemeente"]) == (
        2,
        4,
    ), "workshop 2 missed, also at the catch-up"
    assert pvt["PIP op tijd"] == "Nee" and signed["PIP op tijd"] == "Ja"
    assert signed["Participatieverklaring ondertekend op"] is not None
    assert signed["Leerroute"] in {"B1-route", "Onderwijsroute", "Z-route"}
    closed = rows[seeded["closed"].reference]
    assert (
        closed["Uitkomst vervolgtraject"] == "Begeleiding afronden en dossier sluiten"
    )
    assert rows[seeded["coupled"].reference]["Laatste contact"].isoformat() == (
        "2026-01-20"
    ), "the later of two contact moments, by the date it took place"
    variant = rows[seeded["variant_signed"].reference]
    assert variant["PVT-workshops van de gemeente"] == 5, "Rivierstad's own number"
    assert variant["Participatieverklaring ondertekend op"] is not None
    # In trajectory order per gemeente: closed cases come last.
    references = [row["Kenmerk"] for row in table(content, "Dossiers")]
    assert (
        references.index(seeded["closed"].reference)
        == len([c for c in cases if c.gemeente == world.polderdam]) - 1
    )

    # Open taken: one row per open task.
    assert table(content, "Open taken") == expected_open_tasks(cases, today)

    # PVT: every workshop and the signing, named as the case's own version names them.
    pvt_rows = table(content, "PVT")
    for case in cases:
        mine = [r for r in pvt_rows if r["Kenmerk"] == case.reference]
        milestones = pvt_milestones(case)
        assert len(mine) == len(milestones), case.reference
        for row, milestone in zip(mine, milestones, strict=True):
            assert row["Datum"] == timezone.localdate(milestone.reached_at)
            expected = {
                ("pvt_workshop", True): "Aanwezig",
                ("pvt_workshop", False): "Afwezig",
                ("verklaring_ondertekend", True): "Ondertekend",
            }[(milestone.key, bool(milestone.value))]
            assert row["Resultaat"] == expected
    variant_parts = {
        r["Onderdeel"]
        for r in pvt_rows
        if r["Kenmerk"] == seeded["variant_signed"].reference
    }
    assert variant_parts == {WORKSHOP_NAME, SIGNING_NAME}
    assert [r["Workshop nr."] for r in pvt_rows if r["Kenmerk"] == pvt["Kenmerk"]] == [
        1,
        2,
        3,
        4,
    ], "the catch-up counts as a workshop of its own"

    # Samenvatting: the figures, from the rows above and the tasks.
    tables = summary_tables(content)
    gemeenten = ["Polderdam", "Rivierstad"]
    phase_table = tables["Dossiers per fase, in de volgorde van het traject"]
    assert phase_table[0] == ("Fase", *gemeenten, "Totaal")
    process = bundle_of(seeded["new"].version).process
    names = process.phase_names
    assert [row[0] for row in phase_table[1:-2]] == [
        names[pid] for pid in dict.fromkeys(process.phase_order)
    ], "trajectory order"
    for row in phase_table[1:-2]:
        pid = next(p for p in process.phase_order if names[p] == row[0])
        for index, gemeente in enumerate(gemeenten, start=1):
            in_phase = [
                c for c in cases if c.gemeente.naam == gemeente and pid in c.open_phases
            ]
            assert row[index] == len(in_phase), (row[0], gemeente)
        assert row[3] == row[1] + row[2]
    assert phase_table[-2] == ("Afgesloten", 1, 0, 1)
    assert phase_table[-1] == ("Dossiers", 5, 2, 7)

    ratios = {row[0]: row for row in tables["PIP op tijd en PVT afgerond"][1:]}
    assert set(ratios) == set(gemeenten)
    for gemeente in gemeenten:
        mine = [r for r in rows.values() if r["Gemeente"] == gemeente]
        judged = [r for r in mine if r["PIP op tijd"] in ("Ja", "Nee")]
        on_time = [r for r in judged if r["PIP op tijd"] == "Ja"]
        started = {r["Kenmerk"] for r in pvt_rows if r["Gemeente"] == gemeente}
        signed_rows = [r for r in mine if r["Participatieverklaring ondertekend op"]]
        row = ratios[gemeente]
        assert row[1:3] == (len(on_time), len(judged))
        assert row[3] == pytest.approx(len(on_time) / len(judged))
        assert row[4:6] == (len(started), len(signed_rows))
        assert row[6] == pytest.approx(len(signed_rows) / len(started))
    assert ratios["Polderdam"][2] > 0 and ratios["Rivierstad"][4:6] == (1, 1)

    medians = expected_medians(cases)
    assert medians, "some phases were left"
    median_table = tables["Mediaan dagen per fase"]
    assert median_table[0] == ("Fase", *gemeenten)
    for row in median_table[1:]:
        for index, gemeente in enumerate(gemeenten, start=1):
            value = row[index] if index < len(row) else None
            assert value == medians.get((gemeente, row[0])), (row[0], gemeente)

    task_rows = table(content, "Open taken")
    task_table = tables["Open taken per organisatie"]
    assert task_table[0] == ("Gemeente", "Organisatie", "Open taken", "Te laat")
    for gemeente, organisation, n, late in task_table[1:]:
        mine = [
            r
            for r in task_rows
            if r["Gemeente"] == gemeente and r["Organisatie"] == organisation
        ]
        assert n == len(mine) and n > 0
        assert late == len([r for r in mine if r["Dagen te laat"]])
    assert sum(row[2] for row in task_table[1:]) == len(task_rows)


def test_the_file_is_typed_filtered_frozen_and_free_of_formulas(
    world: World, seeded: dict[str, Case]
) -> None:
    content = export_bytes(world.users["manager.beide"])
    book = load_workbook(io.BytesIO(content))
    dossiers = book["Dossiers"]
    assert dossiers.freeze_panes == "B2"
    assert dossiers.auto_filter.ref == f"A1:U{len(seeded) + 1}"
    assert [c.value for c in dossiers[1]] == [c.title for c in DOSSIER_COLUMNS[:-1]]
    koppeling = dossiers.cell(row=2, column=8)
    assert koppeling.is_date and koppeling.number_format == "dd-mm-yyyy"
    assert isinstance(dossiers.cell(row=2, column=9).value, int)
    assert dossiers.column_dimensions["E"].width == 36
    rules = {
        str(rng.sqref): [r.formula for r in rules]
        for rng, rules in dossiers.conditional_formatting._cf_rules.items()
    }
    assert rules == {"L2:L8": [['"Nee"']], "S2:S8": [["0"]]}
    assert book["Open taken"].auto_filter.ref.startswith("A1:J")
    assert book["PVT"].auto_filter.ref.startswith("A1:F")
    assert len(book["Samenvatting"]._charts) == 1
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(archive.read(n).decode() for n in sheets)
    assert "<f>" not in xml and "<f " not in xml, "no cell is a formula"
    assert "–" not in xml, "empty is an empty cell, never a dash"


def test_the_summary_chart_covers_no_table_and_every_name_fits_its_column(
    world: World, seeded: dict[str, Case]
) -> None:
    import re

    content = export_bytes(world.users["manager.beide"])
    summary = load_workbook(io.BytesIO(content))["Samenvatting"]
    used = 0
    for row in summary.iter_rows():
        filled = [cell for cell in row if cell.value is not None]
        for cell in filled:
            used = max(used, cell.column)
            if len(filled) == 1:
                continue  # a table's title runs over the empty cells beside it
            text = str(cell.value)
            width = summary.column_dimensions[cell.column_letter].width
            if len(text) <= 46:  # a longer text (an explanation) wraps
                assert width >= len(text), (text, width)
            else:
                assert cell.alignment.wrap_text, text
    # Medians are whole days.
    medians = summary_tables(content)["Mediaan dagen per fase"]
    assert all(isinstance(v, int) for row in medians[1:] for v in row[1:] if v)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    found = re.search(r"<(?:xdr:)?from><(?:xdr:)?col>(\d+)<", drawing)
    assert found, drawing[:400]
    first_column = int(found.group(1))  # counted from 0: the chart's first column
    assert first_column >= used, "the chart starts right of every table"


@pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) not found: apt-get install libreoffice-calc-nogui",
)
def test_libreoffice_converts_the_file_and_shows_the_same_numbers(
    world: World, seeded: dict[str, Case], tmp_path: Path
) -> None:
    source = tmp_path / "dossiers.xlsx"
    source.write_bytes(export_bytes(world.users["manager.beide"]))
    profile = tmp_path / "lo-profile"
    # UTF-8 (76), one CSV per sheet (-1), cell contents as shown (the 9th: true).
    csv_options = "44,34,76,1,,0,false,true,true,false,false,-1"
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            f"csv:Text - txt - csv (StarCalc):{csv_options}",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    assert "Error" not in result.stderr
    converted = tmp_path / "dossiers-Dossiers.csv"
    assert converted.exists(), (result.stdout, sorted(os.listdir(tmp_path)))
    with converted.open(encoding="utf-8") as handle:
        csv_rows = list(csv.DictReader(handle))
    xlsx_rows = {row["Kenmerk"]: row for row in table(source.read_bytes(), "Dossiers")}
    assert {row["Kenmerk"] for row in csv_rows} == set(xlsx_rows)
    for row in csv_rows:
        mine = xlsx_rows[row["Kenmerk"]]
        assert row["Dagen in traject"] == str(mine["Dagen in traject"])
        assert row["PVT-workshops bijgewoond"] == str(mine["PVT-workshops bijgewoond"])
        assert row["Koppelingsdatum"] == f"{mine['Koppelingsdatum']:%d-%m-%Y}"
        assert row["PIP op tijd"] == (mine["PIP op tijd"] or "")
    for sheet in ("Open taken", "PVT", "Samenvatting", "Over dit bestand"):
        assert (tmp_path / f"dossiers-{sheet}.csv").exists(), sheet


def test_the_command_takes_the_page_filters_and_logs_the_export(
    world: World, tmp_path: Path
) -> None:
    world.start(world.polderdam)
    world.start(world.rivierstad)
    closed = world.run_to_end(world.start(world.rivierstad))
    world.user("manager.polderdam", world.rivierstad, "manager")
    target = tmp_path / "dossiers.xlsx"
    call_command(
        "export_cases",
        output=str(target),
        gebruiker="manager.polderdam",
        gemeente=["rivierstad"],
        status="afgesloten",
        stdout=io.StringIO(),
    )
    assert [r["Kenmerk"] for r in table(target.read_bytes(), "Dossiers")] == [
        closed.reference
    ]
    [record] = ProcessingRecord.objects.filter(action="exporteren")
    assert record.username == "manager.polderdam" and record.detail["rows"] == 1
    assert record.detail["filters"]["gemeenten"] == ["rivierstad"]
    assert record.detail["filters"]["status"] == "afgesloten"
    assert record.detail["via"] == "command" and record.categories == ["normaal"]
    about = dict(
        load_workbook(target, read_only=True)["Over dit bestand"].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert about["Filter: Gemeente(n)"] == "Rivierstad"
    assert about["Filter: Status"] == "Afgesloten"
    assert about["Gemaakt door"] == "Manager Polderdam (manager.polderdam)"

    with pytest.raises(CommandError, match="Gemeente ‘utrecht’ hoort niet bij"):
        call_command(
            "export_cases",
            output=str(target),
            gebruiker="manager.polderdam",
            gemeente=["utrecht"],
        )
    with pytest.raises(CommandError, match="koppeling-van: Vul bij ‘koppeling vanaf’"):
        call_command(
            "export_cases",
            output=str(target),
            gebruiker="manager.polderdam",
            koppeling_van="31-02-2026",
        )
    with pytest.raises(CommandError, match="Namen kunnen niet mee"):
        call_command(
            "export_cases",
            output=str(target),
            gebruiker="manager.polderdam",
            met_namen=True,
        )
    with pytest.raises(CommandError, match="geen manager"):
        call_command(
            "export_cases", output=str(target), gebruiker="begeleider.polderdam"
        )
    assert ProcessingRecord.objects.filter(action="exporteren").count() == 1


def test_the_command_takes_the_pages_words_and_lists_the_valid_ones_when_refused(
    world: World, tmp_path: Path
) -> None:
    """``--status lopend``, ``--fase "Brede intake en PIP"`` and ``--gemeente
    Rivierstad``, as the page says them, pick what the page's choices pick."""
    running = world.run_until(world.start(world.rivierstad), "brede_intake")
    world.run_to_end(world.start(world.rivierstad))
    world.start(world.polderdam)
    world.user("manager.polderdam", world.rivierstad, "manager")
    target = tmp_path / "dossiers.xlsx"
    call_command(
        "export_cases",
        output=str(target),
        gebruiker="manager.polderdam",
        gemeente=["Rivierstad"],
        status="lopend",
        fase="Brede intake en PIP",
        stdout=io.StringIO(),
    )
    assert [r["Kenmerk"] for r in table(target.read_bytes(), "Dossiers")] == [
        running.reference
    ]
    about = dict(
        load_workbook(target, read_only=True)["Over dit bestand"].iter_rows(
            min_row=2, values_only=True
        )
    )
    assert about["Filter: Status"] == "Lopend"
    assert about["Filter: Fase"] == "Brede intake en PIP"

    with pytest.raises(CommandError) as refused:
        call_command(
            "export_cases",
            output=str(target),
            gebruiker="manager.polderdam",
            status="bezig",
            fase="Intake",
        )
    message = str(refused.value)
    assert "--status" in message and "kies uit ‘Lopend’, ‘Afgesloten’" in message
    assert "--fase" in message and "‘Brede intake en PIP’" in message
    assert "‘Voortraject’" in message
