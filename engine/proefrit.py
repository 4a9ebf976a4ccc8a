"""The proefrit (test drive): synthetic cases driven through a version before it goes
live.

A static check cannot know behaviour: a gateway whose conditions can all be false, a
script that fails on an empty optional field, a loop that never ends. The proefrit runs
the version itself on a manual clock. It starts a case for each start answer it is
given, and at every task a person would do it completes the task with the answers the
caller offers (``answers``: the first is the ordinary one, the others vary what the
process routes on). Every variant of every task is tried at least once; after that a
path goes on with ordinary answers, so the number of cases grows with the number of
choices, not with their product. Timers are fired by moving the clock to them, loops
run a bounded number of rounds, call activities are followed into the version's own
processes.

It reports, per finding, the element, the answers that led there and the path:
- a case that stands still (no branch to take, a task no role can pick up, a wait
  nothing ends) and a script or condition that fails or exceeds its budget: errors,
  a version with one is not deployable;
- a variable read before any step sets it: an error (the case stands still there);
- a required milestone never reached on a path that ends, a flow node no path reaches:
  warnings.

No Django here: the caller (the studio) turns form definitions into answers.
"""

import json
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import Any, Protocol

from .clock import ManualClock
from .decisions import decision_code
from .exceptions import ScriptRefused, WorkflowFailed
from .findings import ERROR, WARNING
from .limits import Budget, BudgetExceeded
from .runtime import LiveCase, ReadyTask, Snapshot, failed_element
from .scripting import names_loaded
from .specs import DeployedVersion

Answers = Mapping[str, Any]
# The answers to offer at a ready task, given the case data so far: the ordinary
# answers first, then the variants worth trying.
AnswerSource = Callable[[ReadyTask, Mapping[str, Any]], Sequence[Answers]]

# Per engine operation: small, so a runaway script is found quickly.
DRIVE_BUDGET = Budget(max_steps=2_000, max_seconds=2.0, max_lines=200_000)


@dataclass(frozen=True)
class Step:
    """One thing that happened on a path: a task done with answers, or a timer."""

    element: str
    name: str
    answers: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DriveFinding:
    severity: str
    kind: str  # stilstand | fout | budget | onbekend | mijlpaal | onbereikt
    process: str
    element: str
    message: str
    path: tuple[Step, ...] = ()

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


@dataclass
class DriveReport:
    findings: list[DriveFinding] = field(default_factory=list)
    # (process id, flow node id) of every node some path completed ...
    covered: set[tuple[str, str]] = field(default_factory=set)
    # ... and (process id, previous node, node) of every step between two nodes.
    steps_taken: set[tuple[str, str, str]] = field(default_factory=set)
    elements: set[tuple[str, str]] = field(default_factory=set)
    # The variables the version's code reads: the answers that were varied.
    read: set[str] = field(default_factory=set)
    cases: int = 0
    ended: int = 0
    operations: int = 0
    seconds: float = 0.0
    complete: bool = True  # False when the time box ran out first

    @property
    def errors(self) -> list[DriveFinding]:
        return [f for f in self.findings if f.is_error]


@dataclass
class _Path:
    case: LiveCase
    snapshot: Snapshot
    now: datetime
    steps: tuple[Step, ...]
    visits: dict[str, int]
    reached: frozenset[str]
    # Which answer set a path took at each task last time (0: the ordinary one).
    chose: dict[str, int] = field(default_factory=dict)
    # The answers given on the path to what the process reads, the last per name.
    given: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Limits:
    seconds: float = 50.0
    rounds: int = 8  # how often a path may pass one task (a loop's rounds)
    vary_rounds: int = 1  # in which rounds a task's variants are tried
    steps: int = 400  # the longest path
    operations: int = 0  # at most this many engine operations (0: no limit)


def flow_nodes(version: DeployedVersion) -> set[tuple[str, str]]:
    """Every flow node of the version, as (process id, BPMN id)."""
    specs = {version.spec.name: version.spec, **dict(version.subprocess_specs)}
    found = set()
    for process_id, spec in specs.items():
        for task_spec in spec.task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if bpmn_id:
                found.add((process_id, bpmn_id))
    return found


