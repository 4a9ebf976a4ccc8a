"""The case-status workbook a manager reports from: a pure function from rows and
figures to an .xlsx file, streamed with openpyxl's write-only mode (no Django, no
database).

Sheets: *Dossiers* (one row per case), *Open taken* (one row per open task), *PVT*
(every workshop and the signing), *Samenvatting* (the figures, with a chart) and *Over
dit bestand* (when, by whom, with which filters). Cells have real types (dates as
dates, numbers as numbers), an empty cell is the one way of writing "empty", and no
cell is ever a formula.
"""

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import IO, Any, NamedTuple

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
PERCENT_FORMAT = "0%"
DECIMAL_FORMAT = "0.0"
# Medians are whole days: a manager reads "152 dagen", not "152.5".
DAYS_FORMAT = "0"

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


# ---- the rows ----------------------------------------------------------------------


class DossierRow(NamedTuple):
    """One case, in the column order of the *Dossiers* sheet."""

    reference: str
    gemeente: str
    mb_organisation: str | None
    begeleider: str | None
    phase: str | None
    step: str | None
    status: str
    koppeling: date | None
    days_in_trajectory: int | None
    pip_deadline: date | None
    pip_vastgesteld: date | None
    pip_on_time: str | None  # "Ja", "Nee", or None while it cannot be said yet
    leerroute: str | None
    pvt_attended: int | None
    pvt_total: int | None
    verklaring_signed: date | None
    open_tasks: int
    oldest_overdue_task: str | None
    days_overdue: int | None
    last_contact: date | None
    outcome: str | None
    client_naam: str | None = None  # only written when names are allowed


class OpenTaskRow(NamedTuple):
    reference: str
    gemeente: str
    task: str
    phase: str | None
    role: str
    organisation: str | None
    holder: str | None
    created: date
    due: date | None
    days_overdue: int | None


class PvtRow(NamedTuple):
    reference: str
    gemeente: str
    part: str
    number: int | None
    on: date
    result: str


@dataclass(frozen=True)
class Column:
    title: str
    width: int
    kind: str = "text"  # text, date, datetime, int, decimal, percent


DOSSIER_COLUMNS: tuple[Column, ...] = (
    Column("Kenmerk", 15),
    Column("Gemeente", 18),
    Column("MB-organisatie", 26),
    Column("Vaste begeleider", 22),
    Column("Fase", 36),
    Column("Stap (open taken)", 40),
    Column("Status", 11),
    Column("Koppelingsdatum", 14, "date"),
    Column("Dagen in traject", 11, "int"),
    Column("PIP-termijn", 13, "date"),
    Column("PIP vastgesteld op", 13, "date"),
    Column("PIP op tijd", 10),
    Column("Leerroute", 16),
    Column("PVT-workshops bijgewoond", 13, "int"),
    Column("PVT-workshops van de gemeente", 13, "int"),
    Column("Participatieverklaring ondertekend op", 16, "date"),
    Column("Open taken", 9, "int"),
    Column("Oudste te late taak", 34),
    Column("Dagen te laat", 9, "int"),
    Column("Laatste contact", 13, "date"),
    Column("Uitkomst vervolgtraject", 30),
    Column("Statushouder", 26),
)
OPEN_TASK_COLUMNS: tuple[Column, ...] = (
    Column("Kenmerk", 15),
    Column("Gemeente", 18),
    Column("Taak", 40),
    Column("Fase", 28),
    Column("Rol", 16),
    Column("Organisatie", 26),
    Column("Wie", 22),
    Column("Klaargezet op", 13, "date"),
    Column("Uiterlijk", 13, "date"),
    Column("Dagen te laat", 9, "int"),
)
PVT_COLUMNS: tuple[Column, ...] = (
    Column("Kenmerk", 15),
    Column("Gemeente", 18),
    Column("Onderdeel", 34),
    Column("Workshop nr.", 10, "int"),
    Column("Datum", 13, "date"),
    Column("Resultaat", 18),
)


