"""Decision tables (DMN) in a version: parsed with the set, checked cell by cell as
beheerder code, and evaluated by the restricted evaluator, never by plain Python."""

import json
from datetime import datetime, timedelta

import pytest

import engine
from engine import WorkflowFailed
from engine.migration import check_move, move_case
from engine.proefrit import variables_read

from .conftest import (
    WORKFLOWS,
    Driver,
    full_check,
    ids,
    start_clock,
    variant_files,
    with_table_cells,
)

VOORTGANG = "voortgang_frequentie.dmn"


def moment(iso: str) -> datetime:
    return datetime.fromisoformat(iso)


ONTZORGEN = "ontzorgen_duur.dmn"


def errors(files: dict[str, bytes]) -> list[engine.Finding]:
    return [f for f in full_check(files).findings if f.is_error]


def test_the_base_ships_its_tables_as_files_of_the_version() -> None:
    files = variant_files()
    assert {VOORTGANG, ONTZORGEN} <= set(files)
    result = full_check(files)
    assert [f for f in result.findings if f.file.endswith(".dmn")] == []
    assert result.version is not None


@pytest.mark.parametrize(
    ("cell", "text", "said"),
    [
        # An attribute: the door to everything Python has.
        ("voortgang_frequentie_b1_leerroute", '"b1".__class__', "geweigerd"),
        ("voortgang_frequentie_b1_weken", "__import__('os')", "geweigerd"),
        ("voortgang_frequentie_b1_weken", "12 +", "syntaxfout"),
        # FEEL: parses, never matches; said rather than silently skipped.
        ("voortgang_frequentie_b1_leerroute", '"b1","z"', "FEEL-lijst"),
        ("voortgang_frequentie_b1_leerroute", "[1..10]", "FEEL-bereik"),
        ("voortgang_frequentie_b1_leerroute", 'not("b1")', "is FEEL"),
        # Glued to the input by the engine: 'leerroutein (...)'.
        ("voortgang_frequentie_b1_leerroute", 'in ("b1", "z")', "vastgeplakt"),
    ],
)
def test_a_bad_cell_is_refused_naming_the_file_rule_and_column(
    cell: str, text: str, said: str
) -> None:
    files = with_table_cells(
        variant_files(), VOORTGANG, {cell: text.replace("<", "&lt;")}
    )
    found = errors(files)
    assert len(found) == 1, found
    assert found[0].file == VOORTGANG
    assert found[0].element == cell
    assert found[0].line
    assert said in found[0].message
    assert "regel 1" in found[0].message
    column = "invoer 1 ‘Leerroute’" if "leerroute" in cell else "uitkomst 1"
    assert column in found[0].message


def test_an_input_expression_is_compiled_too() -> None:
    files = with_table_cells(
        variant_files(), ONTZORGEN, {"ontzorgen_duur_gezinsgrootte_expressie": "x.y"}
    )
    (found,) = errors(files)
    assert found.file == ONTZORGEN
    assert "invoerexpressie" in found.message
    assert "geweigerd" in found.message


def test_a_question_mark_stands_for_the_input() -> None:
    cell = {"ontzorgen_duur_klein_gezinsgrootte": "1 &lt;= ? &lt; 5"}
    files = with_table_cells(variant_files(), ONTZORGEN, cell)
    assert errors(files) == []


def test_a_business_rule_task_must_name_a_table_of_the_set() -> None:
    files = dict(variant_files())
    files["voortgang.bpmn"] = files["voortgang.bpmn"].replace(
        b">voortgang_frequentie</spiffworkflow:calledDecisionId>",
        b">voortgang_ritme</spiffworkflow:calledDecisionId>",
    )
    found = errors(files)
    assert [(f.file, f.element) for f in found] == [
        ("voortgang.bpmn", "voortgang_frequentie_bepalen")
    ]
    assert "‘voortgang_ritme’" in found[0].message
    assert "voortgang_frequentie" in found[0].hint
    warnings = [f for f in full_check(files).findings if not f.is_error]
    assert any(
        f.file == VOORTGANG and "door geen enkele beslistaak" in f.message
        for f in warnings
    )


def test_a_missing_table_file_is_an_error_not_a_crash() -> None:
    files = dict(variant_files())
    del files[VOORTGANG]
    (found,) = errors(files)
    assert "staat in geen enkel .dmn-bestand" in found.message


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (b'hitPolicy="FIRST"', b'hitPolicy="COLLECT" aggregation="SUM"', "hit policy"),
        (b'hitPolicy="FIRST"', b'hitPolicy="PRIORITY"', "hit policy"),
        (b'name="voortgang_weken"', b'name="voortgang.weken"', "geen variabelenaam"),
        (b"<definitions", b"<!DOCTYPE x>\n<definitions", "DOCTYPE"),
        (b'hitPolicy="FIRST"', b'hitPolicy="EERSTE"', "geen geldig DMN"),
    ],
)
def test_a_table_the_engine_would_misread_is_refused(
    old: bytes, new: bytes, said: str
) -> None:
    files = dict(variant_files())
    files[VOORTGANG] = files[VOORTGANG].replace(old, new, 1)
    found = errors(files)
    assert found and all(f.file == VOORTGANG for f in found), found
    assert said in found[0].message


