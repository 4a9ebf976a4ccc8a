"""Freeze the versions made before versions held their own settings and milestone
rules: fill both in from the repository as it is now (what those versions read at
run time until today), and recompute each content hash to cover them, as
services.version_hash does for a new version."""

import json
from pathlib import Path

from django.conf import settings
from django.db import migrations

import engine

SETTINGS_FILE = "instellingen.json"


def _read(name):
    path = Path(settings.WORKFLOWS_DIR) / name
    return json.loads(path.read_text(encoding="utf-8"))


def _rules_data():
    rules = engine.parse_rules(_read("mijlpalen.json"))
    return {
        "mijlpalen": [
            {
                "key": rule.key,
                "label": rule.label,
                "waarde": rule.value,
                "verplicht": rule.required,
                "herhaalt": rule.repeats,
                "grond": rule.grond,
            }
            for rule in rules.values()
        ]
    }


def _own_values(text):
    try:
        given = json.loads(text)
    except ValueError:
        return {}
    return given if isinstance(given, dict) else {}


def _frozen_text(data):
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def freeze(apps, schema_editor):
    Version = apps.get_model("definitions", "DefinitionVersion")
    Blob = apps.get_model("definitions", "Blob")
    versions = list(Version.objects.all())
    if not versions:
        return
    rules = _rules_data()
    defaults = {
        entry["key"]: entry["default"] for entry in _read(SETTINGS_FILE)["instellingen"]
    }
    for version in versions:
        shas = list(version.files.values())
        texts = dict(
            Blob.objects.filter(sha256__in=shas).values_list("sha256", "content")
        )
        files = {name: texts[sha] for name, sha in version.files.items()}
        values = dict(defaults)
        own = _own_values(files.get(SETTINGS_FILE, "{}"))
        values.update({k: v for k, v in own.items() if k in defaults})
        version.setting_values = values
        version.milestone_rules = rules
        version.content_hash = engine.content_hash(
            {
                **{name: text.encode() for name, text in files.items()},
                "=instellingen": _frozen_text(values).encode(),
                "=mijlpalen": _frozen_text(rules).encode(),
            }
        )
        version.save(
            update_fields=["setting_values", "milestone_rules", "content_hash"]
        )


class Migration(migrations.Migration):
    dependencies = [
        ("definitions", "0002_version_frozen_settings_and_rules"),
    ]

    operations = [migrations.RunPython(freeze, migrations.RunPython.noop)]
