"""Scenarios replayed on the base: each shipped scenario passes, and those about
issue 18 fail on the archived v2; a scenario whose expectation the process does not
meet says the difference in Dutch; the JSON form round-trips."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import engine
from engine.proefrit import variables_read
from engine.scenarios import (
    ScenarioInvalid,
    run_scenario,
    scenario_data,
    scenario_from_data,
)
from forms.registry import load_registry
from forms.synthetic import answer_sets

from .conftest import WORKFLOWS, setting_defaults

SCENARIOS = sorted((WORKFLOWS / "base" / "scenarios").glob("*.json"))
ARCHIVE_V2 = WORKFLOWS / "archief" / "basis-v2"
# What v2 did wrong (issue 18), each kept by a base scenario that fails on v2.
V2_WRONG = [
    "pvt_niet_voldaan",
    "termijn_verstreken",
    "leerroute_z",
    "leerroute_afgeschaald",
    "leerroute_naar_z",
    "bezwaar_pip",
    "aanbod_bijstellen",
    "bezwaar_boete",
]
AT = datetime(2026, 1, 5, 8, tzinfo=UTC)


@pytest.fixture(scope="module")
def base() -> engine.DeployedVersion:
    return engine.load_version(engine.collect_diagrams(WORKFLOWS))


@pytest.fixture(scope="module")
def v2() -> engine.DeployedVersion:
    return engine.build_version(
        {
            p.name: p.read_bytes()
            for p in sorted(ARCHIVE_V2.iterdir())
            if p.suffix in (".bpmn", ".dmn")
        }
    )


def scenario(stem: str) -> dict:
    return json.loads((WORKFLOWS / f"base/scenarios/{stem}.json").read_text())


def run(version: engine.DeployedVersion, data: dict) -> engine.scenarios.ScenarioResult:
    registry = load_registry()
    read = variables_read(version)
    today = date(2026, 1, 5)

    def defaults(task: engine.ReadyTask, visit: int) -> dict:
        if task.form_key not in registry:
            return {}
        sets = answer_sets(registry.get(task.form_key), today=today, read=read)
        return sets[visit % len(sets)]

    start = {
        **setting_defaults(),
        **answer_sets(registry.get("aanmelding"), today=today, read=())[0],
    }
    return run_scenario(
        version,
        scenario_from_data(data),
        start=start,
        defaults=defaults,
        at=AT,
        field_milestones={k: registry.get(k).milestones for k in registry.keys()},
        labels={"verklaring_ondertekend": "Participatieverklaring ondertekend"},
    )


def test_the_base_ships_a_scenario_for_each_route_and_outcome() -> None:
    names = {p.stem for p in SCENARIOS}
    assert {
        "leerroute_b1",
        "leerroute_onderwijs",
        "leerroute_z",
        "ontheffing_geen_pvt",
        "pvt_inhaalworkshop",
        "vervolg_afronden",
        "vervolg_overdragen",
        "vervolg_voortzetten",
        "leerroute_afgeschaald",
        "leerroute_naar_z",
        "pvt_niet_voldaan",
        "termijn_verstreken",
        "bezwaar_pip",
        "bezwaar_geen",
        "aanbod_bijstellen",
        "binnenkomst_gecorrigeerd",
        "eindgesprek_na_inburgering",
        "bezwaar_boete",
    } <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_each_base_scenario_passes_on_the_base(
    base: engine.DeployedVersion, path: Path
) -> None:
    result = run(base, json.loads(path.read_text(encoding="utf-8")))
    assert result.differences == ()
    assert result.outcome.ended


@pytest.mark.parametrize("stem", V2_WRONG)
def test_the_scenarios_of_issue_18_fail_on_v2(
    v2: engine.DeployedVersion, stem: str
) -> None:
    assert run(v2, scenario(stem)).differences != ()


def test_pvt_niet_voldaan_is_recorded_as_such_and_the_termijn_runs_on(
    base: engine.DeployedVersion,
) -> None:
    outcome = run(base, scenario("pvt_niet_voldaan")).outcome
    assert outcome.values["inburgering_uitkomst"] == ["niet_voldaan"]
    assert outcome.path[-2:] == [
        "inburgeringstermijn_bewaken",
        "termijn_verstreken_signaleren",
    ]
    assert outcome.due["termijn_verstreken_signaleren"] == date(2029, 3, 2)


def test_a_held_task_stays_open_while_a_timer_fires(
    base: engine.DeployedVersion,
) -> None:
    data = scenario("termijn_verstreken")
    held = run(base, data).outcome.path
    assert held.index("termijn_verstreken_signaleren") < held.index("taal_resultaat")
    del data["openhouden"]
    found = run(base, data).differences
    assert (
        "verwacht: mijlpaal ‘termijn_verstreken’ bereikt; werkelijk: niet bereikt"
        in found
    )


def test_a_milestone_with_another_value_says_which_values_it_had(
    base: engine.DeployedVersion,
) -> None:
    data = scenario("leerroute_b1")
    data["verwacht"]["mijlpaalwaarden"] = {"leerroute": "z"}
    assert run(base, data).differences == (
        "verwacht: mijlpaal ‘leerroute’ met ‘z’; werkelijk: ‘b1’",
    )


def test_a_milestone_not_reached_is_named_with_what_happened(
    base: engine.DeployedVersion,
) -> None:
    data = json.loads(
        (WORKFLOWS / "base/scenarios/ontheffing_geen_pvt.json").read_text()
    )
    data["verwacht"]["mijlpalen"] = ["verklaring_ondertekend"]
    result = run(base, data)
    assert result.differences == (
        "verwacht: mijlpaal ‘Participatieverklaring ondertekend’ bereikt;"
        " werkelijk: niet bereikt",
    )


def test_a_wrong_deadline_and_a_task_that_should_not_come_are_both_said(
    base: engine.DeployedVersion,
) -> None:
    data = {
        "naam": "te kort",
        "start": {"datum_binnenkomst": "2026-02-02"},
        "verwacht": {
            "termijnen": [{"taak": "pip_vaststellen", "weken": 8}],
            "niet_bereikt": ["pvt_workshop"],
        },
    }
    found = run(base, data).differences
    assert (
        "verwacht: taak ‘PVT-workshop 1 van 4’ komt niet aan de beurt; werkelijk: wel"
        in found
    )
    assert any(
        d.startswith("verwacht: termijn van ‘")
        and "8 weken na datum_binnenkomst (30-03-2026); werkelijk: 13-04-2026" in d
        for d in found
    ), found


def test_a_different_path_shows_where_it_parts(base: engine.DeployedVersion) -> None:
    done = run(base, {"naam": "pad"}).outcome.path
    wrong = [*done[:5], "iets_anders", *done[6:]]
    found = run(base, {"naam": "pad", "verwacht": {"pad": wrong}}).differences
    assert len(found) == 1
    assert found[0].startswith("verwacht pad … ")
    assert "iets_anders" in found[0].split(";")[0]
    assert done[5] in found[0].split(";")[1]


def test_the_json_form_round_trips() -> None:
    for path in SCENARIOS:
        data = json.loads(path.read_text(encoding="utf-8"))
        scenario = scenario_from_data(data)
        again = scenario_from_data(json.loads(json.dumps(scenario_data(scenario))))
        assert again == scenario


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"naam": ""},
        {"naam": "x", "antwoorden": {"t": 3}},
        {"naam": "x", "verwacht": {"einde": "ja"}},
        {"naam": "x", "verwacht": {"mijlpaalwaarden": ["leerroute"]}},
        {"naam": "x", "openhouden": "taal_resultaat"},
    ],
)
def test_a_malformed_scenario_is_refused_in_dutch(data: object) -> None:
    with pytest.raises(ScenarioInvalid):
        scenario_from_data(data)


def test_a_corrected_binnenkomst_moves_the_deadlines_of_the_scenario(
    base: engine.DeployedVersion,
) -> None:
    data = scenario("binnenkomst_gecorrigeerd")
    outcome = run(base, data).outcome
    assert outcome.values["pip_termijn"] == [
        "2026-03-16T00:00:00+01:00",
        "2026-05-11T00:00:00+02:00",
    ]
    assert outcome.due["pip_termijn_waarschuwing"] == date(2026, 5, 11)
    del data["correcties"]
    uncorrected = run(base, data)
    assert uncorrected.differences == (
        "verwacht: mijlpaal ‘pip_termijn’ met ‘2026-05-11T00:00:00+02:00’;"
        " werkelijk: ‘2026-03-16T00:00:00+01:00’",
    )
    assert uncorrected.outcome.due["pip_termijn_waarschuwing"] == date(2026, 3, 16)


def test_corrections_keep_their_json_form_and_a_bad_one_is_said() -> None:
    data = scenario("binnenkomst_gecorrigeerd")
    again = scenario_data(scenario_from_data(data))
    assert again["correcties"] == data["correcties"]
    data["correcties"] = [{"na": "huisvesting_inschrijvingen", "veld": "x"}]
    with pytest.raises(ScenarioInvalid, match="‘waarde’"):
        scenario_from_data(data)


def test_the_end_of_the_inburgering_brings_the_eindgesprek_without_an_evaluation(
    base: engine.DeployedVersion,
) -> None:
    outcome = run(base, scenario("eindgesprek_na_inburgering")).outcome
    assert "begeleiding_evalueren" in outcome.ready, "an evaluation was open (held)"
    assert "begeleiding_evalueren" not in outcome.path, "and fell away"
    # The last exam ends the inburgering; the eindgesprek is the next step.
    last = outcome.path.index("taal_resultaat")
    assert outcome.path[last + 1] == "eindgesprek"
