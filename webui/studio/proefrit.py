"""The proefrit pages of the studio: start a test drive of the draft, follow it, read
what it found, and what the modeler draws of it."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from webui.accounts.models import Gemeente
from webui.definitions.models import Draft, Proefrit
from webui.definitions.proefrit import (
    as_findings,
    proefrit_for,
    proefrit_required,
    proefrit_start,
)
from webui.definitions.services import draft_open, draft_version_hash

from .selectors import studio_gemeente


def _gemeente(request: HttpRequest, slug: str) -> Gemeente:
    gemeente = studio_gemeente(user=request.user, slug=slug)
    if gemeente is None:
        raise Http404("Deze gemeente bestaat niet of u beheert haar proces niet.")
    return gemeente


def draft_proefrit(draft: Draft) -> tuple[str | None, Proefrit | None]:
    """The fingerprint of the draft's version-to-be (None while it has errors) and
    the latest proefrit of exactly that."""
    digest = draft_version_hash(draft=draft)
    return digest, proefrit_for(digest) if digest is not None else None


def proefrit_context(draft: Draft) -> dict[str, Any]:
    """What the check page says about the proefrit of the draft as it is now."""
    _digest, run = draft_proefrit(draft)
    return {
        "proefrit": run,
        "proefrit_required": proefrit_required(),
        "may_deploy": run is not None and run.passed or not proefrit_required(),
    }


def modeler_coverage(gemeente: Gemeente, file_name: str) -> dict[str, Any] | None:
    """The latest finished proefrit's coverage of one diagram, for the modeler: which
    elements and steps were driven, which never reached; ``stale`` when the draft has
    changed since."""
    run = (
        Proefrit.objects.filter(gemeente=gemeente, status=Proefrit.Status.DONE)
        .order_by("-finished_at")
        .first()
    )
    if run is None:
        return None
    entry = run.report.get("coverage", {}).get(file_name)
    if entry is None:
        return None
    draft = Draft.objects.filter(gemeente=gemeente).first()
    current = draft_version_hash(draft=draft) if draft is not None else None
    return {
        "driven": entry.get("driven", []),
        "missed": entry.get("missed", []),
        "steps": entry.get("steps", []),
        "stale": current != run.content_hash,
        "finished_at": run.finished_at,
        "findings": as_findings(run.report),
    }


@login_required
@require_POST
def studio_proefrit_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Start a proefrit of the draft; a draft with errors is checked first."""
    gemeente = _gemeente(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    digest, run = draft_proefrit(draft)
    if digest is None:  # the draft has errors: the check says which
        return redirect("studio:check", slug=slug)
    if run is None or run.status == Proefrit.Status.FAILED:
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
        "busy": run is not None
        and run.status in (Proefrit.Status.WAITING, Proefrit.Status.RUNNING),
    }
    return render(request, "studio/proefrit.html", context)
