"""No cell of the export is ever a formula: text that starts like one stays text."""

import io
import re
import zipfile
from datetime import date

from django.test import Client
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from exports import CASE_COLUMNS, CaseRow, cases_workbook, workbook_bytes

from ..conftest import PASSWORD, World

EVIL = '=HYPERLINK("http://evil.example","klik")'
TRIGGERS = ["=", "+", "-", "@", "\t", "\r"]


def _row(text: str) -> CaseRow:
    return CaseRow(
        gemeente=text,
        reference="WW-2026-0001",
        client_naam=text,
        phase=text,
        open_tasks=text,
        begeleider=text,
        koppeling_datum=date(2026, 1, 5),
        pip_deadline=None,
        pip_opgesteld_op=None,
        pip_vastgesteld_op=None,
        pip_op_tijd=text,
        pvt_workshops=0,
        verklaring_ondertekend=text,
        uitkomst=text,
    )


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        return "".join(archive.read(n).decode("utf-8") for n in names)


def _cells(content: bytes) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(content)).active
    return list(sheet.iter_rows(min_row=2, values_only=True))


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_text_starting_like_a_formula_is_stored_as_text(trigger: str) -> None:
    text = f"{trigger}1+2*cmd|' /C calc'!A0"
    content = workbook_bytes(cases_workbook([_row(text)]))
    xml = _sheet_xml(content)
    assert "<f>" not in xml and "<f " not in xml
    (row,) = _cells(content)
    for index in (0, 2, 3, 4, 5, 10, 12, 13):
        value = row[index]
        assert isinstance(value, str), (index, value)
        assert value == "'" + text, (index, value)


def test_a_hyperlink_formula_is_text_and_ordinary_text_is_left_alone() -> None:
    content = workbook_bytes(
        cases_workbook([_row(EVIL), _row("Jan de Vries"), _row("#REF!")])
    )
    xml = _sheet_xml(content)
    assert "<f>" not in xml and "HYPERLINK" in xml
    assert not re.search(r'<c [^>]*t="e"', xml), "no error values either"
    evil, plain, error = _cells(content)
    assert evil[2] == "'" + EVIL
    assert plain[2] == "Jan de Vries" and plain[6].date() == date(2026, 1, 5)
    assert error[2] == "#REF!"


def test_the_managers_download_holds_no_formula(world: World) -> None:
    """Through the view: managers see no names, but they see the begeleider, the
    gemeente and the open tasks with who holds them."""
    world.polderdam.naam = "@SUM(1+1)*cmd|' /C calc'!A0"
    world.polderdam.save()
    begeleider = world.who("begeleider", world.polderdam)
    begeleider.first_name = EVIL
    begeleider.save()
    case = world.coupled(voornaam=EVIL)

    client = Client()
    assert client.login(username="manager.polderdam", password=PASSWORD)
    response = client.get(reverse("cases:export"))
    assert response.status_code == 200
    content = response.content
    xml = _sheet_xml(content)
    assert "<f>" not in xml and "<f " not in xml
    rows = {
        row[1]: dict(zip([t for t, _ in CASE_COLUMNS], row, strict=True))
        for row in _cells(content)
    }
    row = rows[case.reference]
    assert row["Gemeente"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["Vaste begeleider"].startswith("'" + EVIL)
    assert isinstance(row["Open taken (wie)"], str)
    assert EVIL not in str(row["Statushouder"] or ""), "managers get no names"
