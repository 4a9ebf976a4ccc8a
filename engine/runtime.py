"""Running cases: start, list ready user tasks, complete one, fire due timers.

Every operation takes the case's stored state and returns a new Snapshot; nothing is
changed in place, so a failed operation leaves the caller's state exactly as it was.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.control import BoundaryEventJoin, BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException

from .clock import Clock, running_on
from .exceptions import TaskNotFound, TaskNotReady, WorkflowFailed
from .limits import DEFAULT_BUDGET, Budget, BudgetExceeded, Meter, metered
from .milestones import ReachedMilestone
from .pruning import prune
from .scripting import HELPERS, TIMEZONE, ScriptLimit
from .serialization import DumpedState, dump_state, load_state, new_workflow
from .specs import DeployedVersion
from .trail import record

COMPLETED_PHASE = "afgerond"
_READY_AT = "wegwijs_ready_at"


@dataclass(frozen=True)
class ReadyTask:
    """A user task waiting for someone, as a task queue needs it."""

    id: str
    bpmn_id: str
    name: str
    role: str
    form_key: str
    phase: str
    documentation: str
    ready_at: datetime
    due: date | None
    # The user task this one follows in the flow (its nearest user-task ancestor,
    # also across call activities), or None: what a host needs to let consecutive
    # steps stay with one person, and not a task that a timer or another branch
    # opened in the same operation.
    after: str | None = None
    # The phase the work belongs to: ``phase``, except for a task of the main
    # process that a deadline on a phase opened (a warning, an escalation): that
    # phase, so it is not shown under the process's own name.
    belongs_to: str = ""


@dataclass(frozen=True)
class Snapshot:
    """A case after an engine operation."""

    state: dict[str, Any]
    ready_tasks: tuple[ReadyTask, ...]
    # The first of the phases the case is in (in the version's order) ...
    phase: str
    completed: bool
    next_timer_at: datetime | None
    data: dict[str, Any]
    # Milestones declared on flow nodes that completed during this operation.
    reached: tuple[ReachedMilestone, ...] = ()
    # ... and all of them: the MB and the regie track run side by side.
    phases: tuple[str, ...] = ()
    # How many engine tasks this operation ran (what a case's age is counted in).
    tasks_run: int = 0
    # The flow nodes this operation completed, as (process id, previous node, node):
    # what a test drive draws as the path taken.
    ran: tuple[tuple[str, str, str], ...] = ()


def check_case_data(data: Mapping[str, Any]) -> None:
    """Refuse variable names a diagram could not use or that would shadow a helper."""
    for key in data:
        if not key.isidentifier() or key.startswith("_") or key in HELPERS:
            raise ValueError(f"'{key}' cannot be used as a case variable name")


def _phase_of(task: Any) -> str:
    """The process id of the phase (the call activity under the main process)."""
    workflow = task.workflow
    phase = workflow.spec.name
    while getattr(workflow, "parent_workflow", None) is not None:
        phase = workflow.spec.name
        workflow = workflow.parent_workflow
    return phase


def _attached_phase(spec: Any) -> str | None:
    """The phase a boundary event before ``spec`` is attached to (the PIP deadline
    on *Brede intake en PIP* opens a warning and an escalation in the main
    process), or None when no such event leads to it. The walk back stops at a
    phase: what follows a phase that ended belongs to no deadline of it."""
    seen: set[str] = set()
    todo = list(spec.inputs)
    while todo:
        before = todo.pop()
        if before.name in seen or len(seen) > 200:
            continue
        seen.add(before.name)
        if isinstance(before, BoundaryEventSplit):
            called = [o.spec for o in before.outputs if isinstance(o, SubWorkflowTask)]
            return str(called[0]) if called else None
        if isinstance(before, SubWorkflowTask | BoundaryEventJoin):
            continue
        todo.extend(before.inputs)
    return None


def _belongs_to(task: Any) -> str:
    """The phase a ready task's work belongs to (see ReadyTask.belongs_to)."""
    phase = _phase_of(task)
    if getattr(task.workflow, "parent_workflow", None) is None:
        return _attached_phase(task.task_spec) or phase
    return phase


def _due(task: Any, workflow: BpmnWorkflow, ready_at: datetime) -> date | None:
    properties = task.task_spec.extensions.get("properties", {})
    if properties.get("dueDate"):
        value = workflow.script_engine.evaluate(task, properties["dueDate"])
        moment = datetime.fromisoformat(str(value))
        if moment.tzinfo is None:
            return moment.date()
        return moment.astimezone(TIMEZONE).date()
    if properties.get("dueInDays"):
        days = int(properties["dueInDays"])
        return (ready_at.astimezone(TIMEZONE) + timedelta(days=days)).date()
    return None


