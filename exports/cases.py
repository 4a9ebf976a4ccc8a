"""The manager's case-status workbook: one row per case."""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

CASE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("Gemeente", 16),
    ("Kenmerk", 14),
    ("Statushouder", 24),
    ("Fase", 28),
    ("Open taken (wie)", 50),
    ("Vaste begeleider", 22),
    ("Koppelingsdatum", 14),
    ("PIP-termijn", 14),
    ("PIP opgesteld op", 16),
    ("PIP vastgesteld op", 16),
    ("PIP op tijd", 12),
    ("PVT-workshops bijgewoond", 14),
    ("Verklaring ondertekend", 14),
    ("Uitkomst", 14),
)


@dataclass(frozen=True)
class CaseRow:
    gemeente: str
    reference: str
    client_naam: str
    phase: str
    open_tasks: str
    begeleider: str
    koppeling_datum: date
    pip_deadline: date | None
    pip_opgesteld_op: date | None
    pip_vastgesteld_op: date | None
    pip_op_tijd: str
    pvt_workshops: int
    verklaring_ondertekend: str
    uitkomst: str

    def values(self) -> tuple[object, ...]:
        return (
            self.gemeente,
            self.reference,
            self.client_naam,
            self.phase,
            self.open_tasks,
            self.begeleider,
            self.koppeling_datum,
            self.pip_deadline,
            self.pip_opgesteld_op,
            self.pip_vastgesteld_op,
            self.pip_op_tijd,
            self.pvt_workshops,
            self.verklaring_ondertekend,
            self.uitkomst,
        )


_DATE_COLUMNS = {6, 7, 8, 9}

# What makes a spreadsheet read text as a formula (OWASP "CSV injection"): =, +, -
# and @ at the start, also after a tab or carriage return.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_text(value: str) -> str:
    """Text that a spreadsheet could take for a formula, with a leading apostrophe.

    The apostrophe keeps it text where the cell type alone does not: after a user
    edits the cell in Excel, or saves the sheet as CSV."""
    if value.startswith(FORMULA_TRIGGERS) or (
        value[:1].isspace() and value.lstrip().startswith(FORMULA_TRIGGERS)
    ):
        return "'" + value
    return value


def _cell(sheet, value: object) -> WriteOnlyCell:
    """A cell; text is always stored as text (an inline string, never <f>)."""
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=neutralise_text(value))
        # openpyxl makes "=…" a formula and "#REF!" an error value; text stays text.
        cell.data_type = "s"
        return cell
    return WriteOnlyCell(sheet, value=value)


def cases_workbook(rows: Iterable[CaseRow]) -> Workbook:
    """A streaming (write-only) workbook with a header and one row per case."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Dossiers")
    sheet.freeze_panes = "C2"
    for index, (_title, width) in enumerate(CASE_COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    header = []
    for title, _width in CASE_COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for index, value in enumerate(row.values()):
            cell = _cell(sheet, value)
            if index in _DATE_COLUMNS and value is not None:
                cell.number_format = "DD-MM-YYYY"
            cells.append(cell)
        sheet.append(cells)
    return workbook


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
