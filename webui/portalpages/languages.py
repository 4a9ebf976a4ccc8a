"""The portal's languages: chosen at sign-in, remembered, the case's voorkeurstaal
as the default. Only the portal speaks them; the staff pages stay Dutch
(settings.LANGUAGES holds Dutch alone, so Django's LocaleMiddleware never switches a
staff page)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself
    rtl: bool = False


LANGUAGES: tuple[Language, ...] = (
    Language("nl", "Nederlands"),
    Language("en", "English"),
    Language("ar", "العربية", rtl=True),
    Language("ti", "ትግርኛ"),
    Language("fa", "دری / فارسی", rtl=True),
    Language("uk", "Українська"),
    Language("tr", "Türkçe"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
DEFAULT = "nl"

# The case's voorkeurstaal is typed in the aanmelding ("Arabisch", "Tigrinya"...):
# words that name a portal language, in Dutch and English.
_NAMES = {
    "ar": ("arabisch", "arabic"),
    "ti": ("tigrinya", "tigrinia", "tigrinja", "eritrees"),
    "fa": ("dari", "farsi", "perzisch", "persian"),
    "uk": ("oekraïens", "oekraiens", "ukrainian"),
    "tr": ("turks", "turkish"),
    "en": ("engels", "english"),
    "nl": ("nederlands", "dutch"),
}


def language_of(code: str | None) -> Language:
    """The portal language for a code; Dutch for anything unknown."""
    return BY_CODE.get(code or "", BY_CODE[DEFAULT])


def from_voorkeurstaal(typed: str) -> str:
    """The portal language a typed voorkeurstaal names first ("Tigrinya, een
    beetje Arabisch" is Tigrinya), or Dutch."""
    words = typed.strip().lower()
    found = [
        (words.find(name), code)
        for code, names in _NAMES.items()
        for name in names
        if name in words
    ]
    return min(found)[1] if found else DEFAULT