def _display_name(task: Any, workflow: BpmnWorkflow) -> str:
    """The task's name, or its ``displayName`` expression over the case data (e.g.
    f"PVT-workshop {workshop_nr}" for a task in a loop)."""
    spec = task.task_spec
    expression = spec.extensions.get("properties", {}).get("displayName")
    if expression:
        return str(workflow.script_engine.evaluate(task, expression))[:200]
    return str(spec.bpmn_name or spec.bpmn_id)


def _after(task: Any) -> str | None:
    """The id of the nearest user task before ``task`` in its tree, climbing from a
    subprocess to the activity that called it."""
    node = task.parent
    tree = task.workflow
    while True:
        while node is not None:
            if node.task_spec.manual:
                return str(node.id)
            node = node.parent
        caller_id = getattr(tree, "parent_task_id", None)
        if caller_id is None:
            return None
        try:
            node = tree.top_workflow.get_task_from_id(caller_id)
        except TaskNotFoundException:
            return None
        if node is None:
            return None
        tree = node.workflow


def _ready_tasks(
    workflow: BpmnWorkflow, version: DeployedVersion, clock: Clock
) -> tuple[ReadyTask, ...]:
    found = []
    for task in workflow.get_tasks(state=TaskState.READY, manual=True):
        stamp = task.internal_data.setdefault(_READY_AT, clock.now().isoformat())
        ready_at = datetime.fromisoformat(stamp)
        spec = task.task_spec
        found.append(
            ReadyTask(
                id=str(task.id),
                bpmn_id=spec.bpmn_id,
                name=_display_name(task, workflow),
                role=version.user_task_roles.get(
                    (task.workflow.spec.name, spec.bpmn_id), ""
                ),
                form_key=spec.extensions.get("properties", {}).get("formKey", ""),
                phase=_phase_of(task),
                documentation=spec.documentation or "",
                ready_at=ready_at,
                due=_due(task, workflow, ready_at),
                after=_after(task),
                belongs_to=_belongs_to(task),
            )
        )
    return tuple(found)


_TIMER_EVENTS = frozenset(
    {
        "TimeDateEventDefinition",
        "DurationTimerEventDefinition",
        "CycleTimerEventDefinition",
    }
)


def _next_timer(workflow: BpmnWorkflow) -> datetime | None:
    # Only timers carry a moment: a waiting escalation (a boete opening its
    # bezwaar) carries its code in the same field.
    moments = [
        datetime.fromisoformat(event.value)
        for event in workflow.waiting_events()
        if event.event_type in _TIMER_EVENTS and isinstance(event.value, str)
    ]
    return min(moments) if moments else None


def _open_phases(
    workflow: BpmnWorkflow, version: DeployedVersion, ready: tuple[ReadyTask, ...]
) -> tuple[str, ...]:
    """Every phase the case is in now (tracks run side by side), in the version's
    phase order: the phases of ready tasks, and the running call activities of the
    main process (where only a timer or a join waits)."""
    if workflow.is_completed():
        return (COMPLETED_PHASE,)
    # A deadline's task counts under its process's own id here, not under the
    # phase it belongs to: a late PIP keeps no finished phase open.
    found = {task.phase for task in ready}
    for task in workflow.get_tasks(state=TaskState.STARTED, skip_subprocesses=True):
        if isinstance(task.task_spec, SubWorkflowTask):
            found.add(task.task_spec.spec)
    # Tasks of the main process itself (a deadline's warning) are no phase of their
    # own while the case is in a phase.
    if len(found) > 1:
        found.discard(workflow.spec.name)
    if not found:
        waiting = workflow.get_tasks(state=TaskState.WAITING)
        found = {_phase_of(waiting[-1])} if waiting else set()
    order = {pid: index for index, pid in enumerate(version.phase_order)}
    return tuple(sorted(found, key=lambda pid: (order.get(pid, len(order)), pid)))


