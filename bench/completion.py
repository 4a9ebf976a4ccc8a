"""Task completion as a case ages: through the service, and the plain way.

*Through the service* is what a click on "Afronden" costs: ``task_complete`` (read the
task row and the case's engine state, run the engine, lock the case, save the state,
project the task rows, write the submission, milestones and audit event, all in one
transaction) on the real diagrams. It is measured on a case at engine task ~10 (the
first task after the aanmelding, over many fresh cases) and on one case driven through
the service, voortgangsgesprek after voortgangsgesprek, to engine task 1,000 and
10,000 (the consecutive completions measured there are each one loop round).

*The plain way* is how a generic SpiffWorkflow host keeps a case: the full serialized
workflow with its specs, never pruned. The same case (the same start data, the same
answers, the same timer moments, replayed) is kept that way, and one completion is
deserialize + complete + serialize, without any database. Somewhere past engine task
1,000 that way stops altogether (SpiffWorkflow recurses along the task tree); the
figure says where.

``rows()`` returns the figures as dicts (section, label, p50, p95, n, unit, note);
``python -m bench.completion`` prints them. Django must be set up on a migrated
(throwaway) database.
"""

import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import engine
from bench.stats import percentile
from engine.clock import running_on
from engine.scripting import script_engine

SECTION = "Taak afronden"
LOOP = "voortgangsgesprek"
LOOP_ANSWERS = {"pip_aanpassen": False, "traject_afronden": False}
SAMPLES = 30
FRESH_CASES = 30
TARGETS = (1_000, 10_000)
# The plain way is replayed this far (it slows down with every task it keeps).
PLAIN_UNTIL = 1_600


def _nl(n: int) -> str:
    """1.000, as a Dutch reader writes a thousand."""
    return f"{n:,}".replace(",", ".")


def row(label: str, samples: list[float], note: str = "") -> dict[str, Any]:
    return {
        "section": SECTION,
        "label": label,
        "p50": statistics.median(samples),
        "p95": percentile(samples, 0.95),
        "n": len(samples),
        "unit": "ms",
        "note": note,
    }


# ---- what the engine is asked, recorded so the plain way can replay it ---------------


