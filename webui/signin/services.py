"""Sign-in with the organisation's own account: what the beheerder configures, and
what one sign-in does with the claims the identity provider sends.

The decisions (docs/inloggen-met-organisatieaccount.md):

- The provider decides who someone is (``sub``, stable at that provider) and which
  roles they hold *at this organisation*, and nothing else: a first sign-in makes an
  account that belongs to this organisation only; every sign-in sets that account's
  roles here to exactly what the claims map to (roles taken away at the provider are
  gone at the next sign-in); roles at other organisations are never touched.
- Claims that map to no role: refused, with a Dutch message; for a new person
  nothing is created, for a known one their roles here are taken away.
- An account name that already belongs to another Wegwijs account (e.g. a local
  account with a password) is not taken over: refused, the beheerder decides.
- The second factor: the provider's word counts only when the beheerder listed the
  acr/amr values that mean "more than a password" and the ID token carries one of
  them; otherwise Wegwijs asks its own code exactly as after a password.

Every sign-in, refusal and change of roles is a record in the processing log; a
change of the configuration is an audit event."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from webui.access import managed_organisations
from webui.accounts.models import Gemeente, Membership, Role
from webui.accounts.selectors import (
    Organisation,
    assignable_roles,
    organisation_key,
    roles_at,
)
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import audit, processing_record

from .discovery import discover
from .models import ExternalAccount, IdentityProvider
from .secrets import secret_seal

VIA = "organisatieaccount"

NO_ROLE = (
    "U bent ingelogd bij {organisation}, maar uw account daar geeft u geen rol in"
    " Wegwijs. Er is niets aangemaakt. Vraag de functioneel beheerder van"
    " {organisation} om u een rol (groep) voor Wegwijs te geven."
)
ROLES_GONE = (
    "Uw account bij {organisation} geeft u geen rol meer in Wegwijs; uw rollen bij"
    " {organisation} zijn daarom ingetrokken. Denkt u dat dit niet klopt, vraag dan"
    " de functioneel beheerder van {organisation}."
)
NAME_TAKEN = (
    "Er bestaat al een ander Wegwijs-account met de naam {username}. Wegwijs neemt"
    " dat account niet over. Vraag de functioneel beheerder van {organisation} om"
    " hulp."
)
NO_NAME = (
    "Uw account bij {organisation} stuurt geen bruikbare gebruikersnaam mee (claim"
    " '{claim}'). Vraag de functioneel beheerder van {organisation} dit na te kijken."
)
INACTIVE = (
    "Uw Wegwijs-account staat op non-actief. Vraag de functioneel beheerder van"
    " {organisation} om het weer aan te zetten."
)


class ProviderChangeRefused(Exception):
    """A configuration the beheerder may not save; the message says why in Dutch."""


# ---- what the beheerder configures ----


def provider_of(*, organisation: Organisation) -> IdentityProvider | None:
    place = (
        {"gemeente": organisation}
        if isinstance(organisation, Gemeente)
        else {"mb_organisation": organisation}
    )
    return IdentityProvider.objects.filter(**place).first()


def _values(words: Iterable[str]) -> list[str]:
    return sorted({w.strip() for w in words if w and w.strip()})


def provider_save(
    *,
    actor: AbstractBaseUser,
    organisation: Organisation,
    discovery_url: str,
    client_id: str,
    client_secret: str,
    username_claim: str,
    email_claim: str,
    roles_claim: str,
    role_map: Mapping[str, Iterable[str]],
    mfa_values: Iterable[str],
    enabled: bool,
    only_organisation_account: bool = False,
) -> IdentityProvider:
    """Save the organisation's identity provider. The discovery document is read
    first (DiscoveryFailed when that fails: nothing is saved). An empty
    ``client_secret`` keeps the stored one."""
    if organisation not in managed_organisations(user=actor):
        raise ProviderChangeRefused(
            f"U bent geen functioneel beheerder van {organisation}."
        )
    allowed = set(assignable_roles(organisation=organisation))
    mapping = {role: _values(values) for role, values in role_map.items()}
    mapping = {role: values for role, values in mapping.items() if values}
    if set(mapping) - allowed:
        raise ProviderChangeRefused(
            f"Bij {organisation} kunnen deze rollen niet: "
            f"{', '.join(sorted(set(mapping) - allowed))}."
        )
    if not mapping:
        raise ProviderChangeRefused(
            "Geef bij ten minste één rol aan welke waarde van de rollen-claim die rol"
            " geeft; zonder rol kan niemand inloggen."
        )
    existing = provider_of(organisation=organisation)
    if not client_secret and (existing is None or not existing.client_secret_encrypted):
        raise ProviderChangeRefused("Vul het client-secret in.")
    endpoints = discover(discovery_url)
    # A ``sub`` is unique at one issuer only: accounts linked through another
    # issuer are unlinked, so that nobody at the new provider reaches them.
    unlink = existing is not None and existing.issuer != endpoints["issuer"]
    provider = existing or IdentityProvider(
        **(
            {"gemeente": organisation}
            if isinstance(organisation, Gemeente)
            else {"mb_organisation": organisation}
        )
    )
    provider.discovery_url = discovery_url.strip()
    for name, value in endpoints.items():
        setattr(provider, name, value)
    provider.client_id = client_id.strip()
    if client_secret:
        provider.client_secret_encrypted = secret_seal(client_secret)
    provider.username_claim = username_claim.strip()
    provider.email_claim = email_claim.strip()
    provider.roles_claim = roles_claim.strip()
    provider.role_map = mapping
    provider.mfa_values = _values(mfa_values)
    provider.enabled = enabled
    provider.only_organisation_account = only_organisation_account
    with transaction.atomic():
        provider.save()
        unlinked = (
            ExternalAccount.objects.filter(provider=provider).delete()[0]
            if unlink
            else 0
        )
        audit(
            case=None,
            user=actor,
            event="organisatieaccount_ingesteld",
            at=timezone.now(),
            organisatie=str(organisation),
            issuer=provider.issuer,
            client_id=provider.client_id,
            secret_gewijzigd=bool(client_secret),
            rollen={role: values for role, values in mapping.items()},
            aan=enabled,
            alleen_organisatieaccount=only_organisation_account,
            ontkoppelde_accounts=unlinked,
        )
    return provider


def providers_for_login() -> list[tuple[str, IdentityProvider]]:
    """The organisations that sign in with their own account, as the login page
    offers them: (key for the address, provider)."""
    found = IdentityProvider.objects.filter(enabled=True).select_related(
        "gemeente", "mb_organisation"
    )
    rows = [(organisation_key(p.organisation), p) for p in found]
    return sorted(rows, key=lambda row: row[1].organisation.naam.casefold())


def provider_for_login(*, key: str) -> IdentityProvider | None:
    for found_key, provider in providers_for_login():
        if found_key == key:
            return provider
    return None


def enabled_provider(*, pk: int) -> IdentityProvider | None:
    return IdentityProvider.objects.filter(pk=pk, enabled=True).first()


def end_session_url(*, provider_pk: Any, id_token: str, return_to: str) -> str:
    """Where to send the browser so that the provider ends its session too
    (OpenID Connect RP-Initiated Logout 1.0), or "" when it offers no such
    endpoint. ``return_to`` must be registered at the provider as a
    post-logout redirect address (the beheerder's page says which)."""
    provider = (
        IdentityProvider.objects.filter(pk=provider_pk).first() if provider_pk else None
    )
    if provider is None or not provider.end_session_endpoint:
        return ""
    params = {"client_id": provider.client_id, "post_logout_redirect_uri": return_to}
    if id_token:
        params["id_token_hint"] = id_token
    endpoint = provider.end_session_endpoint
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(params)}"


