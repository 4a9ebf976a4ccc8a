"""The statushouder's consents per category and direction, and the open requests
for consent."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet

from webui.access import CONSENT_HOLDER, CONSENT_ROLES, grants, visible_cases
from webui.accounts.models import LANE_SIDE
from webui.cases.models import Case, Consent, ConsentRequest


@dataclass(frozen=True)
class ConsentState:
    """The current consent for one category, in both directions (None: not asked)."""

    category: str
    category_label: str
    mb_to_gemeente: Consent | None
    gemeente_to_mb: Consent | None
    # An open request of the receiving party, per direction.
    mb_to_gemeente_asked: ConsentRequest | None = None
    gemeente_to_mb_asked: ConsentRequest | None = None


def consent_overview(*, case: Case) -> list[ConsentState]:
    """The current consent per category and direction, and the open requests."""
    latest: dict[tuple[str, str], Consent] = {}
    for consent in case.consents.select_related("recorded_by").order_by(
        "recorded_at", "id"
    ):
        latest[(consent.category, consent.direction)] = consent
    asked = {(r.category, r.direction): r for r in open_consent_requests(case=case)}
    mb, gemeente = Consent.Direction.MB_TO_GEMEENTE, Consent.Direction.GEMEENTE_TO_MB
    return [
        ConsentState(
            category,
            str(label),
            latest.get((category, mb)),
            latest.get((category, gemeente)),
            asked.get((category, mb)),
            asked.get((category, gemeente)),
        )
        for category, label in Consent.Category.choices
    ]


def _open_requests() -> QuerySet[ConsentRequest]:
    """Requests no consent was recorded for since (given or not: answered)."""
    answered = Consent.objects.filter(
        case_id=OuterRef("case_id"),
        category=OuterRef("category"),
        direction=OuterRef("direction"),
        recorded_at__gte=OuterRef("requested_at"),
    )
    return ConsentRequest.objects.filter(~Exists(answered)).select_related(
        "requested_by"
    )


def open_consent_requests(*, case: Case) -> list[ConsentRequest]:
    """The receiving party's open requests for consent on this case."""
    return list(_open_requests().filter(case=case).order_by("requested_at", "id"))


def consent_requests_for(*, user: AbstractBaseUser) -> list[ConsentRequest]:
    """The open requests the user's side is asked to put to the statushouder: on
    the cases they may open, for the data their side holds (their task list)."""
    sides = {LANE_SIDE[g.role] for g in grants(user=user) if g.role in CONSENT_ROLES}
    directions = [d for d, holder in CONSENT_HOLDER.items() if holder in sides]
    if not directions:
        return []
    return list(
        _open_requests()
        .filter(
            direction__in=directions, case__in=visible_cases(user=user).values("pk")
        )
        .select_related("case")
        .order_by("requested_at", "id")
    )
