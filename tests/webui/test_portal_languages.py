"""The portal's catalogs: every language translates every text, keeps every
placeholder, and the committed .mo files say what the .po files say (the .mo files
are committed so that a machine without GNU gettext runs the portal as written)."""

import ast
import gettext
import re
from pathlib import Path

import pytest

from webui.portalpages.languages import LANGUAGES, from_voorkeurstaal

PORTAL = Path(__file__).resolve().parents[2] / "webui" / "portalpages"
TRANSLATED = [lang.code for lang in LANGUAGES if lang.code != "nl"]
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def po_entries(code: str) -> dict[str, str]:
    """msgid -> msgstr of a catalog (single-line entries, as the catalogs are kept)."""
    text = (PORTAL / "locale" / code / "LC_MESSAGES" / "django.po").read_text()
    pairs = re.findall(r'^msgid (".*")\nmsgstr (".*")$', text, flags=re.MULTILINE)
    return {ast.literal_eval(i): ast.literal_eval(s) for i, s in pairs if i != '""'}


def template_texts() -> set[str]:
    found = set()
    for path in (PORTAL / "templates").rglob("*"):
        if path.is_file():
            found |= set(re.findall(r'{% translate "([^"]+)" %}', path.read_text()))
    return found


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_text_is_translated_with_its_placeholders(code: str) -> None:
    entries = po_entries(code)
    assert template_texts() <= set(entries), "run makemessages for the portal"
    for msgid, msgstr in entries.items():
        assert msgstr.strip(), (code, msgid)
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(
            PLACEHOLDER.findall(msgstr)
        ), (code, msgid)


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_committed_mo_says_what_the_po_says(code: str) -> None:
    with open(PORTAL / "locale" / code / "LC_MESSAGES" / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)
    for msgid, msgstr in po_entries(code).items():
        assert catalog.gettext(msgid) == msgstr, (code, msgid)


def test_the_voorkeurstaal_of_the_case_picks_the_portal_language() -> None:
    assert from_voorkeurstaal("Arabisch") == "ar"
    assert from_voorkeurstaal("Tigrinya, een beetje Arabisch") == "ti"
    assert from_voorkeurstaal("Dari") == "fa"
    assert from_voorkeurstaal("Oekraïens") == "uk"
    assert from_voorkeurstaal("Somalisch") == "nl"