# ---- the figures -------------------------------------------------------------------


@dataclass(frozen=True)
class Ratio:
    """A share with what it is a share of: ``part`` of ``whole``."""

    part: int
    whole: int

    @property
    def fraction(self) -> float | None:
        return self.part / self.whole if self.whole else None

    @property
    def percent(self) -> int | None:
        """Rounded half up, as Excel shows a "0%" cell."""
        return int(self.part * 100 / self.whole + 0.5) if self.whole else None


@dataclass(frozen=True)
class OrganisationTasks:
    organisation: str
    open: int
    overdue: int


@dataclass(frozen=True)
class GemeenteFigures:
    """The summary of one gemeente; ``phases`` is aligned with Summary.phase_labels:
    (cases in the phase now, median days a case spent in it)."""

    naam: str
    phases: tuple[tuple[int, float | None], ...]
    closed: int
    total: int
    pip_on_time: Ratio
    pvt_signed: Ratio
    tasks: tuple[OrganisationTasks, ...]
    key: str = ""  # the gemeente's code

    @property
    def running(self) -> int:
        return self.total - self.closed

    @property
    def open_tasks(self) -> int:
        return sum(t.open for t in self.tasks)

    @property
    def overdue_tasks(self) -> int:
        return sum(t.overdue for t in self.tasks)

    def phase_rows(self, labels: Sequence[str]) -> list[tuple[str, int, float | None]]:
        return [
            (label, n, m) for label, (n, m) in zip(labels, self.phases, strict=True)
        ]


@dataclass(frozen=True)
class Summary:
    today: date
    phase_labels: tuple[str, ...]  # in trajectory order
    gemeenten: tuple[GemeenteFigures, ...]


# What every figure means, written into the workbook next to it.
EXPLANATIONS = (
    (
        "Dossiers per fase",
        "Lopende dossiers in elke fase, op de peildatum. De sporen van de"
        " MB-organisatie en de gemeente lopen naast elkaar: een dossier kan in meer"
        " fasen tegelijk staan. ‘Dossiers’ telt elk dossier één keer.",
    ),
    (
        "PIP op tijd",
        "Dossiers met ‘Ja’ in de kolom ‘PIP op tijd’, van de dossiers met ‘Ja’ of"
        " ‘Nee’: het PIP is vastgesteld, of de termijn is verstreken zonder"
        " vastgesteld PIP (lopende dossiers).",
    ),
    (
        "PVT afgerond",
        "Dossiers met een ondertekende participatieverklaring, van de dossiers die aan"
        " het participatieverklaringstraject begonnen (ten minste één workshop op het"
        " blad PVT).",
    ),
    (
        "Mediaan dagen per fase",
        "Voor elk dossier dat een fase heeft doorlopen: de dagen van de eerste taak in"
        " die fase tot de laatst afgeronde; de middelste waarde. Fasen waarin het"
        " dossier nog staat, tellen niet mee.",
    ),
    (
        "Open taken per organisatie",
        "Open taken van de dossiers, bij de organisatie die ze doet (de gemeente voor"
        " de regievoerder, anders de MB-organisatie); ‘te laat’: de uiterste datum is"
        " voorbij.",
    ),
)


SHEETS = (
    (
        "Blad Dossiers",
        "Eén rij per dossier, per gemeente in de volgorde van het traject. Een lege"
        " cel betekent: niet van toepassing of nog niet bekend.",
    ),
    ("Blad Open taken", "Eén rij per open taak; ‘Dagen te laat’ na de uiterste datum."),
    (
        "Blad PVT",
        "Elke workshop van het participatieverklaringstraject (aanwezig of afwezig,"
        " inhaalworkshops meegeteld) en de ondertekening, per dossier.",
    ),
    ("Blad Samenvatting", "De kengetallen per gemeente, met hun toelichting."),
)


@dataclass(frozen=True)
class CaseStatusBook:
    """Everything the workbook holds. The row iterables are read once, in order."""

    dossiers: Iterable[DossierRow]
    open_tasks: Iterable[OpenTaskRow]
    pvt: Iterable[PvtRow]
    summary: Summary
    about: Sequence[tuple[str, Any]]
    with_names: bool = False


