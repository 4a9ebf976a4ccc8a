"""Migrating running cases: choose and preview, the run, reverting one case."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from webui.cases.tracks import with_track_phases
from webui.casework.selectors import (
    cases_for_migration,
    migration_phases,
    migration_revertible,
)
from webui.casework.services import (
    CaseError,
    case_migration_revert,
    cases_move_preview,
)
from webui.casework.tasks import migration_run_start, migration_runs_resume
from webui.confirmation import ConfirmForm
from webui.logs.context import occasion_of

from ..forms import MigrationForm
from ..migration_selectors import (
    case_migration_for,
    migration_cases_seen,
    migration_run_cases,
    migration_run_for,
    migration_runs_recent,
)
from ..selectors import gemeente_versions
from .common import gemeente_or_404


def _log_migration_cases(request: HttpRequest, cases: list) -> None:
    migration_cases_seen(user=request.user, cases=cases, occasion=occasion_of(request))


@login_required
def studio_migration(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose cases and a target version; preview per case; start the migration."""
    gemeente = gemeente_or_404(request, slug)
    versions = gemeente_versions(gemeente=gemeente)
    active = next((v for v in versions if v.is_active), None)
    phases = migration_phases(gemeente=gemeente)
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
        with_track_phases([p.case for p in previews])
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
        "runs": migration_runs_recent(gemeente=gemeente),
    }
    return render(request, "studio/migration.html", context)


@login_required
def studio_migration_run(request: HttpRequest, slug: str, run_id: int) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
    migration_runs_resume()  # one that stopped halfway goes on, not waits for ever
    run = migration_run_for(gemeente=gemeente, run_id=run_id)
    if run is None:
        raise Http404("Deze migratie bestaat niet.")
    moved, refused = migration_run_cases(gemeente=gemeente, run=run)
    _log_migration_cases(request, [m.case for m in moved] + refused)
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
    gemeente = gemeente_or_404(request, slug)
    migration = case_migration_for(gemeente=gemeente, migration_id=migration_id)
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
