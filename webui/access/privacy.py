"""What a privacy officer may search: the processing log of their organisation(s),
and the cases of those organisations (for an inzageverzoek)."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from webui.accounts.models import Membership, Role
from webui.cases.models import Case
from webui.logs.models import ProcessedSubject, ProcessingRecord

from .roles import organisations_of


def is_privacy_officer(*, user: AbstractBaseUser) -> bool:
    gemeenten, mbs = organisations_of(user=user, role=Role.PRIVACY)
    return bool(gemeenten or mbs)


# Records of a sign-in with an organisation's own account (webui.signin) name that
# organisation (``organisatie_sleutel``): a refused person may have no account, or no
# role there any more, and the organisation's privacy officer still finds them.
SIGN_IN_ACTIONS = (
    ProcessingRecord.Action.LOGIN,
    ProcessingRecord.Action.LOGIN_FAILED,
    ProcessingRecord.Action.USERS,
)


def log_scope(*, user: AbstractBaseUser) -> QuerySet[ProcessingRecord]:
    """The records a privacy officer may search: about the cases of their
    organisation(s), by people who work there, or of sign-ins with the
    organisation's own account."""
    gemeenten, mbs = organisations_of(user=user, role=Role.PRIVACY)
    if not gemeenten and not mbs:
        return ProcessingRecord.objects.none()
    members = Membership.objects.filter(
        Q(gemeente_id__in=gemeenten) | Q(mb_organisation_id__in=mbs)
    ).values("user_id")
    # The organisations as accounts.selectors.organisation_key names them.
    keys = [f"gemeente-{pk}" for pk in gemeenten] + [f"mb-{pk}" for pk in mbs]
    # EXISTS per record, not a join: each record once without DISTINCT (which on
    # a year's log sorted every record in scope before the first page), and a
    # search that finds few records (by kenmerk, by user) checks just those few
    # against the organisation instead of reading all of its subjects first.
    about = ProcessedSubject.objects.filter(record_id=OuterRef("pk")).filter(
        Q(gemeente_id__in=gemeenten) | Q(mb_organisation_id__in=mbs)
    )
    return ProcessingRecord.objects.filter(
        Exists(about)
        | Q(user_id__in=members)
        | Q(action__in=SIGN_IN_ACTIONS, detail__organisatie_sleutel__in=keys)
    )


def officer_case(*, user: AbstractBaseUser, reference: str) -> Case | None:
    """The case with this reference if it belongs to the officer's organisation(s)."""
    gemeenten, mbs = organisations_of(user=user, role=Role.PRIVACY)
    return (
        Case.objects.filter(
            Q(gemeente_id__in=gemeenten) | Q(mb_organisation_id__in=mbs)
        )
        .filter(reference=reference.strip())
        .select_related("gemeente", "mb_organisation")
        .first()
    )
