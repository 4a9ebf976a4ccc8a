"""A version is frozen: the settings values (defaults resolved) and the milestone rule
set are copied into it when it is made, so a case on it behaves the same after the
repository's rule files change. The repository is only the source for a new base
version and for checking a draft."""

import importlib
import json
import shutil
from pathlib import Path
from typing import Any

from django.apps import apps
from django.test import Client
from django.urls import reverse

import pytest

from webui.accounts.models import Role
from webui.casework.selectors import case_outcome
from webui.definitions import bundles
from webui.definitions.bundles import bundle_of, milestone_rules, version_files
from webui.definitions.models import DefinitionVersion
from webui.definitions.services import (
    active_version,
    base_register,
    draft_check,
    draft_open,
    version_deploy,
    version_hash,
    versions_follow_base,
)
from webui.privacy.services import inzage_export

from ..conftest import PASSWORD, World, state_of

OLD_LABEL = "PVT-workshop bijgewoond"


@pytest.fixture
def repository(settings: Any, tmp_path: Path) -> Path:
    """A copy of workflows/ the test may change, in use from now on (the versions of
    the world were made from the real one before)."""
    folder = tmp_path / "workflows"
    shutil.copytree(settings.WORKFLOWS_DIR, folder)
    settings.WORKFLOWS_DIR = folder
    return folder


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _set_default(folder: Path, key: str, value: Any) -> None:
    def change(data: dict) -> None:
        for entry in data["instellingen"]:
            if entry["key"] == key:
                entry["default"] = value

    _edit(folder / "instellingen.json", change)


def test_a_new_case_keeps_its_versions_settings_after_the_repository_changes(
    world: World, repository: Path
) -> None:
    _set_default(repository, "pvt_workshops", 7)
    case = world.start()
    assert '"instelling_pvt_workshops":4' in state_of(case)
    assert bundle_of(case.version).settings["pvt_workshops"] == 4
    # Rivierstad's own instellingen.json says 5; the rest is its base's.
    other = world.start(world.rivierstad)
    assert '"instelling_pvt_workshops":5' in state_of(other)
    assert '"instelling_termijn_waarschuwing_weken":26' in state_of(other)


def test_the_studio_shows_the_values_the_version_holds_not_the_repositorys(
    world: World, repository: Path
) -> None:
    _set_default(repository, "pvt_workshops", 7)
    client = Client()
    client.login(username="beheerder.polderdam", password=PASSWORD)
    page = client.get(reverse("studio:settings", args=["polderdam"]))
    form = page.context["form"]
    assert form["pvt_workshops"].initial == 4
    assert "neemt het over van basis v1" in page.content.decode()
    # The beheerder changes another setting and saves what the page shows: the
    # repository's 7 comes with a new base, not through the back door.
    answers = {name: form[name].initial for name in form.fields}
    client.post(
        reverse("studio:settings", args=["polderdam"]),
        {**answers, "termijn_waarschuwing_weken": 20},
    )
    client.post(reverse("studio:deploy", args=["polderdam"]), {"note": "Twintig weken"})
    version = active_version(world.polderdam)
    assert version.number == 2
    assert version.setting_values["termijn_waarschuwing_weken"] == 20
    assert version.setting_values["pvt_workshops"] == 4


def test_a_draft_is_checked_with_the_values_its_version_will_hold(
    world: World, repository: Path
) -> None:
    _set_default(repository, "pvt_workshops", 7)
    polderdam = draft_open(gemeente=world.polderdam, user=None)
    findings, bundle = draft_check(draft=polderdam)
    assert bundle is not None, findings
    assert bundle.settings["pvt_workshops"] == 4, "its base's value, not the file's"
    rivierstad = draft_open(gemeente=world.rivierstad, user=None)
    findings, bundle = draft_check(draft=rivierstad)
    assert bundle is not None, findings
    assert bundle.settings["pvt_workshops"] == 5, "its own value"


