"""Across the set: one file per process, call activities and decision tables that
resolve."""

from collections.abc import Mapping

from lxml import etree

from .context import _Context
from .elements import _B, CAMUNDA_NS, NS, _label


def _processes(ctx: _Context) -> dict[str, tuple[str, etree._Element]]:
    found: dict[str, tuple[str, etree._Element]] = {}
    for file_name, tree in ctx.trees.items():
        for process in tree.iter(f"{_B}process"):
            pid = process.get("id")
            if pid in found:
                ctx.error(
                    file_name,
                    process,
                    f"proces ‘{pid}’ staat ook al in {found[pid][0]}",
                    "Geef elk proces een eigen id, of verwijder een van de twee"
                    " bestanden.",
                )
            else:
                found[pid] = (file_name, process)
    return found


def _check_calls(
    ctx: _Context, processes: Mapping[str, tuple[str, etree._Element]], main: str
) -> None:
    if ctx.unreadable:
        return  # a process may be in the unreadable file: its finding says enough
    if main not in processes and ctx.trees:
        ctx.error(
            next(iter(ctx.trees)),
            None,
            f"het hoofdproces ‘{main}’ ontbreekt in de set",
            f'Er moet een bestand zijn met <bpmn:process id="{main}">.',
            line=None,
            element_id=main,
        )
    for file_name, tree in ctx.trees.items():
        for call in tree.iter(f"{_B}callActivity"):
            called = call.get("calledElement")
            if not called:
                ctx.error(
                    file_name,
                    call,
                    f"{_label(call)} roept geen proces aan",
                    "Vul bij calledElement het id in van het proces dat deze stap"
                    " uitvoert.",
                )
            elif called not in processes:
                ctx.error(
                    file_name,
                    call,
                    f"{_label(call)} roept proces ‘{called}’ aan, maar dat staat in"
                    " geen enkel bestand",
                    "Voeg het bestand met dat proces toe, of verbeter calledElement.",
                )


def _check_business_rules(ctx: _Context) -> None:
    """Every business rule task names a decision table of the set; a table no task
    uses is probably a mistake."""
    known = {
        decision: file_name
        for file_name, declared in ctx.decisions.items()
        for decision in declared.decisions
    }
    used: set[str] = set()
    for file_name, tree in ctx.trees.items():
        for task in tree.iter(f"{_B}businessRuleTask"):
            found = task.xpath(
                "bpmn:extensionElements/spiffworkflow:calledDecisionId",
                namespaces=NS,
            )
            decision = (found[0].text or "").strip() if found else ""
            used.add(decision)
            if task.get(f"{{{CAMUNDA_NS}}}decisionRef") and not decision:
                ctx.error(
                    file_name,
                    task,
                    f"{_label(task)} noemt zijn beslistabel op de Camunda-manier"
                    " (camunda:decisionRef)",
                    "Kies de beslistabel opnieuw in de modeler (calledDecisionId).",
                )
            elif not decision:
                ctx.error(
                    file_name,
                    task,
                    f"{_label(task)} noemt geen beslistabel",
                    "Kies in de modeler de beslistabel (het id van de beslissing in"
                    " een .dmn-bestand van deze set).",
                )
            elif decision not in known and not any(
                name.endswith(".dmn") for name in ctx.unreadable
            ):
                ctx.error(
                    file_name,
                    task,
                    f"{_label(task)} gebruikt beslistabel ‘{decision}’, maar die"
                    " staat in geen enkel .dmn-bestand",
                    "Voeg het .dmn-bestand toe, of verbeter het id"
                    + (f" (bekend: {', '.join(sorted(known))})" if known else "")
                    + ".",
                )
    for decision, file_name in sorted(known.items()):
        if decision not in used:
            ctx.warning(
                file_name,
                None,
                f"beslistabel ‘{decision}’ wordt door geen enkele beslistaak gebruikt",
                "Gebruik de tabel in een beslistaak of verwijder het bestand.",
                line=None,
                element_id=decision,
            )
