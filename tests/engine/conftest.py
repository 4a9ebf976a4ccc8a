"""Engine tests load the real diagrams and need no database."""

import dataclasses
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

ARCHIVE_V1 = WORKFLOWS / "archief" / "basis-v1"

# What the happy path answers at each task (by BPMN id); a test overrides what it
# routes on. Optional fields a script reads are answered too (the host always sends
# every `normaal` field of a form, None when empty).
HAPPY_PATH: dict[str, dict[str, Any]] = {
    # MB-spoor
    "voorbereiding_inburgering": {"juridische_hulp_nodig": False},
    "intake_gesprek": {
        "begeleidingsvorm": "individueel",
        "toestemming_delen_gemeente": ["gezondheid"],
        "piezo_fase": "0",
        "verblijfsintentie": "blijven",
    },
    "begeleider_koppelen": {"begeleider": "demo.begeleider"},
    "pip_toelichten": {"bezwaar_gewenst": False},
    "begeleiding_evalueren": {
        "begeleiding_vervolg": "eindgesprek",
        "volgende_evaluatie_datum": None,
        "aanbod_voldoet": "ja",
        "pip_past_nog": True,
    },
    "eindgesprek": {"uitkomst": "afronden"},
    "overdracht_regelen": {"overdracht_toestemming": True},
    "voortzetting_afspreken": {"voortzetting_tot": "2027-09-01"},
    # regiespoor
    "brede_intake_uitnodigen": {"brede_intake_verschenen": True},
    # the date of the letter or besluit is required; a boete's bezwaar term runs
    # from it
    "handhaving_waarschuwing": {"handhaving_datum": "2026-01-20"},
    "handhaving_boete": {"handhaving_datum": "2026-02-02"},
    "handhaving_tweede_boete": {"handhaving_datum": "2026-02-23"},
    "pip_opstellen": {"inburgeringsplicht_besluit": "plichtig", "leerroute": "b1"},
    "pip_vaststellen": {
        "beschikking_datum": "2026-03-01",
        "inburgeringsplicht_start": "2026-03-01",
    },
    "ontzorgen_starten": {
        "ontzorgen_van_toepassing": True,
        "bijstand_startdatum": "2026-02-02",
    },
    "ontzorgen_evalueren": {"ontzorgen_verlenging_maanden": 0},
    "voortgangsgesprek": {"pip_aanpassen": False, "traject_afronden": True},
    "pip_bijstellen": {
        "bijstelling_datum": "2026-06-01",
        "nieuwe_beschikking_datum": None,
    },
    # bezwaar (after every besluit of the gemeente)
    "bezwaar_ontvangen": {"bezwaar_ingediend": False},
    "bezwaar_behandelen": {"bezwaar_uitkomst": "ongegrond"},
    "taal_resultaat": {"taal_uitslag": "behaald"},
    "taalschakeltraject_resultaat": {"taalschakeltraject_uitslag": "afgerond"},
    "z_route_voortgang": {"z_route_uitslag": "afgerond"},
    "knm_resultaat": {"knm_uitslag": "behaald"},
    "map_resultaat": {"map_uitslag": "afgerond"},
    "inburgeringstermijn_bewaken": {"termijn_verlengen": False},
    "inburgeringstermijn_verlengen": {
        "verlengingsgrond": "medisch",
        "verlenging_weken": 26,
    },
    # participatieverklaringstraject
    "pvt_workshop": {"aanwezig": True},
    "pvt_inhaalworkshop": {"inhaal_aanwezig": True},
    "pvt_uitzondering": {"pvt_besluit": "ondertekenen"},
    "pvt_ondertekening": {"verklaring_ondertekend": True},
    "pvt_niet_voldaan": {
        "pvt_niet_voldaan_datum": "2026-09-01",
        "verwijtbaar_niet_voldaan": False,
    },
}

