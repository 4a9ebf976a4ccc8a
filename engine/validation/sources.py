"""Every piece of code in a diagram: conditions, timers, scripts and expressions."""

from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from .elements import _B, _S, NS


@dataclass(frozen=True)
class _Code:
    element: etree._Element
    source: str
    kind: str  # "script", "condition", "timeDate", "timeDuration", "timeCycle",
    # "expression"
    what: str


# Elements whose text is one expression, with what the modeller calls it.
_EXPRESSIONS = (
    (f"{_B}loopCardinality", "aantal herhalingen"),
    (f"{_B}completionCondition", "stopvoorwaarde"),
    (f"{_B}loopCondition", "lusvoorwaarde"),
    # what a thrown event carries (a boete's besluit to the traject's bezwaar)
    (f"{_S}payloadExpression", "inhoud van de gebeurtenis"),
)


def _code(tree: etree._ElementTree) -> Iterator[_Code]:
    """Every piece of code in a diagram, wherever it stands."""
    for el in tree.iter(f"{_B}conditionExpression"):
        yield _Code(el, (el.text or "").strip(), "condition", "voorwaarde")
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        for el in tree.iter(f"{_B}{kind}"):
            yield _Code(el, (el.text or "").strip(), kind, "timer")
    for el in tree.iter(f"{_B}script", f"{_S}preScript", f"{_S}postScript"):
        yield _Code(el, el.text or "", "script", "script")
    for tag, what in _EXPRESSIONS:
        for el in tree.iter(tag):
            yield _Code(el, (el.text or "").strip(), "expression", what)
    for prop in ("dueDate", "milestoneValue", "displayName"):
        for el in tree.xpath(
            "//spiffworkflow:property[@name=$p]", namespaces=NS, p=prop
        ):
            what = {
                "dueDate": "termijn (dueDate)",
                "milestoneValue": "mijlpaalwaarde",
                "displayName": "taaknaam (displayName)",
            }[prop]
            yield _Code(el, el.get("value", ""), "expression", what)
