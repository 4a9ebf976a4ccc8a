"""The process pages: the viewer for everyone, the studio for a gemeente's beheerder."""

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from csp.decorators import csp_update

from engine import ROLES
from forms.builder import build_form_class
from forms.registry import (
    FIELD_TYPES,
    PRIVACY_CLASSES,
    form_file_name,
    parse_definition,
)
from webui.access import case_access
from webui.accounts.models import Gemeente, Role
from webui.cases.models import Case, CaseMigration, MigrationRun
from webui.cases.selectors import (
    case_marks,
    cases_for_migration,
    migration_phases,
    migration_revertible,
)
from webui.cases.services import (
    CaseError,
    case_migration_revert,
    cases_move_preview,
    migration_run_start,
    migration_runs_resume,
)
from webui.confirmation import ConfirmForm
from webui.definitions.bundles import (
    base_floor,
    check_files,
    milestone_rules,
    version_files,
)
from webui.definitions.files import (
    SETTINGS_FILE,
    FileRefused,
    is_decision_table,
    to_zip,
)
from webui.definitions.instellingen import parse_settings, setting_rules
from webui.definitions.models import DefinitionVersion
from webui.definitions.proefrit import proefrit_start
from webui.definitions.services import (
    DeployRefused,
    DraftConflict,
    draft_check,
    draft_open,
    draft_rebase,
    draft_remove_file,
    draft_save_files,
    draft_set,
    draft_upload,
    latest_base,
    version_activate,
    version_deploy,
)
from webui.definitions.starters import (
    new_diagram,
    new_form,
    new_table,
    process_id_for,
)
from webui.logs.models import ProcessingRecord
from webui.logs.services import processing_record

from .forms import (
    DeployForm,
    MigrationForm,
    NewDiagramForm,
    NewFormForm,
    NewTableForm,
    UploadForm,
    settings_form_class,
)
from .proefrit import draft_proefrit, modeler_coverage, proefrit_context
from .selectors import (
    base_change,
    diagram_for_user,
    draft_diff,
    gemeenten_beheerd,
    process_sets_for_user,
    studio_gemeente,
    studio_overview,
)

ZIP = "application/zip"
FIELD_TYPE_LABELS = {
    "text": "Tekst (één regel)",
    "textarea": "Tekst (meer regels)",
    "number": "Getal",
    "date": "Datum",
    "yesno": "Ja/nee",
    "choice": "Keuze (één)",
    "multichoice": "Keuze (meer)",
    "bsn": "BSN",
    "postcode": "Postcode",
    "phone": "Telefoonnummer",
    "email": "E-mailadres",
    "gebruiker": "Medewerker (gebruiker)",
}
PRIVACY_LABELS = {
    "normaal": "Normaal (mag het proces sturen)",
    "persoonsgegevens": "Persoonsgegevens (naam, adres, contact)",
    "bsn": "BSN",
    "gezondheid": "Gezondheid (bijzonder)",
    "schulden": "Schulden en financiën (gevoelig)",
    "juridisch": "Juridisch (gevoelig)",
}


# ---- the viewer ------------------------------------------------------------------


@login_required
def process_list(request: HttpRequest) -> HttpResponse:
    """The diagrams in use in each of the user's gemeenten."""
    sets = process_sets_for_user(user=request.user)
    managed = {g.pk for g in gemeenten_beheerd(user=request.user)}
    return render(request, "studio/list.html", {"sets": sets, "managed": managed})


