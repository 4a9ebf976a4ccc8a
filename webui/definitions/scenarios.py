"""Scenarios kept with a version: replayed on every deploy and every rebase.

A scenario is a proefdossier with fixed answers and the outcome it must have
(engine.scenarios). The base ships its own (workflows/base/scenarios/*.json), loaded
with the base version; a gemeente adds its own from the proefrit page or as a JSON
file. A draft holds copies: the gemeente's own scenarios of the version in use and
the scenarios of its base; a rebase renews the base's. A set goes live only when all
of them pass on it; the refusal names the scenario and its first difference.
"""

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

import engine
from engine import ERROR, Finding
from engine.proefrit import variables_read
from engine.scenarios import (
    Outcome,
    ScenarioInvalid,
    ScenarioResult,
    expected_from,
    replay,
    run_scenario,
    scenario_data,
    scenario_from_data,
)
from engine.scenarios import (
    Scenario as ScenarioSpec,
)
from forms.synthetic import answer_sets

from .bundles import START_FORM, Bundle
from .instellingen import engine_variables
from .models import DefinitionVersion, Draft, Scenario
from .proefrit import DRIVE_START

# The start field a saved scenario counts its deadlines from, when the start form
# has it; the PIP-termijn runs from here (design.md).
DEADLINE_ORIGIN = "datum_binnenkomst"


class ScenarioFailed(Exception):
    """A scenario does not pass on a set: what to tell the beheerder."""

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        super().__init__(message)
        self.message = message
        self.findings = list(findings)


def scenarios_required() -> bool:
    """Whether a deploy and a rebase replay the scenarios (off in the tests that are
    not about them, which deploy many sets)."""
    return bool(getattr(settings, "WEGWIJS_SCENARIOS", True))


# ---- replaying on a set -------------------------------------------------------------


def _start(bundle: Bundle, read: set[str]) -> dict[str, Any]:
    today = DRIVE_START.date()
    ordinary = answer_sets(bundle.forms.get(START_FORM), today=today, read=read)[0]
    return {**engine_variables(bundle.settings), **ordinary}


def _replay_args(bundle: Bundle) -> dict[str, Any]:
    """What a replay needs of a set besides the scenario: the case's start data,
    the answers to what the scenario leaves open, the milestones fields record."""
    read = variables_read(bundle.process)
    today = DRIVE_START.date()
    forms = bundle.forms

    def defaults(task: engine.ReadyTask, visit: int) -> dict[str, Any]:
        if task.form_key not in forms:
            return {}
        sets = answer_sets(forms.get(task.form_key), today=today, read=read)
        return sets[visit % len(sets)]

    return {
        "start": _start(bundle, read),
        "defaults": defaults,
        "at": DRIVE_START,
        "field_milestones": {key: forms.get(key).milestones for key in forms.keys()},
    }


def scenarios_replay(
    bundle: Bundle, scenarios: Iterable[Scenario]
) -> list[tuple[Scenario, ScenarioResult]]:
    """Replay each scenario on a checked set and store its result on its row."""
    args = _replay_args(bundle)
    labels = {key: rule.label for key, rule in bundle.rules.items()}
    now = timezone.now()
    results = []
    for row in scenarios:
        try:
            spec = scenario_from_data(row.data)
        except ScenarioInvalid as exc:
            invalid = (f"het scenario is ongeldig: {exc}",)
            result = ScenarioResult(row.name, invalid, Outcome())
        else:
            result = run_scenario(bundle.process, spec, labels=labels, **args)
        row.passed, row.differences = result.passed, list(result.differences)
        row.last_run_at = now
        if row.pk:
            row.save(update_fields=["passed", "differences", "last_run_at"])
        results.append((row, result))
    return results


def failure_message(failed: Sequence[tuple[Scenario, ScenarioResult]]) -> str:
    """The first failing scenario and its first difference, in a sentence."""
    row, result = failed[0]
    others = len(failed) - 1
    more = f" (en nog {others} scenario{'' if others == 1 else '’s'})" if others else ""
    return f"scenario ‘{row.name}’ faalt{more}: {result.differences[0]}"


def as_findings(failed: Sequence[tuple[Scenario, ScenarioResult]]) -> list[Finding]:
    """Each failing scenario as an error of the check, its differences the hint."""
    return [
        Finding(
            ERROR,
            "",
            None,
            "",
            f"scenario ‘{row.name}’: {result.differences[0]}",
            "; ".join(result.differences[1:4]),
        )
        for row, result in failed
    ]


def scenarios_must_pass(bundle: Bundle, scenarios: Iterable[Scenario]) -> None:
    """Replay the scenarios on a set; ScenarioFailed when one does not pass."""
    failed = [
        (row, result)
        for row, result in scenarios_replay(bundle, scenarios)
        if not result.passed
    ]
    if failed:
        raise ScenarioFailed(failure_message(failed), as_findings(failed))


# ---- where scenarios belong ---------------------------------------------------------


def _unsaved(rows: Iterable[Scenario], **owner: Any) -> list[Scenario]:
    """Copies of ``rows`` for another owner (a replay stores no result on them)."""
    return [
        Scenario(
            name=row.name,
            origin=row.origin,
            data=row.data,
            passed=row.passed,
            differences=row.differences,
            last_run_at=row.last_run_at,
            **owner,
        )
        for row in rows
    ]


