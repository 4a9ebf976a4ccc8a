"""What a beheerder changes on the Gebruikers page: invite a user, set their roles,
switch an account off or on, send a link to set a new password. Each change is a
record in the processing log (who, whose account, which roles, why) that the
privacy officer of the organisation finds.

A beheerder never sets a password (the user chooses one through a link sent to
their own e-mail address), never makes a superuser or staff account, never changes
their own roles and never touches users outside their own organisation(s); every
service checks that again, whatever the page sent."""

import smtplib
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from webui.access import has_roles_elsewhere, manageable_user, managed_organisations
from webui.accounts.models import Gemeente, Membership, Role
from webui.accounts.selectors import Organisation, assignable_roles, roles_at
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import processing_record


class UserChangeRefused(Exception):
    """A change the beheerder may not make; the message says why, in Dutch."""


def _labels(roles: Iterable[str]) -> list[str]:
    names = dict(Role.choices)
    return [str(names[r]) for r in Role.values if r in set(roles)]


def _place(organisation: Organisation) -> dict[str, Organisation]:
    if isinstance(organisation, Gemeente):
        return {"gemeente": organisation}
    return {"mb_organisation": organisation}


def _check_organisation(actor: AbstractBaseUser, organisation: Organisation) -> None:
    if organisation not in managed_organisations(user=actor):
        raise UserChangeRefused(
            f"U bent geen functioneel beheerder van {organisation}."
        )


def _check_target(actor: AbstractBaseUser, target: AbstractBaseUser) -> None:
    if manageable_user(user=actor, pk=target.pk) is None:
        raise UserChangeRefused(
            "Deze gebruiker kunt u niet beheren: alleen collega's van uw eigen"
            " organisatie, nooit uzelf of een technisch beheerder."
        )


def _check_roles(organisation: Organisation, roles: Iterable[str]) -> None:
    wrong = set(roles) - set(assignable_roles(organisation=organisation))
    if wrong:
        raise UserChangeRefused(
            f"Bij {organisation} kunt u deze rol niet geven:"
            f" {', '.join(_labels(wrong)) or ', '.join(sorted(wrong))}."
        )


def _log(
    *,
    actor: AbstractBaseUser,
    target: AbstractBaseUser,
    what: str,
    reason: str,
    occasion: Occasion | None,
    **detail: Any,
) -> None:
    processing_record(
        user=actor,
        action=ProcessingRecord.Action.USERS,
        roles=[Role.BEHEERDER],
        detail={
            "wat": what,
            "gebruiker": target.get_username(),
            "naam": target.get_full_name(),
            **detail,
            "waarom": reason,
        },
        occasion=occasion,
    )


def _link(path: str) -> str:
    return f"{settings.WEGWIJS_BASE_URL.rstrip('/')}{path}"


def _password_link(user: AbstractBaseUser) -> str:
    """A one-time link to choose a password (Django's reset token: it stops working
    once the password changes, and after PASSWORD_RESET_TIMEOUT)."""
    return _link(
        reverse(
            "users:password_set",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    )


def _send(
    *, user: AbstractBaseUser, template: str, subject: str, **context: Any
) -> None:
    days = max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))
    body = render_to_string(
        template,
        {
            "name": user.first_name or user.get_username(),
            "username": user.get_username(),
            "link": _password_link(user),
            "days": days,
            "login_url": _link(reverse("login")),
            **context,
        },
    )
    try:
        EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[user.email],
        ).send()
    except (OSError, smtplib.SMTPException) as failed:
        # Raised inside the caller's transaction: nothing is kept of a change whose
        # e-mail did not go.
        raise UserChangeRefused(
            "De e-mail kon niet worden verstuurd, dus er is niets veranderd."
            " Probeer het over een paar minuten opnieuw."
        ) from failed


def user_invite(
    *,
    actor: AbstractBaseUser,
    organisation: Organisation,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[str],
    reason: str,
    occasion: Occasion | None = None,
) -> AbstractBaseUser:
    """A new account at ``organisation`` with ``roles`` and no usable password; the
    invitee gets an e-mail with a link to choose one. The e-mail address is the
    username."""
    roles = set(roles)
    _check_organisation(actor, organisation)
    _check_roles(organisation, roles)
    if not roles:
        raise UserChangeRefused("Kies ten minste één rol.")
    email = email.strip().lower()
    User = get_user_model()
    if User.objects.filter(username__iexact=email).exists() or (
        User.objects.filter(email__iexact=email).exists()
    ):
        raise UserChangeRefused(
            "Er is al een account met dit e-mailadres. Staat het niet in uw lijst,"
            " dan hoort het bij een andere organisatie: vraag de beheerder daar."
        )
    with transaction.atomic():
        user = User(
            username=email,
            email=email,
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            is_active=True,
            is_staff=False,
            is_superuser=False,
        )
        user.set_unusable_password()
        user.save()
        for role in roles:
            Membership.objects.create(user=user, role=role, **_place(organisation))
        _log(
            actor=actor,
            target=user,
            what="uitgenodigd",
            reason=reason,
            occasion=occasion,
            organisatie=str(organisation),
            rollen_erbij=_labels(roles),
        )
        _send(
            user=user,
            template="users/invitation.txt",
            subject="Uitnodiging voor Wegwijs",
            organisation=str(organisation),
            roles=_labels(roles),
            inviter=actor.get_full_name() or actor.get_username(),
        )
    return user