# ---- writing -----------------------------------------------------------------------

_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_OVERDUE_FILL = PatternFill(
    start_color="FFF4C7C3", end_color="FFF4C7C3", fill_type="solid"
)
_OVERDUE_FONT = Font(color="FF9C0006", bold=True)
_FORMATS = {
    "date": DATE_FORMAT,
    "datetime": DATETIME_FORMAT,
    "percent": PERCENT_FORMAT,
    "decimal": DECIMAL_FORMAT,
}


def _text(sheet: WriteOnlyWorksheet, value: str) -> object:
    """Text stays text: never a formula ("=…", see neutralise_text), never an error
    value ("#REF!"), and without the control characters a worksheet cannot hold."""
    value = ILLEGAL_CHARACTERS_RE.sub("", neutralise_text(value))
    if value in ERROR_CODES:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def _formatted(sheet: WriteOnlyWorksheet, value: object, fmt: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = fmt
    return cell


class _ColumnCell(Cell):
    """A write-only cell that is handed to openpyxl row after row, with the number
    format of its column. openpyxl looks up a cell's style on every write; this one
    keeps the id it got once (its style never changes). openpyxl first tries a handed
    cell as a value, and the error it raises then shows the cell: this one shows
    itself cheaply."""

    __slots__ = ("_style_id",)

    def __init__(self, sheet: WriteOnlyWorksheet, fmt: str) -> None:
        super().__init__(sheet)
        # A descriptor of openpyxl's styled objects, not a slot of this class.
        self.number_format = fmt  # type: ignore[misc]
        self._style_id: int = super().style_id

    @property
    def style_id(self) -> int:
        return self._style_id

    def __repr__(self) -> str:
        return "<kolomcel>"


# Longer text openpyxl cuts off (Excel's limit); _TableSheet leaves it to openpyxl.
_LONGEST_TEXT = 32_767


class _TableSheet(WriteOnlyWorksheet):
    """A write-only sheet for a table whose rows _write_table has made ready: the text
    columns checked (neutralised and cleaned where needed), numbers as numbers, dates
    as their column's cell. openpyxl's own append works out every value's type again
    and tries a handed cell as a value first (an exception per date cell); this sheet
    writes plain text and numbers as they are and a cell as it is, and leaves any
    other value to openpyxl. The file is the same."""

    def __init__(self, workbook: Workbook, title: str, texts: Collection[int]) -> None:
        super().__init__(parent=workbook, title=title)
        self.texts = frozenset(index + 1 for index in texts)  # column numbers

    def _values_to_row(self, values: Sequence[Any], row_idx: int) -> Iterator[Cell]:
        plain = WriteOnlyCell(self)  # never styled: one for the whole row
        texts = self.texts
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            kind = type(value)
            if kind is str and col_idx in texts and len(value) <= _LONGEST_TEXT:
                cell = plain
                cell._value, cell.data_type = value, "s"
            elif kind is int or kind is float:
                cell = plain
                cell._value, cell.data_type = value, "n"
            elif isinstance(value, Cell):
                cell = value
            else:
                cell = WriteOnlyCell(self, value=value)  # openpyxl's own inference
            cell.column = col_idx
            cell.row = row_idx
            yield cell


def _converter(sheet: WriteOnlyWorksheet, kind: str) -> Callable[[Any], object] | None:
    """How the values of a table column become cells (None: as they are)."""
    if kind == "text":
        return lambda v: _text(sheet, v) if _needs_care(v) else v
    fmt = _FORMATS.get(kind)
    if fmt is None:
        return None
    # One cell per column, given each row's value: openpyxl writes a row as soon as
    # it is appended, so the cell is free again for the next row; a new cell per value
    # would cost a style lookup each time.
    cell = _ColumnCell(sheet, fmt)
    data_type = "d" if kind in ("date", "datetime") else "n"

    def formatted(value: object) -> Cell:
        # The selectors give dates (or numbers) here; setting them directly skips
        # openpyxl's type inference, which it does again on every cell.
        cell._value = value
        cell.data_type = data_type
        return cell

    return formatted


_TRIGGERS_AND_ERRORS = frozenset(FORMULA_TRIGGERS) | {"#"}
# What _needs_care looks for, in a row's texts joined by newlines: a text that starts
# with a trigger, "#" or white space, or a control character anywhere. (A newline
# at the start of a text shows as an empty line: it matches too, and that text is
# then looked at on its own.)
_CARE_RE = re.compile(
    "(?:^|\\n)["
    + re.escape("".join(_TRIGGERS_AND_ERRORS))
    + "\\s]|"
    + ILLEGAL_CHARACTERS_RE.pattern
)


def _needs_care(value: str) -> bool:
    """Whether a text may be a formula, an error value or hold control characters:
    most text is none of these, and goes into the sheet as it is."""
    return bool(value) and (
        value[0] in _TRIGGERS_AND_ERRORS
        or value[0].isspace()
        or ILLEGAL_CHARACTERS_RE.search(value) is not None
    )


def _cell(sheet: WriteOnlyWorksheet, value: object) -> object:
    """A cell of a small sheet, whatever the value's type."""
    if isinstance(value, str):
        return _text(sheet, value)
    if isinstance(value, _Formatted):
        return _formatted(sheet, value.value, value.format)
    if isinstance(value, datetime):
        return _formatted(sheet, value, DATETIME_FORMAT)
    if isinstance(value, date):
        return _formatted(sheet, value, DATE_FORMAT)
    return value


def _bold(sheet: WriteOnlyWorksheet, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = _BOLD
    return cell


def _start_table(
    workbook: Workbook, title: str, columns: Sequence[Column]
) -> WriteOnlyWorksheet:
    texts = [i for i, column in enumerate(columns) if column.kind == "text"]
    sheet = _TableSheet(workbook, title, texts)
    workbook._add_sheet(sheet)  # as create_sheet does with its own write-only sheet
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "B2"  # the header row and the kenmerk stay in view
    header = []
    for column in columns:
        cell = _bold(sheet, column.title)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    return sheet


def _write_table(
    workbook: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    *,
    overdue: Sequence[tuple[int, str]] = (),
) -> int:
    """A sheet with a header row, autofilter and one row per item; ``overdue`` marks
    cells by conditional formatting: (column index, "> 0" or a text)."""
    sheet = _start_table(workbook, title, columns)
    width = len(columns)
    texts = [i for i, column in enumerate(columns) if column.kind == "text"]
    text_of = itemgetter(*texts) if len(texts) > 1 else None
    careful = [(index, _converter(sheet, "text")) for index in texts]
    special = [
        (index, convert)
        for index, column in enumerate(columns)
        if column.kind != "text"
        and (convert := _converter(sheet, column.kind)) is not None
    ]
    count = 0
    for row in rows:
        values = list(row[:width])
        # One look at all the row's text: most rows hold nothing that needs care,
        # and then no text value is looked at on its own.
        if text_of is None or _CARE_RE.search("\n".join(filter(None, text_of(values)))):
            for index, convert in careful:
                value = values[index]
                if value is not None:
                    values[index] = convert(value)  # type: ignore[misc]
        for index, convert in special:
            value = values[index]
            if value is not None:
                values[index] = convert(value)
        sheet.append(values)
        count += 1
    last = get_column_letter(width)
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    for index, rule in overdue:
        letter = get_column_letter(index + 1)
        target = f"{letter}2:{letter}{max(count + 1, 2)}"
        formula = ["0"] if rule == "> 0" else [f'"{rule}"']
        sheet.conditional_formatting.add(
            target,
            CellIsRule(
                operator="greaterThan" if rule == "> 0" else "equal",
                formula=formula,
                fill=_OVERDUE_FILL,
                font=_OVERDUE_FONT,
            ),
        )
    return count


class _Formatted(NamedTuple):
    """A number with its own number format (a percentage, a median)."""

    value: float
    format: str


def _percent(ratio: Ratio) -> _Formatted | None:
    fraction = ratio.fraction
    return None if fraction is None else _Formatted(fraction, PERCENT_FORMAT)


def _phase_table(summary: Summary) -> list[tuple[Any, ...]]:
    names = [g.naam for g in summary.gemeenten]
    rows: list[tuple[Any, ...]] = [
        ("Dossiers per fase, in de volgorde van het traject",),
        ("Fase", *names, "Totaal"),
    ]
    for index, label in enumerate(summary.phase_labels):
        counts = [g.phases[index][0] for g in summary.gemeenten]
        rows.append((label, *counts, sum(counts)))
    closed = [g.closed for g in summary.gemeenten]
    rows.append(("Afgesloten", *closed, sum(closed)))
    totals = [g.total for g in summary.gemeenten]
    rows.append(("Dossiers", *totals, sum(totals)))
    return rows


def _ratio_table(summary: Summary) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        ("PIP op tijd en PVT afgerond",),
        (
            "Gemeente",
            "PIP op tijd",
            "PIP beoordeeld",
            "PIP op tijd %",
            "PVT gestart",
            "PVT afgerond",
            "PVT afgerond %",
        ),
    ]
    for figures in summary.gemeenten:
        pip, pvt = figures.pip_on_time, figures.pvt_signed
        rows.append(
            (
                figures.naam,
                pip.part,
                pip.whole,
                _percent(pip),
                pvt.whole,
                pvt.part,
                _percent(pvt),
            )
        )
    return rows


def _median_table(summary: Summary) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        ("Mediaan dagen per fase",),
        ("Fase", *(g.naam for g in summary.gemeenten)),
    ]
    for index, label in enumerate(summary.phase_labels):
        medians = [g.phases[index][1] for g in summary.gemeenten]
        rows.append(
            (
                label,
                *(None if m is None else _Formatted(m, DAYS_FORMAT) for m in medians),
            )
        )
    return rows


