"""Diagram sets: validate them, parse them into specs, and derive what a version needs.

A set is identified by the hash of its contents; parsed specs are cached by that hash,
because a deployed version never changes.
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
from SpiffWorkflow.spiff.parser import SpiffBpmnParser

from .decisions import DMN_SUFFIX, is_decision_file, strip_for_engine
from .exceptions import DiagramInvalid
from .findings import ERROR, Finding, has_errors, sort_findings
from .milestones import MilestoneRules
from .validation import (
    _B,
    MAIN_PROCESS,
    NS,
    ROLES,
    SAFE_PARSER,
    FormCatalog,
    check_set,
    locate,
    spiff_property,
)

__all__ = [
    "MAIN_PROCESS",
    "NS",
    "ROLES",
    "DeployedVersion",
    "MilestoneDeclaration",
    "Validation",
    "build_version",
    "collect_diagrams",
    "content_hash",
    "declared_processes",
    "load_version",
    "validate",
]


def collect_diagrams(workflows_dir: Path) -> dict[str, bytes]:
    """The base trajectory's files: every ``*.bpmn`` and ``*.dmn`` (decision table) in
    ``workflows/base``."""
    base = workflows_dir / "base"
    paths = [*base.glob("*.bpmn"), *base.glob(f"*{DMN_SUFFIX}")]
    return {p.name: p.read_bytes() for p in sorted(paths)}


def declared_processes(content: bytes) -> dict[str, str]:
    """The top-level processes one BPMN file declares: process id -> name.

    An unnamed process is listed under its id. Raises DiagramInvalid when the file is
    not XML.
    """
    try:
        root = etree.fromstring(content, SAFE_PARSER)
    except etree.XMLSyntaxError as exc:
        raise DiagramInvalid(
            [Finding(ERROR, "", exc.lineno, "", f"geen geldige XML: {exc.msg}")]
        ) from exc
    return {
        str(el.get("id")): str(el.get("name") or el.get("id"))
        for el in root.iter(f"{_B}process")
        if el.get("id")
    }


def content_hash(files: Mapping[str, bytes]) -> str:
    """A stable fingerprint of a set of files (names and contents)."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name] + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class MilestoneDeclaration:
    """Where a set declares a milestone: on a flow node, or on a form's field."""

    key: str
    process: str
    element: str  # the flow node's id ("" for a field of the start form)
    form_key: str = ""
    field: str = ""
    value_expression: str = ""


@dataclass(frozen=True)
class DeployedVersion:
    """The parsed, validated specs of one diagram set, and what was derived from them.
    Immutable; shared between cases."""

    content_hash: str
    spec: Any
    subprocess_specs: Mapping[str, Any]
    phase_names: Mapping[str, str]
    # The phases (processes called from the main process) in the order they run.
    phase_order: tuple[str, ...] = ()
    user_task_form_keys: Mapping[str, str] = field(default_factory=dict)
    # (process id, task id) -> role, lanes of embedded subprocesses resolved at deploy.
    user_task_roles: Mapping[tuple[str, str], str] = field(default_factory=dict)
    # (process id, task id) -> the task's name as a person reads it.
    task_names: Mapping[tuple[str, str], str] = field(default_factory=dict)
    process_files: Mapping[str, str] = field(default_factory=dict)
    milestones: tuple[MilestoneDeclaration, ...] = ()

    @property
    def form_keys(self) -> set[str]:
        return set(self.user_task_form_keys.values())

    def derived(self) -> dict[str, Any]:
        """What was derived at deploy, as JSON-able data for the version's record."""
        return {
            "process_files": dict(self.process_files),
            "phase_order": list(self.phase_order),
            "phase_names": dict(self.phase_names),
            "tasks": [
                {
                    "process": process,
                    "id": task,
                    "name": self.task_names.get((process, task), task),
                    "role": role,
                    "form_key": self.user_task_form_keys.get(task, ""),
                }
                for (process, task), role in sorted(self.user_task_roles.items())
            ],
            "milestones": [m.__dict__ for m in self.milestones],
        }


