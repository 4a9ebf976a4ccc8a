"""Constructs only another engine (Camunda, Zeebe) runs, each named with what to
use instead."""

from lxml import etree

from .context import _Context
from .elements import BPMN_NS, CAMUNDA_NS, ZEEBE_NS, _label, _local, spiff_property

# Constructs only another engine runs: (what, how to mend).
_UNSUPPORTED_ELEMENTS = {
    "serviceTask": (
        "een servicetaak (koppeling met een ander systeem) wordt niet ondersteund",
        "Gebruik een scripttaak voor een berekening, of een gebruikerstaak.",
    ),
    "sendTask": (
        "berichten versturen wordt niet ondersteund",
        "Gebruik een gebruikerstaak waarin iemand het bericht verstuurt.",
    ),
    "receiveTask": (
        "op een bericht wachten wordt niet ondersteund",
        "Gebruik een gebruikerstaak of een timer.",
    ),
    "complexGateway": (
        "een complexe gateway wordt niet ondersteund",
        "Gebruik een exclusieve, inclusieve of parallelle gateway.",
    ),
    "transaction": (
        "een transactie-deelproces wordt niet ondersteund",
        "Gebruik een gewoon deelproces.",
    ),
    "adHocSubProcess": (
        "een ad-hocdeelproces wordt niet ondersteund",
        "Teken de volgorde met pijlen of gebruik een parallelle gateway.",
    ),
    "dataStoreReference": (
        "een gegevensopslag wordt niet ondersteund",
        "Formuliergegevens worden al bij het dossier bewaard; verwijder de opslag.",
    ),
    "dataStore": (
        "een gegevensopslag wordt niet ondersteund",
        "Formuliergegevens worden al bij het dossier bewaard; verwijder de opslag.",
    ),
    "signalEventDefinition": (
        "signaalgebeurtenissen worden niet ondersteund",
        "Gebruik een gebruikerstaak of een timer.",
    ),
}
_CAMUNDA_ATTRIBUTES = {
    "class": (
        "een Java-delegate (camunda:class) draait alleen in Camunda",
        "Gebruik een scripttaak met een Python-script.",
    ),
    "delegateExpression": (
        "een Java-delegate (camunda:delegateExpression) draait alleen in Camunda",
        "Gebruik een scripttaak met een Python-script.",
    ),
    "expression": (
        "een JUEL-expressie (camunda:expression) draait alleen in Camunda",
        "Gebruik een scripttaak met een Python-script.",
    ),
    "decisionRef": (
        "een beslistabel (camunda:decisionRef) draait alleen in Camunda",
        "Beslis met een exclusieve gateway met een voorwaarde per tak.",
    ),
    "caseRef": (
        "een CMMN-zaak (camunda:caseRef) wordt niet ondersteund",
        "Roep een BPMN-proces aan (aanroep met calledElement).",
    ),
    "formKey": (
        "camunda:formKey wordt niet gelezen",
        "Kies het formulier in het eigenschappenpaneel (Wegwijs-eigenschap formKey).",
    ),
    "assignee": (
        "camunda:assignee wordt genegeerd",
        "Een taak gaat naar de rol van zijn lane; verplaats de taak naar die lane.",
    ),
    "candidateGroups": (
        "camunda:candidateGroups wordt genegeerd",
        "Een taak gaat naar de rol van zijn lane; verplaats de taak naar die lane.",
    ),
    "candidateUsers": (
        "camunda:candidateUsers wordt genegeerd",
        "Een taak gaat naar de rol van zijn lane; verplaats de taak naar die lane.",
    ),
}
_IGNORED_CAMUNDA = {"assignee", "candidateGroups", "candidateUsers"}


def _check_foreign(ctx: _Context, name: str, tree: etree._ElementTree) -> None:
    """Constructs only another engine runs, each named with what to use instead."""
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        local = _local(element)
        qname = etree.QName(element)
        if qname.namespace == BPMN_NS and local in _UNSUPPORTED_ELEMENTS:
            what, hint = _UNSUPPORTED_ELEMENTS[local]
            ctx.error(name, element, what, hint)
        elif qname.namespace in (CAMUNDA_NS, ZEEBE_NS) and local in (
            "executionListener",
            "taskListener",
            "taskDefinition",
            "calledDecision",
        ):
            ctx.error(
                name,
                element,
                f"{local} (Camunda/Zeebe) draait alleen in Camunda",
                "Gebruik een scripttaak met een Python-script.",
            )
        for attribute in element.attrib:
            attr = etree.QName(attribute)
            if attr.namespace == CAMUNDA_NS and attr.localname == "dueDate":
                _report_camunda_due_date(ctx, name, element, element.get(attribute))
            elif attr.namespace == CAMUNDA_NS and attr.localname in _CAMUNDA_ATTRIBUTES:
                what, hint = _CAMUNDA_ATTRIBUTES[attr.localname]
                report = (
                    ctx.warning if attr.localname in _IGNORED_CAMUNDA else ctx.error
                )
                report(name, element, what, hint)


def _report_camunda_due_date(
    ctx: _Context, name: str, element: etree._Element, value: str
) -> None:
    """camunda:dueDate is a deadline: never dropped without a word. An upload in the
    studio converts what Wegwijs can read (engine/imports.py); what is left is named
    here with what to write instead."""
    own = spiff_property(element, "dueDate") or spiff_property(element, "dueInDays")
    ctx.error(
        name,
        element,
        f"de termijn camunda:dueDate ‘{value}’ van {_label(element)} wordt niet"
        " gelezen",
        "Deze taak heeft al een Wegwijs-termijn; verwijder camunda:dueDate."
        if own
        else "Stel de termijn in het eigenschappenpaneel in (Wegwijs-eigenschap"
        ' dueDate: een Python-expressie als pip_deadline of "2026-03-01", of'
        " dueInDays: een aantal dagen). Bij uploaden in de studio wordt een vaste"
        " datum of een variabele als ${betaaldatum} vanzelf omgezet.",
    )
