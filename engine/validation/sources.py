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


def _code(tree: etree._ElementTree) -> Iterator[_Code]:
    """Every piece of code in a diagram, wherever it stands."""
    for el in tree.iter(f"{_B}conditionExpression"):
        yield _Code(el, (el.text or "").strip(), "condition", "voorwaarde")
    for kind in ("timeDate", "timeDuration", "timeCycle"):
        for el in tree.iter(f"{_B}{kind}"):
            yield _Code(el, (el.text or "").strip(), kind, "timer")
    for el in tree.iter(f"{_B}script", f"{_S}preScript", f"{_S}postScript"):
        yield _Code(el, el.text or "", "script", "script")
    for el in tree.iter(f"{_B}loopCardinality"):
        yield _Code(el, (el.text or "").strip(), "expression", "aantal herhalingen")
    for el in tree.iter(f"{_B}completionCondition"):
        yield _Code(el, (el.text or "").strip(), "expression", "stopvoorwaarde")
    for el in tree.iter(f"{_B}loopCondition"):
        yield _Code(el, (el.text or "").strip(), "expression", "lusvoorwaarde")
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
