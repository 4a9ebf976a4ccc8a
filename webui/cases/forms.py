from django import forms

from forms.fields import YesNoField

from .models import Consent, Referral


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


class ReferralForm(forms.Form):
    organisatie = forms.CharField(label="Naar welke organisatie", max_length=200)
    leefgebied = forms.ChoiceField(
        label="Over welk leefgebied",
        choices=Referral.Leefgebied.choices,
        widget=forms.RadioSelect,
    )
    reden = forms.CharField(
        label="Waarom",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Wat speelt er en wat kan de organisatie doen. Gevoelige zaken"
        " (gezondheid, schulden, juridisch) ziet de gemeente alleen met toestemming.",
    )
    toestemming = YesNoField(
        label="Geeft de statushouder toestemming voor deze verwijzing?",
        help_text="Zonder toestemming wordt er niet doorverwezen.",
    )
    opvolgen_op = forms.DateField(
        label="Opvolgen op",
        help_text="Op die dag staat de opvolging in uw takenlijst.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class FollowUpForm(forms.Form):
    uitkomst = forms.ChoiceField(
        label="Hoe is het gegaan?",
        choices=Referral.Outcome.choices,
        widget=forms.RadioSelect,
    )
    toelichting = forms.CharField(
        label="Toelichting",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    volgende_opvolging = forms.DateField(
        label="Volgende opvolging (als het nog loopt)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ReopenForm(forms.Form):
    reden = forms.CharField(
        label="Waarom wordt het dossier heropend?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Bijvoorbeeld: de statushouder is teruggekomen met een nieuwe"
        " hulpvraag. De reden komt in het verloop van het dossier.",
    )
