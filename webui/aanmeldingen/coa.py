"""The COA informatieformulier as a file (CSV or JSON), mapped to the aanmelding
form (forms/definitions/aanmelding.json). Pure Python: the rows and the file's
errors, in Dutch; validating the answers is the registration service's.

COA hands the gemeente an informatieprofiel of each vergunninghouder it couples
(gezinsgrootte en -samenstelling, herkomstland, taal, opleiding, werkervaring,
zichtbare lichamelijke beperkingen; VNG, "Hoe komt een gemeente aan informatie
over de vergunninghouders?"), with the personalia and the koppeling. COA publishes
no file layout for it; the column names below, and what is left out, are
*keuzes van Wegwijs*, documented in docs/koppelingen.md. A column name may be
written in any case, with spaces or hyphens for underscores."""

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# The sender's own reference of one aanmelding: the row's key for "already known".
REFERENCE = "referentie"


@dataclass(frozen=True)
class Column:
    """A column of the file: the aanmelding field it fills, its other names, and
    why (the source of the mapping)."""

    name: str
    field: str
    aliases: tuple[str, ...] = ()
    note: str = ""


COLUMNS: tuple[Column, ...] = (
    Column(
        REFERENCE,
        "",
        ("coa_referentie", "kenmerk", "tvs_nummer"),
        "keuze van Wegwijs: het kenmerk van de koppeling in COA's Taak Volg Systeem;"
        " een tweede keer hetzelfde kenmerk is 'al bekend'",
    ),
    Column("voornaam", "voornaam", ("voornamen",), "personalia"),
    Column("achternaam", "achternaam", ("geslachtsnaam",), "personalia"),
    Column("geboortedatum", "geboortedatum", (), "personalia"),
    Column("bsn", "bsn", ("burgerservicenummer",), "personalia; leeg mag"),
    Column(
        "herkomstland",
        "herkomstland",
        ("land_van_herkomst", "nationaliteit"),
        "informatieprofiel: herkomstland",
    ),
    Column("taal", "taal", ("voertaal", "spreektaal"), "informatieprofiel: taal"),
    Column(
        "gezinsgrootte",
        "gezinsgrootte",
        ("aantal_gezinsleden", "gezinssamenstelling_aantal"),
        "informatieprofiel: gezinsgrootte",
    ),
    Column("telefoon", "telefoon", ("telefoonnummer",), "contact"),
    Column("email", "email", ("e_mail", "e_mailadres", "emailadres"), "contact"),
    Column("adres", "adres", ("adres_azc", "verblijfsadres"), "azc of woning"),
    Column("postcode", "postcode", (), "azc of woning"),
    Column(
        "soort",
        "soort_aanmelding",
        ("soort_aanmelding", "doelgroep"),
        "keuze van Wegwijs: 'asiel' of 'nareiziger' (gezinshereniging)",
    ),
    Column("datum_koppeling", "koppeling_datum", ("koppelingsdatum",), "koppeling"),
    Column(
        "datum_huisvesting",
        "datum_binnenkomst",
        ("datum_binnenkomst", "huisvestingsdatum"),
        "keuze van Wegwijs: de datum van huisvesting in de gemeente is de"
        " binnenkomst; leeg: de koppelingsdatum",
    ),
)

# Columns of the informatieprofiel that Wegwijs leaves out on purpose (keuze van
# Wegwijs): they belong to the brede intake, or are health data that need the
# statushouder's own consent, not a file from COA.
LEFT_OUT = {
    "opleiding": "hoort bij de brede intake",
    "werkervaring": "hoort bij de brede intake",
    "beperkingen": "gezondheidsgegevens: alleen met toestemming, in de intake",
    "lichamelijke_beperkingen": "gezondheidsgegevens: alleen met toestemming",
    "gezinssamenstelling": "alleen het aantal gezinsleden wordt overgenomen",
}

SOORT = {
    "asiel": "asiel",
    "asielstatushouder": "asiel",
    "vergunninghouder": "asiel",
    "nareiziger": "gezinshereniging",
    "nareis": "gezinshereniging",
    "gezinshereniging": "gezinshereniging",
}

_BY_NAME = {
    alias: column for column in COLUMNS for alias in (column.name, *column.aliases)
}
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


@dataclass
class Row:
    """One aanmelding of the file: its line (or position) in the file, the sender's
    reference, the answers as the aanmelding form names them, and what was wrong
    before the form saw it."""

    number: int
    reference: str
    answers: dict[str, Any]
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return " ".join(
            str(self.answers.get(k) or "") for k in ("voornaam", "achternaam")
        ).strip()


@dataclass
class Parsed:
    rows: list[Row]
    errors: list[str]
    left_out: list[str]


class FileRefused(Exception):
    """The file as a whole cannot be read (the message is Dutch)."""


def normalise(name: str) -> str:
    return re.sub(r"[\s\-]+", "_", name.strip().lower().lstrip("\ufeff"))


