"""The studio's draft and its versions: overview, check, differences, settings,
deploy, rebase, roll back, download."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from webui.casework.selectors import cases_for_migration
from webui.confirmation import ConfirmForm
from webui.definitions.bundles import version_files
from webui.definitions.files import (
    SETTINGS_FILE,
    to_zip,
)
from webui.definitions.instellingen import parse_settings, setting_rules
from webui.definitions.services import (
    DeployRefused,
    active_version,
    draft_check,
    draft_open,
    draft_rebase,
    draft_save_files,
    draft_set,
    latest_base,
    version_activate,
    version_deploy,
)

from ..forms import (
    DeployForm,
    NewDiagramForm,
    NewFormForm,
    NewTableForm,
    UploadForm,
    settings_form_class,
)
from ..proefrit import proefrit_context
from ..selectors import (
    base_change,
    draft_diff,
    gemeente_version,
    studio_overview,
)
from .common import findings_by_file, gemeente_or_404

ZIP = "application/zip"


@login_required
def studio_home(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
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
    gemeente = gemeente_or_404(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    findings, bundle = draft_check(draft=draft)
    context = {
        "gemeente": gemeente,
        "findings": findings,
        "grouped": findings_by_file(findings),
        "ok": bundle is not None,
        "deploy_form": DeployForm(),
        **proefrit_context(draft),
    }
    return render(request, "studio/check.html", context)


@login_required
@require_POST
def studio_deploy(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
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
                "grouped": findings_by_file(findings),
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
    gemeente = gemeente_or_404(request, slug)
    version = gemeente_version(gemeente=gemeente, number=number)
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
    active = active_version(gemeente)
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
    gemeente = gemeente_or_404(request, slug)
    base = latest_base()
    draft = draft_open(gemeente=gemeente, user=request.user)
    if base is None:
        return redirect("studio:home", slug=slug)
    try:
        draft_rebase(draft=draft, base=base, user=request.user)
    except DeployRefused as exc:
        # The failing scenario and its difference; the scenarios page shows all.
        messages.error(request, exc.message)
        return redirect("studio:scenarios", slug=slug)
    else:
        messages.success(
            request,
            f"Het concept bouwt nu op basis v{base.number}. Kijk de eigen bestanden"
            " na waarvan de basis veranderd is.",
        )
    return redirect("studio:home", slug=slug)


@login_required
def studio_download(
    request: HttpRequest, slug: str, number: int | None = None
) -> HttpResponse:
    """The draft (or one version) as a zip: BPMN at the top, forms in formulieren/."""
    gemeente = gemeente_or_404(request, slug)
    if number is None:
        files = draft_set(draft_open(gemeente=gemeente, user=request.user))
        name = f"wegwijs-{gemeente.slug}-concept.zip"
    else:
        version = gemeente_version(gemeente=gemeente, number=number)
        if version is None:
            raise Http404("Deze versie bestaat niet.")
        files = version_files(version)
        name = f"wegwijs-{gemeente.slug}-v{number}.zip"
    response = HttpResponse(to_zip(files), content_type=ZIP)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def studio_diff(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
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
    gemeente = gemeente_or_404(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    change = base_change(draft=draft, name=request.GET.get("bestand", ""))
    if change is None:
        raise Http404("Voor dit bestand is er geen wijziging in de basis.")
    return render(
        request, "studio/base_change.html", {"gemeente": gemeente, "change": change}
    )


@login_required
def studio_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """The settings the law leaves to the gemeente, for its next version."""
    gemeente = gemeente_or_404(request, slug)
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
