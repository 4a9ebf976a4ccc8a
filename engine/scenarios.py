"""Scenarios: a proefdossier with fixed answers and the outcome it must have.

The proefrit (engine.proefrit) finds what can go wrong on any path; a scenario fixes
what must go right on one: "ontheffing → geen PVT, PIP-termijn 10 weken na
binnenkomst". It is replayed on a manual clock, the same way the proefrit drives a
path: the first ready task (by the moment it became ready, then its id) is done with
the scenario's answers for it, the rest of its form answered the ordinary way; when
nothing is ready the clock moves to the next timer. A task the scenario holds open
waits until nothing else is ready and no timer waits, so a timer can fire while it
stays open. The outcome - the user tasks done in order, the milestones reached and
their values, the due dates, whether the case ended - is compared
with what the scenario expects, and every difference is said in Dutch.

The format is plain data (docs/scenarios.md), so a scenario is kept as JSON with a
version and written by hand as easily as saved from the studio. No Django here.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from .clock import ManualClock
from .corrections import CorrectionRefused, correct_live
from .exceptions import WorkflowFailed
from .limits import Budget
from .runtime import LiveCase, ReadyTask, Snapshot
from .specs import DeployedVersion

Answers = Mapping[str, Any]
# The answers to a task the scenario says nothing about, at its n-th visit (0 the
# first): the caller knows the forms. The proefrit's way serves: the ordinary answers
# first, then in later rounds the variants in turn, so a loop ends.
DefaultAnswers = Callable[[ReadyTask, int], Answers]

REPLAY_BUDGET = Budget(max_steps=2_000, max_seconds=2.0, max_lines=200_000)
MAX_STEPS = 400


class ScenarioInvalid(ValueError):
    """A scenario's data is not in the documented format (Dutch message)."""


@dataclass(frozen=True)
class Deadline:
    """A task's due date, expected ``days`` after the date in start field ``since``."""

    task: str
    since: str
    days: int


@dataclass(frozen=True)
class Correction:
    """A date corrected outside the diagrams (engine.corrections) right after the
    first time task ``after`` (BPMN id or form key) is done."""

    after: str
    name: str
    value: str


@dataclass(frozen=True)
class Expected:
    path: tuple[str, ...] | None = None  # every user task done, in order
    tasks: tuple[str, ...] = ()  # done, in this order (others may come between)
    not_tasks: tuple[str, ...] = ()  # never ready
    milestones: tuple[str, ...] = ()
    not_milestones: tuple[str, ...] = ()
    # milestone -> a value it was reached with (the outcome recorded as what it is)
    milestone_values: Mapping[str, Any] = field(default_factory=dict)
    deadlines: tuple[Deadline, ...] = ()
    ended: bool | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    proves: str
    start: Mapping[str, Any]
    # Per task (BPMN id, or form key): one answer set, or one per visit (the last
    # one goes on for later visits).
    answers: Mapping[str, tuple[Mapping[str, Any], ...]]
    expected: Expected
    # Tasks (BPMN id or form key) left open: done only when nothing else is ready and
    # no timer waits, so a timer can fire while they stay open (a termijn running out
    # while the exams go on, a bezwaar term passing without a bezwaar).
    held: tuple[str, ...] = ()
    corrections: tuple[Correction, ...] = ()


@dataclass
class Outcome:
    """What happened when a scenario was replayed."""

    path: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)
    ready: set[str] = field(default_factory=set)
    milestones: set[str] = field(default_factory=set)
    values: dict[str, list[Any]] = field(default_factory=dict)
    due: dict[str, date | None] = field(default_factory=dict)
    ended: bool = False
    failure: str = ""  # why the replay stopped before the end, in Dutch


@dataclass(frozen=True)
class ScenarioResult:
    name: str
    differences: tuple[str, ...]
    outcome: Outcome

    @property
    def passed(self) -> bool:
        return not self.differences


# ---- the format ----


