"""The referrals of a case, and those a user follows up on."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from forms.field_roles import CONTACT_FORM
from webui.access import CaseAccess, leefgebied_privacy, visible_cases
from webui.cases.models import Case, Referral, Submission
from webui.definitions.bundles import bundle_of


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


# A contact moment's topic (the base's choices) -> the referral's leefgebied.
CONTACT_TOPIC_LEEFGEBIED = {
    "wonen": Referral.Leefgebied.WONEN,
    "financien": Referral.Leefgebied.FINANCIEN,
    "zorg": Referral.Leefgebied.ZORG,
    "onderwijs": Referral.Leefgebied.TAAL,
    "werk": Referral.Leefgebied.WERK,
    "participatie": Referral.Leefgebied.PARTICIPATIE,
}


@dataclass(frozen=True)
class ReferralStart:
    """What a contact moment that led to a referral hands the referral form."""

    contact_on: date | None
    initial: dict[str, str]


def referral_start_from_contact(*, case: Case, contact_id: str) -> ReferralStart | None:
    """The referral form's start from the case's contact moment ``contact_id``: its
    date, and the leefgebied when the contact was about one that maps to a
    referral's; None for anything that is not a contact moment of this case."""
    submission = Submission.objects.filter(
        case=case, task_id=contact_id[:36], form_key=CONTACT_FORM
    ).first()
    if submission is None:
        return None
    definition = bundle_of(submission.version).forms.get(CONTACT_FORM)
    day = definition.field_with_role("contact_datum")
    topics_field = definition.field_with_role("contact_leefgebieden")
    topics = submission.data.get(topics_field.name) if topics_field else None
    areas = {
        CONTACT_TOPIC_LEEFGEBIED[t]
        for t in (topics if isinstance(topics, list) else [])
        if t in CONTACT_TOPIC_LEEFGEBIED
    }
    raw_day = submission.data.get(day.name) if day is not None else None
    try:
        contact_on = date.fromisoformat(raw_day) if raw_day else None
    except (TypeError, ValueError):
        contact_on = None
    return ReferralStart(
        contact_on=contact_on,
        initial={"leefgebied": str(areas.pop())} if len(areas) == 1 else {},
    )