PASSWORD_REFUSED = (
    "Medewerkers van {organisations} loggen in met het account van hun organisatie,"
    " niet met een wachtwoord van Wegwijs. Kies hieronder 'Inloggen met het account"
    " van …'."
)


def password_refusal(*, user: AbstractBaseUser) -> str:
    """Why ``user`` may not sign in with a password (Dutch), or "" when they may.

    Refused when every organisation the user works for has switched on "alleen
    inloggen met het organisatieaccount" (on an enabled provider). The break-glass
    way in: a beheerder of any of them keeps the password (and their authenticator
    code, which a beheerder always gives), so that a provider that is down or
    wrongly set up can be switched off; a superuser (technisch beheer) too."""
    if getattr(user, "is_superuser", False):
        return ""
    memberships = list(
        Membership.objects.filter(user=user).values_list(
            "role", "gemeente_id", "mb_organisation_id"
        )
    )
    if not memberships or any(role == Role.BEHEERDER for role, _g, _m in memberships):
        return ""
    gemeenten = {g for _r, g, _m in memberships if g}
    mbs = {m for _r, _g, m in memberships if m}
    strict = IdentityProvider.objects.filter(
        enabled=True, only_organisation_account=True
    ).select_related("gemeente", "mb_organisation")
    required = [
        p for p in strict if p.gemeente_id in gemeenten or p.mb_organisation_id in mbs
    ]
    if len(required) < len(gemeenten) + len(mbs):
        return ""  # somewhere the user works, a password still opens Wegwijs
    names = sorted(str(p.organisation) for p in required)
    return PASSWORD_REFUSED.format(organisations=" en ".join(names))