def _task_table(summary: Summary) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = [
        ("Open taken per organisatie",),
        ("Gemeente", "Organisatie", "Open taken", "Te laat"),
    ]
    for figures in summary.gemeenten:
        for tasks in figures.tasks:
            rows.append((figures.naam, tasks.organisation, tasks.open, tasks.overdue))
    return rows


def _phase_chart(
    sheet: WriteOnlyWorksheet, summary: Summary, header_row: int
) -> BarChart:
    """Cases per phase (and closed), one series per gemeente; ``header_row`` is the
    row of the phase table's header."""
    gemeenten = len(summary.gemeenten)
    last = header_row + len(summary.phase_labels) + 1  # the phases and "Afgesloten"
    chart = BarChart()
    chart.type = "bar"  # horizontal: the phase names stay readable
    chart.title = "Dossiers per fase"
    chart.y_axis.title = "Dossiers"
    chart.x_axis.scaling.orientation = "maxMin"  # trajectory order, top down
    chart.add_data(
        Reference(
            sheet, min_col=2, max_col=gemeenten + 1, min_row=header_row, max_row=last
        ),
        titles_from_data=True,
    )
    chart.set_categories(
        Reference(sheet, min_col=1, min_row=header_row + 1, max_row=last)
    )
    chart.height = 4 + 0.7 * len(summary.phase_labels)
    chart.width = 18
    return chart


