"""Writes of Mijn Wegwijs: the invitation (made and revoked by the MB's people), the
sign-in with a one-time code, and what the statushouder does in their portal: ask
for contact, give or withdraw a consent, ask for a correction. Each writes its own
records in the logs."""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from webui.access import Statushouder, case_access, may_invite
from webui.accounts.models import Role
from webui.cases.models import Case, Consent
from webui.casework.services import consent_record_by_statushouder
from webui.casework.services.consent import SELF_GROUND_ROLE, STATUSHOUDER
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import audit, processing_record
from webui.portal.models import Invitation, PortalRequest, SignInCode

from .languages import BY_CODE
from .sms import sms_available, sms_send

# No 0/O, 1/I/L: a short code is read off paper and typed on a phone.
SHORT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
SHORT_LENGTH = 8


class PortalRefused(Exception):
    """The portal refuses: a Dutch message for staff, or a reason code the
    statushouder's page turns into words in their language."""


class CodeRefused(Exception):
    """A sign-in code was refused: ``reason`` is "wrong", "expired" or "locked"."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _hash(secret: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, secret.strip().upper().encode(), hashlib.sha256).hexdigest()


def _now() -> datetime:
    return timezone.now()


def _lock_window() -> timedelta:
    return timedelta(minutes=settings.WEGWIJS_PORTAL_LOCK_MINUTES)


@dataclass(frozen=True)
class NewInvitation:
    """An invitation with its secrets, shown once (on the printed sheet, in the
    e-mail) and never stored."""

    invitation: Invitation
    token: str
    short_code: str

    @property
    def path(self) -> str:
        return reverse("portal:invitation", args=[self.token])


def _staff_record(
    *, case: Case, user: AbstractBaseUser, occasion: Occasion | None, what: str
) -> None:
    if occasion is None:
        return
    access = case_access(user=user, case=case)
    roles = set(access.roles) if access is not None else set()
    processing_record(
        user=user,
        action=str(ProcessingRecord.Action.CHANGE),
        cases=[case],
        categories=["persoonsgegevens"],
        roles=roles,
        detail={"path": occasion.path, "portal": what},
        occasion=occasion,
    )


def invitation_create(
    *,
    case: Case,
    user: AbstractBaseUser,
    email: str,
    phone: str,
    language: str,
    occasion: Occasion | None = None,
) -> NewInvitation:
    """Invite the statushouder of ``case`` to their portal: a link (by e-mail, and
    as the QR code of a printed sheet) and a short code to hand over in person. An
    earlier invitation of the case is revoked: one way in at a time."""
    if not may_invite(user=user, case=case):
        raise PortalRefused(
            "Alleen de begeleider of een coördinator van dit dossier nodigt de"
            " statushouder uit."
        )
    if case.is_closed:
        raise PortalRefused("Dit dossier is afgesloten.")
    if not email and not phone:
        raise PortalRefused(
            "Vul een e-mailadres of een mobiel nummer in: daar komt de inlogcode."
        )
    if language not in BY_CODE:
        raise PortalRefused("Kies een taal uit de lijst.")
    token = secrets.token_urlsafe(24)
    short = "".join(secrets.choice(SHORT_ALPHABET) for _ in range(SHORT_LENGTH))
    now = _now()
    with transaction.atomic():
        Invitation.objects.filter(case=case, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=user
        )
        invitation = Invitation.objects.create(
            case=case,
            token_hash=_hash(token),
            short_code_hash=_hash(short),
            email=email,
            phone=phone,
            language=language,
            created_by=user,
            created_at=now,
        )
        audit(case=case, user=user, event="portal_invited", at=now)
        _staff_record(case=case, user=user, occasion=occasion, what="uitgenodigd")
    new = NewInvitation(invitation, token, short)
    if email:
        with translation.override(language):
            send_mail(
                _("Uw eigen Wegwijs"),
                _(
                    "U kunt nu uw eigen gegevens zien in Mijn Wegwijs: uw plan, uw"
                    " afspraken en uw toestemmingen.\n\nOpen deze link:\n%(link)s\n\n"
                    "U krijgt dan een code om in te loggen."
                )
                % {"link": settings.WEGWIJS_BASE_URL.rstrip("/") + new.path},
                None,
                [email],
            )
    return new


def invitation_revoke(
    *, case: Case, user: AbstractBaseUser, occasion: Occasion | None = None
) -> int:
    """Revoke the case's invitation: its link, short code and sessions stop."""
    if not may_invite(user=user, case=case):
        raise PortalRefused(
            "Alleen de begeleider of een coördinator van dit dossier trekt de"
            " uitnodiging in."
        )
    now = _now()
    with transaction.atomic():
        count = Invitation.objects.filter(case=case, revoked_at__isnull=True).update(
            revoked_at=now, revoked_by=user
        )
        if count:
            audit(case=case, user=user, event="portal_revoked", at=now)
            _staff_record(case=case, user=user, occasion=occasion, what="ingetrokken")
    return count