def user_roles_set(
    *,
    actor: AbstractBaseUser,
    target: AbstractBaseUser,
    roles: Mapping[Organisation, Iterable[str]],
    reason: str,
    occasion: Occasion | None = None,
) -> int:
    """Give ``target`` exactly ``roles`` at each of these organisations (all of them
    the actor's own); returns how many roles changed. One log record per
    organisation where something changed."""
    _check_target(actor, target)
    wanted = {org: set(chosen) for org, chosen in roles.items()}
    for organisation, chosen in wanted.items():
        _check_organisation(actor, organisation)
        _check_roles(organisation, chosen)
    current = {org: roles_at(target=target, organisation=org) for org in wanted}
    keeps_any = any(wanted.values()) or has_roles_elsewhere(user=actor, target=target)
    if not keeps_any:
        raise UserChangeRefused(
            "Zonder rollen kan iemand niets in Wegwijs. Werkt deze persoon niet meer"
            " bij u, zet het account dan op non-actief."
        )
    changed = 0
    with transaction.atomic():
        for organisation, chosen in wanted.items():
            added, removed = (
                chosen - current[organisation],
                current[organisation] - chosen,
            )
            if not added and not removed:
                continue
            place = _place(organisation)
            Membership.objects.filter(user=target, role__in=removed, **place).delete()
            for role in added:
                Membership.objects.create(user=target, role=role, **place)
            changed += len(added) + len(removed)
            _log(
                actor=actor,
                target=target,
                what="rollen gewijzigd",
                reason=reason,
                occasion=occasion,
                organisatie=str(organisation),
                rollen_erbij=_labels(added),
                rollen_eraf=_labels(removed),
            )
    return changed


def user_active_set(
    *,
    actor: AbstractBaseUser,
    target: AbstractBaseUser,
    active: bool,
    reason: str,
    occasion: Occasion | None = None,
) -> None:
    """Switch ``target``'s account off (they can no longer log in; their name stays
    on what they did) or on again."""
    _check_target(actor, target)
    if target.is_active == active:
        return
    if not active and has_roles_elsewhere(user=actor, target=target):
        raise UserChangeRefused(
            "Deze gebruiker werkt ook voor een andere organisatie; het account"
            " uitzetten zou dat werk ook stoppen. Haal in plaats daarvan de rollen"
            " bij uw organisatie weg."
        )
    with transaction.atomic():
        type(target).objects.filter(pk=target.pk).update(is_active=active)
        target.is_active = active
        _log(
            actor=actor,
            target=target,
            what="weer actief gemaakt" if active else "op non-actief gezet",
            reason=reason,
            occasion=occasion,
        )


def user_password_link_send(
    *,
    actor: AbstractBaseUser,
    target: AbstractBaseUser,
    occasion: Occasion | None = None,
) -> None:
    """E-mail ``target`` a link to choose a new password. The beheerder never sees
    the link nor sets the password."""
    _check_target(actor, target)
    if not target.is_active:
        raise UserChangeRefused(
            "Dit account staat op non-actief. Maak het eerst weer actief."
        )
    if not target.email:
        raise UserChangeRefused(
            "Deze gebruiker heeft geen e-mailadres, dus de link kan nergens heen."
            " Vraag de technisch beheerder het e-mailadres in te vullen."
        )
    with transaction.atomic():
        _log(
            actor=actor,
            target=target,
            what="link voor een nieuw wachtwoord gestuurd",
            reason="",
            occasion=occasion,
        )
        _send(
            user=target,
            template="users/password_link.txt",
            subject="Wegwijs: kies een nieuw wachtwoord",
            inviter=actor.get_full_name() or actor.get_username(),
        )


def organisation_continuity_set(
    *, actor: AbstractBaseUser, organisation: Organisation, on: bool
) -> None:
    """Switch on or off that the next task of a case for the same role goes to who
    completed the previous one (for the roles of ``organisation``'s side)."""
    _check_organisation(actor, organisation)
    type(organisation).objects.filter(pk=organisation.pk).update(keep_with_completer=on)
    organisation.keep_with_completer = on
