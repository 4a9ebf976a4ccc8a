"""The portal's few forms. Labels through gettext: the statushouder reads them in
their language; the invitation form is the staff's, in Dutch."""

from django import forms
from django.utils.translation import gettext_lazy as _

from webui.cases.models import Consent

from .languages import LANGUAGES
from .sms import sms_available

# Django's own messages have no Tigrinya: the portal's forms say it in their own
# words, which the portal's catalogs translate.
REQUIRED = _("Vul dit in.")
SIX_DIGITS = _("De code heeft 6 cijfers.")


class ShortCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code van uw uitnodiging"),
        max_length=20,
        error_messages={"required": REQUIRED, "max_length": REQUIRED},
        help_text=_("De code staat op het papier dat u kreeg, bijvoorbeeld K7M2-Q9XP."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters"}
        ),
    )


class SignInCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code uit de sms of e-mail"),
        min_length=6,
        max_length=6,
        error_messages={
            "required": SIX_DIGITS,
            "min_length": SIX_DIGITS,
            "max_length": SIX_DIGITS,
        },
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]*",
                "dir": "ltr",
                "class": "code",
            }
        ),
    )


class CorrectionForm(forms.Form):
    text = forms.CharField(
        label=_("Wat klopt er niet?"),
        max_length=2000,
        error_messages={"required": REQUIRED, "max_length": REQUIRED},
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConsentForm(forms.Form):
    category = forms.ChoiceField(choices=Consent.Category.choices)
    direction = forms.ChoiceField(choices=Consent.Direction.choices)
    given = forms.TypedChoiceField(
        choices=[("ja", "ja"), ("nee", "nee")], coerce=lambda v: v == "ja"
    )


class InviteForm(forms.Form):
    """The begeleider's or coördinator's invitation (staff, Dutch)."""

    email = forms.EmailField(
        label="E-mailadres van de statushouder",
        required=False,
        help_text="Daar komen de uitnodiging en de inlogcodes, als er geen mobiel"
        " nummer is.",
    )
    phone = forms.RegexField(
        label="Mobiel nummer",
        regex=r"^\+?[0-9 ()-]{8,20}$",
        required=False,
        help_text="Daar komen de inlogcodes per sms. Bijvoorbeeld 06 12345678.",
        error_messages={
            "invalid": "Vul een mobiel nummer in, bijvoorbeeld 06 12345678."
        },
    )
    language = forms.ChoiceField(
        label="Taal",
        choices=[(lang.code, lang.name) for lang in LANGUAGES],
        help_text="De voorkeurstaal uit het dossier staat al gekozen.",
    )

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if not data.get("email") and not data.get("phone"):
            raise forms.ValidationError(
                "Vul een e-mailadres of een mobiel nummer in: daar komt de inlogcode."
            )
        if not data.get("email") and not sms_available():
            raise forms.ValidationError(
                "Er is geen sms-dienst ingesteld: vul een e-mailadres in, daar komt"
                " de inlogcode."
            )
        return data
