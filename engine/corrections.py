"""Correcting a date a case's deadlines were computed from, outside the diagram.

A date entered at the start (the statushouder's binnenkomst in the gemeente, often
guessed while they still wait in the AZC) feeds scripts that compute deadlines, and
those deadlines arm timers (the PIP warning, the escalation). Drawing the correction
into every diagram costs optional tasks and timers in loops; instead the host asks
the engine to correct the value in the case's data, and the engine:

1. runs again, on the case's data with the corrected value, every script task of the
   version that reads a changed value and has run already (its results are in the
   data) - in order, until nothing else changes. A script that reads what it writes
   (``einde = deadline(einde, weeks=verlenging)``) is not run again: it builds on its
   own earlier result, not on the date, so the correction refuses to guess;
2. writes the changed values into every task of the case (each task holds its own
   copy of the data);
3. re-arms every waiting date timer whose moment comes out different: the moment
   SpiffWorkflow stored when the timer started waiting is replaced by the moment its
   expression gives now;
4. advances the case as any operation does: a timer whose new moment has passed
   fires now (a deadline that has already passed by the corrected date says so).

What the correction cannot undo is said, not hidden: a date timer that fired before
(a warning given on the old date) stays fired. No Django here.
"""

import ast
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    TimeDateEventDefinition,
    TimerEventDefinition,
)
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask

from .clock import Clock
from .exceptions import EngineError
from .limits import DEFAULT_BUDGET, Budget
from .milestones import ReachedMilestone
from .runtime import LiveCase, Snapshot, _Operation, _run, check_case_data
from .scripting import names_assigned, names_loaded
from .serialization import DumpedState, load_state
from .specs import DeployedVersion
from .trail import Trail, trail_of

__all__ = [
    "CorrectionRefused",
    "Corrected",
    "MovedTimer",
    "correct_live",
    "correct_value",
]

# How many rounds of re-running scripts a correction may take (a chain of scripts
# each reading the one before); far above what a trajectory draws.
_MAX_ROUNDS = 20


class CorrectionRefused(EngineError):
    """The correction cannot be made on this case (Dutch message)."""


@dataclass(frozen=True)
class MovedTimer:
    """A waiting date timer the correction moved."""

    bpmn_id: str
    name: str
    before: datetime
    after: datetime
    # The new moment has passed: the timer fired in the same operation.
    passed: bool


@dataclass(frozen=True)
class Corrected:
    """A case after a correction: the snapshot, and what moved with the value."""

    snapshot: Snapshot
    before: Any
    # Every value that changed (the corrected one first): name -> (old, new).
    changed: Mapping[str, tuple[Any, Any]]
    # The scripts that ran again, by BPMN id.
    rerun: tuple[str, ...]
    moved: tuple[MovedTimer, ...]
    # Date timers reading a changed value that fired before the correction, by name:
    # what they set in motion (a warning, an escalation) stays.
    fired_before: tuple[str, ...]


def _all_specs(version: DeployedVersion) -> list[tuple[str, Any]]:
    specs = [(version.spec.name, version.spec)]
    specs += sorted(version.subprocess_specs.items())
    return specs


def _scripts(version: DeployedVersion) -> list[tuple[str, Any]]:
    """Every script task of the version: (process id, task spec)."""
    return [
        (process, task_spec)
        for process, spec in _all_specs(version)
        for task_spec in spec.task_specs.values()
        if isinstance(task_spec, ScriptTask) and task_spec.script
    ]


def _date_timers(version: DeployedVersion) -> list[tuple[str, Any]]:
    return [
        (process, task_spec)
        for process, spec in _all_specs(version)
        for task_spec in spec.task_specs.values()
        if isinstance(
            getattr(task_spec, "event_definition", None), TimeDateEventDefinition
        )
    ]


def _free_reads(script: str) -> set[str]:
    """The names a script reads before it assigns them itself (statement by
    statement): what its result depends on from outside."""
    try:
        tree = ast.parse(script.strip())
    except SyntaxError:
        return set()
    assigned: set[str] = set()
    free: set[str] = set()
    for statement in tree.body:
        source = ast.unparse(statement)
        free |= names_loaded(source) - assigned
        assigned |= names_assigned(source)
    return free


