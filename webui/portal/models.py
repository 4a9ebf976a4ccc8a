"""The statushouder's access to the portal, the one-time codes they sign in with,
and what they ask of the people who work on their case.

The models sit low in the house (beside the task queue's): the begeleider's queue
shows the statushouder's requests next to its tasks."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """One statushouder's access to their own case in the portal. Made by their
    begeleider or a coördinator; revoked by them (or replaced by a new invitation,
    which revokes the old one). Secrets are kept as hashes only."""

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="portal_invitations"
    )
    # The link of the e-mail and of the QR code on the printed sheet.
    token_hash = models.CharField(max_length=64, unique=True)
    # The short code on the printed sheet, to type in when there is no camera.
    short_code_hash = models.CharField(max_length=64, unique=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("mobiel nummer"), max_length=20, blank=True)
    language = models.CharField(_("taal"), max_length=5, default="nl")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Too many wrong codes: no new code is sent, none accepted, until then.
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitnodiging Mijn Wegwijs")
        verbose_name_plural = _("uitnodigingen Mijn Wegwijs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"uitnodiging {self.case_id} ({self.created_at:%Y-%m-%d})"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class SignInCode(models.Model):
    """A one-time code sent by e-mail or SMS: valid for minutes, used once, void
    after a few wrong tries."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("sms")

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="codes"
    )
    code_hash = models.CharField(max_length=64)
    channel = models.CharField(max_length=5, choices=Channel.choices)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    wrong_tries = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"code {self.invitation_id} {self.sent_at:%H:%M}"


class PortalRequest(models.Model):
    """What the statushouder asks through the portal, as work for a person: a
    contact request and a withdrawn consent for the begeleider, a correction request
    for the coördinator. Shown in their queue until handled."""

    class Kind(models.TextChoices):
        CONTACT = "contact", _("wil graag contact")
        CONSENT_WITHDRAWN = "toestemming", _("heeft toestemming ingetrokken")
        CORRECTION = "correctie", _("vraagt om correctie van gegevens")

    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="portal_requests"
    )
    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    # The role whose people handle it, at the case's MB organisation; the
    # begeleider's go to the vaste begeleider when there is one.
    role = models.CharField(_("rol"), max_length=20)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the statushouder typed (a correction request), kept as typed.
    text = models.TextField(_("toelichting"), max_length=2000, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("vraag van de statushouder")
        verbose_name_plural = _("vragen van statushouders")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["done_at", "assignee"], name="portal_request_mine"),
            models.Index(fields=["case", "done_at"], name="portal_request_case"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"