@login_required
def diagram(request: HttpRequest, gemeente: str, file_name: str) -> HttpResponse:
    """One BPMN file in the viewer; ``?dossier=`` marks that case's open tasks."""
    found = diagram_for_user(
        user=request.user,
        gemeente_slug=gemeente,
        file_name=file_name,
        reference=request.GET.get("dossier") or None,
    )
    if found is None:
        raise Http404("Dit diagram bestaat niet of hoort niet bij uw gemeente.")
    marks = None
    if found.case is not None:
        access = case_access(user=request.user, case=found.case)
        if access is None:
            raise Http404("Dit diagram bestaat niet of hoort niet bij uw gemeente.")
        marks = case_marks(case=found.case, access=access, file_name=found.file_name)
        processing_record(
            user=request.user,
            action=ProcessingRecord.Action.VIEW,
            cases=[found.case],
            categories=["normaal"],  # the case's path through the diagram
            roles=access.roles,
            detail={"page": "diagram", "file": found.file_name},
            request=request,
        )
    return render(request, "studio/diagram.html", {"diagram": found, "marks": marks})


# ---- the studio ------------------------------------------------------------------


def _gemeente(request: HttpRequest, slug: str) -> Gemeente:
    gemeente = studio_gemeente(user=request.user, slug=slug)
    if gemeente is None:
        raise Http404("Deze gemeente bestaat niet of u beheert haar proces niet.")
    return gemeente


def _findings_by_file(findings: list) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for finding in findings:
        grouped.setdefault(finding.file, []).append(finding)
    return grouped