@dataclass(frozen=True)
class Validation:
    """The outcome of validating a set: all findings, and the version if it has no
    errors."""

    findings: tuple[Finding, ...]
    version: DeployedVersion | None

    @property
    def ok(self) -> bool:
        return self.version is not None


def _iter_user_tasks(specs: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    for process_id, spec in specs.items():
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, UserTask):
                yield process_id, task_spec


def _containers(specs: Mapping[str, Any]) -> dict[str, Any]:
    """Process id -> the subprocess/call activity task spec that runs it."""
    found: dict[str, Any] = {}
    for spec in specs.values():
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, SubWorkflowTask):
                found.setdefault(task_spec.spec, task_spec)
    return found


def _task_role(task_spec: Any, containers: Mapping[str, Any]) -> str:
    """A task's lane, or the lane of the embedded subprocess it sits in."""
    if task_spec.lane:
        return str(task_spec.lane)
    container = containers.get(task_spec._wf_spec.name)
    return str(container.lane) if container is not None and container.lane else ""


def _phase_order(
    trees: Mapping[str, etree._ElementTree], main_process: str
) -> tuple[str, ...]:
    """The processes the main process calls (its phases), in the order the diagram
    lists its call activities: with parallel tracks there is no single sequence, and
    the designer's order is the one people read."""
    order: list[str] = []
    for tree in trees.values():
        for process in tree.iter(f"{_B}process"):
            if process.get("id") != main_process:
                continue
            for call in process.iter(f"{_B}callActivity"):
                called = call.get("calledElement")
                if called and called not in order:
                    order.append(called)
    return tuple(order)


def _milestone_declarations(
    trees: Mapping[str, etree._ElementTree],
    forms: FormCatalog | None,
    start_form: str | None,
) -> tuple[MilestoneDeclaration, ...]:
    found: list[MilestoneDeclaration] = []
    for tree in trees.values():
        for prop in tree.xpath(
            "//spiffworkflow:property[@name='milestone']", namespaces=NS
        ):
            node = prop.getparent().getparent().getparent()
            process = next(
                (a.get("id") for a in node.iterancestors(f"{_B}process")), ""
            )
            found.append(
                MilestoneDeclaration(
                    key=prop.get("value", ""),
                    process=process,
                    element=node.get("id", ""),
                    value_expression=spiff_property(node, "milestoneValue") or "",
                )
            )
        for task in tree.iter(f"{_B}userTask"):
            form_key = spiff_property(task, "formKey") or ""
            summary = forms.get(form_key) if forms else None
            for key, field_name in summary.milestones.items() if summary else ():
                process = next(
                    (a.get("id") for a in task.iterancestors(f"{_B}process")), ""
                )
                found.append(
                    MilestoneDeclaration(
                        key, process, task.get("id", ""), form_key, field_name
                    )
                )
    start = forms.get(start_form) if forms and start_form else None
    for key, field_name in start.milestones.items() if start else ():
        found.append(MilestoneDeclaration(key, "", "", start_form or "", field_name))
    return tuple(found)


def _parse(
    files: Mapping[str, bytes],
    trees: Mapping[str, etree._ElementTree],
    main_process: str,
) -> tuple[Any, dict[str, Any]]:
    parser = SpiffBpmnParser()
    try:
        # Decision tables first: a business rule task looks its table up when parsed.
        for name, tree in trees.items():
            if is_decision_file(name):
                parser.add_dmn_xml(strip_for_engine(tree.getroot()), filename=name)
        for name, tree in trees.items():
            if not is_decision_file(name):
                parser.add_bpmn_xml(tree, filename=name)
        spec = parser.get_spec(main_process)
        return spec, parser.get_subprocess_specs(main_process)
    except ValidationException as exc:
        element_id = getattr(exc, "id", "") or ""
        file_name, line = locate(trees, element_id) if element_id else ("", None)
        raise DiagramInvalid(
            [
                Finding(
                    ERROR,
                    file_name or (getattr(exc, "file_name", "") or ""),
                    line,
                    element_id,
                    str(exc.args[0]) if exc.args else str(exc),
                )
            ]
        ) from exc
    except SpiffWorkflowException as exc:
        raise DiagramInvalid([Finding(ERROR, "", None, "", str(exc))]) from exc


