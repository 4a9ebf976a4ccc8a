from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from webui.outbound import address_refusal

from .outbox import AFGESLOTEN


def validate_rsin(value: str) -> None:
    """An RSIN is nine digits that pass the elfproef, like a BSN."""
    if not (len(value) == 9 and value.isdigit()):
        raise ValidationError("Een RSIN bestaat uit 9 cijfers.", code="rsin_length")
    weighted = sum((9 - i) * int(d) for i, d in enumerate(value[:8]))
    if (weighted - int(value[8])) % 11:
        raise ValidationError(
            "Dit is geen geldig RSIN: de elfproef klopt niet.", code="rsin_elfproef"
        )


def _url(label: str, help_text: str = "", required: bool = False) -> forms.URLField:
    return forms.URLField(
        label=label,
        required=required,
        max_length=1000,
        assume_scheme="https",
        help_text=help_text,
    )


class ZaaksysteemForm(forms.Form):
    """The beheerder's settings for their gemeente's Zaken API; one statustype field
    per moment (``status_<key>``)."""

    active = forms.BooleanField(
        label="Dossiers bijhouden als zaak in het zaaksysteem",
        required=False,
        initial=True,
    )
    api_root = _url(
        "Adres van de Zaken API",
        "Bijvoorbeeld https://zaken.gemeente.nl/zaken/api/v1/",
        required=True,
    )
    client_id = forms.CharField(
        label="Client-ID", max_length=255, help_text="Zoals in de Autorisaties API."
    )
    secret = forms.CharField(
        label="Secret",
        max_length=255,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="Wegwijs maakt er het JWT mee volgens de ZGW-afspraak. Laat leeg"
        " om het opgeslagen secret te houden.",
    )
    bronorganisatie = forms.CharField(
        label="RSIN van de gemeente",
        max_length=9,
        validators=[validate_rsin],
        help_text="Bronorganisatie en verantwoordelijke organisatie van elke zaak.",
    )
    zaaktype = _url(
        "Zaaktype",
        "De URL van het zaaktype in de Catalogi API.",
        required=True,
    )
    resultaattype_pip = _url(
        "Resultaattype voor het vastgestelde PIP",
        "Het vastgestelde PIP (de beschikking) wordt het resultaat van de zaak.",
    )
    resultaattype_einde = _url(
        "Resultaattype bij afsluiten zonder vastgesteld PIP",
        "Een zaak sluit alleen met een resultaat.",
    )

    def __init__(
        self, *args: Any, moments: list[tuple[str, str]], has_secret: bool, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.moments = moments
        self.has_secret = has_secret
        for key, label in moments:
            self.fields[f"status_{key}"] = _url(
                label, "De URL van het statustype; leeg: geen status."
            )

    def status_fields(self) -> list[Any]:
        return [self[f"status_{key}"] for key, _label in self.moments]

    def main_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if not f.name.startswith("status_")]

    def clean_api_root(self) -> str:
        """An address Wegwijs will connect to: not into its own network."""
        url = self.cleaned_data["api_root"]
        refusal = address_refusal(url, what=str(self.fields["api_root"].label))
        if refusal:
            raise ValidationError(refusal, code="address_inward")
        return url

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("secret") and not self.has_secret:
            self.add_error("secret", "Vul het secret in.")
        if (
            data.get(f"status_{AFGESLOTEN}")
            and not data.get("resultaattype_pip")
            and not data.get("resultaattype_einde")
        ):
            self.add_error(
                "resultaattype_einde",
                "Een zaak sluit alleen met een resultaat: vul een resultaattype in,"
                " of laat de eindstatus leeg.",
            )
        return data

    def statustypen(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[f"status_{key}"]
            for key, _label in self.moments
            if self.cleaned_data.get(f"status_{key}")
        }
