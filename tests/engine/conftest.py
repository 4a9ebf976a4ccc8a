"""Engine tests load the real diagrams and need no database."""

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import engine
from engine import DeployedVersion, ManualClock, ReadyTask
from forms.registry import load_registry

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"

# What the happy path answers at each task; a test overrides what it routes on.
HAPPY_PATH: dict[str, dict[str, Any]] = {
    "begeleider_koppelen": {"begeleider": "demo.begeleider"},
    "voorbereiding_inburgering": {"juridische_hulp_nodig": False},
    "intake_gesprek": {
        "begeleidingsvorm": "individueel",
        "toestemming_delen_gemeente": ["gezondheid"],
    },
    "pip_opstellen": {"leerroute": "b1"},
    "pip_vaststellen": {"beschikking_datum": "2026-03-01"},
    "pip_toelichten": {"bezwaar_gewenst": False},
    "pvt_ondertekening": {"verklaring_ondertekend": True},
    "voortgangsgesprek": {"pip_aanpassen": False, "traject_afronden": True},
    "eindgesprek": {"uitkomst": "afronden"},
}


def answers_for(bpmn_id: str) -> dict[str, Any]:
    if bpmn_id.startswith("pvt_workshop"):
        return {"aanwezig": True}
    return dict(HAPPY_PATH.get(bpmn_id, {}))


class Driver:
    """Walks one case, round-tripping the state through JSON after every step."""

    def __init__(self, version: DeployedVersion, clock: ManualClock) -> None:
        self.version = version
        self.clock = clock
        self.snapshot: engine.Snapshot | None = None
        self.phases: list[str] = []

    def _keep(self, snapshot: engine.Snapshot) -> None:
        state = json.loads(json.dumps(snapshot.state))
        self.snapshot = engine.inspect_case(self.version, state, clock=self.clock)
        if not self.phases or self.phases[-1] != snapshot.phase:
            self.phases.append(snapshot.phase)

    @property
    def state(self) -> dict[str, Any]:
        assert self.snapshot is not None
        return self.snapshot.state

    def start(self, **data: Any) -> None:
        data = {"koppeling_datum": "2026-01-05", "soort_aanmelding": "asiel", **data}
        self._keep(engine.start_case(self.version, data, clock=self.clock))

    def ready(self) -> list[ReadyTask]:
        assert self.snapshot is not None
        return list(self.snapshot.ready_tasks)

    def ready_ids(self) -> set[str]:
        return {t.bpmn_id for t in self.ready()}

    def task(self, bpmn_id: str) -> ReadyTask:
        matches = [t for t in self.ready() if t.bpmn_id == bpmn_id]
        assert matches, f"{bpmn_id} is not ready; ready: {sorted(self.ready_ids())}"
        return matches[0]

    def complete(self, bpmn_id: str, **data: Any) -> None:
        task = self.task(bpmn_id)
        answers = {**answers_for(bpmn_id), **data}
        self._keep(
            engine.complete_task(
                self.version, self.state, task.id, answers, clock=self.clock
            )
        )

    def fire(self) -> None:
        self._keep(engine.fire_timers(self.version, self.state, clock=self.clock))

    def advance(self, delta: timedelta) -> None:
        self.clock.advance(delta)
        self.fire()

    def run_until(
        self,
        bpmn_id: str,
        overrides: dict[str, dict[str, Any]] | None = None,
        max_steps: int = 60,
    ) -> None:
        """Complete whatever is ready (happy path) until ``bpmn_id`` is ready."""
        overrides = overrides or {}
        for _ in range(max_steps):
            if bpmn_id in self.ready_ids():
                return
            ready = self.ready()
            if not ready:
                # Only timers left: move the clock to the next one.
                assert self.snapshot and self.snapshot.next_timer_at, (
                    "stuck: nothing ready, no timer"
                )
                self.clock.set(self.snapshot.next_timer_at + timedelta(minutes=1))
                self.fire()
                continue
            first = ready[0]
            self.complete(first.bpmn_id, **overrides.get(first.bpmn_id, {}))
        raise AssertionError(f"{bpmn_id} never became ready")


def start_clock() -> ManualClock:
    return ManualClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))


def variant_files(gemeente: str | None = None) -> dict[str, bytes]:
    """The base diagrams, with a demo gemeente's own files on top."""
    files = engine.collect_diagrams(WORKFLOWS)
    if gemeente:
        own = WORKFLOWS / "gemeenten" / gemeente
        files.update({p.name: p.read_bytes() for p in sorted(own.glob("*.bpmn"))})
    return files


def shipped_catalog() -> engine.FormCatalog:
    """What validation needs of the shipped forms."""
    registry = load_registry()
    return {
        key: engine.FormSummary(
            title=registry.get(key).title,
            fields={f.name: f.privacy for f in registry.get(key).fields},
            milestones=registry.get(key).milestones,
        )
        for key in registry.keys()
    }


def milestone_rules() -> dict[str, engine.MilestoneRule]:
    return engine.parse_rules(json.loads((WORKFLOWS / "mijlpalen.json").read_text()))


def full_check(files: dict[str, bytes]) -> engine.Validation:
    """Validate a set as a deploy does: with the forms and the milestone rules."""
    return engine.validate(
        files,
        forms=shipped_catalog(),
        rules=milestone_rules(),
        start_form="aanmelding",
    )


@pytest.fixture(scope="session")
def base_version() -> DeployedVersion:
    return engine.build_version(variant_files())


@pytest.fixture(scope="session")
def rivierstad_version() -> DeployedVersion:
    return engine.build_version(variant_files("rivierstad"))


@pytest.fixture
def driver(base_version: DeployedVersion) -> Driver:
    return Driver(base_version, start_clock())


def ids(tasks: Iterable[ReadyTask]) -> set[str]:
    return {t.bpmn_id for t in tasks}


def base_files_without_milestone(key: str) -> dict[str, bytes]:
    """The base diagrams with one milestone declaration taken out of them."""
    files = variant_files()
    needle = f'<spiffworkflow:property name="milestone" value="{key}" />'.encode()
    for name, content in files.items():
        if needle in content:
            files[name] = content.replace(needle, b"")
            return files
    raise AssertionError(f"no diagram declares {key}")
