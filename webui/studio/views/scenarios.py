"""The studio's scenario pages: a draft's scenarios with their last result, keeping a
proefdossier as one, adding one written as JSON, removing one (confirmed)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from engine.scenarios import ScenarioInvalid
from webui.confirmation import ConfirmForm
from webui.definitions.scenarios import (
    draft_scenarios_run,
    scenario_add,
    scenario_delete,
    scenario_record,
)
from webui.definitions.services import draft_check, draft_open

from ..forms import ScenarioSaveForm, ScenarioUploadForm
from ..scenarios import (
    draft_scenario,
    draft_scenarios,
    gemeente_scenario,
    scenario_json,
    version_scenarios,
)
from ..selectors import gemeente_version
from .common import gemeente_or_404


@login_required
def studio_scenarios(request: HttpRequest, slug: str) -> HttpResponse:
    """The draft's scenarios: the base's and the gemeente's own, each with its last
    result and, when it failed, the differences."""
    gemeente = gemeente_or_404(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    context = {
        "gemeente": gemeente,
        "scenarios": draft_scenarios(draft),
        "editable": True,
        "upload_form": ScenarioUploadForm(),
    }
    return render(request, "studio/scenarios.html", context)


@login_required
def studio_version_scenarios(
    request: HttpRequest, slug: str, number: int
) -> HttpResponse:
    """The scenarios kept with a version, as they were when it went live."""
    gemeente = gemeente_or_404(request, slug)
    version = gemeente_version(gemeente=gemeente, number=number)
    if version is None:
        raise Http404("Deze versie bestaat niet.")
    context = {
        "gemeente": gemeente,
        "version": version,
        "scenarios": version_scenarios(version),
        "editable": False,
    }
    return render(request, "studio/scenarios.html", context)


@login_required
@require_POST
def studio_scenarios_run(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    _findings, bundle = draft_check(draft=draft)
    if bundle is None:
        messages.error(request, "Het concept heeft fouten; los die eerst op.")
        return redirect("studio:check", slug=slug)
    results = draft_scenarios_run(draft=draft, bundle=bundle)
    failed = sum(1 for r in results if not r.passed)
    if failed:
        messages.error(request, f"{failed} van {len(results)} scenario's falen.")
    else:
        messages.success(request, f"Alle {len(results)} scenario's slagen.")
    return redirect("studio:scenarios", slug=slug)


@login_required
@require_POST
def studio_scenario_save(request: HttpRequest, slug: str) -> HttpResponse:
    """Keep a proefdossier as a scenario (from the proefrit page)."""
    gemeente = gemeente_or_404(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    form = ScenarioSaveForm(request.POST)
    _findings, bundle = draft_check(draft=draft)
    if bundle is None:
        messages.error(request, "Het concept heeft fouten; los die eerst op.")
        return redirect("studio:check", slug=slug)
    if form.is_valid():
        data = form.cleaned_data
        try:
            scenario = scenario_record(
                draft=draft,
                bundle=bundle,
                name=data["naam"],
                proves=data["bewijst"],
                start=data["start"],
                answers=data["antwoorden"],
            )
        except ScenarioInvalid as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Scenario ‘{scenario.name}’ is bewaard: elke volgende ingebruikname"
                " moet het opnieuw zo laten aflopen.",
            )
            return redirect("studio:scenarios", slug=slug)
    context = {"gemeente": gemeente, "form": form}
    return render(request, "studio/scenario_save.html", context, status=422)


@login_required
@require_POST
def studio_scenario_upload(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    form = ScenarioUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            scenario = scenario_add(draft=draft, data=form.cleaned_data["bestand"])
        except ScenarioInvalid as exc:
            messages.error(request, f"Het scenario is niet toegevoegd: {exc}.")
        else:
            messages.success(request, f"Scenario ‘{scenario.name}’ is toegevoegd.")
    else:
        for error in form.errors.get("bestand", []):
            messages.error(request, f"Het scenario is niet toegevoegd: {error}")
    return redirect("studio:scenarios", slug=slug)


@login_required
def studio_scenario_download(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
    scenario = gemeente_scenario(gemeente, pk)
    if scenario is None:
        raise Http404("Dit scenario bestaat niet.")
    response = HttpResponse(
        scenario_json(scenario), content_type="application/json; charset=utf-8"
    )
    name = slugify(scenario.name).replace("-", "_") or "scenario"
    response["Content-Disposition"] = f'attachment; filename="{name}.json"'
    return response


@login_required
def studio_scenario_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove a scenario from the draft, after a confirmation."""
    gemeente = gemeente_or_404(request, slug)
    scenario = draft_scenario(gemeente, pk)
    if scenario is None:
        raise Http404("Dit scenario bestaat niet.")
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        scenario_delete(scenario=scenario)
        messages.success(request, f"Scenario ‘{scenario.name}’ is verwijderd.")
        return redirect("studio:scenarios", slug=slug)
    what = (
        f"Scenario ‘{scenario.name}’ verdwijnt uit het concept: de volgende"
        " ingebruikname toetst er niet meer op. Versies die al in gebruik zijn"
        " geweest, houden het."
    )
    context = {"gemeente": gemeente, "scenario": scenario, "form": form, "what": what}
    return render(request, "studio/scenario_delete.html", context)
