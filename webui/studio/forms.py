"""The studio's small forms: deploy note, upload, new files, migration choices,
scenarios."""

import re

from django import forms
from django.core.exceptions import ValidationError

from forms.jsontext import JsonTooDeep, json_loads
from webui.definitions.files import MAX_ZIP_BYTES

_KEY = re.compile(r"[a-z][a-z0-9_]{1,60}")


class DeployForm(forms.Form):
    note = forms.CharField(
        label="Wat is er veranderd?",
        help_text="Deze toelichting staat bij de versie, zodat collega's later weten"
        " waarom.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UploadForm(forms.Form):
    bestand = forms.FileField(
        label="Bestand",
        help_text="Een .bpmn-diagram (bijv. uit Camunda Modeler of bpmn.io), een"
        " formulier (.json) of een .zip met beide. Het komt in het concept; er wordt"
        " nog niets in gebruik genomen.",
    )

    def clean_bestand(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["bestand"]
        if upload.size > MAX_ZIP_BYTES:
            raise ValidationError(
                f"Het bestand is groter dan {MAX_ZIP_BYTES // 1_000_000} MB."
            )
        return upload


class NewDiagramForm(forms.Form):
    naam = forms.CharField(
        label="Naam van het nieuwe proces",
        help_text="Bijv. ‘Taalmaatje koppelen’. Het diagram begint met vier lanes"
        " (een per rol), een start, één taak en een einde.",
        max_length=80,
    )


class NewFormForm(forms.Form):
    sleutel = forms.CharField(
        label="Sleutel",
        help_text="Kleine letters, cijfers en _, bijv. taalmaatje_koppelen. Met deze"
        " sleutel kiest een taak het formulier.",
        max_length=61,
    )
    titel = forms.CharField(label="Titel", max_length=120)

    def clean_sleutel(self) -> str:
        key = self.cleaned_data["sleutel"].strip()
        if not _KEY.fullmatch(key):
            raise ValidationError(
                "Gebruik kleine letters, cijfers en _, beginnend met een letter."
            )
        return key


class NewTableForm(forms.Form):
    tabel_naam = forms.CharField(
        label="Naam van de nieuwe beslistabel",
        help_text="Bijv. ‘Aantal PVT-workshops’. Een beslistaak in een diagram"
        " gebruikt de tabel.",
        max_length=80,
    )
    invoer = forms.CharField(
        label="Invoer (variabele)",
        help_text="Waarop de tabel beslist, bijv. leerroute.",
        max_length=61,
    )
    uitkomst = forms.CharField(
        label="Uitkomst (variabele)",
        help_text="Wat de tabel zet, bijv. pvt_aantal.",
        max_length=61,
    )

    def _name(self, field: str) -> str:
        value = self.cleaned_data[field].strip()
        if not _KEY.fullmatch(value):
            raise ValidationError(
                "Gebruik kleine letters, cijfers en _, beginnend met een letter."
            )
        return value

    def clean_invoer(self) -> str:
        return self._name("invoer")

    def clean_uitkomst(self) -> str:
        return self._name("uitkomst")


class MigrationForm(forms.Form):
    doel = forms.TypedChoiceField(label="Naar versie", coerce=int)
    van = forms.TypedChoiceField(
        label="Dossiers van versie", coerce=int, required=False, empty_value=None
    )
    fase = forms.ChoiceField(label="In fase", required=False)
    dossiers = forms.CharField(
        label="Alleen deze dossiers",
        help_text="Kenmerken, gescheiden door spaties of komma's. Leeg: alle dossiers"
        " die aan de andere keuzes voldoen.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, versions=(), phases=(), **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["doel"].choices = [(v.number, v.label) for v in versions]
        self.fields["van"].choices = [("", "alle versies")] + [
            (v.number, v.label) for v in versions
        ]
        self.fields["fase"].choices = [("", "alle fasen"), *phases]

    def references(self) -> list[str]:
        text = self.cleaned_data.get("dossiers") or ""
        return [ref for ref in re.split(r"[\s,;]+", text.strip()) if ref]


def settings_form_class(rules):  # type: ignore[no-untyped-def]
    """A form with one field per setting the law leaves to the gemeente."""
    fields = {}
    for rule in rules.values():
        help_text = rule.grond
        if rule.type == "getal":
            fields[rule.key] = forms.IntegerField(
                label=rule.label,
                min_value=rule.minimum,
                max_value=rule.maximum,
                help_text=help_text,
            )
        elif rule.type == "keuze":
            fields[rule.key] = forms.ChoiceField(
                label=rule.label,
                choices=rule.choices,
                widget=forms.RadioSelect,
                help_text=help_text,
            )
        else:
            fields[rule.key] = forms.BooleanField(
                label=rule.label, required=False, help_text=help_text
            )
    return type("SettingsForm", (forms.Form,), fields)


def _json_object(text: str, what: str) -> dict:
    if not text.strip():
        return {}
    try:
        value = json_loads(text)
    except (ValueError, JsonTooDeep) as exc:
        raise ValidationError(f"{what} is geen geldige JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise ValidationError(f"{what} is een JSON-object: {{ … }}")
    return value


class ScenarioSaveForm(forms.Form):
    """A proefdossier kept as a scenario: what happens with these answers now is what
    must happen on every later deploy."""

    naam = forms.CharField(label="Naam", max_length=200)
    bewijst = forms.CharField(
        label="Wat het bewijst",
        help_text="Bijv. ‘Bij ontheffing geen PVT; PIP-termijn 10 weken na"
        " binnenkomst’.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    start = forms.CharField(
        label="Antwoorden bij de aanmelding (JSON, mag leeg)",
        help_text='Bijv. {"datum_binnenkomst": "2026-02-02"}. Wat leeg blijft, krijgt'
        " het gewone antwoord van de proefrit.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    antwoorden = forms.CharField(
        label="Antwoorden per taak (JSON, mag leeg)",
        help_text='Per taak-id of formuliersleutel, bijv. {"pip_opstellen":'
        ' {"inburgeringsplicht_besluit": "ontheffing"}}; een lijst geeft per ronde'
        " een antwoord.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_start(self) -> dict:
        return _json_object(self.cleaned_data["start"], "De aanmelding")

    def clean_antwoorden(self) -> dict:
        return _json_object(self.cleaned_data["antwoorden"], "De antwoorden")


class ScenarioUploadForm(forms.Form):
    bestand = forms.FileField(
        label="Scenario (.json)",
        help_text="Een scenario als JSON-bestand, zoals beschreven in"
        " docs/scenarios.md.",
    )

    def clean_bestand(self) -> dict:
        upload = self.cleaned_data["bestand"]
        if upload.size > 200_000:
            raise ValidationError("Een scenario is kleiner dan 200 kB.")
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError("Het bestand is geen UTF-8-tekst.") from exc
        return _json_object(text, "Het bestand")