@dataclass
class Recorder:
    """Wraps the engine's operations while the service drives a case: counts the
    engine tasks the case has run and keeps the inputs, in order."""

    tasks_run: int = 0
    calls: list[tuple[str, Any, Any, datetime]] = field(default_factory=list)
    record: bool = True
    _originals: dict[str, Callable[..., Any]] = field(default_factory=dict)

    def __enter__(self) -> "Recorder":
        for name in ("start_case", "complete_task", "fire_timers"):
            self._originals[name] = original = getattr(engine, name)
            setattr(engine, name, self._wrap(name, original))
        return self

    def __exit__(self, *exc: object) -> None:
        for name, original in self._originals.items():
            setattr(engine, name, original)

    def _wrap(self, name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def call(version: Any, *args: Any, clock: Any, **kwargs: Any) -> Any:
            snapshot = original(version, *args, clock=clock, **kwargs)
            self.tasks_run += snapshot.tasks_run
            if self.record:
                if name == "start_case":
                    self.calls.append((name, None, dict(args[0]), clock.now()))
                elif name == "complete_task":
                    state, task_id, data = args
                    bpmn_id = _bpmn_id_of(state, task_id)
                    self.calls.append((name, bpmn_id, dict(data), clock.now()))
                else:
                    self.calls.append((name, None, None, clock.now()))
            return snapshot

        return call


def _bpmn_id_of(state: dict[str, Any] | str, task_id: str) -> str:
    if isinstance(state, str):
        state = json.loads(state)
    for tree in (state, *state.get("subprocesses", {}).values()):
        task = tree["tasks"].get(task_id)
        if task is not None:
            return tree["tasks"][task_id]["task_spec"]
    raise KeyError(task_id)


# ---- through the service -------------------------------------------------------------


def _drive_to_loop(world: Any, case: Any) -> Any:
    """Complete every other task (happy path, timers firing) until only the
    voortgangsgesprek loop is open."""
    for _ in range(300):
        items = [i for i in world.open_tasks(case) if i.bpmn_id != LOOP]
        if items:
            case = world.complete(case, items[0].bpmn_id)
            continue
        if any(i.bpmn_id == LOOP for i in world.open_tasks(case)):
            case.refresh_from_db()
            if case.next_timer_at is None:
                return case
        _fire(world, case)
    raise RuntimeError("the case did not reach the voortgang loop")


def _fire(world: Any, case: Any) -> None:
    from webui.casework.services import timers_run

    case.refresh_from_db()
    if case.next_timer_at is None:
        raise RuntimeError("the case waits for nothing")
    world.clock.set(case.next_timer_at + timedelta(minutes=1))
    timers_run(clock=world.clock)


# CPU time of this process per timed completion (ms), beside the wall clock: on a
# machine shared with other sessions the wall clock waits for the cores, the CPU
# time does not (on SQLite it is all of a completion; on PostgreSQL the server's
# share is not in it).
CPU: dict[str, list[float]] = {}


def _loop_round(
    world: Any, case: Any, timed: list[float] | None = None, cpu: str = ""
) -> Any:
    """Complete the open voortgangsgesprek (timed when asked), then let the timer
    that opens the next one fire."""
    from webui.casework.services import task_complete

    [item] = [i for i in world.open_tasks(case) if i.bpmn_id == LOOP]
    answers = world.answers(item, **LOOP_ANSWERS)
    user = world.who(item.role, item.gemeente)
    start, start_cpu = time.perf_counter(), time.process_time()
    case = task_complete(
        task_id=item.task_id, user=user, cleaned_data=answers, clock=world.clock
    )
    if timed is not None:
        timed.append((time.perf_counter() - start) * 1000)
        CPU.setdefault(cpu, []).append((time.process_time() - start_cpu) * 1000)
    _fire(world, case)
    return case


def _fresh_cases(world: Any) -> tuple[list[float], float]:
    """The first completion of many new cases; and the engine tasks run by then."""
    from webui.casework.services import task_complete

    samples, ages = [], []
    for _ in range(FRESH_CASES):
        with Recorder(record=False) as counted:
            case = world.start()
        item = world.open_tasks(case)[0]
        answers, user = world.answers(item), world.who(item.role, item.gemeente)
        start = time.perf_counter()
        task_complete(
            task_id=item.task_id, user=user, cleaned_data=answers, clock=world.clock
        )
        samples.append((time.perf_counter() - start) * 1000)
        ages.append(counted.tasks_run)
    return samples, statistics.mean(ages)


@dataclass
class Aged:
    """A case driven through the service, and what was measured on the way."""

    at: dict[int, list[float]]  # target engine task -> completion samples (ms)
    reached: dict[int, int]  # target -> the engine task the samples started at
    per_round: float
    calls: list[tuple[str, Any, Any, datetime]]
    state_bytes: dict[int, int]


def _aged_case(world: Any, targets: tuple[int, ...]) -> Aged:
    from webui.cases.models import CaseState

    at: dict[int, list[float]] = {}
    reached: dict[int, int] = {}
    sizes: dict[int, int] = {}
    with Recorder() as recorder:
        case = _drive_to_loop(world, world.start())
        before = recorder.tasks_run
        case = _loop_round(world, case)
        per_round = recorder.tasks_run - before
        for target in targets:
            while recorder.tasks_run < target:
                recorder.record = recorder.tasks_run < PLAIN_UNTIL
                case = _loop_round(world, case)
            reached[target] = recorder.tasks_run
            sizes[target] = len(CaseState.objects.get(pk=case.pk).state)
            samples: list[float] = []
            for _ in range(SAMPLES):
                case = _loop_round(world, case, samples, f"service {target}")
            at[target] = samples
    return Aged(at, reached, per_round, recorder.calls, sizes)


# ---- the plain way -------------------------------------------------------------------


class Stalled(Exception):
    """The plain workflow did not get to a task the service's case got to."""


class Plain:
    """One case kept as a generic SpiffWorkflow host keeps it: the full workflow,
    specs included, serialized after every operation and never pruned."""

    def __init__(self, version: Any) -> None:
        from SpiffWorkflow.bpmn import BpmnWorkflow
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.spiff.serializer import DEFAULT_CONFIG

        self.version = version
        self.serializer = BpmnWorkflowSerializer(
            BpmnWorkflowSerializer.configure(DEFAULT_CONFIG)
        )
        self.workflow = BpmnWorkflow(
            version.spec,
            dict(version.subprocess_specs),
            script_engine=script_engine(),
        )
        self.text = ""

    def load(self) -> None:
        self.workflow = self.serializer.deserialize_json(self.text)
        self.workflow.script_engine = script_engine()

    def save(self) -> None:
        self.text = self.serializer.serialize_json(self.workflow)

    def advance(self) -> None:
        self.workflow.do_engine_steps()
        self.workflow.refresh_timers()
        self.workflow.do_engine_steps()

    def apply(self, call: tuple[str, Any, Any, datetime]) -> None:
        """Replay one recorded engine operation: load, run, save."""
        from SpiffWorkflow import TaskState

        kind, bpmn_id, data, now = call
        with running_on(engine.ManualClock(now)):
            if kind == "start_case":
                for task in self.workflow.get_tasks(state=TaskState.READY):
                    task.data.update(data)
                self.advance()
                self.save()
                return
            self.load()
            if kind == "complete_task":
                ready = [
                    t
                    for t in self.workflow.get_tasks(state=TaskState.READY, manual=True)
                    if t.task_spec.bpmn_id == bpmn_id
                ]
                if not ready:
                    raise Stalled(f"‘{bpmn_id}’ werd niet klaargezet")
                task = ready[0]
                task.data.update(data)
                task.run()
            else:
                self.workflow.refresh_timers()
            self.advance()
            self.save()

    @property
    def tasks(self) -> int:
        return len(self.workflow.tasks) + sum(
            len(s.tasks) for s in self.workflow.subprocesses.values()
        )


def _plain(version: Any, calls: list[tuple[str, Any, Any, datetime]]) -> list[dict]:
    """Replay the aged case the plain way; time the completions near engine task
    ~10 (the first of the case) and ~1,000."""
    plain = Plain(version)
    samples: dict[str, list[float]] = {"10": [], "1000": []}
    size = 0
    stopped = ""
    try:
        for call in calls:
            window = None
            if call[0] == "complete_task":
                if not samples["10"]:
                    window = "10"
                elif plain.tasks >= 1_000 and len(samples["1000"]) < SAMPLES:
                    window = "1000"
                    size = len(plain.text)
            start, start_cpu = time.perf_counter(), time.process_time()
            plain.apply(call)
            if window:
                samples[window].append((time.perf_counter() - start) * 1000)
                CPU.setdefault(f"plain {window}", []).append(
                    (time.process_time() - start_cpu) * 1000
                )
    except RecursionError:
        stopped = f"RecursionError bij engine-taak {plain.tasks}"
    except Stalled as exc:
        stopped = f"vastgelopen bij engine-taak {plain.tasks}: {exc}"
    rows = []
    if samples["10"]:
        rows.append(
            row(
                "zonder Wegwijs (volledige toestand + specs), engine-taak ~10",
                samples["10"],
                "geen database",
            )
        )
    if samples["1000"]:
        rows.append(
            row(
                "zonder Wegwijs (volledige toestand + specs), engine-taak ~1.000",
                samples["1000"],
                f"geen database; toestand {size / 1024:.0f} KB",
            )
        )
    rows.append(
        {
            "section": SECTION,
            "label": "zonder Wegwijs: hoe ver een geval komt",
            "p50": None,
            "p95": None,
            "n": 0,
            "unit": "",
            "note": stopped
            or f"liep door tot engine-taak {plain.tasks} (verder niet nagespeeld)",
        }
    )
    return rows


# ---- the figures ---------------------------------------------------------------------


def rows() -> list[dict[str, Any]]:
    from tests.conftest import World
    from webui.definitions.bundles import bundle_of

    world = World()
    # The aged case first: the timer sweep fires every due case, and only this one's
    # engine calls may be recorded for the replay.
    aged = _aged_case(world, TARGETS)
    fresh, age = _fresh_cases(world)
    out = [
        row(
            f"via de service, engine-taak ~{age:.0f}",
            fresh,
            f"eerste taak van {FRESH_CASES} nieuwe dossiers",
        )
    ]
    for target in TARGETS:
        out.append(
            row(
                f"via de service, engine-taak {_nl(target)}",
                aged.at[target],
                f"vanaf engine-taak {_nl(aged.reached[target])}; toestand"
                f" {aged.state_bytes[target] / 1024:.0f} KB; {aged.per_round} taken"
                " per ronde",
            )
            | {"target": f"completion_{target}"}
        )
    p50 = {t: statistics.median(aged.at[t]) for t in TARGETS}
    base = statistics.median(fresh)
    version = bundle_of(world.versions["polderdam"]).process
    plain = _plain(version, aged.calls)
    plain_1000 = next((r for r in plain if "~1.000" in r["label"]), None)
    ratios = [
        ("engine-taak 1.000 / ~10", p50[1_000] / base, ""),
        ("engine-taak 10.000 / ~10", p50[10_000] / base, "completion_flat"),
    ]
    if plain_1000:
        ratios.append(
            (
                "zonder Wegwijs / via de service, engine-taak 1.000",
                plain_1000["p50"] / p50[1_000],
                "completion_plain",
            )
        )
    out += plain
    cpu_service, cpu_plain = CPU.get("service 1000"), CPU.get("plain 1000")
    if cpu_service and cpu_plain:
        out += [
            row(
                "via de service, engine-taak 1.000: CPU-tijd van het proces",
                cpu_service,
                "zelfde afrondingen; zonder het wachten op een core (bij PostgreSQL"
                " zonder het werk van de server)",
            ),
            row(
                "zonder Wegwijs, engine-taak ~1.000: CPU-tijd van het proces",
                cpu_plain,
                "zelfde afrondingen",
            ),
        ]
        ratios.append(
            (
                "zonder Wegwijs / via de service, engine-taak 1.000, CPU-tijd",
                statistics.median(cpu_plain) / statistics.median(cpu_service),
                "",
            )
        )
    out += [
        {
            "section": SECTION,
            "label": f"verhouding {label}",
            "p50": value,
            "p95": None,
            "n": 0,
            "unit": "×",
            "note": "p50 / p50",
            "target": target,
        }
        for label, value, target in ratios
    ]
    return out


def main() -> int:
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings.test")
    os.environ.setdefault("WEGWIJS_TEST_DB", ".bench/completion.sqlite3")
    os.makedirs(".bench", exist_ok=True)
    import django

    django.setup()
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for r in rows():
            p50 = "" if r["p50"] is None else f"{r['p50']:9.2f}"
            p95 = "" if r["p95"] is None else f"{r['p95']:9.2f}"
            print(
                f"{r['label']:62} p50 {p50:>9} p95 {p95:>9} {r['unit']:2}"
                f" n={r['n']:<3} {r['note']}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
