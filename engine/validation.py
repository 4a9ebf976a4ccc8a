"""Validation of a diagram set: every finding of a run, each with file, line, element
and how to mend it, in Dutch for the beheerder.

This module reads the XML itself (lxml, safely) rather than relying on SpiffWorkflow's
parser, which stops at the first problem and loses line numbers. SpiffWorkflow parses
the set afterwards (in ``specs``) only when nothing here found an error.
"""

import ast
import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.spiff.parser import VALIDATOR

from .decisions import DecisionFile, check_decision_file, is_decision_file
from .exceptions import ScriptRefused
from .findings import ERROR, WARNING, Finding, sort_findings
from .milestones import MilestoneRules
from .scripting import compile_expression, compile_script, names_assigned, names_read

MAIN_PROCESS = "traject"
ROLES = ("begeleider", "coordinator", "regievoerder", "trainer", "teamleider")
ROLE_LABELS = {
    "begeleider": "begeleider",
    "coordinator": "coördinator",
    "regievoerder": "regievoerder",
    "trainer": "trainer PVT",
    "teamleider": "teamleider",
}
ENGINE_PRIVACY = "normaal"

MAX_FILE_BYTES = 1_000_000
MAX_SET_BYTES = 10_000_000
MAX_FILES = 200

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
    "messageEventDefinition": (
        "berichtgebeurtenissen worden niet ondersteund",
        "Gebruik een gebruikerstaak of een timer.",
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
_JUEL = re.compile(r"[$#]\{")
_ISO_LIKE = re.compile(r"^(R\d*/)?P(\d|T)", re.I)


@dataclass(frozen=True)
class FormSummary:
    """What validation needs to know of one form: its fields' privacy classes and the
    milestones its fields declare."""

    title: str
    fields: Mapping[str, str]
    milestones: Mapping[str, str] = field(default_factory=dict)  # key -> field name


FormCatalog = Mapping[str, FormSummary]


@dataclass
class _Context:
    """One validation run: the findings so far and the parsed files."""

    findings: list[Finding] = field(default_factory=list)
    trees: dict[str, etree._ElementTree] = field(default_factory=dict)
    # Files that did not parse: the processes they declare are unknown.
    unreadable: set[str] = field(default_factory=set)
    # DMN file name -> its decisions and the variables its table sets.
    decisions: dict[str, DecisionFile] = field(default_factory=dict)

    def add(
        self,
        severity: str,
        file: str,
        element: etree._Element | None,
        message: str,
        hint: str = "",
        *,
        line: int | None = None,
        element_id: str | None = None,
    ) -> None:
        node = _nearest_with_id(element) if element is not None else None
        self.findings.append(
            Finding(
                severity=severity,
                file=file,
                line=line if line is not None else _line(element),
                element=(
                    element_id
                    if element_id is not None
                    else (node.get("id", "") if node is not None else "")
                ),
                message=message,
                hint=hint,
            )
        )

    def error(self, *args: Any, **kwargs: Any) -> None:
        self.add(ERROR, *args, **kwargs)

    def warning(self, *args: Any, **kwargs: Any) -> None:
        self.add(WARNING, *args, **kwargs)


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


# ---- per file --------------------------------------------------------------------


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


_REFERENCES = (
    ("sequenceFlow", "sourceRef"),
    ("sequenceFlow", "targetRef"),
    ("boundaryEvent", "attachedToRef"),
    ("exclusiveGateway", "default"),
    ("inclusiveGateway", "default"),
)


def _check_references(ctx: _Context, name: str, tree: etree._ElementTree) -> None:
    ids = set(tree.xpath("//@id"))
    for tag, attribute in _REFERENCES:
        for element in tree.iter(f"{_B}{tag}"):
            target = element.get(attribute)
            if target is not None and target not in ids:
                ctx.error(
                    name,
                    element,
                    f"{attribute} verwijst naar ‘{target}’, maar dat element bestaat"
                    " niet",
                    "Verbind de pijl opnieuw in de modeler.",
                )


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


# ---- expressions -----------------------------------------------------------------


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


def _check_timer_literal(ctx: _Context, name: str, code: _Code) -> None:
    try:
        tree = ast.parse(code.source, mode="eval").body
    except SyntaxError:
        return
    if isinstance(tree, ast.Name) and _ISO_LIKE.match(tree.id):
        ctx.error(
            name,
            code.element,
            f"de timer {code.source} staat niet tussen aanhalingstekens",
            f'Schrijf "{code.source}" (met aanhalingstekens): een termijn is tekst.',
        )
        return
    if not (isinstance(tree, ast.Constant) and isinstance(tree.value, str)):
        return  # a variable or computation: checked when it runs
    text = tree.value
    try:
        if code.kind == "timeDuration":
            TimerEventDefinition.parse_iso_duration(text)
        elif code.kind == "timeCycle":
            TimerEventDefinition.parse_iso_recurring_interval(text)
        else:
            TimerEventDefinition.parse_time_or_duration(text)
    except Exception:  # noqa: BLE001 - SpiffWorkflow raises bare Exception here
        ctx.error(
            name,
            code.element,
            f"onleesbare termijn ‘{text}’",
            'Schrijf een ISO-8601-termijn, bijv. "P10W" (10 weken), "P14D" (14'
            ' dagen), "R3/P1W" (drie keer wekelijks) of een datum als'
            ' "2026-03-01T09:00:00+01:00".',
        )
        return
    if code.kind == "timeDate" and not re.search(r"(Z|[+-]\d\d:?\d\d)$", text):
        ctx.warning(
            name,
            code.element,
            f"de datum ‘{text}’ heeft geen tijdzone en wordt als servertijd gelezen",
            "Voeg de tijdzone toe, bijv. +01:00.",
        )


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


# ---- structure -------------------------------------------------------------------


def _scopes(tree: etree._ElementTree) -> Iterator[etree._Element]:
    """Processes and embedded subprocesses: each has its own flow."""
    yield from tree.iter(f"{_B}process")
    for sub in tree.iter(f"{_B}subProcess"):
        if sub.get("triggeredByEvent") != "true":
            yield sub


def _children(scope: etree._Element, kinds: Collection[str]) -> list[etree._Element]:
    return [
        child
        for child in scope
        if isinstance(child.tag, str)
        and etree.QName(child).namespace == BPMN_NS
        and _local(child) in kinds
    ]


@dataclass
class _Graph:
    """The flow of one scope: its nodes, outgoing flows and successors."""

    nodes: dict[str, etree._Element]
    outgoing: dict[str, list[etree._Element]]
    forward: dict[str, set[str]]

    @classmethod
    def of(cls, scope: etree._Element) -> "_Graph":
        nodes = {
            n.get("id"): n
            for n in _children(scope, FLOW_NODES)
            if n.get("id") and n.get("triggeredByEvent") != "true"
        }
        graph = cls(nodes, {i: [] for i in nodes}, {i: set() for i in nodes})
        for flow in _children(scope, {"sequenceFlow"}):
            source, target = flow.get("sourceRef"), flow.get("targetRef")
            if source in nodes and target in nodes:
                graph.outgoing[source].append(flow)
                graph.forward[source].add(target)
        for node_id, node in nodes.items():
            host = node.get("attachedToRef")
            if _local(node) == "boundaryEvent" and host in nodes:
                graph.forward[host].add(node_id)
        return graph

    def ends(self) -> list[str]:
        return [
            i
            for i, n in self.nodes.items()
            if _local(n) == "endEvent"
            or (not self.forward[i] and _local(n) != "boundaryEvent")
        ]

    def backward(self) -> dict[str, set[str]]:
        edges: dict[str, set[str]] = {i: set() for i in self.nodes}
        for source, targets in self.forward.items():
            for target in targets:
                edges[target].add(source)
        return edges


def _check_flow(ctx: _Context, name: str, scope: etree._Element) -> None:
    """Starts, reachability from a start, a way to an end, and gateway branches."""
    graph = _Graph.of(scope)
    if not graph.nodes:
        return
    starts = [i for i, n in graph.nodes.items() if _local(n) == "startEvent"]
    if not starts:
        ctx.error(
            name,
            scope,
            f"{_label(scope)} heeft geen startgebeurtenis",
            "Teken een startgebeurtenis (cirkel) en verbind die met de eerste stap.",
        )
        return
    reached = _reach(starts, graph.forward)
    for node_id in graph.nodes.keys() - reached:
        ctx.error(
            name,
            graph.nodes[node_id],
            f"{_label(graph.nodes[node_id])} is onbereikbaar: geen pijl leidt"
            " ernaartoe vanaf de start",
            "Verbind het element met een pijl, of verwijder het.",
        )
    finishing = _reach(graph.ends(), graph.backward())
    for node_id in (graph.nodes.keys() & reached) - finishing:
        ctx.error(
            name,
            graph.nodes[node_id],
            f"vanaf {_label(graph.nodes[node_id])} is er geen weg naar een einde",
            "Een lus zonder uitgang houdt het dossier vast: geef de gateway een tak"
            " naar een eindgebeurtenis.",
        )
    for node_id, node in graph.nodes.items():
        _check_branches(ctx, name, node, graph.outgoing[node_id])


def _reach(starts: Collection[str], edges: Mapping[str, set[str]]) -> set[str]:
    seen = set(starts)
    todo = list(starts)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _check_branches(
    ctx: _Context, name: str, node: etree._Element, flows: list[etree._Element]
) -> None:
    kind = _local(node)
    if kind not in ("exclusiveGateway", "inclusiveGateway") or len(flows) < 2:
        return
    default = node.get("default")
    for flow in flows:
        has_condition = flow.find(f"{_B}conditionExpression") is not None
        if flow.get("id") != default and not has_condition:
            ctx.error(
                name,
                flow,
                f"een tak van {_label(node)} heeft geen voorwaarde",
                "Geef deze pijl een voorwaarde, of maak hem de standaardtak van de"
                " gateway.",
            )
    if kind == "exclusiveGateway" and not default:
        ctx.warning(
            name,
            node,
            f"{_label(node)} heeft geen standaardtak: als geen voorwaarde klopt,"
            " loopt het dossier vast",
            "Maak één pijl de standaardtak (default flow).",
        )


def _lane_names(process: etree._Element) -> dict[str, str]:
    """Flow node id -> the name of the innermost lane that holds it."""
    lanes: dict[str, str] = {}
    for lane in process.iter(f"{_B}lane"):
        for ref in lane.findall(f"{_B}flowNodeRef"):
            lanes[(ref.text or "").strip()] = (lane.get("name") or "").strip()
    return lanes


def _role_of(task: etree._Element, lanes: Mapping[str, str]) -> str | None:
    """The lane of a task, or of the embedded subprocess it sits in."""
    node: etree._Element | None = task
    while node is not None:
        if node.get("id") in lanes:
            return lanes[node.get("id")]
        parent = node.getparent()
        if parent is None or _local(parent) == "process":
            return None
        node = parent
    return None


def _check_user_tasks(
    ctx: _Context, name: str, tree: etree._ElementTree, forms: FormCatalog | None
) -> None:
    for process in tree.iter(f"{_B}process"):
        lanes = _lane_names(process)
        for task in process.iter(f"{_B}userTask"):
            form_key = spiff_property(task, "formKey")
            if not form_key:
                ctx.error(
                    name,
                    task,
                    f"{_label(task)} heeft geen formulier (formKey)",
                    "Kies in het eigenschappenpaneel welk formulier deze taak"
                    " gebruikt.",
                )
            elif forms is not None and form_key not in forms:
                ctx.error(
                    name,
                    task,
                    f"{_label(task)} gebruikt formulier ‘{form_key}’, maar dat bestaat"
                    " niet",
                    "Kies een bestaand formulier of maak het aan in de"
                    " formuliereneditor.",
                )
            role = _role_of(task, lanes)
            if role is None:
                ctx.error(
                    name,
                    task,
                    f"{_label(task)} ligt in geen enkele lane",
                    "Sleep de taak in de lane van de rol die hem uitvoert ("
                    + ", ".join(ROLES)
                    + ").",
                )
            elif role not in ROLES:
                ctx.error(
                    name,
                    task,
                    f"{_label(task)} ligt in lane ‘{role}’, maar dat is geen rol",
                    "Een lane heet naar een rol: " + ", ".join(ROLES) + ".",
                )
    for lane in tree.iter(f"{_B}lane"):
        lane_name = (lane.get("name") or "").strip()
        has_children = lane.find(f"{_B}childLaneSet") is not None
        if lane_name not in ROLES and not has_children:
            ctx.warning(
                name,
                lane,
                f"lane ‘{lane_name}’ is geen rol",
                "Noem de lane naar een rol: " + ", ".join(ROLES) + ".",
            )


# ---- across the set --------------------------------------------------------------


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


def _used_forms(ctx: _Context, start_form: str | None) -> set[str]:
    used = {start_form} if start_form else set()
    for tree in ctx.trees.values():
        for task in tree.iter(f"{_B}userTask"):
            key = spiff_property(task, "formKey")
            if key:
                used.add(key)
    return used


def _assigned_names(ctx: _Context) -> set[str]:
    names: set[str] = set()
    for tree in ctx.trees.values():
        for code in _code(tree):
            if code.kind == "script":
                names |= names_assigned(code.source)
        for el in tree.iter(f"{_B}inputDataItem", f"{_B}outputDataItem"):
            names.add(el.get("name") or el.get("id") or "")
        for el in tree.iter(f"{_B}loopDataOutputRef"):
            names.add((el.text or "").strip())
        for el in tree.xpath("//spiffworkflow:variableName", namespaces=NS):
            names.add((el.text or "").strip())
    for declared in ctx.decisions.values():
        names |= declared.outputs
    return names


def _check_routing(
    ctx: _Context,
    forms: FormCatalog,
    start_form: str | None,
    known: Collection[str],
) -> None:
    """Every name a gateway branches on is a `normaal` answer of a form in use, a
    variable a script sets, or a setting of the version."""
    privacy: dict[str, set[str]] = {}
    used = _used_forms(ctx, start_form)
    # A task whose form is missing has its own finding; what that form would have
    # asked is unknown, so "no form asks for it" would only repeat that finding.
    all_forms_known = used <= set(forms)
    for key in used:
        summary = forms.get(key)
        for field_name, cls in summary.fields.items() if summary else ():
            privacy.setdefault(field_name, set()).add(cls)
    assigned = _assigned_names(ctx) | set(known)
    for file_name, tree in ctx.trees.items():
        for flow in tree.iter(f"{_B}sequenceFlow"):
            condition = flow.find(f"{_B}conditionExpression")
            if condition is None or not (condition.text or "").strip():
                continue
            try:
                compile_expression((condition.text or "").strip())
            except ScriptRefused:
                continue  # refused already, with its own finding
            for variable in sorted(names_read(condition.text or "")):
                classes = privacy.get(variable)
                if classes and ENGINE_PRIVACY not in classes:
                    ctx.error(
                        file_name,
                        flow,
                        f"de voorwaarde van {_label(flow)} beslist op ‘{variable}’,"
                        f" maar dat veld heeft privacyklasse ‘{sorted(classes)[0]}’"
                        " en komt daardoor nooit in het proces",
                        f"Maak het veld ‘{variable}’ ‘normaal’ en verplicht, of beslis"
                        " op een ander veld.",
                    )
                elif not classes and variable not in assigned and all_forms_known:
                    ctx.error(
                        file_name,
                        flow,
                        f"de voorwaarde van {_label(flow)} beslist op ‘{variable}’,"
                        " maar geen formulier in deze set vraagt daarnaar en geen"
                        " script zet het",
                        f"Voeg een verplicht veld ‘{variable}’ toe aan het formulier"
                        " van de taak vóór de gateway, of verbeter de naam.",
                    )


def _check_milestones(
    ctx: _Context,
    rules: MilestoneRules,
    forms: FormCatalog | None,
    start_form: str | None,
    processes: Mapping[str, tuple[str, etree._Element]],
    main: str,
) -> None:
    declared: dict[str, int] = {}
    for file_name, tree in ctx.trees.items():
        for prop in tree.xpath(
            "//spiffworkflow:property[@name='milestone']", namespaces=NS
        ):
            key = prop.get("value", "")
            if key not in rules:
                ctx.error(
                    file_name,
                    prop,
                    f"onbekende mijlpaal ‘{key}’",
                    "Kies een mijlpaal uit de lijst: " + ", ".join(sorted(rules)) + ".",
                )
                continue
            declared[key] = declared.get(key, 0) + 1
    for form_key in _used_forms(ctx, start_form) if forms is not None else ():
        summary = forms.get(form_key) if forms is not None else None
        for key in summary.milestones if summary else ():
            declared[key] = declared.get(key, 0) + 1
    main_file, main_process = processes.get(main, ("", None))
    for rule in rules.values():
        if rule.required and rule.key not in declared:
            ctx.error(
                main_file,
                main_process,
                f"de wettelijk verplichte mijlpaal ‘{rule.label}’ ({rule.key})"
                f" ontbreekt in deze set; grond: {rule.grond}",
                "Zet de mijlpaal op de taak of het formulierveld waar die stap"
                " gebeurt (eigenschappenpaneel, of ‘mijlpaal’ bij het veld).",
                element_id=main,
            )


def _check_file(
    ctx: _Context, name: str, content: bytes, forms: FormCatalog | None
) -> None:
    """The checks of one file of a set on its own (BPMN or a DMN decision table)."""
    if is_decision_file(name):
        tree = _parse_decisions(ctx, name, content)
    else:
        tree = _parse(ctx, name, content)
    if tree is None:
        ctx.unreadable.add(name)
        return
    ctx.trees[name] = tree
    if is_decision_file(name):
        return
    _check_references(ctx, name, tree)
    _check_foreign(ctx, name, tree)
    _check_code(ctx, name, tree)
    for scope in _scopes(tree):
        _check_flow(ctx, name, scope)
    _check_user_tasks(ctx, name, tree, forms)


def check_set(
    files: Mapping[str, bytes],
    *,
    forms: FormCatalog | None = None,
    rules: MilestoneRules | None = None,
    start_form: str | None = None,
    known_variables: Collection[str] = (),
    main_process: str = MAIN_PROCESS,
) -> tuple[list[Finding], dict[str, etree._ElementTree]]:
    """Every finding about a diagram set, and the files that parsed as BPMN."""
    ctx = _Context()
    if not files:
        ctx.error(
            "", None, "de diagramset is leeg", "Voeg minstens het hoofdproces toe."
        )
        return ctx.findings, {}
    if len(files) > MAX_FILES:
        ctx.error(
            "",
            None,
            f"de set heeft {len(files)} bestanden; de grens is {MAX_FILES}",
            "Voeg processen samen.",
        )
    total = sum(len(content) for content in files.values())
    if total > MAX_SET_BYTES:
        ctx.error(
            "",
            None,
            f"de set is {total // 1_000_000} MB; de grens is"
            f" {MAX_SET_BYTES // 1_000_000} MB",
            "Verwijder bestanden die niet worden gebruikt.",
        )
    for name in sorted(files):
        _check_file(ctx, name, files[name], forms)
    processes = _processes(ctx)
    _check_calls(ctx, processes, main_process)
    _check_business_rules(ctx)
    if forms is not None:
        _check_routing(ctx, forms, start_form, known_variables)
    if rules is not None:
        _check_milestones(ctx, rules, forms, start_form, processes, main_process)
    return sort_findings(ctx.findings), ctx.trees


def locate(
    trees: Mapping[str, etree._ElementTree], element_id: str
) -> tuple[str, int | None]:
    """The file and line of an element id in a set (SpiffWorkflow loses lines)."""
    for name, tree in trees.items():
        found = tree.xpath("//*[@id=$ident]", ident=element_id)
        if found:
            return name, found[0].sourceline
    return "", None
