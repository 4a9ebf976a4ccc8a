"""The managers' overview and the case-status export (pages, download, progress)."""

import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from webui.logs.context import occasion_of

from .filters import NAMES_REFUSED, ReportFilter, ReportScope, parse_filter
from .models import ExportRun
from .selectors import (
    export_run_for,
    export_runs_of,
    names_allowed,
    report_cases,
    report_overview,
    report_scope,
    reports_allowed,
)
from .services import (
    cases_export,
    export_refusal_record,
    export_run_download_record,
    export_runs_sweep,
)
from .tasks import export_run_start

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_A_MANAGER = "Het overzicht en de export zijn er voor managers."
NO_RUN = "Deze export bestaat niet (meer): een bestand blijft een dag bewaard."


def _filter(request: HttpRequest):  # type: ignore[no-untyped-def]
    """(filter or None, form, scope) from the page's query string; a 404 for anyone
    who does not report on cases."""
    if not reports_allowed(user=request.user):
        export_refusal_record(
            user=request.user, reason=NOT_A_MANAGER, occasion=occasion_of(request)
        )
        raise Http404(NOT_A_MANAGER)
    scope = report_scope(user=request.user)
    report_filter, form = parse_filter(
        request.GET, scope=scope, names_allowed=names_allowed(user=request.user)
    )
    return report_filter, form, scope


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The manager's start page: filters, the figures per gemeente, the first cases
    and the download of exactly what the filters show."""
    report_filter, form, scope = _filter(request)
    today = timezone.localdate()
    context = {
        "form": form,
        "today": today,
        "runs": export_runs_of(user=request.user)[:5],
        "direct_max": settings.WEGWIJS_EXPORT_DIRECT_MAX,
        "keep_hours": settings.WEGWIJS_EXPORT_KEEP_HOURS,
    }
    if report_filter is not None:
        cases = report_cases(user=request.user, report_filter=report_filter)
        shown = report_overview(
            cases=cases, today=today, user=request.user, occasion=occasion_of(request)
        )
        context |= {
            "overview": shown,
            "query": report_filter.query(),
            "described": _described(report_filter, scope),
            "background": shown.count > settings.WEGWIJS_EXPORT_DIRECT_MAX,
        }
    return render(request, "reports/overview.html", context)


def _described(report_filter: ReportFilter, scope: ReportScope) -> list[str]:
    """The filters that narrow the overview, in words."""
    defaults = ReportFilter().describe(scope)
    return [
        f"{label}: {value}"
        for (label, value), (_l, default) in zip(
            report_filter.describe(scope), defaults, strict=True
        )
        if value != default
    ]


@login_required
@require_POST
def download(request: HttpRequest) -> HttpResponse:
    """The workbook of the page's filters: at once when it is small, otherwise made
    in the background (then the progress page)."""
    report_filter, form, _scope = _filter(request)
    back = reverse("reports:overview") + (
        f"?{request.GET.urlencode()}" if request.GET else ""
    )
    if report_filter is None:
        if NAMES_REFUSED in form.non_field_errors():
            export_refusal_record(
                user=request.user, reason=NAMES_REFUSED, occasion=occasion_of(request)
            )
        return redirect(back)  # the overview shows what is wrong with the filters
    count = report_cases(user=request.user, report_filter=report_filter).count()
    if count > settings.WEGWIJS_EXPORT_DIRECT_MAX:
        run = export_run_start(user=request.user, report_filter=report_filter)
        return redirect("reports:run", run_id=run.pk)
    buffer = io.BytesIO()
    cases_export(
        user=request.user,
        report_filter=report_filter,
        target=buffer,
        occasion=occasion_of(request),
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{_file_name(timezone.localdate())}"'
    )
    return response


def _file_name(day) -> str:  # type: ignore[no-untyped-def]
    return f"wegwijs-dossiers-{day:%Y-%m-%d}.xlsx"


def _own_run(request: HttpRequest, run_id: int) -> ExportRun:
    # A run the worker left behind shows as failed, not as waiting for ever.
    export_runs_sweep()
    run = export_run_for(user=request.user, run_id=run_id)
    if run is None:
        export_refusal_record(
            user=request.user, reason=NO_RUN, occasion=occasion_of(request)
        )
        raise Http404(NO_RUN)
    return run


def _status_text(run: ExportRun) -> str:
    if run.status == ExportRun.Status.DONE:
        return f"Klaar: {run.cases} dossier{'' if run.cases == 1 else 's'}."
    if run.status == ExportRun.Status.FAILED:
        return "Mislukt."
    if run.status == ExportRun.Status.RUNNING:
        return "Het bestand wordt gemaakt."
    return "Wacht op de achtergrondverwerking."


@login_required
def run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A background export: its progress, and the download once it is ready."""
    export = _own_run(request, run_id)
    scope = report_scope(user=request.user)
    context = {
        "run": export,
        "status_text": _status_text(export),
        "finished": export.status in (ExportRun.Status.DONE, ExportRun.Status.FAILED),
        "described": ReportFilter.from_data(export.filters).describe(scope),
    }
    return render(request, "reports/run.html", context)


@login_required
def run_status(request: HttpRequest, run_id: int) -> JsonResponse:
    """The progress of a background export, for the page's script."""
    export = _own_run(request, run_id)
    return JsonResponse(
        {
            "status": export.status,
            "text": _status_text(export),
            "percent": export.percent,
            "done": export.done,
            "total": export.total,
            "finished": export.status
            in (ExportRun.Status.DONE, ExportRun.Status.FAILED),
        }
    )


@login_required
def run_download(request: HttpRequest, run_id: int) -> FileResponse:
    """The file of a finished background export, for its requester only."""
    export = _own_run(request, run_id)
    path = export.path
    if export.status != ExportRun.Status.DONE or path is None or not path.is_file():
        raise Http404(NO_RUN)
    export_run_download_record(
        run=export, user=request.user, occasion=occasion_of(request)
    )
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=_file_name(timezone.localdate(export.requested_at)),
        content_type=XLSX,
    )
