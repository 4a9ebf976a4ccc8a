"""Keep a case's engine state to what is still running.

SpiffWorkflow keeps every task it ever ran in one tree: a case that loops through
voortgangsgesprekken for years grows a chain of thousands of tasks, and every load,
step and save walks it (and past about 1,000 levels the engine stalls or overflows).
Wegwijs keeps history in its own tables (submissions, milestones, audit events), so
after each operation the engine's tree is cut back to what the future needs:

- every unfinished task (ready, waiting, started, predicted);
- the parent of every unfinished task: a task inherits its data from its parent;
- while a join waits, every branch that arrived at it and that branch's last task:
  the join checks which inputs arrived (and merges their data when it fires);
- every task where live branches split (two or more live children);
- the children of a running (multi-instance or loop) activity;
- the root.

Finished branches with nothing running below them are dropped, and finished tasks in
a straight line between the kept ones are spliced out. Relations between the tasks
that stay (ancestor, descendant) are unchanged, which is all the engine's joins,
boundary events and loops look at.
"""

from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin


def prune(workflow: Any) -> int:
    """Cut the workflow and its subprocesses back to what is still running; returns
    how many tasks were dropped."""
    dropped = 0
    for sp_id, sub in list(workflow.subprocesses.items()):
        owner = _owner(workflow, sp_id)
        if not _open_anywhere(sub) and (owner is None or not _open(owner)):
            # A finished phase: its data was handed back when it ended.
            del workflow.subprocesses[sp_id]
            dropped += len(sub.tasks)
    for tree in (workflow, *list(workflow.subprocesses.values())):
        dropped += _prune_tree(tree, workflow)
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = None
    return dropped


def _owner(workflow: Any, task_id: Any) -> Any:
    """The subworkflow task (in any tree) that runs the subprocess ``task_id``."""
    for tree in (workflow, *workflow.subprocesses.values()):
        if task_id in tree.tasks:
            return tree.tasks[task_id]
    return None


def _open(task: Any) -> bool:
    return not task.has_state(TaskState.FINISHED_MASK)


def _is_join(task: Any) -> bool:
    return isinstance(task.task_spec, UnstructuredJoin)


def _live(tree: Any) -> set[Any]:
    """Ids of the unfinished tasks and all their ancestors; while a join waits, every
    branch that arrived at it (a parallel join cancels the earlier arrivals but counts
    them)."""
    waiting_joins = {
        t.task_spec for t in tree.tasks.values() if _open(t) and _is_join(t)
    }
    live: set[Any] = set()
    for task in tree.tasks.values():
        if not (_open(task) or task.task_spec in waiting_joins):
            continue
        node = task
        while node is not None and node.id not in live:
            live.add(node.id)
            node = node.parent
    return live


def _drop(tree: Any, top: Any, task: Any) -> int:
    """Remove a finished task and everything below it."""
    count = 0
    stack = [task]
    while stack:
        node = stack.pop()
        stack.extend(child for child in node.children if child is not None)
        tree.tasks.pop(node.id, None)
        top.subprocesses.pop(node.id, None)
        count += 1
    return count


def _drop_dead_branches(tree: Any, top: Any, live: set[Any]) -> int:
    """Finished branches below live tasks, except the iterations of a running loop."""
    dropped = 0
    for task_id in list(live):
        task = tree.tasks.get(task_id)
        if task is None or (isinstance(task.task_spec, LoopTask) and _open(task)):
            continue
        for child in list(task.children):
            if child is not None and child.id not in live:
                task._children.remove(child.id)
                dropped += _drop(tree, top, child)
    return dropped


def _kept(tree: Any, live: set[Any]) -> set[Any]:
    keep = {tree.task_tree.id}
    for task_id in live:
        task = tree.tasks[task_id]
        if (_open(task) or _is_join(task)) and task.parent is not None:
            keep.add(task.parent.id)
        if (
            _open(task)
            or _is_join(task)
            or len(task._children) > 1
            or isinstance(task.task_spec, LoopTask)
        ):
            keep.add(task_id)
    return keep


def _splice_chains(tree: Any, removable: set[Any]) -> int:
    """Splice the finished links of straight chains out of the tree."""
    dropped = 0
    for task_id in removable:
        task = tree.tasks[task_id]
        parent = task.parent
        if parent is None or len(task._children) != 1:
            continue
        child = tree.tasks[task._children[0]]
        parent._children[parent._children.index(task_id)] = child.id
        child._parent = parent.id
        del tree.tasks[task_id]
        dropped += 1
    return dropped


def _prune_tree(tree: Any, top: Any) -> int:
    if tree.task_tree is None or not _open_anywhere(tree):
        return 0
    live = _live(tree)
    dropped = _drop_dead_branches(tree, top, live)
    return dropped + _splice_chains(tree, live - _kept(tree, live))


def _open_anywhere(tree: Any) -> bool:
    return any(_open(task) for task in tree.tasks.values())
