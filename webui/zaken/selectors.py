"""Reads of the zaaksysteem: a gemeente's configuration, the moments a statustype
can be given for, and how far its outbox is."""

from dataclasses import dataclass

from django.db.models import Count, Q

from webui.accounts.models import Gemeente
from webui.definitions.bundles import bundle_of, milestone_rules
from webui.definitions.services import active_version

from .models import ZaakDossier, Zaaksysteem
from .outbox import AANGEMELD, AFGESLOTEN

# Milestones that are not a step of the trajectory but a value kept on the way.
_NOT_A_STATUS = {"toestemming_gemeente", "toestemming_mb", "toestemming_wijze"}


def zaaksysteem_of(*, gemeente: Gemeente) -> Zaaksysteem | None:
    return (
        Zaaksysteem.objects.select_related("service").filter(gemeente=gemeente).first()
    )


def status_moments(*, gemeente: Gemeente) -> list[tuple[str, str]]:
    """(key, label) of every moment a statustype can be given for: the dossier
    registered, each milestone of the gemeente's process in use (reopened is one),
    closed."""
    version = active_version(gemeente)
    rules = bundle_of(version).rules if version is not None else milestone_rules()
    rules = rules or milestone_rules()
    return [
        (AANGEMELD, "Statushouder aangemeld (dossier gestart)"),
        *(
            (rule.key, f"Mijlpaal: {rule.label}")
            for rule in rules.values()
            if rule.key not in _NOT_A_STATUS and not rule.key.startswith("toestemming")
        ),
        (AFGESLOTEN, "Dossier afgesloten (eindstatus)"),
    ]


@dataclass(frozen=True)
class OutboxState:
    dossiers: int
    waiting: int
    stuck: list[ZaakDossier]


def outbox_state(*, system: Zaaksysteem) -> OutboxState:
    """How many dossiers are zaken, how many updates wait, and the dossiers that
    wait on a failure (by kenmerk, with the reason)."""
    dossiers = ZaakDossier.objects.filter(zaaksysteem=system)
    counts = dossiers.aggregate(
        n=Count("pk", distinct=True),
        waiting=Count("updates", filter=Q(updates__sent_at__isnull=True)),
    )
    stuck = list(
        dossiers.exclude(last_error="")
        .select_related("case")
        .only("case__reference", "last_error", "retry_at", "failures")
        .order_by("retry_at")[:50]
    )
    return OutboxState(counts["n"], counts["waiting"], stuck)
