"""No cell of the export is ever a formula: text that starts like one stays text."""

import io
import re
import zipfile
from datetime import date

from django.test import Client
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from exports import (
    CaseStatusBook,
    DossierRow,
    OpenTaskRow,
    PvtRow,
    Summary,
    case_status_workbook,
)

from ..conftest import PASSWORD, World

EVIL = '=HYPERLINK("http://evil.example","klik")'
TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]
TEXT_COLUMNS = (1, 2, 3, 4, 5, 6, 11, 12, 17, 20)  # of the Dossiers sheet


def _row(text: str) -> DossierRow:
    return DossierRow(
        reference="WW-2026-0001",
        gemeente=text,
        mb_organisation=text,
        begeleider=text,
        phase=text,
        step=text,
        status=text,
        koppeling=date(2026, 1, 5),
        days_in_trajectory=3,
        pip_deadline=None,
        pip_vastgesteld=None,
        pip_on_time=text,
        leerroute=text,
        pvt_attended=0,
        pvt_total=4,
        verklaring_signed=None,
        open_tasks=1,
        oldest_overdue_task=text,
        days_overdue=None,
        last_contact=None,
        outcome=text,
    )


def _content(*texts: str) -> bytes:
    buffer = io.BytesIO()
    book = CaseStatusBook(
        dossiers=[_row(text) for text in texts],
        open_tasks=[
            OpenTaskRow(
                "WW-2026-0001",
                texts[0],
                texts[0],
                None,
                "Begeleider",
                texts[0],
                texts[0],
                date(2026, 1, 5),
                None,
                None,
            )
        ],
        pvt=[
            PvtRow("WW-2026-0001", texts[0], texts[0], 1, date(2026, 2, 1), "Aanwezig")
        ],
        summary=Summary(today=date(2026, 3, 1), phase_labels=(), gemeenten=()),
        about=[("Filter: Gemeente(n)", texts[0])],
    )
    case_status_workbook(book, buffer)
    return buffer.getvalue()


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        return "".join(archive.read(n).decode("utf-8") for n in names)


def _cells(content: bytes, sheet: str = "Dossiers") -> list[tuple]:
    return list(
        load_workbook(io.BytesIO(content))[sheet].iter_rows(min_row=2, values_only=True)
    )


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_text_starting_like_a_formula_is_stored_as_text(trigger: str) -> None:
    text = f"{trigger}1+2*cmd|' /C calc'!A0"
    content = _content(text)
    xml = _sheet_xml(content)
    assert "<f>" not in xml and "<f " not in xml
    (row,) = _cells(content)
    for index in TEXT_COLUMNS:
        assert row[index] == "'" + text, (index, row[index])
    for sheet in ("Open taken", "PVT", "Over dit bestand"):
        assert "'" + text in _cells(content, sheet)[0], sheet


def test_a_hyperlink_formula_is_text_and_ordinary_text_is_left_alone() -> None:
    content = _content(EVIL, "Jan de Vries", "#REF!", "bel\x07hem")
    xml = _sheet_xml(content)
    assert "<f>" not in xml and "HYPERLINK" in xml
    assert not re.search(r'<c [^>]*t="e"', xml), "no error values either"
    evil, plain, error, control = _cells(content)
    assert evil[1] == "'" + EVIL
    assert plain[1] == "Jan de Vries" and plain[7].date() == date(2026, 1, 5)
    assert error[1] == "#REF!"
    assert control[1] == "belhem", "a control character is dropped, not a crash"


def test_the_managers_download_holds_no_formula(world: World) -> None:
    """Through the page: managers see no names, but they see the begeleider, the
    gemeente and the open tasks."""
    world.polderdam.naam = "@SUM(1+1)*cmd|' /C calc'!A0"
    world.polderdam.save()
    begeleider = world.who("begeleider", world.polderdam)
    begeleider.first_name = EVIL
    begeleider.save()
    case = world.coupled(voornaam=EVIL)

    client = Client()
    assert client.login(username="manager.polderdam", password=PASSWORD)
    response = client.post(reverse("reports:download"))
    assert response.status_code == 200
    xml = _sheet_xml(response.content)
    assert "<f>" not in xml and "<f " not in xml
    book = load_workbook(io.BytesIO(response.content))
    header = [c.value for c in book["Dossiers"][1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in _cells(response.content)}
    row = rows[case.reference]
    assert row["Gemeente"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["Vaste begeleider"].startswith("'" + EVIL)
    assert "Statushouder" not in header
    assert case.client_naam.endswith(" Persoon") and "Persoon" not in xml, "no names"