def invitation_by_token(*, token: str) -> Invitation | None:
    """The active invitation a link or QR code names."""
    return Invitation.objects.filter(
        token_hash=_hash(token), revoked_at__isnull=True
    ).first()


def invitation_by_short_code(*, short_code: str) -> Invitation | None:
    """The active invitation a typed short code names (spaces and case ignored)."""
    typed = "".join(short_code.split()).replace("-", "")
    if not typed:
        return None
    return Invitation.objects.filter(
        short_code_hash=_hash(typed), revoked_at__isnull=True
    ).first()


def code_send(*, invitation: Invitation, language: str) -> SignInCode:
    """Send a fresh one-time code, by SMS when there is a mobile number and an SMS
    backend, else by e-mail; earlier codes of the invitation stop working."""
    now = _now()
    if invitation.locked_until and invitation.locked_until > now:
        raise CodeRefused("locked")
    if (
        invitation.codes.filter(sent_at__gt=now - _lock_window()).count()
        >= settings.WEGWIJS_PORTAL_MAX_WRONG
    ):
        # Asking for code after code would give endless tries (and many texts).
        raise CodeRefused("locked")
    code = f"{secrets.randbelow(10**6):06d}"
    by_sms = invitation.phone and sms_available()
    channel = SignInCode.Channel.SMS if by_sms else SignInCode.Channel.EMAIL
    with transaction.atomic():
        invitation.codes.filter(used_at__isnull=True).update(used_at=now)
        sign_in = SignInCode.objects.create(
            invitation=invitation,
            code_hash=_hash(code),
            channel=channel,
            sent_at=now,
            expires_at=now + timedelta(minutes=settings.WEGWIJS_PORTAL_CODE_MINUTES),
        )
    with translation.override(language):
        text = _(
            "Uw code voor Mijn Wegwijs is %(code)s. De code werkt %(minutes)s minuten."
        ) % {
            "code": code,
            "minutes": settings.WEGWIJS_PORTAL_CODE_MINUTES,
        }
        if channel == SignInCode.Channel.SMS:
            sms_send(to=invitation.phone, text=text)
        else:
            send_mail(_("Uw code voor Mijn Wegwijs"), text, None, [invitation.email])
    return sign_in


def code_check(
    *, invitation: Invitation, code: str, occasion: Occasion | None = None
) -> Statushouder:
    """Sign in with the code last sent: right and in time gives the statushouder
    their principal; wrong counts, and after too many wrong tries the code is void
    and the invitation locked for a while. A refusal is logged as a failed login."""
    now = _now()
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        reason = ""
        if invitation.revoked_at is not None:
            reason = "expired"
        elif invitation.locked_until and invitation.locked_until > now:
            reason = "locked"
        sign_in = invitation.codes.filter(used_at__isnull=True).first()
        if not reason and (sign_in is None or sign_in.expires_at <= now):
            reason = "expired"
        if not reason and sign_in is not None:
            if hmac.compare_digest(sign_in.code_hash, _hash(code)):
                sign_in.used_at = now
                sign_in.save(update_fields=["used_at"])
                return Statushouder(
                    invitation_id=invitation.pk, case_id=invitation.case_id
                )
            sign_in.wrong_tries += 1
            reason = "wrong"
            # Wrong tries count across the codes of the last while: a new code
            # does not start the count again.
            earlier = sum(
                invitation.codes.filter(sent_at__gt=now - _lock_window())
                .exclude(pk=sign_in.pk)
                .values_list("wrong_tries", flat=True)
            )
            if earlier + sign_in.wrong_tries >= settings.WEGWIJS_PORTAL_MAX_WRONG:
                sign_in.used_at = now
                invitation.locked_until = now + timedelta(
                    minutes=settings.WEGWIJS_PORTAL_LOCK_MINUTES
                )
                invitation.save(update_fields=["locked_until"])
                reason = "locked"
            sign_in.save(update_fields=["wrong_tries", "used_at"])
    processing_record(
        user=None,
        username=STATUSHOUDER,
        action=str(ProcessingRecord.Action.LOGIN_FAILED),
        cases=[invitation.case],
        detail={"portal": reason},
        occasion=occasion,
    )
    raise CodeRefused(reason)


