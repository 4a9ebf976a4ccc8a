"""The shape of a diagram: references, starts, reachability, ends and gateway
branches."""

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass

from lxml import etree

from .context import _Context
from .elements import _B, BPMN_NS, FLOW_NODES, _label, _local

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