# How wide a summary column may grow for its words (a longer text wraps).
_WIDEST = 48


def _fit_widths(
    sheet: WriteOnlyWorksheet, tables: Sequence[Sequence[tuple[Any, ...]]]
) -> int:
    """Make every column of the summary as wide as the longest name or figure in it
    (up to _WIDEST: the explanations wrap); returns how many columns the tables
    use. A write-only sheet takes its widths before its rows."""
    widths: dict[int, int] = {}
    for _title, *rows in tables:
        for row in rows:
            for index, value in enumerate(row):
                shown = value.value if isinstance(value, _Formatted) else value
                length = len(str(shown)) if shown is not None else 0
                widths[index] = max(widths.get(index, 8), min(length + 2, _WIDEST))
    for index, width in widths.items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    return max(widths, default=0) + 1


def _write_summary(workbook: Workbook, summary: Summary) -> None:
    sheet = workbook.create_sheet("Samenvatting")
    rows: list[list[Any]] = [
        [_bold(sheet, "Samenvatting")],
        [_cell(sheet, "Peildatum"), _cell(sheet, summary.today)],
    ]
    phase_header = len(rows) + 3  # after an empty row and the table's title
    tables = (
        _phase_table(summary),
        _ratio_table(summary),
        _median_table(summary),
        _task_table(summary),
        [("Toelichting",), ("Kengetal", "Wat het telt"), *EXPLANATIONS],
    )
    used = _fit_widths(sheet, tables)
    for title, header, *body in tables:
        rows.append([])
        rows.append([_bold(sheet, str(title[0]))])
        rows.append([_bold(sheet, str(name)) for name in header])
        rows.extend(
            [_wrapped(sheet, _cell(sheet, value)) for value in row] for row in body
        )
    for row in rows:
        sheet.append(row)
    if summary.phase_labels and summary.gemeenten:
        chart = _phase_chart(sheet, summary, phase_header)
        # Beside the widest table, one column apart: it covers no figure.
        sheet.add_chart(chart, f"{get_column_letter(used + 2)}2")


