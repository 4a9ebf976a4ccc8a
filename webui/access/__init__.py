"""Need-to-know: who may see which cases, tasks, privacy classes and users. The rules
live here and nowhere else; pages, exports, commands, the admin and the API ask this
package, and a refusal is a 404.

- a begeleider sees the cases of their MB organisation they are vaste begeleider of, or
  hold an open task in, now: access follows the present assignment, so a case handed
  to a colleague closes for them (a task they once completed opens nothing, a task
  of the pool shows nothing until picked up);
- a coördinator the cases their MB organisation guides;
- a trainer the name and PVT data of the cases whose workshops they give;
- a regievoerder and a teamleider (above the regievoerders) the cases of their
  gemeente;
- a manager figures and the export, without sensitive classes (no case pages);
- a beheerder diagrams and forms, no case data;
- a privacy officer the processing log of their organisation;
- a beheerder also the users of their own organisation(s) (the Gebruikers page):
  never themselves, never a superuser, never anyone outside those organisations.

Each role reads a declared set of privacy classes; a sensitive category written by one
party (gemeente or MB organisation) reaches the other only with the statushouder's
consent for that category and direction. That consent is recorded by the party that
holds the data (CONSENT_HOLDER); the other party may ask, never record. A referral, a
chosen topic and every count inherit the class of the leefgebied they are about
(LEEFGEBIED_PRIVACY); what only consent would show is left out without a trace.

The package sits above the models of accounts, cases and tasks and below every
service and page; it owns no models and imports no view.

- ``roles``: the grants, the roles a user holds where (read once per request);
- ``classes``: the privacy classes per role, the consent rules;
- ``cases``: visible cases, one case's access, current consents, a manager's cases;
- ``tasks``: task pools, may work on, may see a task;
- ``portal``: the statushouder's own case in their portal, who invites them;
- ``privacy``: the processing log and the cases a privacy officer may search;
- ``clients``: what an API client of a gemeente or MB organisation may read (its
  organisation's cases, the classes its scopes open, the consents);
- ``organisations``: the gemeenten and organisations a user manages or works for,
  and the users a beheerder may manage.
"""

from .bulk import RegistrationPlace, registration_place, registration_places
from .cases import (
    CaseAccess,
    case_access,
    case_for_user,
    cases_for_user,
    current_consents,
    manager_cases,
    visible_cases,
)
from .classes import (
    ALL_CLASSES,
    CASE_ROLES,
    CONSENT_HOLDER,
    CONSENT_MILESTONES,
    CONSENT_ROLES,
    LEEFGEBIED_PRIVACY,
    READABLE,
    SENSITIVE,
    leefgebied_privacy,
)
from .clients import (
    SCOPE_CLASSES,
    ApiClientLike,
    client_case_access,
    client_cases,
    client_may,
    client_readable,
    client_side,
)
from .organisations import (
    Member,
    has_roles_elsewhere,
    manageable_user,
    managed_gemeenten,
    managed_organisation,
    managed_organisations,
    organisation_members,
    registering_organisations,
    related_gemeenten,
)
from .portal import INVITING_ROLES, Statushouder, may_invite, portal_case
from .privacy import is_privacy_officer, log_scope, officer_case
from .roles import Grant, grants, grants_per_request, organisations_of, roles_held
from .tasks import may_see_task, may_work_on, task_pools

__all__ = [
    "RegistrationPlace",
    "registration_place",
    "registration_places",
    "SCOPE_CLASSES",
    "ApiClientLike",
    "client_case_access",
    "client_cases",
    "client_may",
    "client_readable",
    "client_side",
    "ALL_CLASSES",
    "CASE_ROLES",
    "CONSENT_HOLDER",
    "CONSENT_MILESTONES",
    "CONSENT_ROLES",
    "LEEFGEBIED_PRIVACY",
    "READABLE",
    "SENSITIVE",
    "CaseAccess",
    "INVITING_ROLES",
    "Grant",
    "Statushouder",
    "Member",
    "case_access",
    "case_for_user",
    "cases_for_user",
    "current_consents",
    "grants",
    "grants_per_request",
    "has_roles_elsewhere",
    "is_privacy_officer",
    "leefgebied_privacy",
    "log_scope",
    "manageable_user",
    "managed_gemeenten",
    "managed_organisation",
    "managed_organisations",
    "manager_cases",
    "may_invite",
    "may_see_task",
    "may_work_on",
    "officer_case",
    "organisation_members",
    "organisations_of",
    "portal_case",
    "registering_organisations",
    "related_gemeenten",
    "roles_held",
    "task_pools",
    "visible_cases",
]
