"""API clients of a gemeente or MB organisation, their tokens, their subscriptions to
events and the deliveries of those events.

Secrets are stored hashed (SHA-256 of 256 random bits: nothing to guess, so no slow
hash is needed and a token is found by its hash). The signing key of a subscription
is kept as it is: signing with HMAC needs it."""

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import vocabulary
from webui.accounts.models import Gemeente, MbOrganisation
from webui.events.models import OutboxEvent


class ApiClient(models.Model):
    """A system of a gemeente or MB organisation that uses the API, registered by
    that organisation's beheerder."""

    name = models.CharField(_("naam"), max_length=100)
    client_id = models.CharField(_("client-id"), max_length=40, unique=True)
    secret_hash = models.CharField(max_length=64)
    gemeente = models.ForeignKey(
        Gemeente,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_clients",
    )
    mb_organisation = models.ForeignKey(
        MbOrganisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_clients",
        verbose_name=_("MB-organisatie"),
    )
    scopes = models.JSONField(_("rechten"), default=list)
    expires_at = models.DateTimeField(_("geldig tot"))
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("API-client")
        verbose_name_plural = _("API-clients")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(gemeente__isnull=False, mb_organisation__isnull=True)
                    | models.Q(gemeente__isnull=True, mb_organisation__isnull=False)
                ),
                name="api_client_of_one_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def organisation(self) -> "Gemeente | MbOrganisation":
        return self.gemeente or self.mb_organisation  # type: ignore[return-value]

    @property
    def sender(self) -> str:
        """The namespace of its references (Registration.sender)."""
        return f"api:{self.client_id}"

    @property
    def log_name(self) -> str:
        """How the processing log names it."""
        return f"API-client {self.name} ({self.client_id})"

    def usable(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now

    @property
    def scope_labels(self) -> list[str]:
        return [str(_(vocabulary.API_SCOPES.get(s, s))) for s in self.scopes]


class ApiToken(models.Model):
    """A short-lived bearer token issued by the token endpoint."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.client} tot {self.expires_at:%Y-%m-%d %H:%M}"


class Subscription(models.Model):
    """A client's subscription: these event types, to this address, signed with
    this key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="subscriptions"
    )
    url = models.URLField(_("adres"), max_length=500)
    types = models.JSONField(_("soorten"), default=list)
    signing_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnementen")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.url

    @property
    def type_labels(self) -> list[str]:
        return [str(_(vocabulary.EVENT_TYPES.get(t, t))) for t in self.types]


class Delivery(models.Model):
    """One event to one subscription: tried until the receiver says 2xx, with
    back-off, or given up after the last attempt."""

    class Status(models.TextChoices):
        PENDING = "wacht", _("wacht op verzending")
        DELIVERED = "afgeleverd", _("afgeleverd")
        FAILED = "mislukt", _("mislukt (opgegeven)")

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    # A worker that took the delivery holds it until then (no two send it at once).
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(
        _("laatste antwoord"), null=True, blank=True
    )
    last_error = models.CharField(_("laatste fout"), max_length=300, blank=True)
    last_attempt_at = models.DateTimeField(_("laatste poging"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("afgeleverd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("aflevering")
        verbose_name_plural = _("afleveringen")
        ordering = ["-next_attempt_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event"], name="one_delivery_per_event"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due")
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription}"
