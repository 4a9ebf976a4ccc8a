"""Writes to process definitions: register the base, edit a draft, deploy, roll back."""

import hashlib
import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max

import engine
from engine import Clock, Finding, SystemClock
from forms.registry import shipped_form_files
from webui.accounts.models import Gemeente
from webui.logs.models import AuditEvent

from .bundles import Bundle, blob_texts, check_files, rules_data, version_files
from .files import FileRefused, check_name, from_upload, is_bpmn
from .models import Blob, DefinitionVersion, Draft
from .proefrit import as_findings, proefrit_passed_or_run, proefrit_required
from .scenarios import (
    ScenarioFailed,
    base_scenarios_load,
    draft_scenarios_fill,
    draft_scenarios_renew,
    draft_scenarios_replace,
    scenarios_keep,
    scenarios_must_pass,
    scenarios_of_set,
    scenarios_required,
)


class DeployRefused(Exception):
    """A set cannot be deployed: the message (Dutch) and every finding."""

    def __init__(self, message: str, findings: "list[Finding] | tuple" = ()) -> None:
        super().__init__(message)
        self.message = message
        self.findings = list(findings)


class DraftConflict(Exception):
    """Someone else saved the draft in the meantime."""


def _now(clock: Clock | None) -> datetime:
    return (clock or SystemClock()).now()


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _store_blobs(files: Mapping[str, str]) -> dict[str, str]:
    """Store each file's content once; name -> sha256."""
    shas = {name: _sha(text) for name, text in files.items()}
    Blob.objects.bulk_create(
        [Blob(sha256=shas[name], content=text) for name, text in files.items()],
        ignore_conflicts=True,
    )
    return shas


def set_hash(files: Mapping[str, str]) -> str:
    return engine.content_hash({name: text.encode() for name, text in files.items()})


# Under these names the frozen settings and rules join a version's content hash; no
# file of a set can have them (files.check_name).
FROZEN_SETTINGS = "=instellingen"
FROZEN_RULES = "=mijlpalen"