def parse(content: bytes, file_name: str) -> Parsed:
    """The rows of a CSV or JSON file, mapped; file-level errors (an unknown column,
    a missing reference column, a reference twice) in ``errors``; raises
    ``FileRefused`` when it cannot be read at all."""
    kind = file_name.lower().rsplit(".", 1)[-1]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileRefused(
            "Het bestand is geen UTF-8-tekst. Sla het op als CSV (UTF-8) of JSON."
        ) from exc
    if kind == "json":
        records = _json_records(text)
        first = 1
    elif kind == "csv":
        records = _csv_records(text)
        first = 2  # line 1 holds the column names
    else:
        raise FileRefused("Alleen een .csv- of .json-bestand kan worden gelezen.")
    if not records:
        raise FileRefused("Het bestand bevat geen aanmeldingen.")
    names = {normalise(k) for record in records for k in record}
    errors, left_out = _columns(names)
    rows = [_row(first + i, record) for i, record in enumerate(records)]
    _duplicates(rows)
    return Parsed(rows, errors, left_out)


def _json_records(text: str) -> list[Mapping[str, Any]]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise FileRefused(
            f"Het JSON-bestand is niet te lezen (regel {getattr(exc, 'lineno', '?')})."
        ) from exc
    if isinstance(data, Mapping):
        data = data.get("aanmeldingen")
    if not isinstance(data, list) or not all(isinstance(r, Mapping) for r in data):
        raise FileRefused(
            "Verwacht een lijst van aanmeldingen: [{...}, ...] of"
            ' {"aanmeldingen": [{...}, ...]}.'
        )
    return data


def _csv_records(text: str) -> list[Mapping[str, Any]]:
    header = text.split("\n", 1)[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        raise FileRefused(
            "De eerste regel van het CSV-bestand moet de kolomnamen geven."
        )
    records = []
    for record in reader:
        if None in record:
            raise FileRefused(
                f"Regel {reader.line_num} heeft meer waarden dan er kolommen zijn."
            )
        if any((v or "").strip() for v in record.values()):
            records.append(record)
    return records


def _columns(names: set[str]) -> tuple[list[str], list[str]]:
    errors = [
        f"Onbekende kolom '{name}': die kent het COA-informatieformulier van Wegwijs"
        " niet (zie de koppelingstabel)."
        for name in sorted(names)
        if name not in _BY_NAME and name not in LEFT_OUT and name
    ]
    if REFERENCE not in {_BY_NAME[n].name for n in names if n in _BY_NAME}:
        errors.append(
            "De kolom 'referentie' ontbreekt: elke aanmelding heeft het kenmerk van"
            " COA nodig, zodat een tweede keer inlezen niets dubbel aanmeldt."
        )
    left_out = [f"{n} ({LEFT_OUT[n]})" for n in sorted(names) if n in LEFT_OUT]
    return errors, left_out


def _row(number: int, record: Mapping[str, Any]) -> Row:
    answers: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    reference = ""
    for key, raw in record.items():
        column = _BY_NAME.get(normalise(key))
        value = raw.strip() if isinstance(raw, str) else raw
        if column is None or value in (None, ""):
            continue
        if column.name == REFERENCE:
            reference = str(value)
        elif column.field == "soort_aanmelding":
            soort = SOORT.get(str(value).lower())
            if soort is None:
                errors[column.field] = [
                    f"Soort '{value}' is onbekend: 'asiel' of 'nareiziger'."
                ]
            answers[column.field] = soort or str(value)
        elif column.field in ("geboortedatum", "koppeling_datum", "datum_binnenkomst"):
            answers[column.field] = _date(value)
        elif column.field == "bsn":
            answers[column.field] = re.sub(r"[\s.]", "", str(value))
        else:
            answers[column.field] = value
    answers.setdefault("soort_aanmelding", "asiel")
    answers["aangemeld_door"] = "coa"
    if "datum_binnenkomst" not in answers and "koppeling_datum" in answers:
        answers["datum_binnenkomst"] = answers["koppeling_datum"]
    return Row(number, reference, answers, errors)


def _date(value: Any) -> Any:
    """A date as the aanmelding form reads it (ISO); "31-12-2025" as well."""
    if isinstance(value, date | datetime):
        return value.isoformat()[:10]
    text = str(value)
    found = _DUTCH_DATE.fullmatch(text)
    if found:
        day, month, year = (int(g) for g in found.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


def _duplicates(rows: list[Row]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        if not row.reference:
            continue
        if row.reference in seen:
            row.errors.setdefault(REFERENCE, []).append(
                f"Referentie '{row.reference}' staat ook op rij {seen[row.reference]}."
            )
        else:
            seen[row.reference] = row.number


def column_table() -> list[tuple[str, str, str]]:
    """(column and its other names, aanmelding field, note): the mapping, for the
    upload page and the docs."""
    return [
        (
            " / ".join((c.name, *c.aliases)),
            c.field or "(referentie van de afzender)",
            c.note,
        )
        for c in COLUMNS
    ]
