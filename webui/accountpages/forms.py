import re
from datetime import date
from typing import Any

from django import forms

from webui.accounts.models import UserProfile, Weekday

# Letters, with spaces, hyphens, apostrophes and brackets: "Koerdisch (Sorani)".
_LANGUAGE = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '()\-])*")
_AREA = re.compile(r"[1-9][0-9]{1,3}")
_SEPARATORS = re.compile(r"[,;\n]+")
MAX_LANGUAGES = 12
MAX_AREAS = 30


def _items(text: str, *, split_spaces: bool = False) -> list[str]:
    parts = _SEPARATORS.split(text)
    if split_spaces:
        parts = [p for part in parts for p in part.split()]
    seen: dict[str, str] = {}
    for part in (p.strip() for p in parts):
        if part:
            seen.setdefault(part.casefold(), part)
    return list(seen.values())


class ProfileForm(forms.Form):
    """Mijn instellingen. A begeleider also fills in what the coördinator matches
    statushouders on; everybody chooses whether the daily e-mail comes."""

    languages = forms.CharField(
        label="Talen die u spreekt",
        required=False,
        max_length=300,
        help_text="Scheid de talen met komma's, bijvoorbeeld: Arabisch, Engels,"
        " Tigrinya.",
    )
    areas = forms.CharField(
        label="Werkgebied (postcodes)",
        required=False,
        max_length=300,
        help_text="De cijfers van de postcodes waar u wilt begeleiden, gescheiden met"
        " komma's: vier cijfers voor één buurt (1234), twee voor een groter"
        " gebied (12).",
    )
    hours_per_week = forms.IntegerField(
        label="Uren per week beschikbaar",
        required=False,
        min_value=0,
        max_value=60,
        error_messages={
            "invalid": "Vul een heel aantal uren in, bijvoorbeeld 6.",
            "min_value": "Vul een aantal uren van 0 tot en met 60 in.",
            "max_value": "Vul een aantal uren van 0 tot en met 60 in.",
        },
    )
    days = forms.MultipleChoiceField(
        label="Dagen waarop u meestal kunt",
        required=False,
        choices=Weekday.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    max_statushouders = forms.IntegerField(
        label="Hoeveel statushouders wilt u tegelijk begeleiden?",
        required=False,
        min_value=1,
        max_value=50,
        help_text="Leeg: geen maximum.",
        error_messages={
            "invalid": "Vul een heel aantal in, bijvoorbeeld 3.",
            "min_value": "Vul een aantal van 1 tot en met 50 in, of laat het leeg.",
            "max_value": "Vul een aantal van 1 tot en met 50 in, of laat het leeg.",
        },
    )
    away_until = forms.DateField(
        label="Afwezig tot en met",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Bijvoorbeeld tijdens een vakantie: zolang krijgt u geen nieuwe"
        " statushouders voorgesteld. Leeg: u bent beschikbaar.",
        error_messages={"invalid": "Vul een datum in als 31-12-2026."},
    )
    daily_digest = forms.BooleanField(
        label="Stuur mij één keer per dag een e-mail met mijn taken",
        required=False,
        help_text="Alleen als er iets is: nieuwe taken, taken die deze week af moeten"
        " en taken die te laat zijn. Zonder namen van statushouders.",
    )

    MATCHING = (
        "languages",
        "areas",
        "hours_per_week",
        "days",
        "max_statushouders",
        "away_until",
    )

    def __init__(self, *args: Any, matching: bool, today: date, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.matching = matching
        self.today = today
        if not matching:
            for name in self.MATCHING:
                del self.fields[name]

    @staticmethod
    def initial_from(profile: UserProfile) -> dict[str, Any]:
        return {
            "languages": ", ".join(profile.languages),
            "areas": ", ".join(profile.areas),
            "hours_per_week": profile.hours_per_week,
            "days": profile.days,
            "max_statushouders": profile.max_statushouders,
            "away_until": profile.away_until,
            "daily_digest": profile.daily_digest,
        }

    def clean_languages(self) -> list[str]:
        languages = _items(self.cleaned_data["languages"])
        wrong = [lang for lang in languages if not _LANGUAGE.fullmatch(lang)]
        if wrong:
            raise forms.ValidationError(
                f"‘{wrong[0]}’ is geen taal: gebruik alleen letters en scheid de talen"
                " met komma's, bijvoorbeeld: Arabisch, Engels."
            )
        if any(len(lang) > 40 for lang in languages):
            raise forms.ValidationError("Een taal heeft hoogstens 40 letters.")
        if len(languages) > MAX_LANGUAGES:
            raise forms.ValidationError(f"Noem hoogstens {MAX_LANGUAGES} talen.")
        return languages

    def clean_areas(self) -> list[str]:
        areas = _items(self.cleaned_data["areas"], split_spaces=True)
        wrong = [area for area in areas if not _AREA.fullmatch(area)]
        if wrong:
            raise forms.ValidationError(
                f"‘{wrong[0]}’ is geen postcodegebied: gebruik alleen de cijfers van"
                " de postcode (twee tot vier), bijvoorbeeld 1234 of 12."
            )
        if len(areas) > MAX_AREAS:
            raise forms.ValidationError(f"Noem hoogstens {MAX_AREAS} postcodegebieden.")
        return areas

    def clean_away_until(self) -> date | None:
        value = self.cleaned_data["away_until"]
        if value is not None and value < self.today:
            raise forms.ValidationError(
                "Deze datum is al voorbij. Kies een datum vanaf vandaag, of maak het"
                " veld leeg als u weer beschikbaar bent."
            )
        return value
