"""The table sheets' cells keep what openpyxl would make of the rows: text as text
(cut at Excel's limit, its spaces kept), numbers as numbers, dates as formatted
dates, an empty value as no cell."""

import io
from datetime import date

from openpyxl import load_workbook

from exports import (
    CaseStatusBook,
    DossierRow,
    Summary,
    case_status_workbook,
)
from exports.cases import DATE_FORMAT

LONG = "Taak; " * 6000  # 36,000 characters, more than a cell holds


def _row(step: str, begeleider: str) -> DossierRow:
    return DossierRow(
        reference="WW-2026-0001",
        gemeente="Polderdam",
        mb_organisation=None,
        begeleider=begeleider,
        phase="Begeleiding: Voortraject",
        step=step,
        status="Lopend",
        koppeling=date(2026, 1, 5),
        days_in_trajectory=40,
        pip_deadline=None,
        pip_vastgesteld=date(2026, 2, 1),
        pip_on_time="Ja",
        leerroute=None,
        pvt_attended=0,
        pvt_total=4,
        verklaring_signed=None,
        open_tasks=2,
        oldest_overdue_task=None,
        days_overdue=None,
        last_contact=None,
        outcome=None,
    )


def test_long_text_is_cut_spaces_kept_and_every_value_keeps_its_type() -> None:
    buffer = io.BytesIO()
    book = CaseStatusBook(
        dossiers=[_row(LONG, "  Jan de Vries "), _row("Intake plannen", "Els")],
        open_tasks=[],
        pvt=[],
        summary=Summary(today=date(2026, 3, 1), phase_labels=(), gemeenten=()),
        about=[],
    )
    case_status_workbook(book, buffer)

    sheet = load_workbook(io.BytesIO(buffer.getvalue()))["Dossiers"]
    long_row, short_row = list(sheet.iter_rows(min_row=2))
    assert long_row[5].value == LONG[:32_767], "cut at Excel's limit, not an error"
    assert long_row[3].value == "  Jan de Vries ", "its spaces stay"
    assert short_row[5].value == "Intake plannen"
    for row in (long_row, short_row):
        assert row[2].value is None, "an empty value is an empty cell"
        assert row[7].value.date() == date(2026, 1, 5)
        assert row[7].number_format == DATE_FORMAT
        assert row[10].number_format == DATE_FORMAT
        assert row[8].value == 40 and row[8].data_type == "n"
        assert row[13].value == 0 and row[13].data_type == "n"
        assert row[5].data_type == "s" and row[11].value == "Ja"
