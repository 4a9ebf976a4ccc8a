"""The "Ik weet het zeker" step of controls that act on many people at once (a
rollback, a whole PVT session, a bulk migration, all cases of a begeleider): a
required checkbox in the same form, so it works without JavaScript (CSP allows no
inline script) and a forgotten tick changes nothing and loses nothing."""

from django import forms

CONFIRM_FIELD = "zeker"
CONFIRM_LABEL = "Ik weet het zeker"
CONFIRM_MISSING = (
    "Vink ‘Ik weet het zeker’ aan om door te gaan. Er is nog niets veranderd."
)


def confirm_field() -> forms.BooleanField:
    """The required checkbox; its error says nothing happened yet."""
    return forms.BooleanField(
        label=CONFIRM_LABEL,
        required=True,
        error_messages={"required": CONFIRM_MISSING},
    )


class ConfirmForm(forms.Form):
    """Only the checkbox, for a control that has no form of its own."""

    zeker = confirm_field()