def frozen_text(data: Any) -> str:
    """Frozen data as the content hash reads it (key order does not matter)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False)


def version_hash(
    files: Mapping[str, str],
    setting_values: Mapping[str, Any],
    milestone_rules: Mapping[str, Any],
) -> str:
    """The fingerprint of everything a version holds: its files, and the settings
    values and milestone rules frozen into it."""
    return set_hash(
        {
            **files,
            FROZEN_SETTINGS: frozen_text(setting_values),
            FROZEN_RULES: frozen_text(milestone_rules),
        }
    )


def _frozen(bundle: Bundle) -> dict[str, Any]:
    """What a new version keeps of the check it passed: its settings, every key with
    its value, and the milestone rule set it was checked against."""
    return {
        "setting_values": dict(bundle.settings),
        "milestone_rules": rules_data(bundle.rules),
    }


def _audit(**kwargs) -> None:  # type: ignore[no-untyped-def]
    AuditEvent.objects.create(**kwargs)


def latest_base() -> DefinitionVersion | None:
    return DefinitionVersion.objects.filter(gemeente=None).order_by("-number").first()


def active_version(gemeente: Gemeente) -> DefinitionVersion | None:
    # One at most (a constraint): no ORDER BY to compile and run (first() adds one).
    found = DefinitionVersion.objects.filter(gemeente=gemeente, is_active=True)
    return next(iter(found.order_by()[:1]), None)


# ---- the base ------------------------------------------------------------------------


def repository_base_files() -> dict[str, str]:
    """The repository's trajectory: workflows/base/*.bpmn and *.dmn, and the shipped
    forms."""
    diagrams = engine.collect_diagrams(settings.WORKFLOWS_DIR)
    files = {name: content.decode() for name, content in diagrams.items()}
    files.update(shipped_form_files())
    return files


def base_register(
    *,
    files: Mapping[str, str] | None = None,
    user: AbstractBaseUser | None = None,
    clock: Clock | None = None,
) -> tuple[DefinitionVersion, bool]:
    """Register the repository's trajectory as a new base version if it changed.

    Returns (the latest base version, whether it was created now). No gemeente's live
    process changes: each moves to the new base when it deploys.
    """
    files = dict(files if files is not None else repository_base_files())
    findings, bundle = check_files(files, base=None)
    if bundle is None:
        raise DeployRefused(
            "De basisdiagrammen in de repository zijn ongeldig.", findings
        )
    frozen = _frozen(bundle)
    digest = version_hash(files, **frozen)
    with transaction.atomic():
        latest = latest_base()
        if latest is not None and latest.content_hash == digest:
            return latest, False
        version = DefinitionVersion.objects.create(
            gemeente=None,
            number=(latest.number + 1) if latest else 1,
            files=_store_blobs(files),
            derived=bundle.process.derived(),
            **frozen,
            content_hash=digest,
            note="Basistraject uit de repository",
            deployed_by=user,
            deployed_at=_now(clock),
        )
        base_scenarios_load(version=version)
        _audit(
            case=None,
            user=user,
            event="base_registered",
            at=version.deployed_at,
            detail={"version": version.number, "content_hash": digest},
        )
    return version, True


# ---- drafts --------------------------------------------------------------------------


def _provenance(base: DefinitionVersion, name: str) -> dict[str, object]:
    return {"base_number": base.number, "base_sha": base.files.get(name)}


def draft_open(*, gemeente: Gemeente, user: AbstractBaseUser | None) -> Draft:
    """The gemeente's draft; a new one starts from the version in use (or the latest
    base when the gemeente has none)."""
    draft = Draft.objects.filter(gemeente=gemeente).select_related("base").first()
    if draft is not None:
        return draft
    active = active_version(gemeente)
    base = active.base if active is not None else latest_base()
    if base is None:
        raise DeployRefused("Er is nog geen basisversie geregistreerd.")
    own = {}
    provenance = {}
    if active is not None:
        texts = blob_texts([active.files[n] for n in active.own_files])
        own = {name: texts[active.files[name]] for name in active.own_files}
        provenance = {name: active.provenance.get(name) for name in own}
    with transaction.atomic():
        draft, created = Draft.objects.get_or_create(
            gemeente=gemeente,
            defaults={
                "base": base,
                "files": own,
                "provenance": provenance,
                "updated_by": user,
            },
        )
        if created:
            draft_scenarios_fill(draft=draft, own_from=active)
    return draft


def _save_draft(
    draft: Draft, user: AbstractBaseUser | None, expected: int | None
) -> None:
    fields = {
        "files": draft.files,
        "provenance": draft.provenance,
        "base": draft.base,
        "updated_by": user,
    }
    query = Draft.objects.filter(pk=draft.pk)
    if expected is not None:
        query = query.filter(lock_version=expected)
    updated = query.update(lock_version=draft.lock_version + 1, **fields)
    if not updated:
        raise DraftConflict(
            "Het concept is intussen door iemand anders opgeslagen. Laad de pagina"
            " opnieuw; uw wijziging is niet opgeslagen."
        )
    draft.lock_version += 1


def _put(draft: Draft, name: str, content: str, base_texts: Mapping[str, str]) -> None:
    check_name(name)
    if base_texts.get(name) == content:
        # Back to the base file byte for byte: no longer the gemeente's own.
        draft.files.pop(name, None)
        draft.provenance.pop(name, None)
        return
    if name not in draft.files:
        draft.provenance[name] = _provenance(draft.base, name)
    draft.files[name] = content


def draft_save_files(
    *,
    draft: Draft,
    files: Mapping[str, str],
    user: AbstractBaseUser | None,
    expected_lock: int | None = None,
) -> Draft:
    """Put files into the draft (new own files, or changed copies of base files).
    Nothing is validated here: a draft may be broken while it is being made."""
    base_texts = version_files(draft.base)
    for name, content in files.items():
        _put(draft, name, content, base_texts)
    _save_draft(draft, user, expected_lock)
    return draft


def draft_upload(
    *,
    draft: Draft,
    file_name: str,
    content: bytes,
    user: AbstractBaseUser | None,
) -> tuple[list[str], list[str]]:
    """Put an uploaded file (a .bpmn, a form, or a zip of them) into the draft under
    its own name; what another modeler wrote that Wegwijs reads differently is
    converted where that is certain (engine.convert_camunda). The names put in and
    what was converted, in Dutch. FileRefused (nothing saved) for a name or archive
    the studio does not take."""
    files = from_upload(file_name, content)
    notes: list[str] = []
    for name in sorted(files):
        if is_bpmn(name):
            files[name], conversions = engine.convert_camunda(files[name])
            notes.extend(f"{name}: {c.message}" for c in conversions)
    draft_save_files(draft=draft, files=files, user=user)
    return sorted(files), notes


def draft_remove_file(
    *, draft: Draft, name: str, user: AbstractBaseUser | None
) -> Draft:
    """Drop an own file: a copy of a base file goes back to the base version, a new
    file is gone."""
    if name not in draft.files:
        raise FileRefused(f"‘{name}’ is geen eigen bestand van dit concept")
    draft.files.pop(name)
    draft.provenance.pop(name, None)
    _save_draft(draft, user, None)
    return draft


def draft_rebase(
    *, draft: Draft, base: DefinitionVersion, user: AbstractBaseUser | None
) -> Draft:
    """Move the draft onto another base version; own files keep their provenance, so
    the studio shows which of them derive from an older base file. The new base's
    scenarios take the place of the old base's; with the draft's own they must pass
    on the draft as it would be (DeployRefused names the first that fails; the draft
    stays where it was). A draft with errors on the new base moves: its deploy
    checks again."""
    if not base.is_base:
        raise DeployRefused("Een concept bouwt alleen op een basisversie.")
    base_texts = version_files(base)
    own = {n: t for n, t in draft.files.items() if base_texts.get(n) != t}
    scenarios = draft_scenarios_renew(draft=draft, base=base)
    if scenarios_required():
        findings, bundle = check_files(
            {**base_texts, **own}, base=base_texts, defaults=base.setting_values
        )
        if bundle is not None:
            try:
                scenarios_must_pass(bundle, scenarios)
            except ScenarioFailed as exc:
                raise DeployRefused(
                    f"Het concept is niet naar basis v{base.number} verplaatst:"
                    f" {exc.message}. Het concept blijft op basis"
                    f" v{draft.base.number}.",
                    exc.findings,
                ) from exc
    draft.base = base
    for name in [n for n in draft.files if n not in own]:
        draft.files.pop(name)
        draft.provenance.pop(name, None)
    with transaction.atomic():
        _save_draft(draft, user, None)
        draft_scenarios_replace(draft=draft, rows=scenarios)
    return draft


def draft_discard(*, draft: Draft) -> None:
    draft.delete()


def draft_set(draft: Draft) -> dict[str, str]:
    """The complete set of the draft: its base's files with its own on top."""
    files = version_files(draft.base)
    files.update(draft.files)
    return files