def _wrapped(sheet: WriteOnlyWorksheet, cell: object) -> object:
    """A text cell that wraps within its column instead of running over the next
    (``cell`` as _cell made it: neutralised text, or a cell)."""
    if isinstance(cell, str):
        text = WriteOnlyCell(sheet, value=cell)
        text.data_type = "s"
        cell = text
    if isinstance(cell, Cell) and isinstance(cell.value, str):
        cell.alignment = _WRAP
    return cell


def _write_about(
    workbook: Workbook, about: Sequence[tuple[str, Any]], counts: Sequence[int]
) -> None:
    sheet = workbook.create_sheet("Over dit bestand")
    sheet.column_dimensions["A"].width = 32
    sheet.column_dimensions["B"].width = 90
    sheet.append([_bold(sheet, "Onderdeel"), _bold(sheet, "Waarde")])
    rows = [
        *about,
        ("Blad Dossiers: rijen", counts[0]),
        ("Blad Open taken: rijen", counts[1]),
        ("Blad PVT: rijen", counts[2]),
        *SHEETS,
    ]
    for label, value in rows:
        sheet.append([_cell(sheet, label), _cell(sheet, value)])


def case_status_workbook(
    book: CaseStatusBook, target: str | IO[bytes]
) -> tuple[int, int, int]:
    """Write the workbook to ``target`` (a path or a binary file); returns how many
    rows the Dossiers, Open taken and PVT sheets got. Rows stream from the iterables
    into write-only sheets, so memory stays flat however many cases there are."""
    workbook = Workbook(write_only=True)
    dossier_columns = DOSSIER_COLUMNS if book.with_names else DOSSIER_COLUMNS[:-1]
    titles = [c.title for c in DOSSIER_COLUMNS]
    cases = _write_table(
        workbook,
        "Dossiers",
        dossier_columns,
        book.dossiers,
        overdue=(
            (titles.index("PIP op tijd"), "Nee"),
            (titles.index("Dagen te laat"), "> 0"),
        ),
    )
    tasks = _write_table(
        workbook,
        "Open taken",
        OPEN_TASK_COLUMNS,
        book.open_tasks,
        overdue=((len(OPEN_TASK_COLUMNS) - 1, "> 0"),),
    )
    pvt = _write_table(workbook, "PVT", PVT_COLUMNS, book.pvt)
    _write_summary(workbook, book.summary)
    _write_about(workbook, book.about, (cases, tasks, pvt))
    workbook.save(target)
    return cases, tasks, pvt
