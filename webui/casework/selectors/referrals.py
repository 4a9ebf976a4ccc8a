"""The referrals of a case, and those a user follows up on."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from webui.access import CaseAccess, leefgebied_privacy, visible_cases
from webui.cases.models import Case, Referral


@dataclass(frozen=True)
class ReferralRow:
    referral: Referral
    reason_visible: bool


def case_referrals(*, case: Case, access: CaseAccess) -> list[ReferralRow]:
    """The case's referrals; the reason only where the viewer may read its class,
    and not even the referral where only the statushouder's consent would show it
    (a referral to schuldhulp tells as much as the debt)."""
    return [
        ReferralRow(
            referral, access.may_read(leefgebied_privacy(referral.leefgebied), "mb")
        )
        for referral in case.referrals.select_related("created_by")
        if access.shows_leefgebied(referral.leefgebied, "mb")
    ]


def referral_for(
    *, case: Case, access: CaseAccess, referral_id: int
) -> Referral | None:
    """One referral of the case, None where the viewer may not learn of it."""
    referral = case.referrals.filter(pk=referral_id).first()
    if referral is None or not access.shows_leefgebied(referral.leefgebied, "mb"):
        return None
    return referral


def follow_ups(*, user: AbstractBaseUser, today: date, days: int = 7) -> list[Referral]:
    """The referrals the user follows up on within ``days``: their own, or those of
    the cases they are vaste begeleider of."""
    return list(
        Referral.objects.filter(
            Q(created_by=user) | Q(case__begeleider=user),
            followed_up_at__isnull=True,
            follow_up_on__lte=today + timedelta(days=days),
            case__in=visible_cases(user=user).values("pk"),
        )
        .select_related("case")
        .order_by("follow_up_on", "id")
    )
