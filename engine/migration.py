"""Moving a running case to another version of its process.

SpiffWorkflow aligns the old specs with the new ones by id (``bpmn.util.diff``); the
rule here is Wegwijs' own and more forgiving than "refuse when anything that started
changed": a case can move when every task it is waiting on, and every finished task its
state still holds, exists in the new version. Renamed tasks, tasks in another lane,
other forms, new tasks before or after the case's position, changed conditions: all
move. What the case waits on keeps its moment: timers are not restarted and a waiting
task keeps the moment it became ready (so its due date stays). A new boundary event on
an activity the case is in is armed at the move.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow

from .clock import Clock
from .exceptions import EngineError
from .limits import DEFAULT_BUDGET, Budget
from .runtime import Snapshot, _run
from .serialization import CONVERTER, DumpedState, dump_state, load_state
from .specs import DeployedVersion
from .validation import ROLE_LABELS

# Matches no task we ever have: migrate_workflow then resets nothing, so READY tasks
# keep their data and ready moment and WAITING timers keep their deadlines.
_RESET_NOTHING = TaskState.ERROR
_WAITING = TaskState.READY | TaskState.WAITING | TaskState.STARTED
# Steps the case has not reached: only predicted, so they may follow the new flows.
_NOT_REACHED = TaskState.FUTURE | TaskState.PREDICTED_MASK


class MoveRefused(EngineError):
    """The case cannot move to the target version; ``reasons`` say why, in Dutch."""

    def __init__(self, reasons: tuple[str, ...]) -> None:
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@dataclass(frozen=True)
class MoveCheck:
    """Whether a case can move, why not, and what changes for it if it does."""

    reasons: tuple[str, ...]
    changes: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.reasons


def _name(spec: Any) -> str:
    return (
        getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or spec.name
    )


def _kind(spec: Any) -> str:
    if isinstance(spec, UserTask):
        return "de taak"
    if isinstance(spec, SubWorkflowTask):
        return "de fase"
    return "de stap"


def _counterpart(spec: Any, new: DeployedVersion) -> Any | None:
    """The step of the new version that is what ``spec`` was, at another place (or
    under another id): a call activity calling the same process, or a step of the
    same kind with the same name. None when the new version really lacks it."""
    called = getattr(spec, "spec", None) if isinstance(spec, SubWorkflowTask) else None
    name = getattr(spec, "bpmn_name", None)
    for process_spec in (new.spec, *new.subprocess_specs.values()):
        for candidate in process_spec.task_specs.values():
            if candidate is spec or type(candidate) is not type(spec):
                continue
            if called is not None and getattr(candidate, "spec", None) == called:
                return candidate
            same_name = getattr(candidate, "bpmn_name", None) == name
            if called is None and name and same_name:
                return candidate
    return None


def _removed_reason(task: Any, new: DeployedVersion) -> str:
    """Why a step the case has reached and the new version lacks (by id) stops the
    move: either it is gone, or it is there under another id, which a running case
    cannot follow."""
    spec = task.task_spec
    waiting = task.has_state(_WAITING)
    if _counterpart(spec, new) is not None:
        if waiting:
            return (
                f"{_kind(spec)} ‘{_name(spec)}’ waarop dit dossier wacht staat in de"
                " nieuwe versie op een andere plaats in het proces; een dossier dat"
                " er al in zit kan niet mee"
            )
        return (
            f"dit dossier staat na {_kind(spec)} ‘{_name(spec)}’, en die staat in de"
            " nieuwe versie op een andere plaats in het proces"
        )
    if waiting:
        return (
            f"{_kind(spec)} ‘{_name(spec)}’ waarop dit dossier wacht bestaat niet meer"
        )
    return (
        f"dit dossier staat na {_kind(spec)} ‘{_name(spec)}’, en die bestaat niet meer"
    )


def _trees(workflow: Any, diffs: Mapping[Any, Any]) -> Iterator[tuple[Any, Any]]:
    top, subs = diffs["top"], diffs["subs"]
    yield workflow, top
    for sp_id, sub in workflow.subprocesses.items():
        yield sub, subs.get(sp_id)


def _guarded(spec: Any) -> bool:
    """Whether boundary events guard the activity: SpiffWorkflow then puts a split
    before it and a join after it, which a step already running never passed."""
    return any(
        type(i).__name__ == "BoundaryEventSplit" for i in getattr(spec, "inputs", ())
    )


def _task_changes(
    task: Any, new_spec: Any, old: DeployedVersion, new: DeployedVersion
) -> list[str]:
    """What changes for an open user task, in words."""
    if not isinstance(task.task_spec, UserTask) or not isinstance(new_spec, UserTask):
        return []
    old_spec = task.task_spec
    changes = []
    if _name(old_spec) != _name(new_spec):
        changes.append(f"de open taak ‘{_name(old_spec)}’ heet nu ‘{_name(new_spec)}’")
    process = task.workflow.spec.name
    old_role = old.user_task_roles.get((process, old_spec.bpmn_id), "")
    new_role = new.user_task_roles.get((process, new_spec.bpmn_id), "")
    if old_role != new_role:
        changes.append(
            f"de open taak ‘{_name(new_spec)}’ gaat nu naar de rol"
            f" {ROLE_LABELS.get(new_role, new_role)}"
            f" (was {ROLE_LABELS.get(old_role, old_role)})"
        )
    old_form = old_spec.extensions.get("properties", {}).get("formKey")
    new_form = new_spec.extensions.get("properties", {}).get("formKey")
    if old_form != new_form:
        changes.append(
            f"de open taak ‘{_name(new_spec)}’ gebruikt nu formulier ‘{new_form}’"
            f" (was ‘{old_form}’)"
        )
    return changes


def _diffs(workflow: Any, new: DeployedVersion) -> dict[str, Any]:
    top, subs = diff_workflow(
        CONVERTER.registry, workflow, new.spec, dict(new.subprocess_specs)
    )
    return {"top": top, "subs": subs}


def _review(
    workflow: Any, diffs: Mapping[str, Any], old: DeployedVersion, new: DeployedVersion
) -> MoveCheck:
    reasons: list[str] = []
    changes: list[str] = []
    for tree, diff in _trees(workflow, diffs):
        unfinished = any(
            not t.has_state(TaskState.FINISHED_MASK) for t in tree.tasks.values()
        )
        if diff is None:
            if unfinished:
                label = old.phase_names.get(tree.spec.name, tree.spec.name)
                reasons.append(
                    f"de fase ‘{label}’ waarin dit dossier zit bestaat niet meer"
                )
            continue
        for task in diff.removed:
            if task.has_state(_NOT_REACHED):
                continue  # not reached yet: the new version's path is taken instead
            reasons.append(_removed_reason(task, new))
        for task, new_spec in diff.alignment.items():
            if new_spec is not None and task.has_state(TaskState.READY):
                changes.extend(_task_changes(task, new_spec, old, new))
            if (
                new_spec is not None
                and task.has_state(_WAITING)
                and _guarded(task.task_spec) != _guarded(new_spec)
            ):
                reasons.append(
                    f"‘{_name(new_spec)}’, waar het dossier nu staat, heeft in de"
                    " nieuwe versie andere randgebeurtenissen; die kunnen een lopende"
                    " stap niet meer bewaken"
                )
    return MoveCheck(tuple(dict.fromkeys(reasons)), tuple(dict.fromkeys(changes)))


def check_move(
    old: DeployedVersion, new: DeployedVersion, state: DumpedState
) -> MoveCheck:
    """Whether a case in ``state`` on ``old`` can move to ``new``, without moving it."""
    workflow = load_state(state, old)
    check = _review(workflow, _diffs(workflow, new), old, new)
    if not check.ok:
        return check
    try:
        _migrated(workflow, new)
    except Exception as exc:  # noqa: BLE001 - anything the engine chokes on refuses
        return MoveCheck(
            (f"de stand van het dossier past niet op de nieuwe versie: {exc}",),
            check.changes,
        )
    return check


def _follow_new_outputs(tree: Any, task: Any) -> None:
    """A running task (a phase, a waiting event) continues along the new version's
    flows: predicted next steps the new version does not put after it go."""
    outputs = set(task.task_spec.outputs)
    stale = [
        child
        for child in task.children
        if child is not None
        and child.has_state(_NOT_REACHED)
        and child.task_spec not in outputs
    ]
    if not stale:
        return
    for child in stale:
        task._children.remove(child.id)
        todo = [child]
        while todo:
            node = todo.pop()
            todo.extend(c for c in node.children if c is not None)
            tree.tasks.pop(node.id, None)
    task._sync_children(task.task_spec.outputs, TaskState.FUTURE)
    # A new FUTURE step must predict its own next steps now: SpiffWorkflow only
    # predicts from predicted states by default, and a step that completes without
    # children ends its path (a new event after the waiting task would stop the case).
    for child in task.children:
        if child.has_state(TaskState.FUTURE):
            child.task_spec._predict(child, mask=_NOT_REACHED)


def _arm_new_boundaries(tree: Any) -> None:
    """A new boundary event on an activity the case is in: SpiffWorkflow arms boundary
    events once, in the split before the activity, which a running activity passed
    already. Arm the new ones there now (a boete that opens bezwaar while the brede
    intake runs)."""
    for split in list(tree.tasks.values()):
        if type(split.task_spec).__name__ != "BoundaryEventSplit":
            continue
        children = split.children
        running = any(
            c.has_state(_WAITING) and not _is_boundary(c.task_spec) for c in children
        )
        if not running:
            continue
        armed = {c.task_spec for c in children}
        for spec in split.task_spec.outputs:
            if spec not in armed and _is_boundary(spec):
                child = split._add_child(spec, TaskState.FUTURE)
                spec._update(child)  # waits for its event from now on
                # and knows where it leads (else it would fire into nothing)
                spec._predict(child, mask=_NOT_REACHED | TaskState.WAITING)


def _is_boundary(spec: Any) -> bool:
    return type(spec).__name__ == "BoundaryEvent" or hasattr(spec, "cancel_activity")


def _drop_stale_predictions(tree: Any) -> None:
    """Drop predicted tasks of steps the new version no longer has, and predict again
    from their parents along the new version's flows."""
    stale = [
        task
        for task in tree.tasks.values()
        if task.has_state(_NOT_REACHED)
        and tree.spec.task_specs.get(task.task_spec.name) is not task.task_spec
    ]
    parents = []
    for task in stale:
        if task.id not in tree.tasks:
            continue  # already gone with a stale ancestor
        parent = task.parent
        if parent is not None:
            parent._children.remove(task.id)
            parents.append(parent)
        todo = [task]
        while todo:
            node = todo.pop()
            todo.extend(c for c in node.children if c is not None)
            tree.tasks.pop(node.id, None)
    for parent in parents:
        if parent.id in tree.tasks:
            parent.task_spec._predict(parent)