def _names(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScenarioInvalid(f"‘{key}’ moet een lijst van namen zijn")
    return tuple(value)


def _deadline(item: Any) -> Deadline:
    if not isinstance(item, dict) or not isinstance(item.get("taak"), str):
        raise ScenarioInvalid("een termijn heeft een ‘taak’")
    days = item.get("dagen", 0) + 7 * item.get("weken", 0)
    if not isinstance(days, int) or isinstance(days, bool):
        raise ScenarioInvalid("‘weken’ en ‘dagen’ van een termijn zijn hele getallen")
    since = item.get("vanaf", "datum_binnenkomst")
    if not isinstance(since, str):
        raise ScenarioInvalid("‘vanaf’ van een termijn is de naam van een datumveld")
    return Deadline(item["taak"], since, days)


def _correction(item: Any) -> Correction:
    if not isinstance(item, dict) or not all(
        isinstance(item.get(key), str) and item.get(key)
        for key in ("na", "veld", "waarde")
    ):
        raise ScenarioInvalid(
            "een correctie heeft ‘na’ (een taak), ‘veld’ en ‘waarde’ (tekst)"
        )
    return Correction(item["na"], item["veld"], item["waarde"])


def scenario_from_data(data: Any) -> Scenario:
    """A scenario from its JSON form (docs/scenarios.md); ScenarioInvalid if it is not
    one."""
    if not isinstance(data, dict):
        raise ScenarioInvalid("een scenario is een JSON-object")
    name = data.get("naam")
    if not isinstance(name, str) or not name.strip():
        raise ScenarioInvalid("een scenario heeft een ‘naam’")
    start = data.get("start", {})
    raw_answers = data.get("antwoorden", {})
    expected = data.get("verwacht", {})
    if not all(isinstance(v, dict) for v in (start, raw_answers, expected)):
        raise ScenarioInvalid("‘start’, ‘antwoorden’ en ‘verwacht’ zijn JSON-objecten")
    answers = {}
    for task, given in raw_answers.items():
        visits = given if isinstance(given, list) else [given]
        if not visits or not all(isinstance(v, dict) for v in visits):
            raise ScenarioInvalid(
                f"de antwoorden bij ‘{task}’ zijn een object of een lijst van objecten"
            )
        answers[task] = tuple(visits)
    path = expected.get("pad")
    ended = expected.get("einde")
    if ended is not None and not isinstance(ended, bool):
        raise ScenarioInvalid("‘einde’ is true of false")
    deadlines = expected.get("termijnen", [])
    if not isinstance(deadlines, list):
        raise ScenarioInvalid("‘termijnen’ is een lijst")
    corrections = data.get("correcties", [])
    if not isinstance(corrections, list):
        raise ScenarioInvalid("‘correcties’ is een lijst")
    values = expected.get("mijlpaalwaarden", {})
    if not isinstance(values, dict):
        raise ScenarioInvalid("‘mijlpaalwaarden’ is een JSON-object")
    return Scenario(
        name=name.strip(),
        proves=str(data.get("bewijst", "")),
        start=dict(start),
        answers=answers,
        held=_names(data, "openhouden"),
        corrections=tuple(_correction(c) for c in corrections),
        expected=Expected(
            path=_names(expected, "pad") if path is not None else None,
            tasks=_names(expected, "taken"),
            not_tasks=_names(expected, "niet_bereikt"),
            milestones=_names(expected, "mijlpalen"),
            not_milestones=_names(expected, "geen_mijlpalen"),
            milestone_values=dict(values),
            deadlines=tuple(_deadline(d) for d in deadlines),
            ended=ended,
        ),
    )


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """The JSON form of a scenario (scenario_from_data reads it back)."""
    expected = scenario.expected
    wanted: dict[str, Any] = {}
    if expected.path is not None:
        wanted["pad"] = list(expected.path)
    for key, value in (
        ("taken", expected.tasks),
        ("niet_bereikt", expected.not_tasks),
        ("mijlpalen", expected.milestones),
        ("geen_mijlpalen", expected.not_milestones),
    ):
        if value:
            wanted[key] = list(value)
    if expected.milestone_values:
        wanted["mijlpaalwaarden"] = dict(expected.milestone_values)
    if expected.deadlines:
        wanted["termijnen"] = [
            {"taak": d.task, "vanaf": d.since, "dagen": d.days}
            for d in expected.deadlines
        ]
    if expected.ended is not None:
        wanted["einde"] = expected.ended
    data: dict[str, Any] = {
        "naam": scenario.name,
        "bewijst": scenario.proves,
        "start": dict(scenario.start),
        "antwoorden": {
            task: dict(visits[0]) if len(visits) == 1 else [dict(v) for v in visits]
            for task, visits in scenario.answers.items()
        },
        "verwacht": wanted,
    }
    if scenario.held:
        data["openhouden"] = list(scenario.held)
    if scenario.corrections:
        data["correcties"] = [
            {"na": c.after, "veld": c.name, "waarde": c.value}
            for c in scenario.corrections
        ]
    return data


# ---- replaying ----


def _given(scenario: Scenario, task: ReadyTask, visit: int) -> Answers:
    visits = scenario.answers.get(task.bpmn_id) or scenario.answers.get(task.form_key)
    if not visits:
        return {}
    return visits[min(visit, len(visits) - 1)]


def replay(
    version: DeployedVersion,
    scenario: Scenario,
    *,
    start: Mapping[str, Any],
    defaults: DefaultAnswers,
    at: datetime,
    field_milestones: Mapping[str, Mapping[str, str]] | None = None,
) -> Outcome:
    """Run ``scenario`` on ``version`` from ``at`` (a manual clock) and say what
    happened. ``start``: the case's data before the scenario's own start answers (the
    version's settings, the start form's ordinary answers); ``defaults``: a task's
    ordinary answers; ``field_milestones``: form key -> milestone -> the field whose
    answer records it."""
    fields = field_milestones or {}
    outcome = Outcome()
    data = {**start, **scenario.start}
    outcome.milestones |= {
        key for key, name in fields.get("aanmelding", {}).items() if data.get(name)
    }
    try:
        case, snapshot = LiveCase.start(
            version, data, clock=ManualClock(at), budget=REPLAY_BUDGET
        )
    except WorkflowFailed as exc:
        outcome.failure = f"het dossier start niet: {exc}"
        return outcome
    now = at
    visits: dict[str, int] = {}
    for _step in range(MAX_STEPS):
        _record(outcome, snapshot)
        if snapshot.completed:
            outcome.ended = True
            return outcome
        ready = _to_do(scenario, snapshot)
        if ready:
            task = min(ready, key=lambda t: (t.ready_at, t.bpmn_id))
            visit = visits.get(task.bpmn_id, 0)
            visits[task.bpmn_id] = visit + 1
            answers = {**defaults(task, visit), **_given(scenario, task, visit)}
            outcome.path.append(task.bpmn_id)
            for key, name in fields.get(task.form_key, {}).items():
                if answers.get(name) not in (None, "", []):
                    outcome.milestones.add(key)
                    outcome.values.setdefault(key, []).append(answers[name])
            try:
                snapshot = case.complete(
                    task.id, answers, clock=ManualClock(now), budget=REPLAY_BUDGET
                )
                snapshot = _correct_after(
                    scenario, task, visit, case, snapshot, outcome, now
                )
            except WorkflowFailed as exc:
                outcome.failure = f"‘{task.name}’ faalt: {exc}"
                return outcome
        elif snapshot.next_timer_at is not None:
            now = max(now, snapshot.next_timer_at + timedelta(seconds=1))
            try:
                snapshot = case.fire_timers(
                    clock=ManualClock(now), budget=REPLAY_BUDGET
                )
            except WorkflowFailed as exc:
                outcome.failure = f"een timer faalt: {exc}"
                return outcome
        else:
            last = outcome.path[-1] if outcome.path else "de start"
            outcome.failure = (
                f"het dossier staat stil na ‘{outcome.names.get(last, last)}’"
            )
            return outcome
    outcome.failure = f"het dossier is na {MAX_STEPS} stappen nog niet klaar"
    return outcome


def _correct_after(
    scenario: Scenario,
    task: ReadyTask,
    visit: int,
    case: LiveCase,
    snapshot: Snapshot,
    outcome: Outcome,
    now: datetime,
) -> Snapshot:
    """Apply the scenario's corrections that follow the first visit of ``task``;
    WorkflowFailed says which one could not be made. The tasks then open get their
    corrected due dates in the snapshot's ``ready_tasks``."""
    if visit:
        return snapshot
    for correction in scenario.corrections:
        if correction.after not in (task.bpmn_id, task.form_key):
            continue
        _record(outcome, snapshot)  # what the task itself reached
        try:
            snapshot = correct_live(
                case,
                correction.name,
                correction.value,
                clock=ManualClock(now),
                budget=REPLAY_BUDGET,
            ).snapshot
        except (CorrectionRefused, WorkflowFailed) as exc:
            raise WorkflowFailed(
                f"de correctie van ‘{correction.name}’ daarna kan niet: {exc}"
            ) from exc
        # What is open now runs to the corrected deadlines.
        outcome.due.update({t.bpmn_id: t.due for t in snapshot.ready_tasks})
    return snapshot


def _to_do(scenario: Scenario, snapshot: Snapshot) -> Sequence[ReadyTask]:
    """The ready tasks to do now: those the scenario does not hold open, or, when
    there are none and no timer waits, the held ones."""
    free = [
        t
        for t in snapshot.ready_tasks
        if t.bpmn_id not in scenario.held and t.form_key not in scenario.held
    ]
    if free or snapshot.next_timer_at is not None:
        return free
    return snapshot.ready_tasks


def _record(outcome: Outcome, snapshot: Snapshot) -> None:
    outcome.milestones |= {m.key for m in snapshot.reached}
    for reached in snapshot.reached:
        outcome.values.setdefault(reached.key, []).append(reached.value)
    for task in snapshot.ready_tasks:
        outcome.ready.add(task.bpmn_id)
        outcome.names.setdefault(task.bpmn_id, task.name)
        outcome.due.setdefault(task.bpmn_id, task.due)


# ---- comparing ----


def _date_of(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _shown(day: date | None) -> str:
    return f"{day:%d-%m-%Y}" if day else "geen termijn"


def _shown_path(path: Sequence[str]) -> str:
    return " → ".join(path) if path else "(geen taken)"


def _path_differences(expected: Expected, outcome: Outcome) -> list[str]:
    if expected.path is None or list(expected.path) == outcome.path:
        return []
    common = 0
    for wanted, done in zip(expected.path, outcome.path, strict=False):
        if wanted != done:
            break
        common += 1
    lead = "… " if common > 2 else ""
    keep = max(common - 2, 0)
    return [
        f"verwacht pad {lead}{_shown_path(expected.path[keep : common + 3])};"
        f" werkelijk {lead}{_shown_path(outcome.path[keep : common + 3])}"
    ]


def _task_differences(expected: Expected, outcome: Outcome) -> list[str]:
    found = []
    position = 0
    for wanted in expected.tasks:
        name = outcome.names.get(wanted, wanted)
        if wanted in outcome.path[position:]:
            position = outcome.path.index(wanted, position) + 1
        elif wanted in outcome.path:
            found.append(f"verwacht: taak ‘{name}’ later in het pad; werkelijk: eerder")
        else:
            found.append(
                f"verwacht: taak ‘{name}’ wordt gedaan; werkelijk: niet bereikt"
            )
    found.extend(
        f"verwacht: taak ‘{outcome.names.get(unwanted, unwanted)}’ komt niet aan de"
        " beurt; werkelijk: wel"
        for unwanted in expected.not_tasks
        if unwanted in outcome.ready
    )
    return found


def _milestone_differences(
    expected: Expected, outcome: Outcome, labels: Mapping[str, str]
) -> list[str]:
    return [
        f"verwacht: mijlpaal ‘{labels.get(key, key)}’ bereikt; werkelijk: niet bereikt"
        for key in expected.milestones
        if key not in outcome.milestones
    ] + [
        f"verwacht: mijlpaal ‘{labels.get(key, key)}’ niet bereikt; werkelijk: bereikt"
        for key in expected.not_milestones
        if key in outcome.milestones
    ]


def _value_differences(
    expected: Expected, outcome: Outcome, labels: Mapping[str, str]
) -> list[str]:
    found = []
    for key, wanted in expected.milestone_values.items():
        got = outcome.values.get(key, [])
        if wanted not in got:
            said = ", ".join(f"‘{v}’" for v in got) if got else "niet bereikt"
            found.append(
                f"verwacht: mijlpaal ‘{labels.get(key, key)}’ met ‘{wanted}’;"
                f" werkelijk: {said}"
            )
    return found


def _deadline_differences(
    expected: Expected, outcome: Outcome, data: Mapping[str, Any]
) -> list[str]:
    found = []
    for deadline in expected.deadlines:
        since = _date_of(data.get(deadline.since))
        wanted_day = since + timedelta(days=deadline.days) if since else None
        weeks, days = divmod(deadline.days, 7)
        span = f"{weeks} weken" if not days else f"{deadline.days} dagen"
        name = outcome.names.get(deadline.task, deadline.task)
        said = f"termijn van ‘{name}’ {span} na {deadline.since} ({_shown(wanted_day)})"
        if deadline.task not in outcome.due:
            found.append(f"verwacht: {said}; werkelijk: de taak komt niet aan de beurt")
        elif outcome.due[deadline.task] != wanted_day:
            found.append(
                f"verwacht: {said}; werkelijk: {_shown(outcome.due[deadline.task])}"
            )
    return found


def _end_differences(expected: Expected, outcome: Outcome) -> list[str]:
    if expected.ended is True and not outcome.ended:
        return [f"verwacht: het dossier wordt afgerond; werkelijk: {outcome.failure}"]
    if expected.ended is False and outcome.ended:
        return ["verwacht: het dossier blijft open; werkelijk: afgerond"]
    if outcome.failure and not outcome.ended and expected.ended is None:
        return [f"verwacht: het dossier loopt door; werkelijk: {outcome.failure}"]
    return []


def _dates(scenario: Scenario, start: Mapping[str, Any]) -> dict[str, Any]:
    """The fields a deadline may count from: the start's, then the scenario's own
    answers (a term that runs from the beschikking or the start of the plicht), as
    corrected by the scenario's corrections."""
    given = {k: v for visits in scenario.answers.values() for k, v in visits[0].items()}
    corrected = {c.name: c.value for c in scenario.corrections}
    return {**given, **start, **scenario.start, **corrected}


def differences(
    scenario: Scenario,
    outcome: Outcome,
    *,
    start: Mapping[str, Any],
    labels: Mapping[str, str] | None = None,
) -> list[str]:
    """Every way ``outcome`` differs from what ``scenario`` expects, in Dutch: the
    path, the tasks, the milestones, the deadlines, the end. ``labels``: milestone
    key -> its Dutch name."""
    expected = scenario.expected
    return [
        *_path_differences(expected, outcome),
        *_task_differences(expected, outcome),
        *_milestone_differences(expected, outcome, labels or {}),
        *_value_differences(expected, outcome, labels or {}),
        *_deadline_differences(expected, outcome, _dates(scenario, start)),
        *_end_differences(expected, outcome),
    ]


def run_scenario(
    version: DeployedVersion,
    scenario: Scenario,
    *,
    start: Mapping[str, Any],
    defaults: DefaultAnswers,
    at: datetime,
    field_milestones: Mapping[str, Mapping[str, str]] | None = None,
    labels: Mapping[str, str] | None = None,
) -> ScenarioResult:
    """Replay ``scenario`` on ``version`` and compare: its result, with the
    differences (none when it passed)."""
    outcome = replay(
        version,
        scenario,
        start=start,
        defaults=defaults,
        at=at,
        field_milestones=field_milestones,
    )
    found = differences(scenario, outcome, start=start, labels=labels)
    return ScenarioResult(scenario.name, tuple(found), outcome)


def expected_from(
    outcome: Outcome, *, since: str, start: Mapping[str, Any]
) -> Expected:
    """What a replay did, as what it must do again: the path, the milestones, whether
    it ended, and every due date in days after start field ``since``."""
    return Expected(
        path=tuple(outcome.path),
        milestones=tuple(sorted(outcome.milestones)),
        deadlines=deadlines_since(outcome, since=since, start=start),
        ended=outcome.ended,
    )


def deadlines_since(
    outcome: Outcome, *, since: str, start: Mapping[str, Any]
) -> tuple[Deadline, ...]:
    """The due date of every task that had one, in days after start field ``since``."""
    origin = _date_of(start.get(since))
    if origin is None:
        return ()
    return tuple(
        Deadline(task, since, (due - origin).days)
        for task, due in sorted(outcome.due.items())
        if due is not None
    )