def _code_of(task_spec: Any) -> Iterable[str]:
    for condition, _target in getattr(task_spec, "cond_task_specs", ()) or ():
        # SpiffWorkflow keeps a BPMN condition as an object holding its expression.
        for source in (condition, *getattr(condition, "args", ())):
            if isinstance(source, str):
                yield source
    script = getattr(task_spec, "script", None)
    if isinstance(script, str):
        yield script
    for owner in (task_spec, getattr(task_spec, "event_definition", None)):
        expression = getattr(owner, "expression", None)
        if isinstance(expression, str):
            yield expression
    yield from decision_code(task_spec)
    properties = getattr(task_spec, "extensions", {}).get("properties", {})
    for name in ("dueDate", "displayName", "milestoneValue"):
        if properties.get(name):
            yield properties[name]


def variables_read(version: DeployedVersion) -> set[str]:
    """Every case variable some condition, script or expression of the version
    reads: the answers worth varying."""
    specs = {version.spec.name: version.spec, **dict(version.subprocess_specs)}
    found: set[str] = set()
    for spec in specs.values():
        for task_spec in spec.task_specs.values():
            for source in _code_of(task_spec):
                found |= names_loaded(source)
    return found


class _Operation(Protocol):
    """One engine call of a drive, given the drive's clock for its moment."""

    def __call__(self, *, clock: ManualClock) -> Any: ...