def _derive(
    files: Mapping[str, bytes],
    trees: Mapping[str, etree._ElementTree],
    *,
    main_process: str,
    forms: FormCatalog | None,
    start_form: str | None,
) -> DeployedVersion:
    spec, subprocess_specs = _parse(files, trees, main_process)
    all_specs = {main_process: spec, **subprocess_specs}
    containers = _containers(all_specs)
    form_keys: dict[str, str] = {}
    roles: dict[tuple[str, str], str] = {}
    names: dict[tuple[str, str], str] = {}
    for process_id, task_spec in _iter_user_tasks(all_specs):
        form_keys[task_spec.bpmn_id] = task_spec.extensions.get("properties", {}).get(
            "formKey", ""
        )
        roles[(process_id, task_spec.bpmn_id)] = _task_role(task_spec, containers)
        names[(process_id, task_spec.bpmn_id)] = (
            task_spec.bpmn_name or task_spec.bpmn_id
        )
    process_files = {
        process.get("id"): name
        for name, tree in trees.items()
        for process in tree.iter(f"{_B}process")
    }
    return DeployedVersion(
        content_hash=content_hash(files),
        spec=spec,
        subprocess_specs=subprocess_specs,
        phase_names={pid: (s.description or pid) for pid, s in all_specs.items()},
        phase_order=_phase_order(trees, main_process),
        user_task_form_keys=form_keys,
        user_task_roles=roles,
        task_names=names,
        process_files=process_files,
        milestones=_milestone_declarations(trees, forms, start_form),
    )


def validate(
    files: Mapping[str, bytes],
    *,
    forms: FormCatalog | None = None,
    rules: MilestoneRules | None = None,
    start_form: str | None = None,
    known_variables: Collection[str] = (),
    main_process: str = MAIN_PROCESS,
) -> Validation:
    """Every finding about a set; with no errors, also its parsed version."""
    findings, trees = check_set(
        files,
        forms=forms,
        rules=rules,
        start_form=start_form,
        known_variables=known_variables,
        main_process=main_process,
    )
    if has_errors(findings):
        return Validation(tuple(findings), None)
    try:
        version = _derive(
            files,
            trees,
            main_process=main_process,
            forms=forms,
            start_form=start_form,
        )
    except DiagramInvalid as exc:
        return Validation(tuple(sort_findings([*findings, *exc.findings])), None)
    return Validation(tuple(findings), version)


def build_version(
    files: Mapping[str, bytes],
    *,
    forms: FormCatalog | None = None,
    rules: MilestoneRules | None = None,
    start_form: str | None = None,
    known_variables: Collection[str] = (),
    main_process: str = MAIN_PROCESS,
) -> DeployedVersion:
    """Validate and parse a set; raise DiagramInvalid with every finding on errors."""
    result = validate(
        files,
        forms=forms,
        rules=rules,
        start_form=start_form,
        known_variables=known_variables,
        main_process=main_process,
    )
    if result.version is None:
        raise DiagramInvalid(result.findings)
    return result.version


@lru_cache(maxsize=64)
def _cached_version(
    digest: str, files: tuple[tuple[str, bytes], ...]
) -> DeployedVersion:
    trees = {
        name: etree.fromstring(content, SAFE_PARSER).getroottree()
        for name, content in files
    }
    return _derive(
        dict(files), trees, main_process=MAIN_PROCESS, forms=None, start_form=None
    )


def load_version(files: Mapping[str, bytes]) -> DeployedVersion:
    """The parsed specs of a deployed set, parsed once per process and content hash.

    A stored version was validated when it was deployed (its forms and milestones
    too), so it is only parsed here: a rule added later never locks out its cases.
    """
    items = tuple(sorted(files.items()))
    return _cached_version(content_hash(files), items)