def draft_check(*, draft: Draft) -> tuple[list[Finding], Bundle | None]:
    """Every finding about the draft's set; with no errors also the bundle its
    version would be, with the settings values it would hold (its own over its
    base's frozen ones) - what a proefrit should drive."""
    return check_files(
        draft_set(draft),
        base=version_files(draft.base),
        defaults=draft.base.setting_values,
    )


def draft_version_hash(*, draft: Draft) -> str | None:
    """The fingerprint the draft's version would have (its files, settings and
    rules): what its proefrit is kept under. None while the draft has errors."""
    _findings, bundle = draft_check(draft=draft)
    if bundle is None:
        return None
    return version_hash(draft_set(draft), **_frozen(bundle))


def set_on_top(
    *, gemeente: Gemeente | None, own_files: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """A complete set: the gemeente's version in use (or the latest base) with
    ``own_files`` on top, for validating files before they are deployed; and the
    files of the base under it (the privacy floor)."""
    under = active_version(gemeente) if gemeente is not None else None
    under = under or latest_base()
    if under is None:
        raise DeployRefused("Er is nog geen basisversie geregistreerd.")
    base = under.base if under.base_id is not None else under
    return {**version_files(under), **own_files}, version_files(base)


# ---- versions ------------------------------------------------------------------------


def _activate(version: DefinitionVersion) -> None:
    DefinitionVersion.objects.filter(
        gemeente_id=version.gemeente_id, is_active=True
    ).exclude(pk=version.pk).update(is_active=False)
    DefinitionVersion.objects.filter(pk=version.pk).update(is_active=True)
    version.is_active = True


def _refuse_unless_driven(
    gemeente: Gemeente,
    digest: str,
    bundle: Bundle,
    files: Mapping[str, str],
    findings: list[Finding],
    user: AbstractBaseUser | None,
) -> None:
    """A set whose synthetic cases can stand still or fail a script does not go
    live; the proefrit the studio ran is reused, otherwise it drives now."""
    if not proefrit_required():
        return
    run = proefrit_passed_or_run(
        gemeente=gemeente, content_hash=digest, bundle=bundle, files=files, user=user
    )
    if run.errors:
        raise DeployRefused(
            "De versie is niet in gebruik genomen: de proefrit vond dossiers die"
            " vastlopen of scripts die falen. De vorige versie blijft in gebruik.",
            findings + as_findings(run.report),
        )


def _refuse_unless_scenarios_pass(
    bundle: Bundle, scenarios: list, findings: list[Finding]
) -> None:
    """A set on which one of the version's scenarios fails does not go live."""
    if not scenarios_required():
        return
    try:
        scenarios_must_pass(bundle, scenarios)
    except ScenarioFailed as exc:
        raise DeployRefused(
            f"De versie is niet in gebruik genomen: {exc.message}. De vorige versie"
            " blijft in gebruik.",
            findings + exc.findings,
        ) from exc


def version_deploy(
    *,
    gemeente: Gemeente,
    user: AbstractBaseUser | None = None,
    note: str = "",
    own_files: Mapping[str, str] | None = None,
    base: DefinitionVersion | None = None,
    clock: Clock | None = None,
    drive: bool = True,
) -> tuple[DefinitionVersion, bool]:
    """Validate a gemeente's set and make it the version in use.

    ``own_files`` None takes the draft (or, without a draft, the own files of the
    version in use); ``base`` None takes the draft's base (or the latest base).
    Returns (the version in use, whether a new version was made). Raises DeployRefused
    with every finding; the version in use then stays in use. Every set passes its
    proefrit and its scenarios first (the draft's, or the version in use's own and
    the base's), and keeps them; ``drive=False`` only for the repository's own demo
    sets, which the test suite drives.
    """
    draft = Draft.objects.filter(gemeente=gemeente).select_related("base").first()
    active = active_version(gemeente)
    provenance: dict[str, object] = {}
    from_draft = own_files is None and draft is not None
    if from_draft:
        own_files, provenance = dict(draft.files), dict(draft.provenance)
        base = base or draft.base
    elif own_files is None and active is not None:
        texts = blob_texts([active.files[n] for n in active.own_files])
        own_files = {n: texts[active.files[n]] for n in active.own_files}
        provenance = dict(active.provenance)
    base = base or latest_base()
    if base is None:
        raise DeployRefused("Er is nog geen basisversie geregistreerd.")
    base_texts = version_files(base)
    own = {
        check_name(name): text
        for name, text in (own_files or {}).items()
        if base_texts.get(name) != text
    }
    files = {**base_texts, **own}
    # The base is the privacy floor: a variant may raise a field's class, never
    # lower it; refused here too, whatever the studio showed before.
    # What its own instellingen.json leaves out, the version takes from its base.
    findings, bundle = check_files(files, base=base_texts, defaults=base.setting_values)
    if bundle is None:
        raise DeployRefused(
            "De versie is niet in gebruik genomen: los eerst de fouten op. De vorige"
            " versie blijft in gebruik.",
            findings,
        )
    frozen = _frozen(bundle)
    digest = version_hash(files, **frozen)
    scenarios = scenarios_of_set(own_from=draft if from_draft else active, base=base)
    if drive:
        _refuse_unless_driven(gemeente, digest, bundle, files, findings, user)
        _refuse_unless_scenarios_pass(bundle, scenarios, findings)
    with transaction.atomic():
        if active is not None and active.content_hash == digest:
            if from_draft:
                scenarios_keep(rows=scenarios, version=active)
                draft.delete()
            return active, False
        same = DefinitionVersion.objects.filter(
            gemeente=gemeente, content_hash=digest
        ).first()
        if same is None:
            number = (
                DefinitionVersion.objects.filter(gemeente=gemeente).aggregate(
                    n=Max("number")
                )["n"]
                or 0
            ) + 1
            same = DefinitionVersion.objects.create(
                gemeente=gemeente,
                number=number,
                base=base,
                files=_store_blobs(files),
                own_files=sorted(own),
                provenance={
                    name: provenance.get(name) or _provenance(base, name)
                    for name in own
                },
                derived=bundle.process.derived(),
                **frozen,
                content_hash=digest,
                note=note,
                deployed_by=user,
                deployed_at=_now(clock),
            )
        _activate(same)
        scenarios_keep(rows=scenarios, version=same)
        if from_draft:
            draft.delete()
        _audit(
            case=None,
            user=user,
            event="version_deployed",
            at=_now(clock),
            detail={
                "gemeente": gemeente.slug,
                "version": same.number,
                "base": base.number,
                "own_files": sorted(own),
                "note": note,
            },
        )
    return same, True


def version_activate(
    *,
    version: DefinitionVersion,
    user: AbstractBaseUser | None,
    clock: Clock | None = None,
) -> DefinitionVersion:
    """Roll back (or forward) to an earlier version of the same gemeente: new cases
    start on it; running cases stay where they are."""
    if version.is_base:
        raise DeployRefused("Een basisversie wordt niet zelf in gebruik genomen.")
    with transaction.atomic():
        _activate(version)
        _audit(
            case=None,
            user=user,
            event="version_activated",
            at=_now(clock),
            detail={"gemeente": version.gemeente.slug, "version": version.number},
        )
    return version


def versions_follow_base(
    *, user: AbstractBaseUser | None = None, clock: Clock | None = None
) -> list[tuple[Gemeente, DefinitionVersion | None, str]]:
    """Move every gemeente without own files onto the latest base, in one go.

    Gemeenten with own files are left alone (their beheerder starts a draft on the new
    base). Returns (gemeente, version or None, what happened) per gemeente.
    """
    base = latest_base()
    results: list[tuple[Gemeente, DefinitionVersion | None, str]] = []
    for gemeente in Gemeente.objects.order_by("naam"):
        active = active_version(gemeente)
        if active is not None and active.own_files:
            results.append((gemeente, active, "eigen bestanden: via een concept"))
            continue
        if active is not None and active.base_id == getattr(base, "pk", None):
            results.append((gemeente, active, "al op de nieuwste basis"))
            continue
        try:
            version, _created = version_deploy(
                gemeente=gemeente, user=user, own_files={}, base=base, clock=clock
            )
        except DeployRefused as exc:
            results.append((gemeente, active, exc.message))
        else:
            results.append((gemeente, version, f"nu op basis v{base.number}"))
    return results
