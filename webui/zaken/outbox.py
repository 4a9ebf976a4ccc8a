"""Writing the zaaksysteem's updates: called by the one store of a case's change
(``cases.services.advancing.advance_store``), inside its transaction, so that an
update is kept exactly when the change is (and rolls back with it)."""

from collections.abc import Iterable
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
    keeps no zaaksysteem. Returns how many updates were written.

    A step that reaches no milestone and neither starts nor closes the case has
    nothing to tell and costs no query (most completions; a dossier older than the
    configuration gets its zaak at its next milestone)."""
    # A yes/no milestone answered "no" (heropend: false at every start) is no step.
    moments = [(m.key, m.at) for m in reached if m.value is not False]
    if not moments and event != "case_started" and not closed:
        return 0
    # Both one at most (one to one): no ORDER BY (first() adds one) on every change.
    systems = Zaaksysteem.objects.filter(gemeente_id=case.gemeente_id, active=True)
    system = next(iter(systems.order_by()[:1]), None)
    if system is None:
        return 0
    payloads: list[tuple[str, dict]] = []
    dossiers = ZaakDossier.objects.filter(case_id=case.pk).order_by()[:1]
    dossier = next(iter(dossiers), None)
    if dossier is None:
        # Also a dossier older than the configuration: it gets its zaak now.
        dossier = ZaakDossier.objects.create(case=case, zaaksysteem=system)
        payloads.append((ZaakUpdate.Kind.ZAAK, _zaak(system, case, now)))
    if event == "case_started":
        moments.insert(0, (AANGEMELD, now))
    for key, at in moments:
        if key == PIP_VASTGESTELD and system.resultaattype_pip:
            payloads.append(
                _resultaat(system.resultaattype_pip, "PIP vastgesteld (beschikking)")
            )
        payloads += _status(system, key, at)
    if closed:
        payloads += _closing(system, dossier, payloads, now)
    ZaakUpdate.objects.bulk_create(
        [
            ZaakUpdate(dossier=dossier, kind=kind, payload=payload, created_at=now)
            for kind, payload in payloads
        ]
    )
    return len(payloads)


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
