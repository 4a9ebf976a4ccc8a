"""A version's files as the running system needs them: parsed diagrams and forms,
cached per version (versions never change), and the full check of a set of files.

A stored version is self-contained: its settings values and its milestone rule set
were frozen into it when it was made (DefinitionVersion.setting_values and
.milestone_rules). The repository's rule files are read only to check a set that is
about to become a version (a new base, a draft); never for a version that exists."""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

import engine
from engine import ERROR, DeployedVersion, Finding, FormSummary, MilestoneRule
from forms.field_roles import START_FORM, missing_roles
from forms.privacy import NO_BASE, PrivacyFloor
from forms.registry import (
    FormRegistry,
    form_file_name,
    form_key_of,
    registry_floor,
    registry_from_files,
)

from .files import SETTINGS_FILE, is_diagram
from .instellingen import known_variables, parse_settings
from .models import Blob, DefinitionVersion


@dataclass(frozen=True)
class Bundle:
    """Everything a case needs from its version: the process specs, the forms, the
    gemeente's settings (every key) and the milestone rule set."""

    process: DeployedVersion
    forms: FormRegistry
    settings: dict[str, Any] = field(default_factory=dict)
    rules: Mapping[str, MilestoneRule] = field(default_factory=dict)


@lru_cache(maxsize=4)
def _rules(path: Path) -> dict[str, MilestoneRule]:
    return engine.parse_rules(json.loads(path.read_text(encoding="utf-8")))


def milestone_rules() -> dict[str, MilestoneRule]:
    """The milestone rule set kept in the repository (workflows/mijlpalen.json): for
    checking a new base or a draft only. A version's own set is bundle_of(v).rules."""
    return _rules(Path(settings.WORKFLOWS_DIR) / "mijlpalen.json")


def rules_data(rules: Mapping[str, MilestoneRule]) -> dict[str, Any]:
    """A milestone rule set in its JSON form (as in mijlpalen.json), to freeze it
    into a version; engine.parse_rules reads it back."""
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


def frozen_rules(version: DefinitionVersion) -> dict[str, MilestoneRule]:
    """The milestone rule set a version was checked against when it was made."""
    if not version.milestone_rules:
        return {}
    return engine.parse_rules(version.milestone_rules)


def blob_texts(shas: list[str]) -> dict[str, str]:
    return dict(Blob.objects.filter(sha256__in=shas).values_list("sha256", "content"))


def version_files(version: DefinitionVersion) -> dict[str, str]:
    """Every file of a stored version: name -> content."""
    texts = blob_texts(list(version.files.values()))
    return {name: texts[sha] for name, sha in version.files.items()}


def _engine_files(files: Mapping[str, str]) -> dict[str, bytes]:
    """What the engine reads of a set: its BPMN diagrams and DMN decision tables."""
    return {name: text.encode() for name, text in files.items() if is_diagram(name)}


def check_files(
    files: Mapping[str, str],
    *,
    base: Mapping[str, str] | None,
    defaults: Mapping[str, Any] | None = None,
) -> tuple[list[Finding], Bundle | None]:
    """Every finding about a complete set of files (diagrams, forms, the milestone
    rules); with no errors also the bundle it makes.

    ``base`` is the files of the base version the set is built on: no field may have
    a lower privacy class than there (forms/privacy.py). None only for a base itself.
    ``defaults`` is that base version's frozen settings values: what the set's own
    instellingen.json leaves out (None: the repository's defaults, for a new base).
    """
    items = tuple(sorted(files.items()))
    base_forms = (
        None
        if base is None
        else tuple(sorted((n, t) for n, t in base.items() if form_key_of(n)))
    )
    findings, bundle = _checked(
        engine.content_hash({n: t.encode() for n, t in items}),
        items,
        base_forms,
        json.dumps(defaults or {}, sort_keys=True),
        # The rule files the check reads: another repository, another result.
        str(settings.WORKFLOWS_DIR),
    )
    # Forms, settings and diagrams are checked apart: one list in reading order.
    return engine.sort_findings(findings), bundle


@lru_cache(maxsize=8)
def privacy_floor_of(base_forms: tuple[tuple[str, str], ...] | None) -> PrivacyFloor:
    """The privacy floor of a base's form files (None: no base under the set)."""
    if base_forms is None:
        return NO_BASE
    registry, _problems = registry_from_files(dict(base_forms))
    return registry_floor(registry)


def base_floor(base: Mapping[str, str]) -> PrivacyFloor:
    """The privacy floor the files of a base version set (for one form's check)."""
    return privacy_floor_of(
        tuple(sorted((n, t) for n, t in base.items() if form_key_of(n)))
    )


@lru_cache(maxsize=32)
def _checked(
    digest: str,
    items: tuple[tuple[str, str], ...],
    base_forms: tuple[tuple[str, str], ...] | None,
    defaults: str,
    repository: str,
) -> tuple[tuple[Finding, ...], Bundle | None]:
    files = dict(items)
    rules = milestone_rules()
    registry, problems = registry_from_files(
        {n: t for n, t in files.items() if n != SETTINGS_FILE},
        milestones={key: rule.value for key, rule in rules.items()},
        floor=privacy_floor_of(base_forms),
    )
    findings = [
        Finding(ERROR, p.file, p.line, p.element, p.message, p.hint) for p in problems
    ]
    catalog: dict[str, FormSummary] = {
        key: FormSummary(
            title=registry.get(key).title,
            fields={f.name: f.privacy for f in registry.get(key).fields},
            milestones=registry.get(key).milestones,
        )
        for key in registry.keys()
    }
    # A form with problems still exists: its tasks need no second finding.
    for problem in problems:
        key = problem.file.rsplit("/", 1)[-1].removesuffix(".json")
        catalog.setdefault(key, FormSummary(title=key, fields={}))
    findings.extend(
        Finding(
            ERROR,
            form_file_name(missing.form_key),
            None,
            f"{missing.form_key}.{missing.role}" if missing.role else missing.form_key,
            missing.message,
            missing.hint,
        )
        for missing in missing_roles(registry)
        # A form with problems is not in the registry: it has its finding.
        if not any(p.file == form_file_name(missing.form_key) for p in problems)
    )
    values, setting_findings = parse_settings(
        files.get(SETTINGS_FILE), defaults=json.loads(defaults)
    )
    findings.extend(setting_findings)
    result = engine.validate(
        _engine_files(files),
        forms=catalog,
        rules=rules,
        start_form=START_FORM,
        known_variables=known_variables(),
    )
    findings.extend(result.findings)
    if result.version is None or engine.has_errors(findings):
        return tuple(findings), None
    return tuple(findings), Bundle(result.version, registry, values, rules)


@lru_cache(maxsize=256)
def _bundle(pk: int, content_hash: str) -> Bundle:
    version = DefinitionVersion.objects.get(pk=pk)
    files = version_files(version)
    registry, _problems = registry_from_files(files)
    # Frozen when the version was made: the repository's files may have changed
    # since, and a case on this version must behave as it did.
    return Bundle(
        engine.load_version(_engine_files(files)),
        registry,
        dict(version.setting_values),
        frozen_rules(version),
    )


def bundle_of(version: DefinitionVersion) -> Bundle:
    """The parsed process, forms, settings and milestone rules of a stored version
    (parsed once per process); nothing read from the repository."""
    return _bundle(version.pk, version.content_hash)