def _migrated(workflow: Any, new: DeployedVersion) -> dict[str, Any]:
    """Move the workflow's specs to ``new`` in place; the state as it then is."""
    diffs = _diffs(workflow, new)
    migrate_workflow(diffs["top"], workflow, new.spec, reset_mask=_RESET_NOTHING)
    for sp_id, sub in list(workflow.subprocesses.items()):
        sub_diff = diffs["subs"].get(sp_id)
        if sub_diff is not None:
            migrate_workflow(
                sub_diff,
                sub,
                new.subprocess_specs[sub.spec.name],
                reset_mask=_RESET_NOTHING,
            )
    workflow.subprocess_specs = dict(new.subprocess_specs)
    # Predicted tasks follow the new version's paths from where the case stands.
    for tree in (workflow, *workflow.subprocesses.values()):
        _arm_new_boundaries(tree)
        _drop_stale_predictions(tree)
        for task in list(tree.tasks.values()):
            if task.id in tree.tasks and task.has_state(_WAITING):
                _follow_new_outputs(tree, task)
                task.task_spec._predict(task)
    state = dump_state(workflow)
    load_state(state, new)  # it must load on the new version, or it does not move
    return state


def move_case(
    old: DeployedVersion,
    new: DeployedVersion,
    state: DumpedState,
    *,
    clock: Clock,
    budget: Budget = DEFAULT_BUDGET,
) -> tuple[Snapshot, MoveCheck]:
    """Move a case to ``new`` and run it to its next waits; raises MoveRefused."""
    workflow = load_state(state, old)
    check = _review(workflow, _diffs(workflow, new), old, new)
    if not check.ok:
        raise MoveRefused(check.reasons)
    try:
        moved = _migrated(workflow, new)
    except Exception as exc:  # noqa: BLE001
        raise MoveRefused(
            (f"de stand van het dossier past niet op de nieuwe versie: {exc}",)
        ) from exc
    workflow = load_state(moved, new)
    return _run(workflow, new, clock, budget, lambda operation: None), check
