"""Diagram sets: collect a gemeente's files, validate them, and parse them into specs.

A gemeente's set is the base trajectory (``workflows/base``) with every file of the same
name in ``workflows/gemeenten/<slug>/`` replacing its base namesake (and new files
added). A set is identified by the hash of its contents; parsed specs are cached by that
hash, because a deployed version never changes.
"""

import hashlib
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser import VALIDATOR, SpiffBpmnParser

from .exceptions import DiagramInvalid, ScriptRefused
from .scripting import compile_expression, compile_script

MAIN_PROCESS = "traject"
ROLES = ("begeleider", "coordinator", "regievoerder", "trainer")

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
_BPMN = f"{{{NS['bpmn']}}}"

# No DTDs, no entities, no network: a diagram is untrusted input.
_SAFE_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
)


def collect_diagrams(
    workflows_dir: Path, gemeente: str | None = None
) -> dict[str, bytes]:
    """The files of a gemeente's set: base files, overridden by the gemeente's own."""
    files = {
        p.name: p.read_bytes() for p in sorted((workflows_dir / "base").glob("*.bpmn"))
    }
    if gemeente:
        own = workflows_dir / "gemeenten" / gemeente
        files.update({p.name: p.read_bytes() for p in sorted(own.glob("*.bpmn"))})
    return files


def declared_processes(content: bytes) -> dict[str, str]:
    """The top-level processes one BPMN file declares: process id -> name.

    An unnamed process is listed under its id. Embedded subprocesses are not
    processes of their own here. Raises DiagramInvalid when the file is not XML.
    """
    try:
        root = etree.fromstring(content, _SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DiagramInvalid(f"geen geldige XML: {exc.msg}", line=exc.lineno) from exc
    return {
        str(el.get("id")): str(el.get("name") or el.get("id"))
        for el in root.iter(f"{_BPMN}process")
        if el.get("id")
    }


def content_hash(files: Mapping[str, bytes]) -> str:
    """A stable fingerprint of a diagram set (names and contents)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class DeployedVersion:
    """The parsed, validated specs of one diagram set. Immutable; shared between
    cases."""

    content_hash: str
    spec: Any
    subprocess_specs: Mapping[str, Any]
    phase_names: Mapping[str, str]
    # The phases (processes called from the main process) in the order they run.
    phase_order: tuple[str, ...] = ()
    user_task_form_keys: Mapping[str, str] = field(default_factory=dict)
    # (process id, task id) -> role, lanes of embedded subprocesses resolved at deploy.
    user_task_roles: Mapping[tuple[str, str], str] = field(default_factory=dict)

    @property
    def form_keys(self) -> set[str]:
        return set(self.user_task_form_keys.values())


def _element_label(element: etree._Element) -> str:
    tag = etree.QName(element).localname
    ident = element.get("id")
    return f"{tag} '{ident}'" if ident else tag


def _nearest_with_id(element: etree._Element) -> etree._Element:
    node: etree._Element | None = element
    while node is not None and node.get("id") is None:
        node = node.getparent()
    return node if node is not None else element


def _parse_xml(name: str, content: bytes) -> etree._ElementTree:
    try:
        root = etree.fromstring(content, _SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DiagramInvalid(
            f"geen geldige XML: {exc.msg}", file_name=name, line=exc.lineno
        ) from exc
    tree = root.getroottree()
    if not VALIDATOR.validator.validate(tree):
        first = VALIDATOR.validator.error_log[0]
        element = next((e for e in root.iter() if e.sourceline == first.line), None)
        raise DiagramInvalid(
            f"geen geldig BPMN 2.0: {first.message}",
            file_name=name,
            line=first.line,
            element=_element_label(element) if element is not None else "",
        ) from None
    return tree


def _expressions(
    tree: etree._ElementTree,
) -> Iterator[tuple[etree._Element, str, bool]]:
    """Every piece of code in a diagram: (element, source, is_script)."""
    for el in tree.iter(
        f"{_BPMN}conditionExpression",
        f"{_BPMN}timeDate",
        f"{_BPMN}timeDuration",
        f"{_BPMN}timeCycle",
    ):
        yield el, (el.text or "").strip(), False
    for el in tree.iter(
        f"{_BPMN}script",
        f"{{{NS['spiffworkflow']}}}preScript",
        f"{{{NS['spiffworkflow']}}}postScript",
    ):
        yield el, el.text or "", True
    for el in tree.xpath("//spiffworkflow:property[@name='dueDate']", namespaces=NS):
        yield el, el.get("value", ""), False


def _check_code(name: str, tree: etree._ElementTree) -> None:
    for element, source, is_script in _expressions(tree):
        if not source.strip():
            raise DiagramInvalid(
                "lege expressie",
                file_name=name,
                line=element.sourceline,
                element=_element_label(_nearest_with_id(element)),
            )
        try:
            (compile_script if is_script else compile_expression)(source)
        except ScriptRefused as exc:
            raise DiagramInvalid(
                f"{'script' if is_script else 'expressie'} {source.strip()!r}"
                f" geweigerd: {exc}",
                file_name=name,
                line=element.sourceline,
                element=_element_label(_nearest_with_id(element)),
            ) from exc


_REFERENCES = (
    ("sequenceFlow", "sourceRef"),
    ("sequenceFlow", "targetRef"),
    ("boundaryEvent", "attachedToRef"),
    ("exclusiveGateway", "default"),
    ("inclusiveGateway", "default"),
)


def _check_references(name: str, tree: etree._ElementTree) -> None:
    """Every id a flow refers to exists in the same file (the XSD does not check
    this)."""
    ids = set(tree.xpath("//@id"))
    for tag, attribute in _REFERENCES:
        for element in tree.iter(f"{_BPMN}{tag}"):
            target = element.get(attribute)
            if target is not None and target not in ids:
                raise DiagramInvalid(
                    f"{attribute} verwijst naar '{target}',"
                    " maar dat element bestaat niet",
                    file_name=name,
                    line=element.sourceline,
                    element=_element_label(element),
                )


def _locate(
    trees: Mapping[str, etree._ElementTree], element_id: str
) -> tuple[str, int | None]:
    for name, tree in trees.items():
        found = tree.xpath("//*[@id=$ident]", ident=element_id)
        if found:
            return name, found[0].sourceline
    return "", None


def _invalid_from_spiff(
    exc: ValidationException, trees: Mapping[str, etree._ElementTree]
) -> DiagramInvalid:
    element_id = getattr(exc, "id", "") or ""
    file_name, line = _locate(trees, element_id) if element_id else ("", None)
    message = str(exc.args[0]) if exc.args else str(exc)
    tag = (getattr(exc, "tag", "") or "").split(":")[-1]
    element = f"{tag} '{element_id}'" if element_id else ""
    return DiagramInvalid(
        message,
        file_name=file_name or (getattr(exc, "file_name", "") or ""),
        line=line,
        element=element,
    )


def _iter_user_tasks(version_specs: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for process_id, spec in version_specs.items():
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, UserTask):
                yield process_id, task_spec


def _task_role(task_spec: Any, parent_specs: Mapping[str, Any]) -> str | None:
    """A task's lane, or the lane of the embedded subprocess it sits in."""
    if task_spec.lane:
        return str(task_spec.lane)
    container = parent_specs.get(task_spec._wf_spec.name)
    return str(container.lane) if container is not None and container.lane else None


def _containers(specs: Mapping[str, Any]) -> dict[str, Any]:
    """Process id -> the subprocess/call activity task spec that runs it."""
    found: dict[str, Any] = {}
    for spec in specs.values():
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, SubWorkflowTask):
                found.setdefault(task_spec.spec, task_spec)
    return found


