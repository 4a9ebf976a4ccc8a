"""Reads of the API: the dossiers a client may see, one dossier with its tracks,
milestones, deadlines and open tasks, its milestones and its events (the timeline).
Each filtered by need-to-know for clients (webui.access: the organisation's cases,
the classes its scopes open, the consents), and each logged in the processing log
as read by the client, on the request's occasion."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

import vocabulary
from webui.access import CaseAccess, client_cases, client_side, managed_organisations
from webui.accounts.selectors import organisation_key
from webui.cases.models import Case
from webui.cases.selectors.phases import phase_statuses
from webui.cases.timeline import timeline_entries
from webui.cases.tracks import open_by_track, track_positions
from webui.definitions.bundles import bundle_of
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import list_record, processing_record
from webui.tasks.models import TaskItem

from .models import ApiClient, Delivery


def _roles(client: ApiClient) -> list[str]:
    return [f"api_{client_side(client)}"]


def _categories(access_classes: Iterable[str]) -> list[str]:
    return sorted(set(access_classes))


@dataclass(frozen=True)
class CaseFilters:
    afgesloten: bool | None = None
    gemeente: str = ""
    aangemeld_vanaf: date | None = None
    aangemeld_tot: date | None = None
    fase: str = ""


def _filtered(client: ApiClient, filters: CaseFilters) -> QuerySet[Case]:
    cases = client_cases(client=client)
    if filters.afgesloten is not None:
        cases = cases.filter(is_closed=filters.afgesloten)
    if filters.gemeente:
        cases = cases.filter(gemeente__slug=filters.gemeente)
    if filters.aangemeld_vanaf:
        cases = cases.filter(koppeling_datum__gte=filters.aangemeld_vanaf)
    if filters.aangemeld_tot:
        cases = cases.filter(koppeling_datum__lte=filters.aangemeld_tot)
    if filters.fase:
        cases = cases.filter(phase_label__icontains=filters.fase)
    return cases


def case_row(case: Case, shows_name: bool) -> dict[str, Any]:
    """A dossier as the list shows it."""
    return {
        "kenmerk": case.reference,
        "naam": case.client_naam if shows_name else None,
        "gemeente": case.gemeente.slug,
        "mbOrganisatie": case.mb_organisation.slug if case.mb_organisation else None,
        "afgesloten": case.is_closed,
        "koppelingsdatum": case.koppeling_datum,
        "pipTermijn": case.pip_deadline,
        "pipVastgesteldOp": case.pip_vastgesteld_op,
        "fasen": [
            {"spoor": track or None, "fase": phase}
            for track, phase in open_by_track(case)
        ],
        "aangemaaktOp": case.created_at,
    }


def dossiers_page(
    *,
    client: ApiClient,
    filters: CaseFilters,
    offset: int,
    limit: int,
    readable: frozenset[str],
    occasion: Occasion,
) -> tuple[int, list[dict[str, Any]]]:
    """(total, rows of one page) of the dossiers the client may see; the page is
    logged as a list read by the client."""
    cases = _filtered(client, filters).select_related(
        "gemeente", "mb_organisation", "version"
    )
    total = cases.count()
    page = list(cases.order_by("-created_at", "-id")[offset : offset + limit])
    shows_name = vocabulary.PERSOONSGEGEVENS in readable
    list_record(
        user=None,
        cases=page,
        categories=_categories(
            ["normaal", *(["persoonsgegevens"] if shows_name else [])]
        ),
        roles=_roles(client),
        occasion=occasion,
        api_client=client.client_id,
    )
    return total, [case_row(case, shows_name) for case in page]


def _milestones(case: Case, access: CaseAccess) -> list[dict[str, Any]]:
    """The milestones reached, with a value only where the class of the field that
    declares it is readable and not sensitive (a key and a moment are process data;
    a value may be the statushouder's)."""
    rows = []
    for milestone in case.milestones.select_related("version").order_by(
        "reached_at", "id"
    ):
        bundle = bundle_of(milestone.version)
        rule = bundle.rules.get(milestone.key)
        privacy = _declared_privacy(bundle, milestone.key)
        shown = (
            rule is not None
            and rule.value != "gebruiker"
            and privacy not in vocabulary.SENSITIVE_CLASSES
            and privacy in access.readable
        )
        rows.append(
            {
                "sleutel": milestone.key,
                "label": rule.label if rule is not None else milestone.key,
                "bereiktOp": milestone.reached_at,
                "waarde": milestone.value if shown else None,
            }
        )
    return rows


def _declared_privacy(bundle: Any, key: str) -> str:
    for form_key in bundle.forms.keys():
        definition = bundle.forms.get(form_key)
        name = definition.milestones.get(key)
        if name:
            for field in definition.fields:
                if field.name == name:
                    return str(field.privacy)
    return vocabulary.NORMAAL


def _deadlines(case: Case, today: date) -> list[dict[str, Any]]:
    rows = []
    if case.pip_deadline:
        rows.append(
            {
                "naam": "PIP-termijn",
                "datum": case.pip_deadline,
                "gehaald": case.pip_vastgesteld_op is not None,
                "verstreken": case.pip_vastgesteld_op is None
                and case.pip_deadline < today,
            }
        )
    ended = case.milestones.filter(key="inburgeringstermijn").order_by("-reached_at")
    end = ended.values_list("value", flat=True).first()
    if end:
        day = date.fromisoformat(str(end)[:10])
        rows.append(
            {
                "naam": "Einde inburgeringstermijn",
                "datum": day,
                "gehaald": None,
                "verstreken": day < today and not case.is_closed,
            }
        )
    return rows


def _open_tasks(case: Case, today: date) -> list[dict[str, Any]]:
    labels = vocabulary.ROLE_LABELS
    return [
        {
            "naam": item.name,
            "rol": item.role,
            "rolLabel": labels.get(item.role, item.role),
            "fase": item.phase,
            "klaarSinds": item.ready_at,
            "uiterlijk": item.due_date,
            "teLaat": bool(item.due_date and item.due_date < today),
        }
        for item in case.tasks.filter(state=TaskItem.State.OPEN).order_by(
            "ready_at", "id"
        )
    ]


def _read(
    client: ApiClient,
    case: Case,
    occasion: Occasion,
    categories: Iterable[str],
    consented: Iterable[str] = (),
    **detail: Any,
) -> None:
    processing_record(
        user=None,
        action=str(ProcessingRecord.Action.VIEW),
        cases=[case],
        categories=_categories(categories),
        consented=consented,
        roles=_roles(client),
        detail={"path": occasion.path, "api_client": client.client_id, **detail},
        occasion=occasion,
    )


def dossier_detail(
    *, client: ApiClient, case: Case, access: CaseAccess, occasion: Occasion
) -> dict[str, Any]:
    """One dossier: where it stands per track, its milestones, deadlines and open
    tasks; logged as read by the client."""
    today = timezone.localdate()
    shows_name = vocabulary.PERSOONSGEGEVENS in access.readable
    detail = case_row(case, shows_name)
    detail["sporen"] = [
        {
            "spoor": position.label,
            "nu": position.now,
            "afgerond": position.done,
            "totaal": position.total,
        }
        for position in track_positions(case.version, phase_statuses(case))
    ]
    detail["mijlpalen"] = _milestones(case, access)
    detail["termijnen"] = _deadlines(case, today)
    detail["openTaken"] = _open_tasks(case, today)
    _read(
        client,
        case,
        occasion,
        ["normaal", *(["persoonsgegevens"] if shows_name else [])],
    )
    return detail


def dossier_milestones(
    *, client: ApiClient, case: Case, access: CaseAccess, occasion: Occasion
) -> list[dict[str, Any]]:
    rows = _milestones(case, access)
    _read(client, case, occasion, ["normaal"])
    return rows


def dossier_events(
    *, client: ApiClient, case: Case, access: CaseAccess, occasion: Occasion
) -> list[dict[str, Any]]:
    """The dossier's timeline, newest first, with the answers the client may read
    (the other party's sensitive answers only with consent)."""
    entries = timeline_entries(case=case, access=access, today=timezone.localdate())
    shown: set[str] = set()
    by_consent: set[str] = set()
    rows = []
    for entry in entries:
        shown |= entry.shown
        by_consent |= entry.by_consent
        rows.append(
            {
                "tijdstip": entry.at,
                "soort": entry.kind,
                "soortLabel": entry.kind_label,
                "titel": entry.title,
                "door": entry.by or None,
                "tekst": entry.text or None,
                "gegevens": [{"label": k, "waarde": v} for k, v in entry.rows],
            }
        )
    _read(client, case, occasion, ["normaal", *shown], consented=by_consent)
    return rows


# ---- the beheerder's pages -----------------------------------------------------------


def managed_clients(*, user: Any) -> list[tuple[Any, str, list[ApiClient]]]:
    """Per organisation the beheerder manages: (organisation, its key, its clients)."""
    sections = []
    for organisation in managed_organisations(user=user):
        place = (
            {"gemeente": organisation}
            if organisation_key(organisation).startswith("gemeente")
            else {"mb_organisation": organisation}
        )
        sections.append(
            (
                organisation,
                organisation_key(organisation),
                list(ApiClient.objects.filter(**place).order_by("name", "id")),
            )
        )
    return sections


def managed_client(*, user: Any, pk: int) -> ApiClient | None:
    """One client of an organisation the beheerder manages; None (a 404) otherwise."""
    for _organisation, _key, clients in managed_clients(user=user):
        for client in clients:
            if client.pk == pk:
                return client
    return None


def delivery_log(*, client: ApiClient, limit: int = 100) -> list[Any]:
    """The latest deliveries of the client's events, newest first: what was sent
    where, how often it was tried and what the receiver answered."""
    return list(
        Delivery.objects.filter(subscription__client=client)
        .select_related("event", "subscription")
        .order_by("-event__occurred_at", "-id")[:limit]
    )
