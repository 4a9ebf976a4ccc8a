"""Two-factor sign-in: a code from an authenticator app (TOTP, django-otp) after the
password. Required for the roles that see across cases or change what every case
runs (beheerder, privacy officer, manager); offered to everyone else under *Mijn
instellingen*.

A user with a confirmed device gives its code after every password login; a user who
must have one and has none sets one up before reaching any page
(``webui.accountpages.middleware.SecondFactorMiddleware``)."""

import base64
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

import segno
from django_otp.plugins.otp_totp.models import TOTPDevice

from webui.access import roles_held
from webui.accounts.models import Role

SECOND_FACTOR_ROLES = frozenset({Role.BEHEERDER, Role.PRIVACY, Role.MANAGER})
DEVICE_NAME = "Authenticator-app"

WRONG_CODE = (
    "Deze code klopt niet. Vul de zes cijfers in die uw app nu toont; een code is"
    " een halve minuut geldig."
)
TOO_FAST = (
    "Er is net een verkeerde code ingevuld. Wacht {seconds} seconden en probeer het"
    " dan opnieuw met de code die uw app dan toont."
)


class Step(StrEnum):
    """What a signed-in user still has to do before reaching a page."""

    CODE = "accounts:second_factor_code"
    SETUP = "accounts:second_factor_setup"


def second_factor_required(*, user: AbstractBaseUser) -> bool:
    """Whether the user's roles oblige them to sign in with a code; a superuser
    (who alone reaches the Django admin) always."""
    if getattr(user, "is_superuser", False):
        return True
    return bool(roles_held(user=user) & SECOND_FACTOR_ROLES)


def confirmed_device(*, user: AbstractBaseUser) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def second_factor_step(*, user: AbstractBaseUser) -> Step | None:
    """The step an unverified, signed-in user must take first, or None."""
    if confirmed_device(user=user) is not None:
        return Step.CODE
    if second_factor_required(user=user):
        return Step.SETUP
    return None


def device_for_setup(*, user: AbstractBaseUser) -> TOTPDevice:
    """The device being set up: the same secret until it is confirmed, so reloading
    the page does not undo a scan."""
    device = (
        TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    )
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def code_check(*, device: TOTPDevice, code: str) -> str | None:
    """Check a code against the device: None when it is right, else the Dutch
    message to show. Wrong codes slow further tries down (django-otp's throttle);
    the row lock makes one code good for one sign-in, even when sent twice at once."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    allowed, details = device.verify_is_allowed()
    if not allowed:
        locked_until = (details or {}).get("locked_until")
        seconds = 1
        if locked_until is not None:
            seconds = max(1, int((locked_until - timezone.now()).total_seconds()) + 1)
        return TOO_FAST.format(seconds=seconds)
    if device.verify_token(code):
        return None
    return WRONG_CODE


@transaction.atomic
def device_confirm(*, device: TOTPDevice, code: str) -> str | None:
    """Confirm the device being set up with its first code; it replaces any earlier
    device of the user. None on success, else the Dutch message."""
    problem = code_check(device=device, code=code)
    if problem is None:
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return problem


def devices_remove(*, user: AbstractBaseUser) -> None:
    """Turn two-factor sign-in off for a user whose roles do not require it."""
    TOTPDevice.objects.filter(user=user).delete()


def secret_text(device: TOTPDevice) -> str:
    """The secret for typing into an app by hand: base32, in groups of four."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code: an SVG data URI, drawn here
    (no outside service sees the secret)."""
    return segno.make(device.config_url, error="m").svg_data_uri(
        border=4, omitsize=True
    )
