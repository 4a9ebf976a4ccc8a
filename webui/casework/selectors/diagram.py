"""The case in its process diagram: the marks of open and done work, the trail the
engine ran, and the diagrams to choose from."""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import engine
from webui.access import CaseAccess
from webui.cases.models import Case, CaseState
from webui.definitions.bundles import blob_texts, bundle_of
from webui.tasks.models import TaskItem

from .phases import case_phase_file, phase_statuses

OPEN_MARK = "wegwijs-open"


DONE_MARK = "wegwijs-done"


STATUS_WORDS = {"current": "nu", "done": "afgerond", "todo": "nog niet"}


@dataclass(frozen=True)
class CaseMarks:
    """What the viewer marks in one diagram file for one case: element id -> class
    (open tasks and what was done), called process id -> class (for the call
    activities of the phases), and the same in words. ``trail`` is what the engine
    recorded running in this file: the gateways and events passed ("path") and the
    steps between elements ("steps"), or None for a case without a trail."""

    elements: dict[str, str]
    calls: dict[str, str]
    done: list[str]
    open: list[str]
    trail: dict[str, Any] | None = None
    # When the trail began, if the case ran before trails were kept.
    trail_since: datetime | None = None


def _mark_classes(open_ids: set[str], done_ids: set[str]) -> dict[str, str]:
    """Id -> "wegwijs-open", "wegwijs-done" or both (a task in a loop)."""
    return {
        key: " ".join(
            mark
            for mark, ids in ((OPEN_MARK, open_ids), (DONE_MARK, done_ids))
            if key in ids
        )
        for key in sorted(open_ids | done_ids)
    }


def _file_processes(process: engine.DeployedVersion) -> dict[str, str]:
    """Process id (embedded subprocesses included) -> the file that draws it."""
    owners = engine.file_processes(
        process.process_files,
        {engine.MAIN_PROCESS: process.spec, **process.subprocess_specs},
    )
    return {pid: process.process_files[top] for pid, top in owners.items()}


def case_trail(case: Case) -> engine.Trail | None:
    """What the engine recorded running for the case (None before trails were
    kept, until its next step)."""
    state = CaseState.objects.filter(case_id=case.pk).values_list("state", flat=True)
    text = state.first()
    return engine.trail_of(json.loads(text)) if text else None


def case_marks(*, case: Case, access: CaseAccess, file_name: str) -> CaseMarks:
    """The case's position (open tasks) and path (what the engine ran, done tasks,
    reached milestones) in one file of its version. A trainer sees only the PVT
    tasks on it, and the way through the processes that hold them."""
    process = bundle_of(case.version).process
    files = _file_processes(process)
    in_file = {pid for pid, name in files.items() if name == file_name}
    process_of = {task: pid for pid, task in process.user_task_roles}
    ids: dict[bool, set[str]] = {True: set(), False: set()}
    names: dict[bool, dict[str, None]] = {True: {}, False: {}}
    calls: dict[bool, set[str]] = {True: set(case.open_phases), False: set()}
    tasks = case.tasks.filter(
        state__in=(TaskItem.State.OPEN, TaskItem.State.DONE)
    ).order_by("ready_at", "id")
    for bpmn_id, state, role, name in tasks.values_list(
        "bpmn_id", "state", "role", "name"
    ):
        if not access.sees_submission(role):
            continue
        is_open = state == TaskItem.State.OPEN
        pid = process_of.get(bpmn_id, "")
        calls[is_open].add(pid)
        if pid in in_file:
            ids[is_open].add(bpmn_id)
            names[is_open][name] = None
    if not access.trainer_only:
        declared = {m.element: m.process for m in process.milestones if m.element}
        reached = case.milestones.filter(bpmn_id__in=list(declared))
        for bpmn_id in reached.values_list("bpmn_id", flat=True).distinct():
            calls[False].add(declared[bpmn_id])
            if declared[bpmn_id] in in_file:
                ids[False].add(bpmn_id)
    trail, since = _trail_marks(case, access, process, in_file, ids[False])
    return CaseMarks(
        elements=_mark_classes(ids[True], ids[False]),
        calls=_mark_classes(calls[True] - {""}, calls[False] - {""}),
        done=list(names[False]),
        open=list(names[True]),
        trail=trail,
        trail_since=since,
    )