def _snapshot(
    workflow: BpmnWorkflow,
    version: DeployedVersion,
    clock: Clock,
    reached: tuple[ReachedMilestone, ...] = (),
    tasks_run: int = 0,
    ran: tuple[tuple[str, str, str], ...] = (),
    dump: bool = True,
) -> Snapshot:
    ready = _ready_tasks(workflow, version, clock)
    completed = workflow.is_completed()
    # Case data is spread over tasks (each branch has its own copy); what the host reads
    # is the union of the last task run and every task now waiting for someone.
    data: dict[str, Any] = {}
    if completed:
        data.update(workflow.data)
    else:
        sources = [workflow.last_task] if workflow.last_task is not None else []
        sources += workflow.get_tasks(state=TaskState.READY, manual=True)
        for task in sources:
            data.update(task.data)
    phases = _open_phases(workflow, version, ready)
    next_timer_at = _next_timer(workflow)
    prune(workflow)  # history lives in Wegwijs' tables, not in the engine state
    return Snapshot(
        state=dump_state(workflow) if dump else {},
        ready_tasks=ready,
        phase=phases[0] if phases else "",
        phases=phases,
        completed=completed,
        next_timer_at=next_timer_at,
        data=data,
        reached=reached,
        tasks_run=tasks_run,
        ran=ran,
    )


class _Operation:
    """One engine operation: its budget, and the milestones its tasks reach."""

    def __init__(self, workflow: BpmnWorkflow, clock: Clock, meter: Meter) -> None:
        self.workflow = workflow
        self.clock = clock
        self.meter = meter
        self.reached: list[ReachedMilestone] = []
        self.ran: list[tuple[str, str, str]] = []

    def completed(self, task: Any) -> None:
        """A task completed (SpiffWorkflow's did_complete_task callback)."""
        self.meter.step()
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if bpmn_id:
            parent = task.parent
            before = getattr(parent.task_spec, "bpmn_id", None) if parent else None
            self.ran.append((task.workflow.spec.name, before or "", bpmn_id))
        properties = getattr(task.task_spec, "extensions", {}).get("properties", {})
        key = properties.get("milestone")
        if not key:
            return
        expression = properties.get("milestoneValue")
        value = (
            self.workflow.script_engine.evaluate(task, expression)
            if expression
            else None
        )
        self.reached.append(
            ReachedMilestone(key, task.task_spec.bpmn_id, self.clock.now(), value)
        )

    def advance(self) -> None:
        # A timer that becomes due during do_engine_steps only turns READY at its
        # end (in its own refresh_timers); a second round runs what it released.
        # Most operations release nothing: then the second round, a walk over
        # every task of the case, is skipped.
        workflow = self.workflow
        fired = 0
        refresh = workflow.refresh_timers

        def refresh_counting() -> None:
            nonlocal fired
            waiting = [(t, t.state) for t in workflow.event_manager.tasks.values()]
            refresh()
            fired += sum(1 for task, state in waiting if task.state != state)

        setattr(workflow, "refresh_timers", refresh_counting)  # noqa: B010
        try:
            workflow.do_engine_steps(did_complete_task=self.completed)
            workflow.refresh_timers()
        finally:
            delattr(workflow, "refresh_timers")
        if fired:
            workflow.do_engine_steps(did_complete_task=self.completed)


def _cause(exc: BaseException, kind: type[BaseException]) -> BaseException | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _limit_in(exc: BaseException) -> ScriptLimit | None:
    found = _cause(exc, ScriptLimit)
    return found if isinstance(found, ScriptLimit) else None


def failed_element(exc: BaseException) -> str:
    """The BPMN id of the element an engine error happened in ('' if unknown)."""
    task = getattr(exc, "task", None)
    spec = task.task_spec if task is not None else getattr(exc, "task_spec", None)
    return str(getattr(spec, "bpmn_id", "") or "")


def _what_went_wrong(exc: Exception) -> str:
    """SpiffWorkflow's English for the errors a diagram can make, in Dutch."""
    if "No conditions satisfied" in str(exc):
        return (
            "geen enkele voorwaarde van deze keuze is waar en er is geen"
            " standaardpad: het dossier kan hier niet verder"
        )
    missing = _cause(exc, NameError)
    if isinstance(missing, NameError) and missing.name:
        return f"‘{missing.name}’ heeft nog geen waarde: geen eerdere stap zet het"
    return str(exc)


def _failed(exc: Exception, meter: Meter) -> WorkflowFailed:
    task = getattr(exc, "task", None)
    spec = task.task_spec if task is not None else getattr(exc, "task_spec", None)
    name = getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None)
    where = f" in ‘{name}’" if name else ""
    if meter.exceeded:
        return WorkflowFailed(f"het diagram is gestopt{where}: {meter.exceeded}")
    limit = _limit_in(exc)
    if limit is not None:
        return WorkflowFailed(f"het diagram is gestopt{where}: {limit}")
    return WorkflowFailed(
        f"het diagram kon niet verder{where}: {_what_went_wrong(exc)}"
    )