def _copy(rows: Iterable[Scenario], **owner: Any) -> list[Scenario]:
    return Scenario.objects.bulk_create(_unsaved(rows, **owner))


def scenarios_of_set(
    *, own_from: DefinitionVersion | Draft | None, base: DefinitionVersion
) -> list[Scenario]:
    """The scenarios a set on ``base`` must pass: a draft's own list as it is (its
    beheerder may have removed a base scenario; a replay stores its results), or
    copies of a version's own scenarios and of the base's."""
    if isinstance(own_from, Draft):
        return list(own_from.scenarios.all())
    own = (
        _unsaved(own_from.scenarios.filter(origin=Scenario.Origin.OWN))
        if own_from is not None
        else []
    )
    names = {row.name for row in own}
    return own + _unsaved(row for row in base.scenarios.all() if row.name not in names)


def scenarios_keep(*, rows: Iterable[Scenario], version: DefinitionVersion) -> None:
    """Keep ``rows`` (with their last result) with a version, in place of what it
    had."""
    rows = list(rows)
    kept = [r.pk for r in rows if r.pk and r.version_id == version.pk]
    version.scenarios.exclude(pk__in=kept).delete()
    _copy([r for r in rows if r.pk not in kept], version=version)


def draft_scenarios_fill(*, draft: Draft, own_from: DefinitionVersion | None) -> None:
    """A new draft's scenarios: the version in use's own ones and its base's."""
    _copy(scenarios_of_set(own_from=own_from, base=draft.base), draft=draft)


def draft_scenarios_renew(*, draft: Draft, base: DefinitionVersion) -> list[Scenario]:
    """After a rebase: the base's scenarios of the new base in place of the old
    base's (own scenarios stay). Unsaved: the caller saves after they pass."""
    own = list(draft.scenarios.filter(origin=Scenario.Origin.OWN))
    names = {row.name for row in own}
    return own + _unsaved(row for row in base.scenarios.all() if row.name not in names)


def draft_scenarios_replace(*, draft: Draft, rows: Iterable[Scenario]) -> None:
    """The draft's scenarios are ``rows`` from now on."""
    rows = list(rows)
    kept = [r.pk for r in rows if r.pk and r.draft_id == draft.pk]
    draft.scenarios.exclude(pk__in=kept).delete()
    _copy([r for r in rows if r.pk not in kept], draft=draft)


def base_scenarios_load(*, version: DefinitionVersion) -> None:
    """The base's own scenarios (workflows/base/scenarios/*.json) kept with a new base
    version."""
    folder = Path(settings.WORKFLOWS_DIR) / "base" / "scenarios"
    rows = []
    for path in sorted(folder.glob("*.json")):
        spec = scenario_from_data(json.loads(path.read_text(encoding="utf-8")))
        rows.append(
            Scenario(
                version=version,
                name=spec.name,
                origin=Scenario.Origin.BASE,
                data=scenario_data(spec),
            )
        )
    Scenario.objects.bulk_create(rows)


# ---- a beheerder's scenarios --------------------------------------------------------


def scenario_add(*, draft: Draft, data: Any) -> Scenario:
    """Add a scenario written as JSON (docs/scenarios.md) to the draft.
    ScenarioInvalid (Dutch) when it is not one, or its name is taken."""
    spec = scenario_from_data(data)
    if draft.scenarios.filter(name=spec.name).exists():
        raise ScenarioInvalid(f"er is al een scenario ‘{spec.name}’")
    return Scenario.objects.create(
        draft=draft, name=spec.name, data=scenario_data(spec)
    )


def scenario_record(
    *,
    draft: Draft,
    bundle: Bundle,
    name: str,
    proves: str,
    start: Mapping[str, Any],
    answers: Mapping[str, Any],
) -> Scenario:
    """Save a proefdossier as a scenario: the draft's set driven with ``answers``
    (per task id or form key) and what happened fixed as what must happen again."""
    spec = scenario_from_data(
        {
            "naam": name,
            "bewijst": proves,
            "start": dict(start),
            "antwoorden": dict(answers),
        }
    )
    args = _replay_args(bundle)
    outcome = replay(bundle.process, spec, **args)
    if outcome.failure:
        raise ScenarioInvalid(f"dit proefdossier loopt niet goed af: {outcome.failure}")
    data = {**args["start"], **spec.start}
    since = DEADLINE_ORIGIN if DEADLINE_ORIGIN in data else ""
    recorded = ScenarioSpec(
        name=spec.name,
        proves=spec.proves,
        start=spec.start,
        answers=spec.answers,
        expected=expected_from(outcome, since=since, start=data),
    )
    with transaction.atomic():
        row = scenario_add(draft=draft, data=scenario_data(recorded))
        Scenario.objects.filter(pk=row.pk).update(
            passed=True, last_run_at=timezone.now()
        )
    row.refresh_from_db()
    return row


def scenario_delete(*, scenario: Scenario) -> None:
    """Remove a scenario from a draft; a version's scenarios stay as they were."""
    if scenario.draft_id is None:
        raise ScenarioInvalid("een scenario van een versie blijft bij die versie")
    scenario.delete()


def draft_scenarios_run(*, draft: Draft, bundle: Bundle) -> list[ScenarioResult]:
    """Replay the draft's scenarios on its set now, storing each result."""
    return [result for _row, result in scenarios_replay(bundle, draft.scenarios.all())]