# ---- one sign-in ----


@dataclass
class SignIn:
    """What a sign-in came to: the user (None when refused, with the message),
    their roles at the organisation, whether the provider asserted MFA."""

    user: Any = None
    message: str = ""
    roles: set[str] = field(default_factory=set)
    mfa: bool = False


def roles_from_claims(
    *, provider: IdentityProvider, claims: Mapping[str, Any]
) -> set[str]:
    """The Wegwijs roles the claims give at the provider's organisation."""
    raw = claims.get(provider.roles_claim)
    if isinstance(raw, str):
        values = set(raw.replace(",", " ").split())
    elif isinstance(raw, list | tuple):
        values = {str(v) for v in raw}
    else:
        values = set()
    allowed = set(assignable_roles(organisation=provider.organisation))
    return {
        role
        for role, wanted in provider.role_map.items()
        if role in allowed and values & set(wanted)
    }


def mfa_asserted(*, provider: IdentityProvider, claims: Mapping[str, Any]) -> bool:
    """Whether the ID token says the person used more than a password, in the
    words (acr or amr values) the beheerder listed."""
    accepted = set(provider.mfa_values)
    if not accepted:
        return False
    amr = claims.get("amr")
    methods = {str(m) for m in amr} if isinstance(amr, list) else set()
    return str(claims.get("acr", "")) in accepted or bool(methods & accepted)


def _labels(roles: Iterable[str]) -> list[str]:
    names = dict(Role.choices)
    return [str(names[r]) for r in Role.values if r in set(roles)]


def _refuse(
    *,
    provider: IdentityProvider,
    user: Any,
    tried: str,
    reason: str,
    message: str,
    occasion: Occasion | None,
    ip: str,
) -> SignIn:
    processing_record(
        user=user,
        username=tried[:150],
        action=str(ProcessingRecord.Action.LOGIN_FAILED),
        detail={
            "via": VIA,
            "organisatie": str(provider.organisation),
            "organisatie_sleutel": organisation_key(provider.organisation),
            "reden": reason,
            "ip": ip,
        },
        occasion=occasion,
    )
    return SignIn(message=message)


