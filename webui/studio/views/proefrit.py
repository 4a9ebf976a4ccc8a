"""The proefrit of the draft: start one, see what it found."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from webui.definitions.services import draft_open
from webui.definitions.tasks import proefrit_start

from ..forms import ScenarioSaveForm
from ..proefrit import draft_proefrit
from .common import gemeente_or_404


@login_required
@require_POST
def studio_proefrit_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a proefrit of the draft; a draft with errors is checked first."""
    gemeente = gemeente_or_404(request, slug)
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
    gemeente = gemeente_or_404(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    _digest, run = draft_proefrit(draft)
    findings = run.report.get("findings", []) if run is not None else []
    context = {
        "gemeente": gemeente,
        "proefrit": run,
        "errors": [f for f in findings if f["severity"] == "fout"],
        "warnings": [f for f in findings if f["severity"] != "fout"],
        "scenario_form": ScenarioSaveForm(),
    }
    return render(request, "studio/proefrit.html", context)
