"""Aanmelding in bulk: a coördinator or regievoerder uploads COA's
informatieformulier file, sees the dry run per row, and confirms. Another
gemeente's file, or a user who registers for no gemeente: 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from webui.access import registration_places
from webui.logs.context import occasion_of

from .coa import column_table
from .forms import UploadForm
from .models import BulkAanmelding
from .selectors import bulk_rows, bulk_run, bulk_runs
from .services import BulkRefused, bulk_cancel
from .tasks import bulk_confirm_start, bulk_upload_start

NOT_FOUND = "Dit bestand bestaat niet of hoort niet bij uw gemeente."


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    places = registration_places(user=request.user)
    if not places:
        raise Http404(
            "Deze pagina is er voor de coördinator en de regievoerder die aanmelden."
        )
    form = UploadForm(request.POST or None, request.FILES or None, places=places)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = bulk_upload_start(
            place=form.chosen_place(),
            user=request.user,
            file_name=upload.name,
            content=upload.read(),
        )
        return redirect("aanmeldingen:detail", pk=run.pk)
    context = {
        "form": form,
        "columns": column_table(),
        "runs": bulk_runs(user=request.user),
    }
    return render(request, "aanmeldingen/upload.html", context)


def _run(request: HttpRequest, pk: int) -> BulkAanmelding:
    run = bulk_run(user=request.user, pk=pk)
    if run is None:
        raise Http404(NOT_FOUND)
    return run


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    rows = bulk_rows(run=run, user=request.user, occasion=occasion_of(request))
    busy = run.status in (
        BulkAanmelding.Status.CHECKING,
        BulkAanmelding.Status.REGISTERING,
    )
    context = {
        "run": run,
        "rows": rows,
        "busy": busy,
        "created": run.count("created"),
        "known": run.count("known"),
        "refused": run.refused_rows,
        "may_confirm": run.status == BulkAanmelding.Status.CHECKED
        and not run.refused_rows
        and run.count("created") > 0,
    }
    return render(request, "aanmeldingen/detail.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    run = _run(request, pk)
    try:
        run = bulk_confirm_start(
            run=run, user=request.user, occasion=occasion_of(request)
        )
    except BulkRefused as refused:
        messages.error(request, str(refused))
    else:
        if run.status == BulkAanmelding.Status.DONE:
            messages.success(
                request, f"{run.count('created')} statushouder(s) aangemeld."
            )
    return redirect("aanmeldingen:detail", pk=run.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    bulk_cancel(run=_run(request, pk))
    messages.success(request, "Het bestand is geannuleerd; er is niets aangemeld.")
    return redirect("aanmeldingen:upload")
