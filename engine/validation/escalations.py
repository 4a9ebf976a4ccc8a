"""Escalations between a process and the one that calls it (the brede intake
imposes a boete -> the traject opens the bezwaar against it).

An escalation is matched by its code: a boundary event with a code catches only that
code, one without a code catches every escalation. A gemeente that redraws one side
of such a pair and not the other gets a set where the boete is imposed and the
bezwaar never opens, without an error at run time: so a code thrown that nothing in
the set catches is a warning, and a boundary waiting for a code nothing throws (it
can never fire) is refused, as for messages.
"""

from lxml import etree

from .context import _Context
from .elements import _B, _label, _local

_THROWING = {"intermediateThrowEvent", "endEvent"}


def _codes(tree: etree._ElementTree) -> dict[str, str]:
    """Escalation id -> code, as the file declares them."""
    return {
        escalation.get("id", ""): escalation.get("escalationCode") or ""
        for escalation in tree.iter(f"{_B}escalation")
    }


_Places = dict[str, list[tuple[str, etree._Element]]]


def _collect(ctx: _Context) -> tuple[_Places, _Places, bool]:
    """Every escalation thrown and caught in the set by code, and whether some
    boundary catches every escalation (one without a code)."""
    thrown: _Places = {}
    caught: _Places = {}
    catches_all = False
    for file_name, tree in ctx.trees.items():
        codes = _codes(tree)
        for definition in tree.iter(f"{_B}escalationEventDefinition"):
            event = definition.getparent()
            if event is None:
                continue
            code = codes.get(definition.get("escalationRef", ""), "")
            if _local(event) in _THROWING:
                thrown.setdefault(code, []).append((file_name, event))
            elif not code:
                catches_all = True
            else:
                caught.setdefault(code, []).append((file_name, event))
    return thrown, caught, catches_all


def _check_escalations(ctx: _Context) -> None:
    thrown, caught, catches_all = _collect(ctx)
    for code, places in sorted(caught.items()):
        if code in thrown:
            continue
        for file_name, event in places:
            ctx.error(
                file_name,
                event,
                f"{_label(event)} wacht op escalatie ‘{code}’, maar geen enkel"
                " proces van de set geeft die door",
                "Laat een tussen- of eindgebeurtenis in het aangeroepen proces deze"
                " escalatie doorgeven, of verwijder de randgebeurtenis.",
            )
    if catches_all:
        return
    for code, places in sorted(thrown.items()):
        if code in caught:
            continue
        for file_name, event in places:
            ctx.warning(
                file_name,
                event,
                f"{_label(event)} geeft escalatie ‘{code}’ door, maar geen"
                " randgebeurtenis van de set vangt die op: er gebeurt niets",
                "Vang de escalatie op met een randgebeurtenis op de aanroep van dit"
                " proces (zoals het traject van de basis het bezwaar tegen een boete"
                " opent), of verwijder haar.",
            )
