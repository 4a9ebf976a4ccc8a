from datetime import timedelta

from django import forms
from django.utils import timezone

import vocabulary


class ClientForm(forms.Form):
    name = forms.CharField(
        label="Naam van het systeem",
        max_length=100,
        help_text="Bijvoorbeeld 'Zaaksysteem gemeente' of 'Eigen clientvolgsysteem'.",
    )
    scopes = forms.MultipleChoiceField(
        label="Rechten",
        choices=list(vocabulary.API_SCOPES.items()),
        widget=forms.CheckboxSelectMultiple,
        help_text="Geef alleen wat het systeem nodig heeft.",
    )
    expires_on = forms.DateField(
        label="Geldig tot en met",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Ten hoogste twee jaar vooruit.",
    )

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].initial = timezone.localdate() + timedelta(days=365)

    def clean_expires_on(self):  # type: ignore[no-untyped-def]
        day = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if day <= today:
            raise forms.ValidationError("Kies een datum na vandaag.")
        if day > today + timedelta(days=731):
            raise forms.ValidationError("Ten hoogste twee jaar vooruit.")
        return day