def test_a_table_that_slipped_past_validation_still_runs_restricted() -> None:
    """A stored version is only parsed, not validated again: the evaluator itself
    must refuse what the check would have refused."""
    files = with_table_cells(
        variant_files(),
        VOORTGANG,
        {"voortgang_frequentie_b1_weken": "[].__class__.__base__.__subclasses__()"},
    )
    version = engine.load_version(files)
    driver = Driver(version, start_clock())
    driver.start()
    with pytest.raises(WorkflowFailed) as failed:
        driver.run_until("voortgangsgesprek", {"pip_opstellen": {"leerroute": "b1"}})
    assert "Frequentie voortgang bepalen" in str(failed.value)


def test_the_table_decides_per_row_and_survives_the_json_round_trip() -> None:
    # Z-route every four weeks, everyone else stays at twelve.
    files = with_table_cells(
        variant_files(), VOORTGANG, {"voortgang_frequentie_z_weken": "4"}
    )
    version = engine.build_version(files)
    for route, weeks in (("z", 4), ("onderwijs", 12)):
        driver = Driver(version, start_clock())
        driver.start()
        driver.run_until("pip_toelichten", {"pip_opstellen": {"leerroute": route}})
        driver.advance(timedelta(weeks=weeks) - timedelta(hours=2))
        assert "voortgangsgesprek" not in ids(driver.ready()), route
        driver.advance(timedelta(hours=4))
        assert "voortgangsgesprek" in ids(driver.ready()), route


def test_a_table_without_a_catch_all_rule_is_a_warning() -> None:
    files = with_table_cells(
        variant_files(), VOORTGANG, {"voortgang_frequentie_anders_leerroute": '"b2"'}
    )
    result = full_check(files)
    assert result.version is not None, "a warning, not an error"
    (warning,) = [f for f in result.findings if f.file == VOORTGANG]
    assert "geen regel die op elke invoer past" in warning.message


def settings_era_files() -> dict[str, bytes]:
    """The base as it was before its two tables (archived): ontzorgen and voortgang
    read the settings instelling_ontzorgen_* and instelling_voortgang_weken."""
    archived = WORKFLOWS / "archief" / "basis-v2-instellingen"
    files = {n: c for n, c in variant_files().items() if not n.endswith(".dmn")}
    files.update({p.name: p.read_bytes() for p in sorted(archived.glob("*.bpmn"))})
    return files


def test_a_running_case_from_before_the_tables_moves_and_keeps_going() -> None:
    """A case in the ontzorgen evaluation loop and waiting for a voortgangsgesprek on
    the settings-era base moves to the base with tables: its extension still works
    and its next voortgang round takes the weeks from the table."""
    old = engine.build_version(settings_era_files())
    new = engine.build_version(variant_files())
    driver = Driver(old, start_clock())
    driver.start(
        instelling_ontzorgen_maanden=6,
        instelling_ontzorgen_evaluatie_maanden=5,
        instelling_voortgang_weken=12,
    )
    driver.complete("ontzorgen_starten", bijstand_startdatum="2026-02-02")
    driver.run_until("pip_toelichten", {"pip_opstellen": {"leerroute": "b1"}})
    driver.clock.set(moment("2026-07-02T00:01:00+02:00"))
    driver.fire()
    assert "ontzorgen_evalueren" in ids(driver.ready())

    assert check_move(old, new, driver.state).ok
    snapshot, _check = move_case(old, new, driver.state, clock=driver.clock)
    driver.version = new
    driver._keep(snapshot)
    # Extended by three months: until 2026-11-02, evaluated again a month before.
    driver.complete("ontzorgen_evalueren", ontzorgen_verlenging_maanden=3)
    driver.clock.set(moment("2026-10-02T00:00:00+02:00") - timedelta(minutes=1))
    driver.fire()
    assert "ontzorgen_evalueren" not in ids(driver.ready())
    driver.advance(timedelta(minutes=2))
    assert "ontzorgen_evalueren" in ids(driver.ready())
    # The voortgang loop goes round on the new version: the table sets the weeks.
    driver.run_until("voortgangsgesprek", skip=("ontzorgen_evalueren",))
    driver.complete("voortgangsgesprek", pip_aanpassen=False, traject_afronden=False)
    assert '"voortgang_weken": 12' in json.dumps(driver.state)


def test_the_proefrit_knows_what_a_table_decides_on(base_version) -> None:
    """The proefrit varies the answers that code reads; a table's inputs count."""
    read = variables_read(base_version)
    assert {"gezinsgrootte", "leerroute"} <= read
    assert "dmninputexpr" not in read
