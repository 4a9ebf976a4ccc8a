"""A case's workflow state to and from plain JSON-able data, without the diagram specs.

SpiffWorkflow embeds the full specs in every serialized workflow. Ours belong to the
deployed version (stored once), so the converter below leaves them out when dumping and
takes them from the DeployedVersion when loading. It mirrors ``BpmnWorkflowConverter``
of SpiffWorkflow 3.2 (pinned ``<3.3``); the round-trip tests catch a change there.
"""

import copy
import json
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG as SPIFF_CONFIG
from SpiffWorkflow.task import Task

from .scripting import script_engine
from .specs import DeployedVersion
from .trail import TRAIL_KEY, attach, begin, stored

STATE_FORMAT = "wegwijs-1"


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def restore(self, dct: dict[str, Any], version: DeployedVersion) -> BpmnWorkflow:
        workflow = BpmnWorkflow(
            version.spec,
            dict(version.subprocess_specs),
            script_engine=script_engine(),
            deserializing=True,
        )
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class _TaskConverter(TaskConverter):
    """SpiffWorkflow's, except that a task without data says so. SpiffWorkflow
    stores a task's data as a delta against its parent's: for a task with none (a
    join that has not fired, a cancelled branch) that delta lists every variable of
    the case as deleted, about 30% of a state at engine task 1,000, and loading it
    copies the parent's data only to delete all of it again. ``from_dict`` reads an
    empty delta as "the data as stored", so states in either form load the same."""

    def to_dict(self, task: Task) -> dict[str, Any]:
        dct: dict[str, Any] = super().to_dict(task)
        if task.parent is not None and not task.data:
            dct["data"], dct["delta"] = {}, {}
        return dct


def _converter() -> _SpeclessWorkflowConverter:
    registry = BpmnWorkflowSerializer.configure(SPIFF_CONFIG)
    registry.register(
        Decimal, lambda v: {"value": str(v)}, lambda v: Decimal(v["value"])
    )
    registry.register(
        date,
        lambda v: {"value": v.isoformat()},
        lambda v: date.fromisoformat(v["value"]),
    )
    # Registering replaces the default Task and BpmnWorkflow converters in this
    # registry.
    _TaskConverter(Task, registry)
    return _SpeclessWorkflowConverter(BpmnWorkflow, registry)


# Stateless once built: it only maps objects to dicts and back.
CONVERTER = _converter()


def dump_state(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The workflow's state as a JSON-able dict; the specs stay with the version."""
    dct = CONVERTER.to_dict(workflow)
    dct["format"] = STATE_FORMAT
    trail = stored(workflow)
    if trail is not None:
        dct[TRAIL_KEY] = trail
    return dct


# A dumped state, or its JSON text as stored.
DumpedState = dict[str, Any] | str


def load_state(state: DumpedState, version: DeployedVersion) -> BpmnWorkflow:
    """A live workflow from a dumped state, always with the restricted script engine."""
    # The converter pops keys from the dicts it reads: text is parsed into a fresh
    # dict; a dict is copied, the caller's must stay intact (a failed operation
    # leaves the case as it was).
    fresh = json.loads(state) if isinstance(state, str) else _copy(state)
    if fresh.get("format") != STATE_FORMAT:
        raise ValueError(f"unknown workflow state format {fresh.get('format')!r}")
    trail = fresh.pop(TRAIL_KEY, None)
    workflow = CONVERTER.restore(fresh, version)
    attach(workflow, trail)
    return workflow


def _copy(state: dict[str, Any]) -> dict[str, Any]:
    """A deep copy; a dumped state is plain JSON, which the json module copies
    several times faster than copy.deepcopy."""
    try:
        return json.loads(json.dumps(state))
    except (TypeError, ValueError):
        return copy.deepcopy(state)


def new_workflow(version: DeployedVersion) -> BpmnWorkflow:
    """A fresh workflow of the version's main process, with the restricted script
    engine."""
    workflow = BpmnWorkflow(
        version.spec, dict(version.subprocess_specs), script_engine=script_engine()
    )
    begin(workflow)
    return workflow
