"""Reading one file of a set: size, safety, well-formedness and the BPMN schema."""

from lxml import etree
from SpiffWorkflow.spiff.parser import VALIDATOR

from ..decisions import check_decision_file
from .context import _Context
from .elements import _B, SAFE_PARSER, _local

MAX_FILE_BYTES = 1_000_000


def _parse_xml(ctx: _Context, name: str, content: bytes) -> etree._Element | None:
    """The root of a file of the set, if it is safe, well-formed XML."""
    if len(content) > MAX_FILE_BYTES:
        ctx.error(
            name,
            None,
            f"het bestand is {len(content) // 1000} kB; de grens is"
            f" {MAX_FILE_BYTES // 1000} kB",
            "Splits het proces over meer bestanden met aanroepen.",
            line=None,
            element_id="",
        )
        return None
    head = content[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in content.upper():
        ctx.error(
            name,
            None,
            "het bestand bevat een DOCTYPE of entity-definitie; dat is niet toegestaan",
            "Verwijder de <!DOCTYPE …>-regel; een BPMN-bestand heeft die niet nodig.",
            line=1,
            element_id="",
        )
        return None
    try:
        return etree.fromstring(content, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        ctx.error(
            name,
            None,
            f"geen geldige XML: {exc.msg}",
            "Sla het diagram opnieuw op vanuit de modeler; met de hand bewerkte XML"
            " mist vaak een sluitende tag.",
            line=exc.lineno,
            element_id="",
        )
        return None


def _parse_decisions(
    ctx: _Context, name: str, content: bytes
) -> etree._ElementTree | None:
    root = _parse_xml(ctx, name, content)
    if root is None:
        return None
    findings, declared = check_decision_file(name, root)
    ctx.findings.extend(findings)
    if declared is None:
        return None
    ctx.decisions[name] = declared
    return root.getroottree()


def _parse(ctx: _Context, name: str, content: bytes) -> etree._ElementTree | None:
    root = _parse_xml(ctx, name, content)
    if root is None:
        return None
    if root.tag != f"{_B}definitions":
        ctx.error(
            name,
            root,
            f"geen BPMN 2.0: het hoofdelement is <{_local(root)}>, niet"
            " <bpmn:definitions>",
            "Lever een .bpmn-bestand aan (BPMN 2.0 XML), geen DMN, CMMN of ander"
            " formaat.",
            element_id="",
        )
        return None
    tree = root.getroottree()
    validator = VALIDATOR.validator
    if not validator.validate(tree):
        for entry in validator.error_log:
            element = _at_path(root, entry.path)
            if element is None:
                element = next(
                    (e for e in root.iter() if e.sourceline == entry.line), None
                )
            ctx.error(
                name,
                element,
                f"geen geldig BPMN 2.0: {entry.message.rstrip('.')}",
                "Controleer dit element in de modeler; de BPMN-standaard staat deze"
                " opbouw niet toe.",
                line=entry.line,
            )
        return None
    return tree


def _at_path(root: etree._Element, path: str | None) -> etree._Element | None:
    """The element a schema error is about, by the XPath libxml2 gives with it; on
    one line (as generators write a file) the line alone would name the first
    element there, not the one that is wrong."""
    if not path:
        return None
    namespaces = {prefix: uri for prefix, uri in root.nsmap.items() if prefix}
    try:
        found = root.getroottree().xpath(path, namespaces=namespaces)
    except etree.XPathError:
        return None
    if isinstance(found, list) and found and isinstance(found[0], etree._Element):
        return found[0]
    return None