def _roles_set(
    *,
    provider: IdentityProvider,
    user: Any,
    roles: set[str],
    created: bool,
    occasion: Occasion | None,
) -> None:
    """Give ``user`` exactly ``roles`` at the provider's organisation (one log
    record when something changed)."""
    organisation = provider.organisation
    place = (
        {"gemeente": organisation}
        if isinstance(organisation, Gemeente)
        else {"mb_organisation": organisation}
    )
    current = roles_at(target=user, organisation=organisation)
    added, removed = roles - current, current - roles
    if not added and not removed:
        return
    Membership.objects.filter(user=user, role__in=removed, **place).delete()
    for role in sorted(added):
        Membership.objects.create(user=user, role=role, **place)
    processing_record(
        user=user,
        action=str(ProcessingRecord.Action.USERS),
        detail={
            "wat": "account aangemaakt" if created else "rollen gewijzigd",
            "gebruiker": user.get_username(),
            "naam": user.get_full_name(),
            "organisatie": str(organisation),
            "organisatie_sleutel": organisation_key(organisation),
            "rollen_erbij": _labels(added),
            "rollen_eraf": _labels(removed),
            "waarom": f"volgens het organisatieaccount ({provider.issuer})",
        },
        occasion=occasion,
    )


def _claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name) if name else None
    return value.strip() if isinstance(value, str) else ""


@transaction.atomic
def sign_in_complete(
    *,
    provider: IdentityProvider,
    claims: Mapping[str, Any],
    occasion: Occasion | None = None,
    ip: str = "",
) -> SignIn:
    """One sign-in with verified claims (ID token and userinfo): find or make the
    account, set its roles here from the claims, and log it. A refusal comes back
    with its Dutch message; what it changed (roles taken away) stays."""
    organisation = provider.organisation
    words = {"organisation": str(organisation)}
    subject = str(claims.get("sub") or "")
    username = _claim(claims, provider.username_claim)
    roles = roles_from_claims(provider=provider, claims=claims)
    link = (
        ExternalAccount.objects.select_related("user")
        .filter(provider=provider, subject=subject)
        .first()
        if subject
        else None
    )
    common = {"provider": provider, "occasion": occasion, "ip": ip}
    if link is None:
        if not roles:
            return _refuse(
                user=None,
                tried=username,
                reason="geen rol in de claims",
                message=NO_ROLE.format(**words),
                **common,
            )
        if not subject or not username or len(username) > 150:
            claim = provider.username_claim if subject else "sub"
            return _refuse(
                user=None,
                tried=username,
                reason=f"claim {claim} ontbreekt",
                message=NO_NAME.format(claim=claim, **words),
                **common,
            )
        users = get_user_model().objects
        taken = users.filter(username__iexact=username).first()
        if taken is not None:
            return _refuse(
                user=taken,
                tried=username,
                reason="gebruikersnaam hoort bij een ander account",
                message=NAME_TAKEN.format(username=username, **words),
                **common,
            )
        user = users.create_user(username)  # no password: it signs in here only
        ExternalAccount.objects.create(provider=provider, subject=subject, user=user)
        created = True
    else:
        user = link.user
        created = False
    if not user.is_active:
        return _refuse(
            user=user,
            tried=user.get_username(),
            reason="account non-actief",
            message=INACTIVE.format(**words),
            **common,
        )
    email = _claim(claims, provider.email_claim)
    names = {
        "email": email[:254] or user.email,
        "first_name": _claim(claims, "given_name")[:150] or user.first_name,
        "last_name": _claim(claims, "family_name")[:150] or user.last_name,
    }
    if any(getattr(user, k) != v for k, v in names.items()):
        for key, value in names.items():
            setattr(user, key, value)
        user.save(update_fields=list(names))
    _roles_set(
        provider=provider, user=user, roles=roles, created=created, occasion=occasion
    )
    if not roles:
        return _refuse(
            user=user,
            tried=user.get_username(),
            reason="geen rol meer in de claims; rollen ingetrokken",
            message=ROLES_GONE.format(**words),
            **common,
        )
    mfa = mfa_asserted(provider=provider, claims=claims)
    processing_record(
        user=user,
        action=str(ProcessingRecord.Action.LOGIN),
        roles=roles,
        detail={
            "via": VIA,
            "organisatie": str(organisation),
            "organisatie_sleutel": organisation_key(organisation),
            "issuer": provider.issuer,
            "tweede_factor_door_idp": mfa,
            "ip": ip,
        },
        occasion=occasion,
    )
    return SignIn(user=user, roles=roles, mfa=mfa)
