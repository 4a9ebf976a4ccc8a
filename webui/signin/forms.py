from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from webui.accounts.models import Role
from webui.accounts.selectors import Organisation, assignable_roles

from .models import IdentityProvider
from .services import password_refusal


def _words(text: str) -> list[str]:
    return [w for w in text.replace(",", " ").split() if w]


class ProviderForm(forms.Form):
    """The organisation's identity provider: where it is, the client Wegwijs is
    there, which claims say who someone is and which roles they hold."""

    discovery_url = forms.URLField(
        label="Adres van de identity provider (issuer)",
        max_length=500,
        assume_scheme="https",
        help_text="Bijvoorbeeld https://login.gemeente.nl/realms/medewerkers. Wegwijs"
        " leest daar /.well-known/openid-configuration.",
        error_messages={
            "required": "Vul het adres van de identity provider in.",
            "invalid": "Dit is geen webadres. Begin met https://.",
        },
    )
    client_id = forms.CharField(
        label="Client-id",
        max_length=255,
        help_text="De naam waaronder Wegwijs bij de identity provider bekend is.",
        error_messages={"required": "Vul de client-id in."},
    )
    client_secret = forms.CharField(
        label="Client-secret",
        max_length=500,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    username_claim = forms.CharField(
        label="Claim met de gebruikersnaam",
        max_length=100,
        initial="preferred_username",
        help_text="Wordt de gebruikersnaam in Wegwijs, bijvoorbeeld preferred_username"
        " of email.",
        error_messages={"required": "Vul in welke claim de gebruikersnaam is."},
    )
    email_claim = forms.CharField(
        label="Claim met het e-mailadres",
        max_length=100,
        initial="email",
        required=False,
    )
    roles_claim = forms.CharField(
        label="Claim met de groepen of rollen",
        max_length=100,
        initial="groups",
        help_text="Een lijst van waarden, bijvoorbeeld groups of roles.",
        error_messages={"required": "Vul in welke claim de groepen bevat."},
    )
    mfa_values = forms.CharField(
        label="Waarden van acr of amr die tweestapsverificatie betekenen",
        max_length=300,
        required=False,
        help_text="Bijvoorbeeld mfa otp. Staat een van deze waarden in het ID-token"
        " (acr of amr), dan vraagt Wegwijs geen eigen inlogcode meer. Leeg: wie een"
        " rol met verplichte tweestapsverificatie heeft, geeft ook de code uit de"
        " authenticator-app.",
    )
    enabled = forms.BooleanField(
        label="Inloggen met het organisatieaccount staat aan",
        required=False,
        initial=True,
    )
    only_organisation_account = forms.BooleanField(
        label="Alleen inloggen met het organisatieaccount",
        required=False,
        initial=False,
        help_text="Medewerkers van deze organisatie kunnen dan niet meer inloggen met"
        " een wachtwoord van Wegwijs. Alleen de functioneel beheerders houden hun"
        " wachtwoord (met de code uit hun authenticator-app), om erin te kunnen als"
        " de identity provider niet werkt.",
    )

    def __init__(
        self,
        *args: Any,
        organisation: Organisation,
        provider: IdentityProvider | None,
        **kwargs: Any,
    ) -> None:
        if provider is not None:
            kwargs.setdefault(
                "initial",
                {
                    "discovery_url": provider.discovery_url,
                    "client_id": provider.client_id,
                    "username_claim": provider.username_claim,
                    "email_claim": provider.email_claim,
                    "roles_claim": provider.roles_claim,
                    "mfa_values": " ".join(provider.mfa_values),
                    "enabled": provider.enabled,
                    "only_organisation_account": provider.only_organisation_account,
                    **{
                        f"role_{role}": " ".join(values)
                        for role, values in provider.role_map.items()
                    },
                },
            )
        super().__init__(*args, **kwargs)
        self.roles = assignable_roles(organisation=organisation)
        labels = dict(Role.choices)
        for role in self.roles:
            self.fields[f"role_{role}"] = forms.CharField(
                label=f"Waarden die de rol {labels[role]} geven",
                max_length=500,
                required=False,
                help_text="Meerdere waarden met spaties ertussen, bijvoorbeeld"
                f" wegwijs-{role}. Leeg: deze rol komt niet van de identity provider.",
            )
        secret = self.fields["client_secret"]
        if provider is not None and provider.client_secret_encrypted:
            secret.help_text = (
                "Er is een client-secret bewaard; Wegwijs toont het niet. Laat dit"
                " veld leeg om het te houden, of vul een nieuw in."
            )
        else:
            secret.help_text = "Wegwijs bewaart het versleuteld en toont het nooit."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not any(
            _words(cleaned.get(f"role_{role}", "")) for role in self.roles
        ):
            raise forms.ValidationError(
                "Vul bij ten minste één rol in welke waarde van de groepen-claim die"
                " rol geeft; zonder rol kan niemand inloggen."
            )
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "discovery_url": data["discovery_url"],
            "client_id": data["client_id"],
            "client_secret": data["client_secret"],
            "username_claim": data["username_claim"],
            "email_claim": data["email_claim"],
            "roles_claim": data["roles_claim"],
            "role_map": {
                role: _words(data.get(f"role_{role}", "")) for role in self.roles
            },
            "mfa_values": _words(data["mfa_values"]),
            "enabled": data["enabled"],
            "only_organisation_account": data["only_organisation_account"],
        }


class SignInForm(AuthenticationForm):
    """Django's login form, refusing a password where the user's organisations
    sign in with their own account only (after the password was right: a wrong
    one says so as always)."""

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        refusal = password_refusal(user=user)
        if refusal:
            raise forms.ValidationError(refusal, code="organisation_account_only")
