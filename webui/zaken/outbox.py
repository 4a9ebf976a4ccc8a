"""Writing the zaaksysteem's updates: called by the one store of a case's change
(``cases.services.advancing.advance_store``), inside its transaction, so that an
update is kept exactly when the change is (and rolls back with it)."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from engine import ReachedMilestone
from webui.cases.models import Case

from .models import ZaakDossier, Zaaksysteem, ZaakUpdate

# The moments a beheerder can give a statustype besides the milestones (a reopened
# dossier is the milestone "heropend").
AANGEMELD = "aangemeld"
AFGESLOTEN = "afgesloten"
PIP_VASTGESTELD = "pip_vastgesteld"

# Vertrouwelijkheidaanduiding of every zaak: a statushouder's trajectory.
VERTROUWELIJK = "vertrouwelijk"


@dataclass(frozen=True)
class ZaakChange:
    """One stored change of a case, as the zaaksysteem may hear of it."""

    case: Case
    event: str
    reached: Sequence[ReachedMilestone]
    now: datetime
    closed: bool


def zaak_updates_record(
    *,
    case: Case,
    event: str,
    reached: Iterable[ReachedMilestone],
    now: datetime,
    closed: bool,
) -> int:
    """Write what the zaaksysteem must hear of this change of ``case``: the zaak
    (the first time), a status per milestone the gemeente gave a statustype, the
    PIP vaststelling as a resultaat, the closing status. Nothing when the gemeente
    keeps no zaaksysteem. Returns how many updates were written."""
    return zaak_updates_record_many(
        [ZaakChange(case, event, tuple(reached), now, closed)]
    )


def zaak_updates_record_many(changes: Sequence[ZaakChange]) -> int:
    """``zaak_updates_record`` for many changes at once (a COA file's cases): one
    read of the gemeenten's zaaksystemen and one of the dossiers, one INSERT of the
    new dossiers and one of all updates, in the order of ``changes``.

    A change that reaches no milestone and neither starts nor closes the case has
    nothing to tell and costs no query (most completions; a dossier older than the
    configuration gets its zaak at its next milestone)."""
    telling = []
    for change in changes:
        # A yes/no milestone answered "no" (heropend: false at every start) is no
        # step.
        moments = [(m.key, m.at) for m in change.reached if m.value is not False]
        if moments or change.event == "case_started" or change.closed:
            telling.append((change, moments))
    if not telling:
        return 0
    # One zaaksysteem per gemeente at most, one dossier per case (one to one): no
    # ORDER BY to compile and run.
    systems = {
        system.gemeente_id: system
        for system in Zaaksysteem.objects.filter(
            gemeente_id__in={change.case.gemeente_id for change, _ in telling},
            active=True,
        ).order_by()
    }
    telling = [(c, m) for c, m in telling if c.case.gemeente_id in systems]
    if not telling:
        return 0
    dossiers = {
        dossier.case_id: dossier
        for dossier in ZaakDossier.objects.filter(
            case_id__in=[change.case.pk for change, _ in telling]
        ).order_by()
    }
    new_dossiers: list[ZaakDossier] = []
    updates: list[ZaakUpdate] = []
    for change, moments in telling:
        system = systems[change.case.gemeente_id]
        payloads = _payloads(system, change, moments, dossiers, new_dossiers)
        updates += [
            ZaakUpdate(
                dossier=dossiers[change.case.pk],
                kind=kind,
                payload=payload,
                created_at=change.now,
            )
            for kind, payload in payloads
        ]
    ZaakDossier.objects.bulk_create(new_dossiers)
    ZaakUpdate.objects.bulk_create(updates)
    return len(updates)


def _payloads(
    system: Zaaksysteem,
    change: ZaakChange,
    moments: list[tuple[str, datetime]],
    dossiers: dict[int, ZaakDossier],
    new_dossiers: list[ZaakDossier],
) -> list[tuple[str, dict]]:
    payloads: list[tuple[str, dict]] = []
    case, now = change.case, change.now
    dossier = dossiers.get(case.pk)
    if dossier is None:
        # Also a dossier older than the configuration: it gets its zaak now.
        dossier = dossiers[case.pk] = ZaakDossier(case=case, zaaksysteem=system)
        new_dossiers.append(dossier)
        payloads.append((ZaakUpdate.Kind.ZAAK, _zaak(system, case, now)))
    if change.event == "case_started":
        moments = [(AANGEMELD, now), *moments]
    for key, at in moments:
        if key == PIP_VASTGESTELD and system.resultaattype_pip:
            payloads.append(
                _resultaat(system.resultaattype_pip, "PIP vastgesteld (beschikking)")
            )
        payloads += _status(system, key, at)
    if change.closed:
        payloads += _closing(system, dossier, payloads, now)
    return payloads


def _status(system: Zaaksysteem, key: str, at: datetime) -> list[tuple[str, dict]]:
    url = system.statustypen.get(key)
    if not url:
        return []
    status = {
        "statustype": url,
        "datumStatusGezet": at.isoformat(),
        "statustoelichting": f"Wegwijs: {key.replace('_', ' ')}",
    }
    return [(ZaakUpdate.Kind.STATUS, status)]


def _resultaat(url: str, toelichting: str) -> tuple[str, dict]:
    payload = {"resultaattype": url, "toelichting": toelichting}
    return (ZaakUpdate.Kind.RESULTAAT, payload)


def _closing(
    system: Zaaksysteem,
    dossier: ZaakDossier,
    payloads: list[tuple[str, dict]],
    now: datetime,
) -> list[tuple[str, dict]]:
    """The eindstatus; first a resultaat when the zaak has none yet (the Zaken API
    closes a zaak only with one)."""
    status = _status(system, AFGESLOTEN, now)
    if not status:
        return []
    if system.resultaattype_einde and not _has_resultaat(dossier, payloads):
        toelichting = "Dossier afgesloten zonder vastgesteld PIP"
        return [_resultaat(system.resultaattype_einde, toelichting), *status]
    return status


def _has_resultaat(dossier: ZaakDossier, payloads: list[tuple[str, dict]]) -> bool:
    if any(kind == ZaakUpdate.Kind.RESULTAAT for kind, _payload in payloads):
        return True
    if dossier.pk is None:  # made with this change: no updates stored yet
        return False
    return dossier.updates.filter(kind=ZaakUpdate.Kind.RESULTAAT).exists()


def _zaak(system: Zaaksysteem, case: Case, now: datetime) -> dict:
    """The zaak as Wegwijs makes it: its reference as identificatie, and no personal
    data (the zaaksysteem links to the dossier; it does not copy it)."""
    start = case.koppeling_datum or timezone.localdate(now)
    return {
        "identificatie": case.reference,
        "bronorganisatie": system.bronorganisatie,
        "verantwoordelijkeOrganisatie": system.bronorganisatie,
        "zaaktype": system.zaaktype,
        "omschrijving": f"Maatschappelijke begeleiding {case.reference}"[:80],
        "startdatum": start.isoformat(),
        "registratiedatum": timezone.localdate(now).isoformat(),
        "vertrouwelijkheidaanduiding": VERTROUWELIJK,
    }
