"""Need-to-know for API clients: a system of a gemeente or an MB organisation sees
what a person of that organisation would, narrowed by its scopes. A gemeente's client
sees the gemeente's cases, an MB organisation's client the cases it guides; the
privacy classes it reads are those its scopes open (``SCOPE_CLASSES``), and the other
party's sensitive data only with the statushouder's consent, as for people
(``CaseAccess.may_read``). A case outside the organisation is a 404, a scope too
small a 403 (the API's permission, asked through ``client_may``)."""

from typing import Protocol

from django.db.models import Q, QuerySet

import vocabulary
from webui.cases.models import Case

from .cases import CaseAccess, current_consents
from .classes import SENSITIVE


class ApiClientLike(Protocol):
    """What need-to-know reads of an API client (webui/api's ApiClient)."""

    gemeente_id: int | None
    mb_organisation_id: int | None
    scopes: list[str]


# The privacy classes each reading scope opens.
SCOPE_CLASSES: dict[str, frozenset[str]] = {
    vocabulary.SCOPE_DOSSIERS: frozenset({vocabulary.NORMAAL}),
    vocabulary.SCOPE_PERSOONSGEGEVENS: frozenset({vocabulary.PERSOONSGEGEVENS}),
    vocabulary.SCOPE_BSN: frozenset({vocabulary.BSN}),
    vocabulary.SCOPE_BIJZONDER: SENSITIVE,
}


def client_side(client: ApiClientLike) -> str:
    """The party the client speaks for: "gemeente" or "mb"."""
    return "gemeente" if client.gemeente_id else "mb"


def client_may(*, client: ApiClientLike, scope: str) -> bool:
    """Whether the client's scopes include ``scope``."""
    return scope in client.scopes


def client_cases(*, client: ApiClientLike) -> QuerySet[Case]:
    """The cases the client may read: its gemeente's, or those its MB organisation
    guides. None without the scope to read dossiers."""
    if not client_may(client=client, scope=vocabulary.SCOPE_DOSSIERS):
        return Case.objects.none()
    if client.gemeente_id:
        return Case.objects.filter(gemeente_id=client.gemeente_id)
    if client.mb_organisation_id:
        return Case.objects.filter(mb_organisation_id=client.mb_organisation_id)
    return Case.objects.none()


def client_readable(client: ApiClientLike) -> frozenset[str]:
    """The privacy classes the client's scopes open."""
    return frozenset().union(
        *(SCOPE_CLASSES[s] for s in client.scopes if s in SCOPE_CLASSES)
    )


def client_case_access(*, client: ApiClientLike, case: Case) -> CaseAccess | None:
    """What the client may see of ``case``; None when it may not (a 404)."""
    if not client_cases(client=client).filter(Q(pk=case.pk)).exists():
        return None
    return CaseAccess(
        roles=frozenset(),
        sides=frozenset({client_side(client)}),
        readable=client_readable(client),
        consents=frozenset(current_consents(case=case)),
    )
