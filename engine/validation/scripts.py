"""Scripts and expressions: Python the restricted evaluator accepts."""

import re

from lxml import etree

from ..exceptions import ScriptRefused
from ..scripting import compile_expression, compile_script
from .context import _Context
from .elements import _B, NS, _label, _nearest_with_id
from .sources import _Code, _code
from .timers import _check_timer_literal

_JUEL = re.compile(r"[$#]\{")


def _code_problem(code: _Code) -> tuple[str, str] | None:
    """What is wrong with one piece of code, and how to mend it (None if nothing)."""
    owner = _label(_nearest_with_id(code.element))
    source = code.source.strip()
    if not source:
        return (
            f"lege {code.what} bij {owner}",
            "Vul de expressie in of verwijder het veld.",
        )
    if _JUEL.search(source):
        return (
            f"{code.what} ‘{source}’ bij {owner} is een JUEL-expressie (Camunda)",
            "Wegwijs rekent met Python-expressies: schrijf bijv."
            " leerroute == \"b1\" in plaats van ${leerroute == 'b1'}.",
        )
    if source.startswith("="):
        return (
            f"{code.what} ‘{source}’ bij {owner} is een FEEL-expressie (Zeebe)",
            "Wegwijs rekent met Python-expressies: laat het = weg en schrijf"
            ' bijv. leerroute == "b1".',
        )
    language = code.element.get("language")
    if language and language.lower() not in ("python", "text/python"):
        return (
            f"{code.what} bij {owner} is in de taal ‘{language}’",
            "Wegwijs rekent alleen met Python-expressies; verwijder het"
            " language-attribuut en schrijf de expressie in Python.",
        )
    try:
        if code.kind == "script":
            compile_script(code.source)
        else:
            compile_expression(code.source)
    except ScriptRefused as exc:
        return (
            f"{code.what} ‘{source[:80]}’ bij {owner} geweigerd: {exc}",
            "Alleen wat op de lijst van docs/scripts.md staat werkt: rekenen,"
            " vergelijken, if/for/while, lijsten en woordenboeken, methoden als"
            " .strip() en .get() in scripts, deadline(); geen import, def, lambda,"
            " class of attributen van functies, en in voorwaarden geen x.y.",
        )
    return None


def _check_code(ctx: _Context, name: str, tree: etree._ElementTree) -> None:
    for code in _code(tree):
        problem = _code_problem(code)
        if problem is not None:
            ctx.error(name, code.element, *problem)
        elif code.kind.startswith("time"):
            _check_timer_literal(ctx, name, code)
    for prop in tree.xpath(
        "//spiffworkflow:property[@name='dueInDays']", namespaces=NS
    ):
        value = prop.get("value", "")
        if not value.strip().isdigit():
            ctx.error(
                name,
                prop,
                f"dueInDays ‘{value}’ is geen heel aantal dagen",
                "Vul een getal in, bijv. 14.",
            )
    for el in tree.iter(f"{_B}loopDataInputRef", f"{_B}loopDataOutputRef"):
        if not (el.text or "").strip().isidentifier():
            ctx.error(
                name,
                el,
                f"de verzameling ‘{el.text}’ is geen variabelenaam",
                "Noem de lijst met een naam uit de dossiergegevens, bijv. workshops.",
            )