def _run(
    workflow: BpmnWorkflow,
    version: DeployedVersion,
    clock: Clock,
    budget: Budget,
    step: Callable[[_Operation], None],
    dump: bool = True,
) -> Snapshot:
    """Run ``step`` on the workflow under the budget, and take the snapshot (with
    the dumped state unless ``dump`` is False)."""
    with running_on(clock), metered(budget) as meter:
        operation = _Operation(workflow, clock, meter)
        try:
            step(operation)
            operation.advance()
            if dump:  # a stored case; the proefrit keeps its own account of paths
                record(workflow, operation.ran, clock.now())
            return _snapshot(
                workflow,
                version,
                clock,
                tuple(operation.reached),
                meter.steps,
                tuple(operation.ran),
                dump,
            )
        except (SpiffWorkflowException, BudgetExceeded) as exc:
            raise _failed(exc, meter) from exc


def _beginning(
    workflow: BpmnWorkflow, data: Mapping[str, Any]
) -> Callable[[_Operation], None]:
    check_case_data(data)

    def begin(operation: _Operation) -> None:
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)

    return begin


def start_case(
    version: DeployedVersion,
    data: Mapping[str, Any],
    *,
    clock: Clock,
    budget: Budget = DEFAULT_BUDGET,
) -> Snapshot:
    """Start the main process with the start form's data and run it to its first
    waits."""
    workflow = new_workflow(version)
    return _run(workflow, version, clock, budget, _beginning(workflow, data))


def _completing(
    workflow: BpmnWorkflow, task_id: str, form_data: Mapping[str, Any]
) -> Callable[[_Operation], None]:
    check_case_data(form_data)
    try:
        task = workflow.get_task_from_id(UUID(task_id))
    except (ValueError, TaskNotFoundException):
        raise TaskNotFound(task_id) from None
    if task is None:
        raise TaskNotFound(task_id)
    if task.state != TaskState.READY or not task.task_spec.manual:
        raise TaskNotReady(task_id)

    def complete(operation: _Operation) -> None:
        task.data.update(form_data)
        task.run()
        operation.completed(task)

    return complete


def complete_task(
    version: DeployedVersion,
    state: DumpedState,
    task_id: str,
    form_data: Mapping[str, Any],
    *,
    clock: Clock,
    budget: Budget = DEFAULT_BUDGET,
) -> Snapshot:
    """Complete a ready user task with its form data and run the case to its next
    waits."""
    workflow = load_state(state, version)
    step = _completing(workflow, task_id, form_data)
    return _run(workflow, version, clock, budget, step)


def fire_timers(
    version: DeployedVersion,
    state: DumpedState,
    *,
    clock: Clock,
    budget: Budget = DEFAULT_BUDGET,
) -> Snapshot:
    """Run whatever the timers that are due by ``clock`` release."""
    workflow = load_state(state, version)
    return _run(
        workflow, version, clock, budget, lambda operation: workflow.refresh_timers()
    )


def inspect_case(
    version: DeployedVersion, state: DumpedState, *, clock: Clock
) -> Snapshot:
    """The case as it stands, without running anything."""
    workflow = load_state(state, version)
    with running_on(clock):
        return _snapshot(workflow, version, clock)


class LiveCase:
    """A case held as a live workflow through many operations in a row, its state
    dumped only when it forks: what the proefrit drives. Not for stored cases: an
    operation that fails leaves a LiveCase broken (fork before trying)."""

    def __init__(self, version: DeployedVersion, workflow: BpmnWorkflow) -> None:
        self.version = version
        self.workflow = workflow

    @classmethod
    def start(
        cls,
        version: DeployedVersion,
        data: Mapping[str, Any],
        *,
        clock: Clock,
        budget: Budget = DEFAULT_BUDGET,
    ) -> "tuple[LiveCase, Snapshot]":
        workflow = new_workflow(version)
        step = _beginning(workflow, data)
        snapshot = _run(workflow, version, clock, budget, step, dump=False)
        return cls(version, workflow), snapshot

    def complete(
        self,
        task_id: str,
        form_data: Mapping[str, Any],
        *,
        clock: Clock,
        budget: Budget = DEFAULT_BUDGET,
    ) -> Snapshot:
        step = _completing(self.workflow, task_id, form_data)
        return _run(self.workflow, self.version, clock, budget, step, dump=False)

    def fire_timers(self, *, clock: Clock, budget: Budget = DEFAULT_BUDGET) -> Snapshot:
        workflow = self.workflow
        return _run(
            workflow,
            self.version,
            clock,
            budget,
            lambda operation: workflow.refresh_timers(),
            dump=False,
        )

    def fork(self) -> "LiveCase":
        """An independent copy, through the same JSON round trip a stored case takes."""
        return LiveCase(
            self.version, load_state(dump_state(self.workflow), self.version)
        )
