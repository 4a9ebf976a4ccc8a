"""Sign-in with an organisation's own account (OpenID Connect): per gemeente or MB
organisation one identity provider, configured by that organisation's beheerder, and
the link between a person at that provider (its ``sub``) and their Wegwijs account."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from webui.accounts.models import Gemeente, MbOrganisation


class IdentityProvider(models.Model):
    """The identity provider of one organisation. The endpoints come from its
    discovery document (read when the beheerder saves); the client secret is stored
    encrypted (webui.signin.secrets) and never shown again."""

    gemeente = models.OneToOneField(
        Gemeente,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="identity_provider",
    )
    mb_organisation = models.OneToOneField(
        MbOrganisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="identity_provider",
    )
    enabled = models.BooleanField(_("aan"), default=True)
    # On: the organisation's people may not sign in with a password; only its
    # beheerders keep that way in (with their authenticator code), for when the
    # provider is down or wrongly set up (webui.signin.services.password_refusal).
    only_organisation_account = models.BooleanField(
        _("alleen inloggen met het organisatieaccount"), default=False
    )
    discovery_url = models.URLField(_("adres van de identity provider"), max_length=500)
    issuer = models.CharField(_("issuer"), max_length=500)
    authorization_endpoint = models.URLField(max_length=500)
    token_endpoint = models.URLField(max_length=500)
    userinfo_endpoint = models.URLField(max_length=500, blank=True)
    jwks_uri = models.URLField(max_length=500)
    # Where signing out of Wegwijs also ends the session at the provider (OpenID
    # Connect RP-Initiated Logout); empty when the provider offers none.
    end_session_endpoint = models.URLField(max_length=500, blank=True)
    sign_algo = models.CharField(max_length=10, default="RS256")
    client_id = models.CharField(_("client-id"), max_length=255)
    client_secret_encrypted = models.TextField(blank=True)
    scopes = models.CharField(max_length=255, default="openid profile email")
    username_claim = models.CharField(max_length=100, default="preferred_username")
    email_claim = models.CharField(max_length=100, default="email")
    roles_claim = models.CharField(max_length=100, default="groups")
    # {role code: [claim values that give it]}
    role_map = models.JSONField(default=dict, blank=True)
    # acr or amr values by which the provider says the person used more than a
    # password; empty: Wegwijs asks its own second factor as after a password.
    mfa_values = models.JSONField(default=list, blank=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(gemeente__isnull=False, mb_organisation__isnull=True)
                    | models.Q(gemeente__isnull=True, mb_organisation__isnull=False)
                ),
                name="identity_provider_of_one_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}"

    @property
    def organisation(self) -> "Gemeente | MbOrganisation":
        return self.gemeente or self.mb_organisation  # type: ignore[return-value]


class ExternalAccount(models.Model):
    """A person at an organisation's identity provider (``sub``, stable there) and
    the Wegwijs account made for them on their first sign-in."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="accounts"
    )
    subject = models.CharField(max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="external_accounts",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "subject"], name="one_account_per_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.provider})"
