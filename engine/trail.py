"""The trail: what the engine actually ran for a case, kept with its state.

The engine prunes finished work from a case's state, so the way the case went cannot
be read back from it; a diagram that infers the way (every flow out of a done task)
draws branches the case never took. The trail is recorded as the engine advances
instead: per process, the elements that completed (tasks, gateways, events, call
activities) and the steps between them (the element before -> the element), each
once. Both are bounded by the size of the diagrams, not by the age of the case, and
capped besides. It travels inside the dumped state (``"trail"``), so it is stored,
migrated and reverted with the state, in the one place a case's state lives.

A case started before the trail existed gets one from its first operation on: its
``since`` is then later than its start, and ``from_start`` is False.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask

TRAIL_KEY = "trail"
_ATTRIBUTE = "wegwijs_trail"
# Far above what any diagram holds; a cap so a broken diagram cannot grow a state.
MAX_ENTRIES = 2000


@dataclass(frozen=True)
class Trail:
    """What ran for a case: per process id, the completed elements and the steps
    (before, element) between them."""

    since: str
    from_start: bool
    done: Mapping[str, tuple[str, ...]]
    steps: Mapping[str, tuple[tuple[str, str], ...]]


def attach(workflow: Any, trail: Mapping[str, Any] | None) -> None:
    """Hang a stored trail (or None: none recorded yet) on a live workflow."""
    setattr(workflow, _ATTRIBUTE, dict(trail) if trail is not None else None)


def stored(workflow: Any) -> dict[str, Any] | None:
    """The trail to dump with the workflow's state."""
    found = getattr(workflow, _ATTRIBUTE, None)
    return found if isinstance(found, dict) else None


def begin(workflow: Any) -> None:
    """A new case: its trail covers everything from its start."""
    setattr(workflow, _ATTRIBUTE, {"since": "", "from_start": True})


def _arrivals(workflow: Any) -> list[tuple[str, str, str]]:
    """How the case reached what waits now (a ready task, a timer, a join): the step
    into it, without counting it as done."""
    found = []
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
        element = getattr(task.task_spec, "bpmn_id", None)
        parent = task.parent
        before = getattr(parent.task_spec, "bpmn_id", None) if parent else None
        if element and before:
            found.append((task.workflow.spec.name, before, element))
    return found


def record(workflow: Any, ran: Iterable[tuple[str, str, str]], now: datetime) -> None:
    """Add what one operation ran, as (process id, element before, element), and the
    steps into what waits now."""
    trail = getattr(workflow, _ATTRIBUTE, None)
    if not isinstance(trail, dict):
        trail = {"since": "", "from_start": False}
    if not trail.get("since"):
        trail["since"] = now.isoformat()
    done: dict[str, list[str]] = trail.setdefault("done", {})
    steps: dict[str, list[str]] = trail.setdefault("steps", {})
    count = sum(len(v) for v in done.values()) + sum(len(v) for v in steps.values())
    entries = [
        (process, table, entry)
        for process, before, element in ran
        for table, entry in ((done, element), (steps, f"{before}>{element}"))
    ]
    entries += [(p, steps, f"{b}>{e}") for p, b, e in _arrivals(workflow)]
    for process, table, entry in entries:
        known = table.setdefault(process, [])
        if not entry.startswith(">") and entry not in known and count < MAX_ENTRIES:
            known.append(entry)
            count += 1
    setattr(workflow, _ATTRIBUTE, trail)


def trail_of(state: Mapping[str, Any]) -> Trail | None:
    """The trail in a dumped state, or None for a case that has none yet."""
    raw = state.get(TRAIL_KEY)
    if not isinstance(raw, dict) or not raw.get("since"):
        return None
    return Trail(
        since=str(raw["since"]),
        from_start=bool(raw.get("from_start")),
        done={p: tuple(ids) for p, ids in raw.get("done", {}).items()},
        steps={
            p: tuple(tuple(s.split(">", 1)) for s in entries)
            for p, entries in raw.get("steps", {}).items()
        },
    )


def file_processes(
    process_files: Mapping[str, str], specs: Mapping[str, Any]
) -> dict[str, str]:
    """Every process id, embedded subprocesses included, -> the process id whose
    file draws it (an embedded subprocess is drawn inside its parent's file)."""
    parent: dict[str, str] = {}
    for name, spec in specs.items():
        for task_spec in spec.task_specs.values():
            if isinstance(task_spec, SubWorkflowTask):
                owner = getattr(task_spec, "_wf_spec", None)
                parent.setdefault(task_spec.spec, owner.name if owner else name)
    found: dict[str, str] = {}
    for pid in {*specs, *parent}:
        seen, current = set(), pid
        while current not in process_files and current in parent:
            if current in seen:
                break
            seen.add(current)
            current = parent[current]
        if current in process_files:
            found[pid] = current
    return found
