"""Reading the case-status workbook back, and a world with cases in every phase."""

import io
import math
import statistics
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from openpyxl import load_workbook

from webui.accounts.models import LANE_SIDE
from webui.cases.models import Case, CaseMilestone, Submission
from webui.cases.tracks import track_words
from webui.casework.services import contactmoment_record
from webui.definitions.bundles import bundle_of, version_files
from webui.definitions.services import version_deploy
from webui.demo.seed import demo_own_files, sample_answers
from webui.reports.filters import ReportFilter
from webui.reports.services import cases_export
from webui.tasks.models import TaskItem

from ..conftest import World

SHEETS = ["Dossiers", "Open taken", "PVT", "Samenvatting", "Over dit bestand"]


def as_date(value: object) -> object:
    """openpyxl reads a date cell back as a datetime at midnight."""
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return value.date()
    return value


def table(content: bytes, sheet: str) -> list[dict[str, Any]]:
    """A table sheet as dicts by header, dates as dates."""
    book = load_workbook(io.BytesIO(content))
    rows = list(book[sheet].iter_rows(values_only=True))
    header = rows[0]
    return [
        {title: as_date(value) for title, value in zip(header, row, strict=True)}
        for row in rows[1:]
    ]


def summary_tables(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """The Samenvatting sheet's tables by their title: header row, then the rows."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows = []
    for row in book["Samenvatting"].iter_rows(values_only=True):
        values = [as_date(v) for v in row]
        while values and values[-1] is None:
            values.pop()
        rows.append(tuple(values))
    tables: dict[str, list[tuple[Any, ...]]] = {}
    current: list[tuple[Any, ...]] | None = None
    for row in rows[2:]:
        if not row:
            current = None
        elif current is None:
            current = tables.setdefault(str(row[0]), [])
        else:
            current.append(row)
    return tables


def export_bytes(
    user: Any, report_filter: ReportFilter | None = None, now: datetime | None = None
) -> bytes:
    buffer = io.BytesIO()
    cases_export(
        user=user, report_filter=report_filter or ReportFilter(), target=buffer, now=now
    )
    return buffer.getvalue()


# ---- a gemeente whose variant renames its tasks --------------------------------------

SIGNING_ID = "pv_tekenmoment"
SIGNING_NAME = "Tekenmoment participatieverklaring"
WORKSHOP_NAME = "Bijeenkomst kernwaarden"


def renamed_pvt_variant(world: World) -> dict[str, str]:
    """Rivierstad's own files plus a PVT whose workshop and signing tasks carry other
    names (and the signing another id)."""
    base = version_files(world.versions["polderdam"].base)
    xml = base["participatieverklaring.bpmn"]
    xml = xml.replace("pvt_ondertekening", SIGNING_ID).replace(
        f'name="formKey" value="{SIGNING_ID}"',
        'name="formKey" value="pvt_ondertekening"',
    )
    xml = xml.replace('name="Verklaring ondertekenen"', f'name="{SIGNING_NAME}"')
    xml = xml.replace('name="PVT-workshop"', f'name="{WORKSHOP_NAME}"')
    assert SIGNING_NAME in xml and WORKSHOP_NAME in xml
    return {**demo_own_files("rivierstad"), "participatieverklaring.bpmn": xml}


def deploy_renamed_variant(world: World) -> None:
    version_deploy(gemeente=world.rivierstad, own_files=renamed_pvt_variant(world))


# ---- cases in every phase ---------------------------------------------------------


def record_contact(world: World, case: Case, on: date) -> None:
    definition = bundle_of(case.version).forms.get("contactmoment")
    answers = sample_answers(
        definition,
        today=on,
        user_for_role=lambda role: "",
        overrides={"contact_datum": on, "piezo_fase": ""},
    )
    contactmoment_record(
        case=case,
        user=world.who("begeleider", case.gemeente),
        cleaned_data=answers,
        clock=world.clock,
    )


def seed_every_phase(world: World) -> dict[str, Case]:
    """Cases new, coupled, in the PVT (with a missed workshop and a late PIP),
    signed, closed; Rivierstad on a variant that renamed its PVT tasks."""
    deploy_renamed_variant(world)
    cases: dict[str, Case] = {}
    cases["new"] = world.start()
    cases["coupled"] = world.coupled()
    late = world.start(
        koppeling_datum=date(2025, 10, 1), datum_binnenkomst=date(2025, 10, 1)
    )
    late = world.run_until(late, "pvt_workshop", max_steps=60)
    late = world.complete(late, "pvt_workshop", aanwezig=True)
    late = world.complete(late, "pvt_workshop", aanwezig=False)
    late = world.complete(late, "pvt_inhaalworkshop", inhaal_aanwezig=False)
    cases["pvt"] = world.complete(late, "pvt_workshop", aanwezig=True)
    signed = world.run_until(world.start(), "pvt_ondertekening", max_steps=80)
    cases["signed"] = world.complete(
        signed, "pvt_ondertekening", verklaring_ondertekend=True
    )
    cases["closed"] = world.run_to_end(world.start())
    variant = world.run_until(world.start(world.rivierstad), SIGNING_ID, max_steps=90)
    cases["variant_signed"] = world.complete(
        variant, SIGNING_ID, verklaring_ondertekend=True
    )
    cases["variant_new"] = world.start(world.rivierstad)
    record_contact(world, cases["coupled"], date(2026, 1, 20))
    record_contact(world, cases["coupled"], date(2026, 1, 12))
    for case in cases.values():
        case.refresh_from_db()
    return cases


# ---- what the database says, computed apart from the export ------------------------


def _label(case: Case, form_key: str, field: str, code: str) -> str:
    definition = bundle_of(case.version).forms.get(form_key)
    choices = dict(next(f for f in definition.fields if f.name == field).choices)
    return choices[code]


def expected_dossier(case: Case, today: date) -> dict[str, Any]:
    """The Dossiers row of a case, from its model, milestones and tasks."""
    case.refresh_from_db()
    open_tasks = list(case.tasks.filter(state="open").order_by("ready_at", "id"))
    overdue = sorted(
        (t for t in open_tasks if t.due_date and t.due_date < today),
        key=lambda t: t.due_date,
    )
    milestones = list(case.milestones.order_by("reached_at", "id"))
    workshops = [m for m in milestones if m.key == "pvt_workshop"]
    signed = [m for m in milestones if m.key == "verklaring_ondertekend" and m.value]
    routes = [m for m in milestones if m.key == "leerroute"]
    contacts = Submission.objects.filter(case=case, form_key="contactmoment")
    end = timezone.localdate(case.closed_at) if case.is_closed else today
    if case.pip_vastgesteld_op and case.pip_deadline:
        on_time = "Ja" if case.pip_vastgesteld_op <= case.pip_deadline else "Nee"
    elif case.pip_deadline and not case.is_closed and today > case.pip_deadline:
        on_time = "Nee"
    else:
        on_time = None
    return {
        "Kenmerk": case.reference,
        "Gemeente": case.gemeente.naam,
        "MB-organisatie": case.mb_organisation.naam if case.mb_organisation else None,
        "Vaste begeleider": case.begeleider.get_full_name()
        if case.begeleider
        else None,
        "Fase": track_words(case.version, case.open_phases, case.is_closed) or None,
        "Stap (open taken)": "; ".join(t.name for t in open_tasks) or None,
        "Status": "Afgesloten" if case.is_closed else "Lopend",
        "Koppelingsdatum": case.koppeling_datum,
        "Dagen in traject": (end - case.koppeling_datum).days,
        "PIP-termijn": case.pip_deadline,
        "PIP vastgesteld op": case.pip_vastgesteld_op,
        "PIP op tijd": on_time,
        "Leerroute": _label(case, "pip_opstellen", "leerroute", routes[-1].value)
        if routes
        else None,
        "PVT-workshops bijgewoond": sum(bool(m.value) for m in workshops),
        "PVT-workshops van de gemeente": bundle_of(case.version).settings[
            "pvt_workshops"
        ],
        "Participatieverklaring ondertekend op": timezone.localdate(
            signed[0].reached_at
        )
        if signed
        else None,
        "Open taken": len(open_tasks),
        "Oudste te late taak": overdue[0].name if overdue else None,
        "Dagen te laat": (today - overdue[0].due_date).days if overdue else None,
        "Laatste contact": max(
            date.fromisoformat(s.data["contact_datum"]) for s in contacts
        )
        if contacts
        else None,
        "Uitkomst vervolgtraject": _label(
            case, "eindgesprek", "uitkomst", case.uitkomst
        )
        if case.uitkomst
        else None,
    }


def expected_open_tasks(cases: Iterable[Case], today: date) -> list[dict[str, Any]]:
    rows = []
    for item in (
        TaskItem.objects.filter(case__in=list(cases), state="open")
        .select_related("case__gemeente", "mb_organisation", "assignee")
        .order_by("case__gemeente__naam", "case__reference", "ready_at", "id")
    ):
        side = LANE_SIDE.get(item.role)
        rows.append(
            {
                "Kenmerk": item.case.reference,
                "Gemeente": item.case.gemeente.naam,
                "Taak": item.name,
                "Fase": item.phase or None,
                "Rol": item.role_label,
                "Organisatie": item.case.gemeente.naam
                if side == "gemeente"
                else item.mb_organisation.naam,
                "Wie": item.assignee.get_full_name() if item.assignee else None,
                "Klaargezet op": timezone.localdate(item.ready_at),
                "Uiterlijk": item.due_date,
                "Dagen te laat": (today - item.due_date).days
                if item.due_date and item.due_date < today
                else None,
            }
        )
    return rows


def expected_medians(cases: Iterable[Case]) -> dict[tuple[str, str], int]:
    """(gemeente, phase label) -> median days in the phases cases have left, in
    whole days (half a day up)."""
    days: dict[tuple[str, str], list[int]] = {}
    for case in cases:
        names = bundle_of(case.version).process.phase_names
        current = {names.get(p, p) for p in case.open_phases}
        phases: dict[str, list[TaskItem]] = {}
        for item in case.tasks.all():
            phases.setdefault(item.phase, []).append(item)
        for phase, items in phases.items():
            if phase in current or any(i.state == "open" for i in items):
                continue
            ends = [i.completed_at for i in items if i.completed_at]
            if not ends:
                continue
            start = min(timezone.localdate(i.ready_at) for i in items)
            days.setdefault((case.gemeente.naam, phase), []).append(
                (timezone.localdate(max(ends)) - start).days
            )
    return {
        key: math.floor(statistics.median(values) + 0.5) for key, values in days.items()
    }


def pvt_milestones(case: Case) -> list[CaseMilestone]:
    return list(
        case.milestones.filter(
            key__in=("pvt_workshop", "verklaring_ondertekend")
        ).order_by("reached_at", "id")
    )
