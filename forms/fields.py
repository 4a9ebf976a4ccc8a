"""Dutch validators and the Django form fields that normalise what people type."""

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_BSN = re.compile(r"[0-9]{9}")
_BSN_SEPARATORS = re.compile(r"[\s.]")
_POSTCODE = re.compile(r"[1-9][0-9]{3}[A-Z]{2}")
_PHONE = re.compile(r"(?:0|\+31)[1-9][0-9]{8}")
_PHONE_SEPARATORS = re.compile(r"[\s\-()]")


def validate_bsn(value: str) -> None:
    """Raise `ValidationError` unless `value` is nine digits that pass the elfproef."""
    if not _BSN.fullmatch(value):
        raise ValidationError(_("Een BSN bestaat uit 9 cijfers."), code="bsn_length")
    weighted = sum(
        (9 - position) * int(digit) for position, digit in enumerate(value[:8])
    )
    if (weighted - int(value[8])) % 11:
        raise ValidationError(
            _("Dit is geen geldig BSN: de elfproef klopt niet."), code="bsn_elfproef"
        )


def normalise_postcode(value: str) -> str:
    """Return a Dutch postcode as "1234 AB"; anything else comes back stripped."""
    compact = re.sub(r"\s+", "", value).upper()
    if _POSTCODE.fullmatch(compact):
        return f"{compact[:4]} {compact[4:]}"
    return value.strip()


def validate_postcode(value: str) -> None:
    """Raise `ValidationError` unless `value` is a Dutch postcode, e.g. "1234 AB"."""
    if not _POSTCODE.fullmatch(re.sub(r"\s+", "", value).upper()):
        raise ValidationError(_("Vul een postcode in als 1234 AB."), code="postcode")


def normalise_phone(value: str) -> str:
    """Remove spaces, dashes and brackets; write the 0031 prefix as +31."""
    compact = _PHONE_SEPARATORS.sub("", value)
    if compact.startswith("0031"):
        return "+31" + compact[4:]
    return compact


def validate_phone(value: str) -> None:
    """Raise `ValidationError` unless `value` is a Dutch phone number."""
    if not _PHONE.fullmatch(normalise_phone(value)):
        raise ValidationError(
            _("Vul een Nederlands telefoonnummer in, zoals 06 12345678."),
            code="phone",
        )


class BsnField(forms.CharField):
    """A BSN; spaces and dots people copy from letters are removed."""

    default_validators = [validate_bsn]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return _BSN_SEPARATORS.sub("", super().to_python(value))


class PostcodeField(forms.CharField):
    """A Dutch postcode, cleaned to "1234 AB"."""

    default_validators = [validate_postcode]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "postal-code"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return normalise_postcode(super().to_python(value))


class PhoneField(forms.CharField):
    """A Dutch phone number, cleaned to digits with an optional leading +31."""

    default_validators = [validate_phone]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        return normalise_phone(super().to_python(value))


def _is_yes(value: Any) -> bool:
    return value is True or value == "ja"


class YesNoField(forms.TypedChoiceField):
    """A Ja/Nee radio whose value is a bool; "Nee" answers a required question."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            choices=[("ja", _("Ja")), ("nee", _("Nee"))],
            coerce=_is_yes,
            empty_value=None,
            **kwargs,
        )

    def prepare_value(self, value: Any) -> Any:
        # Initial values are bools (stored data); the radio buttons speak "ja"/"nee".
        if value is True:
            return "ja"
        if value is False:
            return "nee"
        return value

    def to_python(self, value: Any) -> str:
        return super().to_python(self.prepare_value(value))


# Dates outside these years are typing errors (a year 0202 for 2022); they would also
# overflow date arithmetic further on (a deadline ten weeks after 31-12-9999).
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(2100, 12, 31)


class BoundedDateField(forms.DateField):
    """A date between 1900 and 2100; anything that is not one typed date is invalid."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                attrs={
                    "type": "date",
                    "min": DATE_MIN.isoformat(),
                    "max": DATE_MAX.isoformat(),
                },
                format="%Y-%m-%d",
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        if value is not None and not isinstance(value, str | date):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not DATE_MIN <= value <= DATE_MAX:
            raise ValidationError(
                _("Vul een datum in tussen %(min)s en %(max)s."),
                code="date_range",
                params={
                    "min": DATE_MIN.strftime("%d-%m-%Y"),
                    "max": DATE_MAX.strftime("%d-%m-%Y"),
                },
            )