@login_required
def studio_home(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    context = {
        "overview": studio_overview(gemeente=gemeente, draft=draft),
        "deploy_form": DeployForm(),
        **proefrit_context(draft),
        "upload_form": UploadForm(),
        "diagram_form": NewDiagramForm(),
        "table_form": NewTableForm(),
        "form_form": NewFormForm(),
    }
    return render(request, "studio/home.html", context)


@login_required
def studio_check(request: HttpRequest, slug: str) -> HttpResponse:
    """Validate the draft: every finding, grouped per file, with how to mend it."""
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    findings, bundle = draft_check(draft=draft)
    context = {
        "gemeente": gemeente,
        "findings": findings,
        "grouped": _findings_by_file(findings),
        "ok": bundle is not None,
        "deploy_form": DeployForm(),
        **proefrit_context(draft),
    }
    return render(request, "studio/check.html", context)


@login_required
@require_POST
def studio_deploy(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    form = DeployForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Schrijf kort op wat er is veranderd.")
        return redirect("studio:home", slug=slug)
    try:
        version, created = version_deploy(
            gemeente=gemeente, user=request.user, note=form.cleaned_data["note"]
        )
    except DeployRefused as exc:
        findings = exc.findings
        return render(
            request,
            "studio/check.html",
            {
                "gemeente": gemeente,
                "findings": findings,
                "grouped": _findings_by_file(findings),
                "ok": False,
                "refused": exc.message,
                "deploy_form": form,
                **proefrit_context(draft_open(gemeente=gemeente, user=request.user)),
            },
            status=422,
        )
    if created:
        messages.success(
            request,
            f"{version.label} is in gebruik: nieuwe dossiers starten erop. Lopende"
            " dossiers blijven op hun versie tot u ze migreert.",
        )
    else:
        messages.info(request, f"Er was niets veranderd; {version.label} blijft.")
    return redirect("studio:home", slug=slug)


@login_required
def studio_activate(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Roll back (or forward) to an earlier version: a confirm page first, naming
    what changes for new cases and that running cases stay where they are."""
    gemeente = _gemeente(request, slug)
    version = DefinitionVersion.objects.filter(gemeente=gemeente, number=number).first()
    if version is None:
        raise Http404("Deze versie bestaat niet.")
    if version.is_active:
        messages.info(request, f"{version.label} is al in gebruik.")
        return redirect("studio:home", slug=slug)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        version_activate(version=version, user=request.user)
        messages.success(
            request,
            f"{version.label} is weer in gebruik voor nieuwe dossiers.",
        )
        return redirect("studio:home", slug=slug)
    active = DefinitionVersion.objects.filter(gemeente=gemeente, is_active=True).first()
    running = cases_for_migration(gemeente=gemeente).count()
    what = (
        f"Alle nieuwe dossiers van {gemeente.naam} starten dan op {version.label}"
        + (f" in plaats van op {active.label}" if active else "")
        + f". De {running} lopende dossier{'' if running == 1 else 's'} blijven op"
        " hun eigen versie; die migreert u apart."
    )
    context = {
        "gemeente": gemeente,
        "version": version,
        "active": active,
        "form": form,
        "what": what,
    }
    return render(request, "studio/activate.html", context)


@login_required
@require_POST
def studio_rebase(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    base = latest_base()
    draft = draft_open(gemeente=gemeente, user=request.user)
    if base is not None:
        draft_rebase(draft=draft, base=base, user=request.user)
        messages.success(
            request,
            f"Het concept bouwt nu op basis v{base.number}. Kijk de eigen bestanden"
            " na waarvan de basis veranderd is.",
        )
    return redirect("studio:home", slug=slug)


@login_required
@require_POST
def studio_remove(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    name = request.POST.get("bestand", "")
    try:
        draft_remove_file(draft=draft, name=name, user=request.user)
    except FileRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"‘{name}’ is terug naar de basis (of verwijderd).")
    return redirect("studio:home", slug=slug)


@login_required
@require_POST
def studio_upload(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(
            request,
            f"Niet geüpload: {' '.join(errors)}"
            if errors
            else "Kies een bestand om te uploaden.",
        )
        return redirect("studio:home", slug=slug)
    upload = form.cleaned_data["bestand"]
    draft = draft_open(gemeente=gemeente, user=request.user)
    try:
        names, notes = draft_upload(
            draft=draft,
            file_name=upload.name,
            content=upload.read(),
            user=request.user,
        )
    except FileRefused as exc:
        messages.error(request, f"Niet geüpload: {exc}.")
        return redirect("studio:home", slug=slug)
    messages.success(
        request,
        f"In het concept gezet: {', '.join(names)}. Controleer het concept"
        " voor u het in gebruik neemt.",
    )
    for note in notes:
        messages.info(request, f"Omgezet: {note}.")
    return redirect("studio:check", slug=slug)


@login_required
@require_POST
def studio_new_diagram(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    form = NewDiagramForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Geef het nieuwe proces een naam.")
        return redirect("studio:home", slug=slug)
    name = form.cleaned_data["naam"]
    process_id = process_id_for(name)
    file_name = f"{process_id}.bpmn"
    draft = draft_open(gemeente=gemeente, user=request.user)
    if file_name in draft_set(draft):
        messages.error(request, f"Er is al een bestand ‘{file_name}’.")
        return redirect("studio:home", slug=slug)
    draft_save_files(
        draft=draft, files={file_name: new_diagram(process_id, name)}, user=request.user
    )
    return redirect("studio:modeler", slug=slug, file_name=file_name)


@login_required
@require_POST
def studio_new_table(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    form = NewTableForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("studio:home", slug=slug)
    name = form.cleaned_data["tabel_naam"]
    decision_id = process_id_for(name)
    file_name = f"{decision_id}.dmn"
    draft = draft_open(gemeente=gemeente, user=request.user)
    if file_name in draft_set(draft):
        messages.error(request, f"Er is al een bestand ‘{file_name}’.")
        return redirect("studio:home", slug=slug)
    table = new_table(
        decision_id, name, form.cleaned_data["invoer"], form.cleaned_data["uitkomst"]
    )
    draft_save_files(draft=draft, files={file_name: table}, user=request.user)
    return redirect("studio:dmn_editor", slug=slug, file_name=file_name)


@login_required
@require_POST
def studio_new_form(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    form = NewFormForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("studio:home", slug=slug)
    key = form.cleaned_data["sleutel"]
    draft = draft_open(gemeente=gemeente, user=request.user)
    if form_file_name(key) in draft_set(draft):
        messages.error(request, f"Er is al een formulier ‘{key}’.")
        return redirect("studio:home", slug=slug)
    draft_save_files(
        draft=draft,
        files={form_file_name(key): new_form(key, form.cleaned_data["titel"])},
        user=request.user,
    )
    return redirect("studio:form_editor", slug=slug, key=key)


@login_required
def studio_download(
    request: HttpRequest, slug: str, number: int | None = None
) -> HttpResponse:
    """The draft (or one version) as a zip: BPMN at the top, forms in formulieren/."""
    gemeente = _gemeente(request, slug)
    if number is None:
        files = draft_set(draft_open(gemeente=gemeente, user=request.user))
        name = f"wegwijs-{gemeente.slug}-concept.zip"
    else:
        version = DefinitionVersion.objects.filter(
            gemeente=gemeente, number=number
        ).first()
        if version is None:
            raise Http404("Deze versie bestaat niet.")
        files = version_files(version)
        name = f"wegwijs-{gemeente.slug}-v{number}.zip"
    response = HttpResponse(to_zip(files), content_type=ZIP)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def studio_diff(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    diff = draft_diff(gemeente=gemeente, draft=draft)
    diagrams = [
        {
            "diff": file_diff,
            "xml_id": f"xml-{index}",
            "markers_id": f"markers-{index}",
            "xml": diff.draft_files.get(file_diff.name, ""),
        }
        for index, file_diff in enumerate(diff.against_active)
        if file_diff.name.endswith(".bpmn") and file_diff.name in diff.draft_files
    ]
    return render(
        request,
        "studio/diff.html",
        {"gemeente": gemeente, "diff": diff, "diagrams": diagrams, "draft": draft},
    )


@login_required
def studio_base_change(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    change = base_change(draft=draft, name=request.GET.get("bestand", ""))
    if change is None:
        raise Http404("Voor dit bestand is er geen wijziging in de basis.")
    return render(
        request, "studio/base_change.html", {"gemeente": gemeente, "change": change}
    )


def _editor_config() -> dict:
    rules = milestone_rules()
    return {
        "milestones": [
            {"key": r.key, "label": r.label, "required": r.required, "value": r.value}
            for r in rules.values()
        ],
        "roles": [{"key": role, "label": str(Role(role).label)} for role in ROLES],
        "fieldTypes": [
            {"key": t, "label": FIELD_TYPE_LABELS.get(t, t)}
            for t in sorted(FIELD_TYPES)
        ],
        "privacyClasses": [
            {"key": c, "label": PRIVACY_LABELS.get(c, c)} for c in PRIVACY_CLASSES
        ],
    }


def _editor_save(
    request: HttpRequest, draft: Any, files: dict[str, str], file_name: str, view: str
) -> tuple[HttpResponse | None, dict[str, str]]:
    """An editor page's save: the file into the draft and a redirect to the page,
    or, refused, the set with what was typed (to show again with the message)."""
    xml = request.POST.get("xml", "").replace("\r\n", "\n")
    try:
        draft_save_files(
            draft=draft,
            files={file_name: xml},
            user=request.user,
            expected_lock=int(request.POST.get("lock", draft.lock_version)),
        )
    except (FileRefused, DraftConflict, ValueError) as exc:
        messages.error(request, str(exc))
        return None, {**files, file_name: xml}
    messages.success(request, f"‘{file_name}’ is opgeslagen in het concept.")
    saved = redirect(view, slug=draft.gemeente.slug, file_name=file_name)
    return saved, files


@login_required
def studio_modeler(request: HttpRequest, slug: str, file_name: str) -> HttpResponse:
    """Edit one diagram of the draft in the modeler; saving puts it in the draft."""
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    files = draft_set(draft)
    if not file_name.endswith(".bpmn") or file_name not in files:
        raise Http404("Dit diagram staat niet in het concept.")
    if request.method == "POST":
        saved, files = _editor_save(request, draft, files, file_name, "studio:modeler")
        if saved is not None:
            return saved
    xml = files[file_name]
    findings, _bundle = check_files(
        files, base=version_files(draft.base), defaults=draft.base.setting_values
    )
    mine = [f for f in findings if f.file == file_name]
    other_findings = len(findings) - len(mine)
    bundle_forms = sorted(
        (n.split("/", 1)[1].removesuffix(".json"), n)
        for n in files
        if n.startswith("formulieren/")
    )
    config = _editor_config()
    config["formKeys"] = [{"key": key, "title": key} for key, _name in bundle_forms]
    coverage = modeler_coverage(gemeente, file_name)
    if coverage is not None and not coverage["stale"]:
        # What the proefrit of this very draft found in this diagram.
        mine += [f for f in coverage["findings"] if f.file == file_name]
    if coverage is not None:
        config["coverage"] = {
            k: v for k, v in coverage.items() if k not in ("finished_at", "findings")
        }
    config["findings"] = [
        {
            "severity": f.severity,
            "element": f.element,
            "line": f.line,
            "message": f.message,
            "hint": f.hint,
        }
        for f in mine
    ]
    context = {
        "gemeente": gemeente,
        "file_name": file_name,
        "xml": xml,
        "config": config,
        "findings": mine,
        "other_findings": other_findings,
        "moddle": json.loads(_moddle_descriptor()),
        "lock": draft.lock_version,
        "coverage": coverage,
    }
    return render(request, "studio/modeler.html", context)


# dmn-js 17 writes a few fixed style attributes (its bpmn.io watermark and a drag
# image). Only those exact values are allowed, on this page only; no inline script.
DMN_EDITOR_STYLES = {
    "style-src": [
        "'unsafe-hashes'",
        "'sha256-r3vOsuepBDg6tz/cOusiNJ9Y4Lp9hGQTT7pzDks1Xxc='",
        "'sha256-CA/eh4+2R0J7cEQ14gBMtx834RIOjzMUqCM+evtrkp4='",
        "'sha256-8bpD4ziF/b6m8kTyhNDPcw9xux1Aqbya63O4L1zc+qw='",
    ]
}


@login_required
@csp_update(DMN_EDITOR_STYLES)
def studio_dmn_editor(request: HttpRequest, slug: str, file_name: str) -> HttpResponse:
    """Edit one decision table of the draft in the DMN editor; saving puts it in the
    draft, checked with the rest of the set like a diagram."""
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    files = draft_set(draft)
    if not is_decision_table(file_name) or file_name not in files:
        raise Http404("Deze beslistabel staat niet in het concept.")
    if request.method == "POST":
        saved, files = _editor_save(
            request, draft, files, file_name, "studio:dmn_editor"
        )
        if saved is not None:
            return saved
    xml = files[file_name]
    findings, _bundle = check_files(
        files, base=version_files(draft.base), defaults=draft.base.setting_values
    )
    mine = [f for f in findings if f.file == file_name]
    context = {
        "gemeente": gemeente,
        "file_name": file_name,
        "xml": xml,
        "findings": mine,
        "other_findings": len(findings) - len(mine),
        "lock": draft.lock_version,
    }
    return render(request, "studio/dmn_editor.html", context)


def _moddle_descriptor() -> str:
    from django.contrib.staticfiles import finders

    path = finders.find("wegwijs/spiffworkflow-moddle.json")
    if path is None:
        return "{}"
    with open(path, encoding="utf-8") as handle:
        return handle.read()


@login_required
def studio_form_editor(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Edit one form of the draft; what was typed is kept, even when it has
    problems."""
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    name = form_file_name(key)
    files = draft_set(draft)
    if name not in files:
        raise Http404("Dit formulier staat niet in het concept.")
    text = files[name]
    if request.method == "POST":
        text = request.POST.get("definition", "").replace("\r\n", "\n")
        try:
            draft_save_files(draft=draft, files={name: text}, user=request.user)
        except (FileRefused, DraftConflict) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, f"Formulier ‘{key}’ is opgeslagen in het concept."
            )
    rules = milestone_rules()
    _definition, problems = parse_definition(
        text,
        name,
        expected_key=key,
        milestones={k: r.value for k, r in rules.items()},
        floor=base_floor(version_files(draft.base)),
    )
    context = {
        "gemeente": gemeente,
        "key": key,
        "text": text,
        "problems": problems,
        "config": _editor_config(),
    }
    return render(request, "studio/form_editor.html", context)


@login_required
@require_POST
def studio_form_preview(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The form as a begeleider will see it (an HTML fragment for the live preview)."""
    _gemeente(request, slug)
    definition, problems = parse_definition(
        request.POST.get("definition", "").replace("\r\n", "\n"), form_file_name(key)
    )
    if definition is None:
        text = "Het voorbeeld kan niet worden getoond: " + "; ".join(
            f"{p.message}" for p in problems
        )
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    form_class = build_form_class(
        definition, user_choices=lambda role: [("voorbeeld", f"(een {role})")]
    )
    return render(
        request,
        "studio/form_preview.html",
        {"definition": definition, "form": form_class()},
    )


@login_required
def studio_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The settings the law leaves to the gemeente, for its next version."""
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    rules = setting_rules()
    # The draft's own values over its base version's frozen ones: what its version
    # will hold, whatever the repository's defaults say today.
    values, findings = parse_settings(
        draft_set(draft).get(SETTINGS_FILE), defaults=draft.base.setting_values
    )
    form = settings_form_class(rules)(request.POST or None, initial=values)
    if request.method == "POST" and form.is_valid():
        text = json.dumps(form.cleaned_data, indent=2, ensure_ascii=False) + "\n"
        draft_save_files(draft=draft, files={SETTINGS_FILE: text}, user=request.user)
        messages.success(
            request,
            "De instellingen staan in het concept; ze gelden voor nieuwe dossiers"
            " zodra het concept in gebruik is.",
        )
        return redirect("studio:home", slug=slug)
    return render(
        request,
        "studio/settings.html",
        {"gemeente": gemeente, "form": form, "findings": findings, "base": draft.base},
    )


# ---- migration -------------------------------------------------------------------


def _log_migration_cases(request: HttpRequest, cases: list) -> None:
    """The migration pages list dossiers (kenmerk, phase, version): logged, naming
    each one, as every list of cases is."""
    if cases:
        processing_record(
            user=request.user,
            action=ProcessingRecord.Action.LIST,
            cases=cases,
            categories=["normaal"],
            roles=[Role.BEHEERDER],
            detail={"path": request.get_full_path()[:500]},
            request=request,
        )


@login_required
def studio_migration(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose cases and a target version; preview per case; start the migration."""
    gemeente = _gemeente(request, slug)
    versions = list(
        DefinitionVersion.objects.filter(gemeente=gemeente).order_by("-number")
    )
    active = next((v for v in versions if v.is_active), None)
    phases = [(label, label) for label in migration_phases(gemeente=gemeente)]
    data = request.POST or request.GET or None
    initial = {"doel": active.number if active else None}
    form = MigrationForm(data, initial=initial, versions=versions, phases=phases)
    previews = None
    target = None
    chosen: set[str] | None = None
    confirm = ConfirmForm()
    if data is not None and form.is_valid():
        target = next(v for v in versions if v.number == form.cleaned_data["doel"])
        cases = cases_for_migration(
            gemeente=gemeente,
            from_version=form.cleaned_data["van"],
            phase=form.cleaned_data["fase"],
            references=form.references() or None,
        )
        if request.method == "POST" and "migreren" in request.POST:
            chosen = set(request.POST.getlist("dossier"))
            confirm = ConfirmForm(request.POST)
            picked = [c for c in cases if c.reference in chosen]
            if not picked:
                confirm.add_error(None, "Vink ten minste één dossier aan.")
            elif confirm.is_valid():
                run = migration_run_start(
                    cases=picked, target=target, user=request.user
                )
                return redirect("studio:migration_run", slug=slug, run_id=run.pk)
        previews = cases_move_preview(cases=cases, target=target)
        _log_migration_cases(request, [p.case for p in previews])
    movable = sum(1 for p in previews or [] if p.ok)
    count = len(chosen) if chosen is not None else movable
    context = {
        "gemeente": gemeente,
        "form": form,
        "previews": previews,
        "movable": movable,
        "chosen": chosen,
        "confirm": confirm,
        "confirm_what": (
            f"De {count} aangevinkte dossier{'' if count == 1 else 's'} gaan naar"
            f" {target.label}. Elk dossier gaat apart over; wat niet mee kan, blijft."
            if target is not None
            else ""
        ),
        "runs": MigrationRun.objects.filter(gemeente=gemeente)[:5],
    }
    return render(request, "studio/migration.html", context)


@login_required
def studio_migration_run(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    migration_runs_resume()  # one that stopped halfway goes on, not waits for ever
    run = MigrationRun.objects.filter(gemeente=gemeente, pk=run_id).first()
    if run is None:
        raise Http404("Deze migratie bestaat niet.")
    moved = CaseMigration.objects.filter(
        to_version=run.target,
        case_id__in=run.case_ids,
        migrated_at__gte=run.requested_at,
    ).select_related("case", "from_version")
    refused = [item.get("reference", "") for item in run.refused or []]
    _log_migration_cases(
        request,
        [m.case for m in moved]
        + list(Case.objects.filter(gemeente=gemeente, reference__in=refused)),
    )
    rows = [(m, migration_revertible(migration=m)) for m in moved]
    return render(
        request,
        "studio/migration_run.html",
        {"gemeente": gemeente, "run": run, "moved": rows},
    )


@login_required
@require_POST
def studio_migration_revert(
    request: HttpRequest, slug: str, migration_id: int
) -> HttpResponse:
    gemeente = _gemeente(request, slug)
    migration = (
        CaseMigration.objects.filter(case__gemeente=gemeente, pk=migration_id)
        .select_related("case", "from_version")
        .first()
    )
    if migration is None:
        raise Http404("Deze migratie bestaat niet.")
    try:
        case_migration_revert(migration=migration, user=request.user)
    except CaseError as exc:
        messages.error(request, f"{migration.case.reference}: {exc}")
    else:
        messages.success(
            request,
            f"{migration.case.reference} staat weer op {migration.from_version.label}.",
        )
    run_id = request.POST.get("run", "")
    if run_id.isdigit():
        return redirect("studio:migration_run", slug=slug, run_id=int(run_id))
    return redirect("studio:migration", slug=slug)


@login_required
@require_POST
def studio_proefrit_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a proefrit of the draft; a draft with errors is checked first."""
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    digest, run = draft_proefrit(draft)
    if digest is None:  # the draft has errors: the check says which
        return redirect("studio:check", slug=slug)
    if run is None or run.status == run.Status.FAILED:
        proefrit_start(gemeente=gemeente, content_hash=digest, user=request.user)
    return redirect("studio:proefrit", slug=slug)


@login_required
def studio_proefrit(request: HttpRequest, slug: str) -> HttpResponse:
    """The proefrit of the draft: how far it is, and what it found with the path."""
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    _digest, run = draft_proefrit(draft)
    findings = run.report.get("findings", []) if run is not None else []
    context = {
        "gemeente": gemeente,
        "proefrit": run,
        "errors": [f for f in findings if f["severity"] == "fout"],
        "warnings": [f for f in findings if f["severity"] != "fout"],
    }
    return render(request, "studio/proefrit.html", context)
