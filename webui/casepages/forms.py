from django import forms

from forms.fields import YesNoField
from webui.cases.models import Consent, Referral


def _offer_directions(form: forms.Form, directions: list[str]) -> None:
    """Offer only the directions the user may choose; another one posted is a
    form error."""
    field = form.fields["richting"]
    assert isinstance(field, forms.ChoiceField)
    field.choices = [c for c in Consent.Direction.choices if c[0] in directions]
    if len(directions) == 1:
        field.initial = directions[0]


class ConsentForm(forms.Form):
    """Consent as the statushouder gave it, for the directions the user's side
    records (the side that holds the data)."""

    categorie = forms.ChoiceField(
        label="Welke gegevens",
        choices=Consent.Category.choices,
        widget=forms.RadioSelect,
    )
    richting = forms.ChoiceField(
        label="Van wie naar wie",
        choices=Consent.Direction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Deze richting legt u niet vast: toestemming legt de"
            " partij vast die de gegevens heeft. U kunt er wel om vragen."
        },
    )
    toestemming = YesNoField(
        label="Geeft de statushouder toestemming?",
        help_text="Nee trekt een eerder gegeven toestemming in; vanaf nu is de"
        " categorie voor de andere partij weer afgeschermd.",
    )
    wijze = forms.ChoiceField(
        label="Hoe gaf de statushouder dit aan?",
        choices=Consent.Way.choices,
        widget=forms.RadioSelect,
    )
    datum = forms.DateField(
        label="Op welke datum",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    toelichting = forms.CharField(label="Toelichting", required=False, max_length=300)

    def __init__(self, *args, directions: list[str], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        _offer_directions(self, directions)


class ConsentRequestForm(forms.Form):
    """The receiving party asks the party that holds the data to ask for consent."""

    categorie = forms.ChoiceField(
        label="Voor welke gegevens",
        choices=Consent.Category.choices,
        widget=forms.RadioSelect,
    )
    richting = forms.ChoiceField(
        label="Van wie naar wie",
        choices=Consent.Direction.choices,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": "Om deze toestemming vraagt u niet: uw organisatie"
            " heeft die gegevens zelf en legt de toestemming vast."
        },
    )
    toelichting = forms.CharField(
        label="Waarom heeft u de gegevens nodig?",
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Dit ziet de andere partij bij het verzoek.",
    )

    def __init__(self, *args, directions: list[str], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        _offer_directions(self, directions)


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


RUNNING_NEEDS_DATE = (
    "Vul in wanneer u de verwijzing weer opvolgt: zonder datum verdwijnt een"
    " verwijzing die nog loopt uit uw takenlijst."
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
        help_text="Verplicht als de verwijzing nog loopt: op die dag staat de"
        " opvolging weer in uw takenlijst.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict:
        """A referral that still runs keeps a date to follow it up on; without one
        it would leave the follow-up list for good."""
        data = super().clean()
        if data.get("uitkomst") == Referral.Outcome.RUNNING and not data.get(
            "volgende_opvolging"
        ):
            self.add_error("volgende_opvolging", RUNNING_NEEDS_DATE)
        return data


class ReopenForm(forms.Form):
    reden = forms.CharField(
        label="Waarom wordt het dossier heropend?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Bijvoorbeeld: de statushouder is teruggekomen met een nieuwe"
        " hulpvraag. De reden komt in het verloop van het dossier.",
    )


class DateCorrectionForm(forms.Form):
    """A wrongly entered date corrected by the regievoerder, with a reason."""

    veld = forms.ChoiceField(label="Welke datum is onjuist?", widget=forms.RadioSelect)
    datum = forms.DateField(
        label="De juiste datum",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": "Vul de juiste datum in.",
            "invalid": "Vul een geldige datum in, bijvoorbeeld 2026-03-02.",
        },
    )
    reden = forms.CharField(
        label="Waarom wordt de datum gecorrigeerd?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Bijvoorbeeld: bij de aanmelding was de datum geschat; volgens de"
        " sleuteloverdracht woont de statushouder sinds deze datum in de gemeente."
        " De reden, de oude en de nieuwe datum komen in het verloop van het dossier.",
        error_messages={"required": "Geef een reden voor de correctie."},
    )

    def __init__(self, *args, dates: dict[str, str], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        field = self.fields["veld"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(dates.items())
        if dates:
            field.initial = next(iter(dates))
