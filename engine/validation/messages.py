"""Messages between the processes of one case: thrown by one track, caught by
another (the inburgering ends -> the begeleiding goes to the eindgesprek).

Wegwijs has no way for another system to send a case a message, so a message is
allowed only inside the set: thrown by an intermediate throw or end event, caught by
a boundary or intermediate catch event, with a name some event of the set throws.
A message start event (a case started by a message) is refused: a case starts at the
aanmelding.
"""

from lxml import etree

from .context import _Context
from .elements import _B, _label, _local

_THROWING = {"intermediateThrowEvent", "endEvent"}
_CATCHING = {"boundaryEvent", "intermediateCatchEvent"}


def _message_names(tree: etree._ElementTree) -> dict[str, str]:
    """Message id -> name, as the file declares them."""
    return {
        message.get("id", ""): message.get("name") or message.get("id", "")
        for message in tree.iter(f"{_B}message")
    }


def _collect(
    ctx: _Context,
) -> tuple[dict[str, list[tuple[str, etree._Element]]], dict[str, list]]:
    """Every message thrown and caught in the set, by name (the file and event);
    a message event where none can stand, or without a message, is an error."""
    thrown: dict[str, list[tuple[str, etree._Element]]] = {}
    caught: dict[str, list[tuple[str, etree._Element]]] = {}
    for file_name, tree in ctx.trees.items():
        names = _message_names(tree)
        for definition in tree.iter(f"{_B}messageEventDefinition"):
            event = definition.getparent()
            kind = _local(event) if event is not None else ""
            name = names.get(definition.get("messageRef", ""))
            if kind not in _THROWING | _CATCHING:
                ctx.error(
                    file_name,
                    definition,
                    f"{_label(event)} wacht op of stuurt een bericht; dat kan alleen"
                    " een tussengebeurtenis, een randgebeurtenis of een"
                    " eindgebeurtenis",
                    "Een dossier begint bij de aanmelding, niet met een bericht:"
                    " gebruik een gewone startgebeurtenis.",
                )
            elif not name:
                ctx.error(
                    file_name,
                    definition,
                    f"{_label(event)} noemt geen bericht",
                    "Kies in het eigenschappenpaneel een bericht met een naam.",
                )
            else:
                side = thrown if kind in _THROWING else caught
                side.setdefault(name, []).append((file_name, event))
    return thrown, caught


def _check_messages(ctx: _Context) -> None:
    """Every message event thrown or caught inside the set, each caught message
    thrown somewhere; a message nobody waits for is a warning."""
    thrown, caught = _collect(ctx)
    for name, places in sorted(caught.items()):
        if name in thrown:
            continue
        for file_name, event in places:
            ctx.error(
                file_name,
                event,
                f"{_label(event)} wacht op bericht ‘{name}’, maar geen enkel proces"
                " van de set stuurt het",
                "Laat een tussen- of eindgebeurtenis in een ander proces dit"
                " bericht sturen, of gebruik een timer of een gebruikerstaak.",
            )
    for name, places in sorted(thrown.items()):
        if name in caught:
            continue
        for file_name, event in places:
            ctx.warning(
                file_name,
                event,
                f"{_label(event)} stuurt bericht ‘{name}’, maar niemand wacht erop",
                "Vang het bericht op met een randgebeurtenis, of verwijder het.",
            )