def _trees(workflow: BpmnWorkflow) -> list[Any]:
    return [workflow, *workflow.subprocesses.values()]


def _current_data(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The case's data as the host reads it: the last task run and every task still
    open (ready, waiting, running) over it."""
    data: dict[str, Any] = {}
    if workflow.last_task is not None:
        data.update(workflow.last_task.data)
    open_states = TaskState.READY | TaskState.WAITING | TaskState.STARTED
    for task in workflow.get_tasks(state=open_states):
        data.update(task.data)
    return data


def _same(left: Any, right: Any) -> bool:
    return bool(left == right and type(left) is type(right))


def _has_run(
    trail: Trail | None, process: str, spec: Any, data: Mapping[str, Any]
) -> bool:
    """Whether a script task ran for this case: by its trail, or for a case whose
    trail began later, by its results being in the data."""
    if trail is not None and spec.bpmn_id in trail.done.get(process, ()):
        return True
    if trail is not None and trail.from_start:
        return False
    writes = names_assigned(spec.script)
    return bool(writes) and writes <= set(data)


def _recompute(
    workflow: BpmnWorkflow,
    version: DeployedVersion,
    trail: Trail | None,
    data: dict[str, Any],
    name: str,
) -> tuple[dict[str, tuple[Any, Any]], list[tuple[str, Any]]]:
    """Re-run the scripts that depend on ``name`` over ``data`` (changed in place);
    returns the changed values and the (process, script spec) that ran again."""
    changed: dict[str, tuple[Any, Any]] = {}
    rerun: list[tuple[str, Any]] = []
    dirty = {name}
    environment = workflow.script_engine.environment
    scripts = _scripts(version)
    for _ in range(_MAX_ROUNDS):
        newly: set[str] = set()
        for process, spec in scripts:
            reads = _free_reads(spec.script)
            writes = names_assigned(spec.script)
            if not reads & dirty or not _has_run(trail, process, spec, data):
                continue  # not about the value, or not run yet: it will see it
            if reads & writes:
                raise CorrectionRefused(
                    f"de stap ‘{spec.bpmn_name or spec.bpmn_id}’ bouwt voort op een"
                    " eerdere uitkomst en kan niet opnieuw worden berekend"
                )
            context = dict(data)
            try:
                environment.execute(spec.script, context)
            except Exception as exc:  # noqa: BLE001 - any script error refuses
                raise CorrectionRefused(
                    f"de stap ‘{spec.bpmn_name or spec.bpmn_id}’ kan niet opnieuw"
                    f" worden berekend: {exc}"
                ) from exc
            for key in writes:
                if key in context and not _same(context[key], data[key]):
                    changed.setdefault(key, (data[key], context[key]))
                    changed[key] = (changed[key][0], context[key])
                    data[key] = context[key]
                    newly.add(key)
            if (process, spec) not in rerun:
                rerun.append((process, spec))
        if not newly:
            return changed, rerun
        dirty = newly
    raise CorrectionRefused("de berekende termijnen blijven veranderen")


def _write(workflow: BpmnWorkflow, values: Mapping[str, Any]) -> None:
    """Put the corrected values in every task (and process) that holds them."""
    for tree in _trees(workflow):
        for holder in (tree, *tree.tasks.values()):
            for key, value in values.items():
                if key in holder.data:
                    holder.data[key] = value


def _moment(value: Any) -> datetime:
    """A timer's ISO value as SpiffWorkflow reads it, as a plain aware datetime."""
    moment = TimerEventDefinition.parse_time_or_duration(str(value))
    return datetime.fromisoformat(moment.isoformat())


def _rearm(workflow: BpmnWorkflow, clock: Clock, names: set[str]) -> list[MovedTimer]:
    moved = []
    for task in workflow.get_tasks(state=TaskState.WAITING):
        spec = task.task_spec
        definition = getattr(spec, "event_definition", None)
        if not isinstance(definition, TimeDateEventDefinition):
            continue
        if not names_loaded(definition.expression) & names:
            continue
        stored = task.internal_data.get("event_value")
        if stored is None:
            continue  # not armed yet: it reads the corrected data when it is
        value = workflow.script_engine.evaluate(task, definition.expression)
        before = _moment(stored)
        after = _moment(value)
        if before == after:
            continue
        task.internal_data["event_value"] = value
        moved.append(
            MovedTimer(
                bpmn_id=spec.bpmn_id,
                name=str(spec.bpmn_name or spec.bpmn_id),
                before=before,
                after=after,
                passed=after <= clock.now(),
            )
        )
    return moved


def _fired_before(
    trail: Trail | None,
    version: DeployedVersion,
    workflow: BpmnWorkflow,
    names: set[str],
) -> tuple[str, ...]:
    """The date timers reading a changed value that already fired, by name."""
    waiting = {
        (task.workflow.spec.name, task.task_spec.bpmn_id)
        for task in workflow.get_tasks(state=TaskState.WAITING)
    }
    found = []
    for process, spec in _date_timers(version):
        if not names_loaded(spec.event_definition.expression) & names:
            continue
        if (process, spec.bpmn_id) in waiting:
            continue
        if trail is not None and spec.bpmn_id in trail.done.get(process, ()):
            found.append(str(spec.bpmn_name or spec.bpmn_id))
    return tuple(found)


def _as_data(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def correct_value(
    version: DeployedVersion,
    state: DumpedState,
    name: str,
    value: Any,
    *,
    clock: Clock,
    budget: Budget = DEFAULT_BUDGET,
) -> Corrected:
    """Correct the case variable ``name`` to ``value`` (a date as ISO text), with
    what is computed from it, and run the case on: see the module's docstring.
    ``CorrectionRefused`` says in Dutch why not (the case has no such value, it does
    not change, or a step that depends on it cannot be computed again)."""
    check_case_data({name: value})
    trail = trail_of(json.loads(state) if isinstance(state, str) else state)
    workflow = load_state(state, version)
    return _correct(workflow, version, trail, name, value, clock, budget, dump=True)


def correct_live(
    case: LiveCase,
    name: str,
    value: Any,
    *,
    clock: Clock,
    budget: Budget = DEFAULT_BUDGET,
) -> Corrected:
    """``correct_value`` on a case a scenario or test drive holds live. It keeps no
    trail, so a script counts as run when its results are in the data."""
    check_case_data({name: value})
    return _correct(
        case.workflow, case.version, None, name, value, clock, budget, dump=False
    )


def _correct(
    workflow: BpmnWorkflow,
    version: DeployedVersion,
    trail: Trail | None,
    name: str,
    value: Any,
    clock: Clock,
    budget: Budget,
    *,
    dump: bool,
) -> Corrected:
    value = _as_data(value)
    if workflow.is_completed():
        raise CorrectionRefused("het dossier is afgesloten")
    data = _current_data(workflow)
    if name not in data:
        raise CorrectionRefused(f"dit dossier heeft geen waarde ‘{name}’")
    before = data[name]
    if _same(before, value):
        raise CorrectionRefused("de nieuwe waarde is dezelfde als de oude")
    result: dict[str, Any] = {}

    def correct(operation: _Operation) -> None:
        data[name] = value
        derived, rerun = _recompute(workflow, version, trail, data, name)
        changed = {name: (before, value), **derived}
        _write(workflow, {key: new for key, (_, new) in changed.items()})
        for _process, spec in rerun:
            properties = spec.extensions.get("properties", {})
            if not properties.get("milestone"):
                continue
            expression = properties.get("milestoneValue")
            milestone_value = (
                workflow.script_engine.environment.evaluate(expression, dict(data))
                if expression
                else None
            )
            operation.reached.append(
                ReachedMilestone(
                    properties["milestone"], spec.bpmn_id, clock.now(), milestone_value
                )
            )
        result["changed"] = changed
        result["rerun"] = tuple(spec.bpmn_id for _, spec in rerun)
        result["moved"] = tuple(_rearm(workflow, clock, set(changed)))
        result["fired_before"] = _fired_before(trail, version, workflow, set(changed))

    snapshot = _run(workflow, version, clock, budget, correct, dump=dump)
    return Corrected(
        snapshot=snapshot,
        before=before,
        changed=result["changed"],
        rerun=result["rerun"],
        moved=result["moved"],
        fired_before=result["fired_before"],
    )
