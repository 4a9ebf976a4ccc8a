from typing import Any

from django import forms

from webui.access import RegistrationPlace

MAX_BYTES = 20 * 1024 * 1024


class UploadForm(forms.Form):
    place = forms.ChoiceField(label="Aanmelden bij")
    file = forms.FileField(
        label="Bestand (CSV of JSON)",
        help_text="Het informatieformulier van COA als .csv (kolomnamen op de eerste"
        " regel, gescheiden door ; of ,) of als .json.",
    )

    def __init__(self, *args: Any, places: list[RegistrationPlace], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.places = {place.key: place for place in places}
        self.fields["place"].choices = [(p.key, str(p)) for p in places]
        if len(places) == 1:
            self.fields["place"].initial = places[0].key

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not (name.endswith(".csv") or name.endswith(".json")):
            raise forms.ValidationError(
                "Kies een .csv- of .json-bestand.", code="file_type"
            )
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                "Het bestand is groter dan 20 MB; splits het.", code="file_size"
            )
        return upload

    def chosen_place(self) -> RegistrationPlace:
        return self.places[self.cleaned_data["place"]]