def _trail_marks(
    case: Case,
    access: CaseAccess,
    process: engine.DeployedVersion,
    in_file: set[str],
    done: set[str],
) -> tuple[dict[str, Any] | None, datetime | None]:
    """The trail in the file's processes, for the viewer: done user tasks join
    ``done``; gateways, events and call activities passed are the "path"; the steps
    are the pairs (element before, element) the engine ran. User tasks the viewer
    may not see are left out, and the steps that touch them."""
    trail = case_trail(case)
    if trail is None:
        return None, None
    roles = process.user_task_roles
    visible = set()
    for pid in in_file:
        if access.trainer_only and not any(
            p == pid and role == "trainer" for (p, _t), role in roles.items()
        ):
            continue
        visible.add(pid)
    path: set[str] = set()
    hidden: set[str] = set()
    for pid in visible:
        for element in trail.done.get(pid, ()):
            role = roles.get((pid, element))
            if role is None:
                path.add(element)
            elif access.sees_submission(role):
                done.add(element)
            else:
                hidden.add(element)
    steps = sorted(
        {
            (before, element)
            for pid in visible
            for before, element in trail.steps.get(pid, ())
            if before not in hidden and element not in hidden
        }
    )
    since = None if trail.from_start else datetime.fromisoformat(trail.since)
    return {"path": sorted(path), "steps": [list(s) for s in steps]}, since


@dataclass(frozen=True)
class DiagramChoice:
    file_name: str
    label: str
    status: str  # "current", "done", "todo" or "" (not a phase of its own)

    @property
    def status_label(self) -> str:
        return STATUS_WORDS.get(self.status, "")


@dataclass(frozen=True)
class CaseDiagram:
    """One diagram of the case's version, with the case's marks, and the other
    diagrams to choose from."""

    file_name: str
    label: str
    xml: str
    marks: CaseMarks
    choices: list[DiagramChoice]

    @property
    def status(self) -> str:
        return next(
            (c.status for c in self.choices if c.file_name == self.file_name), ""
        )

    @property
    def waiting(self) -> bool:
        """The phase runs, but nothing in it is open: it waits for a date or for
        another part of the trajectory."""
        return self.status == "current" and not self.marks.open


def diagram_choices(case: Case) -> list[DiagramChoice]:
    """The diagrams of the case's version: the whole trajectory, then each phase in
    the order it runs, then the processes the phases call."""
    process = bundle_of(case.version).process
    files = process.process_files
    statuses = phase_statuses(case)
    choices = {}
    main = files.get(engine.MAIN_PROCESS)
    if main:
        choices[main] = DiagramChoice(main, "Het hele traject", "")
    for pid, status in statuses.items():
        if pid in files and files[pid] not in choices:
            name = process.phase_names.get(pid, pid)
            choices[files[pid]] = DiagramChoice(files[pid], name, status)
    for pid, file_name in sorted(files.items(), key=lambda item: item[1]):
        if file_name not in choices:
            name = process.phase_names.get(pid, pid)
            choices[file_name] = DiagramChoice(file_name, name, "")
    return list(choices.values())


def _current_file(case: Case, access: CaseAccess) -> str | None:
    """The file that holds the oldest open task of the viewer's roles (of anyone's
    the viewer may see, if they have none), or else the case's current phase."""
    process = bundle_of(case.version).process
    files = _file_processes(process)
    process_of = {task: pid for pid, task in process.user_task_roles}
    open_tasks = case.tasks.filter(state=TaskItem.State.OPEN).order_by("ready_at", "id")
    visible = [
        (bpmn_id, role)
        for bpmn_id, role in open_tasks.values_list("bpmn_id", "role")
        if access.sees_submission(role) and process_of.get(bpmn_id)
    ]
    visible.sort(key=lambda task: task[1] not in access.roles)  # stable: mine first
    for bpmn_id, _role in visible:
        file_name = files.get(process_of[bpmn_id])
        if file_name:
            return file_name
    return case_phase_file(case)


def case_diagram(
    *, case: Case, access: CaseAccess, file_name: str | None = None
) -> CaseDiagram | None:
    """The diagram to show on the case page: the one asked for, or the one that
    holds the case's open work (the whole trajectory when it is closed)."""
    choices = diagram_choices(case)
    by_file = {choice.file_name: choice for choice in choices}
    if file_name not in by_file:
        file_name = _current_file(case, access)
    if file_name not in by_file:
        file_name = choices[0].file_name if choices else None
    sha = case.version.files.get(file_name or "")
    if file_name is None or sha is None:
        return None
    return CaseDiagram(
        file_name=file_name,
        label=by_file[file_name].label,
        xml=blob_texts([sha])[sha],
        marks=case_marks(case=case, access=access, file_name=file_name),
        choices=choices,
    )
