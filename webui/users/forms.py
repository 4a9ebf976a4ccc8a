from collections.abc import Iterable
from typing import Any

from django import forms

from webui.accounts.models import Role
from webui.accounts.selectors import Organisation, assignable_roles, organisation_key

REASON_HELP = (
    "Komt in het verwerkingenlog, dat de privacyfunctionaris doorzoekt. Bijvoorbeeld:"
    " {example}."
)


def _reason_field(example: str) -> forms.CharField:
    return forms.CharField(
        label="Waarom?",
        max_length=300,
        help_text=REASON_HELP.format(example=example),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": "Schrijf kort op waarom: dat komt in het verwerkingenlog.",
            "max_length": "Houd het kort: hoogstens 300 tekens.",
        },
    )


def _role_choices(organisation: Organisation) -> list[tuple[str, str]]:
    names = dict(Role.choices)
    return [(r, str(names[r])) for r in assignable_roles(organisation=organisation)]


class InviteForm(forms.Form):
    """A new colleague: name, e-mail address and roles at one organisation."""

    first_name = forms.CharField(
        label="Voornaam",
        max_length=150,
        error_messages={"required": "Vul de voornaam in."},
    )
    last_name = forms.CharField(
        label="Achternaam",
        max_length=150,
        error_messages={"required": "Vul de achternaam in."},
    )
    email = forms.EmailField(
        label="E-mailadres",
        max_length=150,
        help_text="Hierheen gaat de uitnodiging met een link om een wachtwoord te"
        " kiezen. Het e-mailadres is ook de gebruikersnaam.",
        error_messages={
            "required": "Vul het e-mailadres in.",
            "invalid": "Dit is geen e-mailadres. Vul het in als naam@voorbeeld.nl.",
        },
    )
    roles = forms.MultipleChoiceField(
        label="Rollen",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Kies ten minste één rol.",
            "invalid_choice": "Deze rol kunt u hier niet geven.",
        },
    )
    reason = _reason_field("nieuwe collega van team inburgering")

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roles"].choices = _role_choices(organisation)


class RolesForm(forms.Form):
    """The user's roles at each of the beheerder's organisations (a group of
    checkboxes per organisation), and why they change."""

    def __init__(
        self,
        *args: Any,
        organisations: Iterable[Organisation],
        current: dict[str, set[str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisations = {organisation_key(o): o for o in organisations}
        for key, organisation in self.organisations.items():
            self.fields[f"roles_{key}"] = forms.MultipleChoiceField(
                label=f"Rollen bij {organisation}",
                required=False,
                choices=_role_choices(organisation),
                initial=sorted(current.get(key, set())),
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "Deze rol kunt u hier niet geven."},
            )
        self.fields["reason"] = _reason_field("vervangt Anna tijdens haar verlof")

    def roles_by_organisation(self) -> dict[Organisation, list[str]]:
        return {
            organisation: self.cleaned_data[f"roles_{key}"]
            for key, organisation in self.organisations.items()
        }


class ActiveForm(forms.Form):
    """Switch an account off or on, with the reason."""

    reason = _reason_field("uit dienst per 1 december, of: terug na verlof")


class ContinuityForm(forms.Form):
    """Whether consecutive steps of a case stay with who did the last one."""

    keep_with_completer = forms.BooleanField(
        label="Vervolgstappen blijven bij wie de vorige stap deed",
        required=False,
    )