# The v1 trajectory (archived): what its happy path answers.
HAPPY_PATH_V1: dict[str, dict[str, Any]] = {
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


def answers_for(bpmn_id: str, happy: dict[str, dict[str, Any]] = HAPPY_PATH) -> dict:
    if bpmn_id.startswith("pvt_workshop"):
        return {"aanwezig": True}
    return dict(happy.get(bpmn_id, {}))


def setting_defaults() -> dict[str, Any]:
    """The settings a case gets when its gemeente chose nothing (instelling_<key>)."""
    rules = json.loads((WORKFLOWS / "instellingen.json").read_text(encoding="utf-8"))
    return {f"instelling_{r['key']}": r["default"] for r in rules["instellingen"]}


class Driver:
    """Walks one case, round-tripping the state through JSON after every step."""

    def __init__(
        self,
        version: DeployedVersion,
        clock: ManualClock,
        happy: dict[str, dict[str, Any]] = HAPPY_PATH,
    ) -> None:
        self.version = version
        self.clock = clock
        self.happy = happy
        self.snapshot: engine.Snapshot | None = None
        self.phases: list[str] = []
        self.reached: list[engine.ReachedMilestone] = []

    def _keep(self, snapshot: engine.Snapshot) -> None:
        """Keep the snapshot as the host does: its state round-tripped through JSON
        (the next operation loads it from there)."""
        self.reached.extend(snapshot.reached)
        state = json.loads(json.dumps(snapshot.state))
        self.snapshot = dataclasses.replace(snapshot, state=state)
        # Every phase the case has been in (tracks run side by side).
        self.phases.extend(p for p in snapshot.phases if p not in self.phases)

    @property
    def state(self) -> dict[str, Any]:
        assert self.snapshot is not None
        return self.snapshot.state

    def start(self, **data: Any) -> None:
        """Start a case as the host does: the gemeente's settings (defaults unless
        given) and the start form's answers."""
        data = {
            **setting_defaults(),
            "koppeling_datum": "2026-01-05",
            "datum_binnenkomst": "2026-01-05",
            "soort_aanmelding": "asiel",
            "gezinsgrootte": 1,
            **data,
        }
        self._keep(engine.start_case(self.version, data, clock=self.clock))

    def milestones(self, key: str) -> list[Any]:
        """The values of a milestone the case reached on flow nodes, in order."""
        return [m.value for m in self.reached if m.key == key]

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
        answers = {**answers_for(bpmn_id, self.happy), **data}
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
        max_steps: int = 150,
        skip: Iterable[str] = (),
    ) -> None:
        """Complete whatever is ready (happy path) until ``bpmn_id`` is ready; tasks
        in ``skip`` are left open (they must not hold the rest of the case)."""
        overrides = overrides or {}
        for _ in range(max_steps):
            if bpmn_id in self.ready_ids():
                return
            ready = [t for t in self.ready() if t.bpmn_id not in skip]
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


def variant_settings(gemeente: str | None = None) -> dict[str, Any]:
    """The settings a demo gemeente's case starts with (its instellingen.json over
    the defaults), as case variables."""
    values = setting_defaults()
    own = WORKFLOWS / "gemeenten" / (gemeente or "-") / "instellingen.json"
    if gemeente and own.exists():
        given = json.loads(own.read_text(encoding="utf-8"))
        values.update({f"instelling_{k}": v for k, v in given.items()})
    return values


def v1_files() -> dict[str, bytes]:
    """The first base trajectory, archived in workflows/archief/basis-v1."""
    return {p.name: p.read_bytes() for p in sorted(ARCHIVE_V1.glob("*.bpmn"))}


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


def known_variables() -> set[str]:
    """What the host puts into every case besides the forms: the settings."""
    return set(setting_defaults())


def full_check(files: dict[str, bytes]) -> engine.Validation:
    """Validate a set as a deploy does: with the forms, the milestone rules and the
    settings as known variables."""
    return engine.validate(
        files,
        forms=shipped_catalog(),
        rules=milestone_rules(),
        start_form="aanmelding",
        known_variables=known_variables(),
    )


@pytest.fixture(scope="session")
def base_version() -> DeployedVersion:
    return engine.build_version(variant_files())


@pytest.fixture(scope="session")
def rivierstad_version() -> DeployedVersion:
    return engine.build_version(variant_files("rivierstad"))


@pytest.fixture(scope="session")
def v1_version() -> DeployedVersion:
    return engine.build_version(v1_files())


@pytest.fixture
def driver(base_version: DeployedVersion) -> Driver:
    return Driver(base_version, start_clock())


def ids(tasks: Iterable[ReadyTask]) -> set[str]:
    return {t.bpmn_id for t in tasks}


def with_table_cells(
    files: dict[str, bytes], dmn_name: str, changes: dict[str, str]
) -> dict[str, bytes]:
    """A set whose decision table ``dmn_name`` has new cell texts, by cell id (as a
    beheerder edits them in the DMN editor)."""
    text = files[dmn_name].decode()
    for cell_id, value in changes.items():
        start = text.index(f'id="{cell_id}"')
        open_at = text.index("<text>", start) + len("<text>")
        close_at = text.index("</text>", open_at)
        text = text[:open_at] + value + text[close_at:]
    return {**files, dmn_name: text.encode()}


def base_files_without_milestone(key: str) -> dict[str, bytes]:
    """The base diagrams with one milestone declaration taken out of them."""
    files = variant_files()
    needle = f'<spiffworkflow:property name="milestone" value="{key}" />'.encode()
    for name, content in files.items():
        if needle in content:
            files[name] = content.replace(needle, b"")
            return files
    raise AssertionError(f"no diagram declares {key}")