def test_a_changed_default_comes_with_a_new_base_and_only_for_new_cases(
    world: World, repository: Path
) -> None:
    running = world.start()
    _set_default(repository, "pvt_workshops", 7)
    base, created = base_register()
    assert created, "the same diagrams with another default are another base"
    assert base.setting_values["pvt_workshops"] == 7
    versions_follow_base()
    assert active_version(world.polderdam).base == base
    new = world.start()
    assert '"instelling_pvt_workshops":7' in state_of(new)
    assert '"instelling_pvt_workshops":4' in state_of(running)
    assert bundle_of(running.version).settings["pvt_workshops"] == 4


def test_a_running_case_records_and_labels_milestones_by_its_versions_rules(
    world: World, repository: Path
) -> None:
    case = world.start()

    def change(data: dict) -> None:
        data["mijlpalen"] = [e for e in data["mijlpalen"] if e["key"] != "uitkomst"]
        for entry in data["mijlpalen"]:
            if entry["key"] == "pvt_workshop":
                entry["label"] = "Bijeenkomst over de participatieverklaring"
            if entry["key"] == "verklaring_ondertekend":
                entry["key"] = "verklaring_getekend"

    _edit(repository / "mijlpalen.json", change)
    assert "uitkomst" not in milestone_rules()
    case = world.run_to_end(case)
    recorded = set(case.milestones.values_list("key", flat=True))
    assert {"pvt_workshop", "verklaring_ondertekend", "uitkomst"} <= recorded
    assert case_outcome(case)
    rules = bundle_of(case.version).rules
    assert rules["pvt_workshop"].label == OLD_LABEL
    assert "uitkomst" in rules and "verklaring_getekend" not in rules
    # What the statushouder reads in an inzage: the words of the case's version.
    export = inzage_export(
        case=case, user=world.who(Role.PRIVACY, world.polderdam), occasion=None
    )
    labels = {m["mijlpaal"]: m["omschrijving"] for m in export["mijlpalen"]}
    assert labels["pvt_workshop"] == OLD_LABEL
    assert labels["uitkomst"] == "Uitkomst vervolgtraject"
    assert labels["verklaring_ondertekend"] == "Participatieverklaring ondertekend"


def test_versions_made_before_freezing_are_filled_in_by_the_data_migration(
    world: World,
) -> None:
    rivierstad = world.versions["rivierstad"]
    DefinitionVersion.objects.update(
        setting_values={}, milestone_rules={}, content_hash="van voor het bevriezen"
    )
    migration = importlib.import_module(
        "webui.definitions.migrations.0003_fill_frozen_settings_and_rules"
    )
    migration.freeze(apps, None)
    rivierstad.refresh_from_db()
    assert rivierstad.setting_values["pvt_workshops"] == 5
    assert rivierstad.setting_values["termijn_waarschuwing_weken"] == 26
    assert bundle_of(rivierstad).rules == milestone_rules()
    assert rivierstad.content_hash == version_hash(
        version_files(rivierstad),
        rivierstad.setting_values,
        rivierstad.milestone_rules,
    )
    # The same set deployed again is the same version, not a new one.
    again, created = version_deploy(gemeente=world.rivierstad)
    assert (again, created) == (rivierstad, False)
    assert base_register()[1] is False


def test_a_case_runs_to_its_end_without_the_repositorys_rule_files(
    world: World, settings: Any, tmp_path: Path
) -> None:
    settings.WORKFLOWS_DIR = tmp_path / "weg"  # nothing there: a read would fail
    bundles._bundle.cache_clear()  # parsed again now, not left from an earlier test
    case = world.run_to_end(world.start())
    assert case.is_closed
    client = Client()
    client.login(username="coordinator.polderdam", password=PASSWORD)
    page = client.get(reverse("cases:detail", args=[case.reference]))
    assert page.status_code == 200
