"""The XML of a diagram: namespaces, the safe parser, and how an element is named
to the beheerder."""

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
ZEEBE_NS = "http://camunda.org/schema/zeebe/1.0"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
_B = f"{{{BPMN_NS}}}"
_S = f"{{{SPIFF_NS}}}"

# No DTDs, no entities, no network: a diagram is untrusted input.
SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)

FLOW_NODES = frozenset(
    {
        "task",
        "userTask",
        "manualTask",
        "scriptTask",
        "serviceTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "transaction",
        "adHocSubProcess",
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "exclusiveGateway",
        "inclusiveGateway",
        "parallelGateway",
        "eventBasedGateway",
        "complexGateway",
    }
)
_DUTCH_KIND = {
    "task": "taak",
    "userTask": "gebruikerstaak",
    "manualTask": "handmatige taak",
    "scriptTask": "scripttaak",
    "businessRuleTask": "beslistaak",
    "callActivity": "aanroep",
    "subProcess": "deelproces",
    "startEvent": "startgebeurtenis",
    "endEvent": "eindgebeurtenis",
    "intermediateCatchEvent": "tussengebeurtenis",
    "intermediateThrowEvent": "tussengebeurtenis",
    "boundaryEvent": "randgebeurtenis",
    "exclusiveGateway": "exclusieve gateway",
    "inclusiveGateway": "inclusieve gateway",
    "parallelGateway": "parallelle gateway",
    "eventBasedGateway": "gebeurtenisgateway",
    "sequenceFlow": "pijl",
    "lane": "lane",
    "process": "proces",
}


def _line(element: etree._Element | None) -> int | None:
    return element.sourceline if element is not None else None


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _nearest_with_id(element: etree._Element) -> etree._Element:
    node: etree._Element | None = element
    while node is not None and node.get("id") is None:
        node = node.getparent()
    return node if node is not None else element


def _label(element: etree._Element) -> str:
    kind = _DUTCH_KIND.get(_local(element), _local(element))
    name = element.get("name")
    return f"{kind} ‘{name}’" if name else f"{kind} ‘{element.get('id', '?')}’"


def _spiff_property(element: etree._Element, name: str) -> etree._Element | None:
    found = element.xpath(
        "bpmn:extensionElements/spiffworkflow:properties"
        "/spiffworkflow:property[@name=$name]",
        namespaces=NS,
        name=name,
    )
    return found[0] if found else None


def spiff_property(element: etree._Element, name: str) -> str | None:
    """The value of a Wegwijs property (spiffworkflow:property) of an element."""
    prop = _spiff_property(element, name)
    return prop.get("value") if prop is not None else None
