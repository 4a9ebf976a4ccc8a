"""Need-to-know for the statushouder's own portal (Mijn Wegwijs), and who may invite
them to it.

A statushouder is not a staff user: they sign in to the portal with a one-time code
and are then a :class:`Statushouder` principal, which reaches one case, their own.
Another case by its address is a 404, as any refusal. Each adult of a household has
a case, and an invitation, of their own.
"""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from webui.accounts.models import Role
from webui.cases.models import Case

from .cases import case_access

# Who invites a statushouder to the portal (and revokes it): the MB's people, who
# know them and hand over the printed sheet in person.
INVITING_ROLES = frozenset({Role.BEGELEIDER, Role.COORDINATOR})


@dataclass(frozen=True)
class Statushouder:
    """A statushouder signed in to the portal: through which invitation, for which
    case."""

    invitation_id: int
    case_id: int


def portal_case(*, principal: Statushouder | None, reference: str) -> Case | None:
    """The statushouder's own case, when ``reference`` names it; None otherwise (a
    404): a signed-in statushouder sees their own case only, never another's, and an
    anonymised case is no one's any more."""
    if principal is None:
        return None
    return (
        Case.objects.select_related("gemeente", "mb_organisation", "begeleider")
        .filter(pk=principal.case_id, reference=reference, anonymised_at__isnull=True)
        .first()
    )


def may_invite(*, user: AbstractBaseUser, case: Case) -> bool:
    """Whether ``user`` invites the statushouder of ``case`` to the portal (or
    revokes the invitation): their begeleider or a coördinator of the case."""
    access = case_access(user=user, case=case)
    return access is not None and bool(access.roles & INVITING_ROLES)