class _Drive:
    def __init__(
        self,
        version: DeployedVersion,
        answers: AnswerSource,
        required: Mapping[str, str],
        field_milestones: Mapping[str, Iterable[str]],
        limits: Limits,
        read: set[str],
    ) -> None:
        self.version = version
        self.answers = answers
        self.required = required
        self.field_milestones = {
            key: frozenset(milestones) for key, milestones in field_milestones.items()
        }
        self.start_milestones: frozenset[str] = frozenset()
        self.limits = limits
        self.read = read
        self.report = DriveReport(elements=flow_nodes(version), read=self.read)
        self.tried: set[tuple[Any, ...]] = set()
        self.seen: set[str] = set()
        self.found: set[tuple[str, str, str]] = set()
        self.deadline = time.monotonic() + limits.seconds

    # -- findings ------------------------------------------------------------------

    def add(
        self,
        severity: str,
        kind: str,
        process: str,
        element: str,
        message: str,
        path: tuple[Step, ...],
    ) -> None:
        key = (kind, process, element)
        if key in self.found:
            return
        self.found.add(key)
        self.report.findings.append(
            DriveFinding(severity, kind, process, element, message, path)
        )

    def failed(self, exc: WorkflowFailed, at: str, path: tuple[Step, ...]) -> None:
        cause: BaseException | None = exc.__cause__
        element = failed_element(cause) if cause else ""
        seen: BaseException | None = cause
        kind = "fout"
        while seen is not None:
            if isinstance(seen, BudgetExceeded | ScriptRefused):
                kind = "budget"
            elif isinstance(seen, NameError):
                kind = "onbekend"
            seen = seen.__cause__ or seen.__context__
        if "No conditions satisfied" in str(cause):
            kind = "stilstand"
        self.add(ERROR, kind, "", element or at, str(exc), path)

    # -- one operation ---------------------------------------------------------------

    def run(self, operation: _Operation, at: datetime) -> Any:
        clock = ManualClock(at)
        self.report.operations += 1
        result = operation(clock=clock)
        snapshot = result[1] if isinstance(result, tuple) else result
        for process, before, node in snapshot.ran:
            self.report.covered.add((process, node))
            self.report.steps_taken.add((process, before, node))
        return result

    def advance(
        self, path: _Path, case: LiveCase, snapshot: Snapshot, step: Step
    ) -> _Path:
        reached = path.reached | {m.key for m in snapshot.reached}
        return _Path(
            case=case,
            snapshot=snapshot,
            now=path.now,
            steps=(*path.steps, step),
            visits=dict(path.visits),
            reached=reached,
            chose=path.chose,
            given=path.given,
        )

    # -- exploring -------------------------------------------------------------------

    def start(self, start: Sequence[Answers], at: datetime) -> list[_Path]:
        paths = []
        for data in start:
            step = Step("start", "Aanmelding", dict(data))
            try:
                case, snapshot = self.run(
                    partial(LiveCase.start, self.version, data, budget=DRIVE_BUDGET),
                    at,
                )
            except WorkflowFailed as exc:
                self.failed(exc, "start", (step,))
                continue
            self.report.cases += 1
            reached = frozenset(m.key for m in snapshot.reached) | self.start_milestones
            paths.append(_Path(case, snapshot, at, (step,), {}, reached))
        return paths

    def key(self, path: _Path) -> str:
        snapshot = path.snapshot
        return json.dumps(
            [
                sorted(t.bpmn_id for t in snapshot.ready_tasks),
                snapshot.next_timer_at.isoformat() if snapshot.next_timer_at else None,
                sorted(path.reached),
                # A snapshot's data is what the last task and the waiting ones see,
                # not every branch's: the answers given on the path tell the rest.
                {
                    **path.given,
                    **{k: v for k, v in snapshot.data.items() if k in self.read},
                },
            ],
            sort_keys=True,
            default=str,
        )

    def choices(self, path: _Path, task: ReadyTask) -> list[tuple[int, Answers]]:
        """The answer sets to try at ``task`` on this path, by index."""
        variants = list(self.answers(task, path.snapshot.data)) or [{}]
        rounds = path.visits.get(task.bpmn_id, 0)
        # In a loop a path that chose a variant keeps it (absent three times); an
        # ordinary path takes the variants in turn, so a loop that goes on with one
        # answer ends with another.
        chose = path.chose.get(task.bpmn_id, 0)
        picked = [min(chose or rounds % len(variants), len(variants) - 1)]
        if rounds < self.limits.vary_rounds:
            for index in range(1, len(variants)):
                if (task.bpmn_id, index) not in self.tried:
                    self.tried.add((task.bpmn_id, index))
                    picked.append(index)
        return [(index, variants[index]) for index in dict.fromkeys(picked)]

    def options(self, path: _Path) -> list[tuple[str, Any]]:
        """What can happen next: a task done with one of its answers, or a timer."""
        snapshot = path.snapshot
        found: list[tuple[str, Any]] = []
        if snapshot.ready_tasks:
            task = min(snapshot.ready_tasks, key=lambda t: (t.ready_at, t.bpmn_id))
            for index, answers in self.choices(path, task):
                found.append(("task", (task, index, answers)))
        if snapshot.next_timer_at is not None:
            # Waiting on a timer alone: it fires. Beside open tasks (a deadline while
            # someone works) it fires first once for each set of open tasks.
            waiting = ("timer", *sorted(t.bpmn_id for t in snapshot.ready_tasks))
            if not snapshot.ready_tasks or waiting not in self.tried:
                self.tried.add(waiting)
                found.append(("timer", snapshot.next_timer_at))
        return found

    def stood_still(self, path: _Path) -> None:
        snapshot = path.snapshot
        for task in snapshot.ready_tasks:
            if not task.role:
                self.add(
                    ERROR,
                    "stilstand",
                    task.phase,
                    task.bpmn_id,
                    f"‘{task.name}’ staat klaar, maar geen rol kan de taak oppakken"
                    " (de taak ligt niet in een baan met een rol)",
                    path.steps,
                )
        if not snapshot.ready_tasks and snapshot.next_timer_at is None:
            last = path.steps[-1].element if path.steps else ""
            self.add(
                ERROR,
                "stilstand",
                "",
                last,
                "het dossier staat stil: er is geen taak voor iemand en geen timer"
                " die afloopt, maar het proces is niet klaar",
                path.steps,
            )

    def ended(self, path: _Path) -> None:
        self.report.ended += 1
        missing = [k for k in self.required if k not in path.reached]
        for key in missing:
            self.add(
                WARNING,
                "mijlpaal",
                "",
                key,
                f"de verplichte mijlpaal ‘{self.required[key]}’ wordt op dit pad"
                " nooit bereikt",
                path.steps,
            )

    def next_paths(self, path: _Path) -> list[_Path]:
        options = self.options(path)
        found = []
        for index, (kind, value) in enumerate(options):
            # Every option but the last works on a copy; the last takes the path's own.
            case = path.case if index == len(options) - 1 else path.case.fork()
            if kind == "task":
                task, chosen, answers = value
                step = Step(task.bpmn_id, task.name, dict(answers))
                try:
                    snapshot = self.run(
                        partial(case.complete, task.id, answers, budget=DRIVE_BUDGET),
                        path.now,
                    )
                except WorkflowFailed as exc:
                    self.failed(exc, task.bpmn_id, (*path.steps, step))
                    continue
                new = self.advance(path, case, snapshot, step)
                new.visits[task.bpmn_id] = new.visits.get(task.bpmn_id, 0) + 1
                new.chose = {**path.chose, task.bpmn_id: chosen}
                new.given = {
                    **path.given,
                    **{k: v for k, v in answers.items() if k in self.read},
                }
                keys = self.field_milestones.get(task.form_key, frozenset())
                new.reached = new.reached | keys
                if new.visits[task.bpmn_id] > self.limits.rounds:
                    continue
            else:
                moment = value + timedelta(seconds=1)
                step = Step("timer", f"tijd verstreken tot {value:%d-%m-%Y}")
                try:
                    snapshot = self.run(
                        partial(case.fire_timers, budget=DRIVE_BUDGET),
                        moment,
                    )
                except WorkflowFailed as exc:
                    self.failed(exc, "timer", (*path.steps, step))
                    continue
                new = self.advance(path, case, snapshot, step)
                new.now = max(path.now, moment)
            found.append(new)
        return found

    def explore(self, paths: list[_Path]) -> None:
        stack = list(reversed(paths))
        while stack:
            if time.monotonic() > self.deadline or (
                self.limits.operations
                and self.report.operations >= self.limits.operations
            ):
                self.report.complete = False
                return
            path = stack.pop()
            if path.snapshot.completed:
                self.ended(path)
                continue
            key = self.key(path)
            if key in self.seen or len(path.steps) > self.limits.steps:
                continue
            self.seen.add(key)
            following = self.next_paths(path)
            if not following:
                self.stood_still(path)
            stack.extend(reversed(following))

    def unreached(self) -> None:
        for process, element in sorted(self.report.elements - self.report.covered):
            self.add(
                WARNING,
                "onbereikt",
                process,
                element,
                "geen enkel pad van de proefrit komt hier",
                (),
            )


def drive(
    version: DeployedVersion,
    *,
    start: Sequence[Answers],
    answers: AnswerSource,
    at: datetime,
    required_milestones: Mapping[str, str] | None = None,
    field_milestones: Mapping[str, Iterable[str]] | None = None,
    start_milestones: Iterable[str] = (),
    limits: Limits | None = None,
    read: set[str] | None = None,
) -> DriveReport:
    """Drive synthetic cases through ``version`` and report what went wrong.

    ``start``: the start form's answers (with the version's settings), one case each;
    ``answers``: the answers to offer at a ready task; ``required_milestones``: key ->
    label of the milestones every ended path must reach; ``field_milestones``: form key
    -> the milestone keys its fields record when answered; ``start_milestones``:
    those the start form's fields record; ``read``: variables_read(version), when the
    caller has it already.
    """
    began = time.monotonic()
    driving = _Drive(
        version,
        answers,
        required_milestones or {},
        field_milestones or {},
        limits or Limits(),
        variables_read(version) if read is None else read,
    )
    driving.start_milestones = frozenset(start_milestones)
    driving.explore(driving.start(start, at))
    if driving.report.complete:
        driving.unreached()
    driving.report.seconds = time.monotonic() - began
    return driving.report