def _check_user_tasks(
    specs: Mapping[str, Any],
    trees: Mapping[str, etree._ElementTree],
    form_keys: Collection[str] | None,
) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    containers = _containers(specs)
    keys: dict[str, str] = {}
    roles: dict[tuple[str, str], str] = {}
    for process_id, task_spec in _iter_user_tasks(specs):

        def invalid(message: str, ts: Any = task_spec) -> DiagramInvalid:
            file_name, line = _locate(trees, ts.bpmn_id)
            return DiagramInvalid(
                message,
                file_name=file_name,
                line=line,
                element=f"userTask '{ts.bpmn_id}'",
            )

        form_key = task_spec.extensions.get("properties", {}).get("formKey")
        if not form_key:
            raise invalid("gebruikerstaak zonder formKey-eigenschap")
        if form_keys is not None and form_key not in form_keys:
            raise invalid(f"formulier '{form_key}' bestaat niet")
        role = _task_role(task_spec, containers)
        if role not in ROLES:
            raise invalid(
                f"gebruikerstaak ligt in lane {role!r};"
                f" een lane is een rol: {', '.join(ROLES)}"
            )
        keys[task_spec.bpmn_id] = form_key
        roles[(process_id, task_spec.bpmn_id)] = role
    return keys, roles


def _phase_order(spec: Any) -> tuple[str, ...]:
    """The called processes of the main process, breadth-first from its start."""
    order: list[str] = []
    seen: set[str] = set()
    queue = [spec.start]
    while queue:
        task_spec = queue.pop(0)
        if task_spec.name in seen:
            continue
        seen.add(task_spec.name)
        if isinstance(task_spec, SubWorkflowTask) and task_spec.spec not in order:
            order.append(task_spec.spec)
        queue.extend(task_spec.outputs)
    return tuple(order)


def build_version(
    files: Mapping[str, bytes],
    *,
    main_process: str = MAIN_PROCESS,
    form_keys: Collection[str] | None = None,
) -> DeployedVersion:
    """Validate and parse a diagram set; raise DiagramInvalid naming file, line and
    element."""
    if not files:
        raise DiagramInvalid("de diagramset is leeg")
    trees = {name: _parse_xml(name, content) for name, content in files.items()}
    for name, tree in trees.items():
        _check_references(name, tree)
        _check_code(name, tree)
    parser = SpiffBpmnParser()
    try:
        for name, tree in trees.items():
            parser.add_bpmn_xml(tree, filename=name)
        spec = parser.get_spec(main_process)
        subprocess_specs = parser.get_subprocess_specs(main_process)
    except ValidationException as exc:
        raise _invalid_from_spiff(exc, trees) from exc
    except SpiffWorkflowException as exc:
        raise DiagramInvalid(str(exc)) from exc
    all_specs = {main_process: spec, **subprocess_specs}
    task_form_keys, task_roles = _check_user_tasks(all_specs, trees, form_keys)
    phase_names = {pid: (s.description or pid) for pid, s in all_specs.items()}
    return DeployedVersion(
        phase_order=_phase_order(spec),
        content_hash=content_hash(files),
        spec=spec,
        subprocess_specs=subprocess_specs,
        phase_names=phase_names,
        user_task_form_keys=task_form_keys,
        user_task_roles=task_roles,
    )


@lru_cache(maxsize=32)
def _cached_version(
    digest: str, files: tuple[tuple[str, bytes], ...]
) -> DeployedVersion:
    return build_version(dict(files))


def load_version(files: Mapping[str, bytes]) -> DeployedVersion:
    """The parsed specs of a deployed set, parsed once per process and content hash."""
    items = tuple(sorted(files.items()))
    return _cached_version(content_hash(files), items)
