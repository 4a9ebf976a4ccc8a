from django import forms

from forms.fields import YesNoField

from .models import Consent


class ConsentForm(forms.Form):
    categorie = forms.ChoiceField(
        label="Welke gegevens",
        choices=Consent.Category.choices,
        widget=forms.RadioSelect,
    )
    richting = forms.ChoiceField(
        label="Van wie naar wie",
        choices=Consent.Direction.choices,
        widget=forms.RadioSelect,
    )
    toestemming = YesNoField(
        label="Geeft de statushouder toestemming?",
        help_text="Nee trekt een eerder gegeven toestemming in; vanaf nu is de"
        " categorie voor de andere partij weer afgeschermd.",
    )
    datum = forms.DateField(
        label="Datum", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    toelichting = forms.CharField(label="Toelichting", required=False, max_length=300)
