from django import forms


class LogSearchForm(forms.Form):
    dossier = forms.CharField(label="Dossier (kenmerk)", required=False, max_length=20)
    gebruiker = forms.CharField(
        label="Gebruiker",
        required=False,
        max_length=150,
        help_text="De gebruikersnaam: wat deze gebruiker deed, en wat een beheerder"
        " aan het account veranderde (rollen, uitnodiging, non-actief).",
    )
    van = forms.DateField(
        label="Van", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tot = forms.DateField(
        label="Tot en met",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