def principal_is_valid(*, principal: Statushouder) -> bool:
    """Whether the invitation behind a signed-in session still stands (a revoked
    invitation ends its sessions at their next request)."""
    return Invitation.objects.filter(
        pk=principal.invitation_id,
        case_id=principal.case_id,
        revoked_at__isnull=True,
    ).exists()


def language_remember(*, principal: Statushouder, language: str) -> None:
    """Remember the statushouder's chosen language on their invitation."""
    if language in BY_CODE:
        Invitation.objects.filter(pk=principal.invitation_id).update(language=language)


def _ask(
    *,
    case: Case,
    kind: str,
    role: str,
    occasion: Occasion | None,
    text: str = "",
    **detail: object,
) -> PortalRequest:
    if role == Role.BEGELEIDER and case.begeleider is None:
        # No vaste begeleider yet: the coördinatoren, who match one, pick it up.
        role = Role.COORDINATOR
    assignee = case.begeleider if role == Role.BEGELEIDER else None
    now = _now()
    with transaction.atomic():
        request = PortalRequest.objects.create(
            case=case,
            kind=kind,
            role=role,
            assignee=assignee,
            text=text,
            detail=detail,
            created_at=now,
        )
        audit(case=case, user=None, event=f"portal_{kind}", at=now, by="statushouder")
        if occasion is not None:
            processing_record(
                user=None,
                username=STATUSHOUDER,
                action=str(ProcessingRecord.Action.CHANGE),
                cases=[case],
                categories=["normaal"],
                roles=[SELF_GROUND_ROLE],
                detail={"path": occasion.path, "portal": kind},
                occasion=occasion,
            )
    return request


def contact_ask(*, case: Case, occasion: Occasion | None = None) -> PortalRequest:
    """ "Ik wil graag contact": a request in the begeleider's queue (their vaste
    begeleider's; without one, the pool of the MB's begeleiders). Asking again while
    one is open keeps that one."""
    open_one = case.portal_requests.filter(
        kind=PortalRequest.Kind.CONTACT, done_at__isnull=True
    ).first()
    if open_one is not None:
        return open_one
    return _ask(
        case=case,
        kind=PortalRequest.Kind.CONTACT,
        role=Role.BEGELEIDER,
        occasion=occasion,
    )


def correction_ask(
    *, case: Case, text: str, occasion: Occasion | None = None
) -> PortalRequest:
    """A request to correct the data held (AVG art. 16), for the coördinator."""
    text = text.strip()
    if not text:
        raise PortalRefused("empty")
    return _ask(
        case=case,
        kind=PortalRequest.Kind.CORRECTION,
        role=Role.COORDINATOR,
        occasion=occasion,
        text=text[:2000],
    )


def consent_set(
    *,
    case: Case,
    category: str,
    direction: str,
    given: bool,
    occasion: Occasion | None = None,
) -> Consent:
    """The statushouder gives or withdraws a consent; a withdrawal tells their
    begeleider (a request in the queue)."""
    with transaction.atomic():
        consent = consent_record_by_statushouder(
            case=case,
            category=category,
            direction=direction,
            given=given,
            occasion=occasion,
        )
        if not given:
            _ask(
                case=case,
                kind=PortalRequest.Kind.CONSENT_WITHDRAWN,
                role=Role.BEGELEIDER,
                occasion=None,
                category=category,
                direction=direction,
            )
    return consent


def request_done(
    *, item: PortalRequest, user: AbstractBaseUser, occasion: Occasion | None = None
) -> None:
    """Mark a statushouder's request handled: by someone of its role who may open
    the case."""
    access = case_access(user=user, case=item.case)
    if access is None or item.role not in access.roles:
        raise PortalRefused("Deze vraag handelt u niet af.")
    now = _now()
    with transaction.atomic():
        PortalRequest.objects.filter(pk=item.pk, done_at__isnull=True).update(
            done_at=now, done_by=user
        )
        audit(case=item.case, user=user, event="portal_request_done", at=now)
        _staff_record(
            case=item.case, user=user, occasion=occasion, what="vraag afgehandeld"
        )
