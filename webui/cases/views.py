from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from exports import cases_workbook, workbook_bytes
from forms.builder import build_form_class
from webui.accounts.models import Gemeente, Role
from webui.accounts.selectors import user_gemeenten

from .selectors import (
    case_for_user,
    case_form,
    case_overview,
    case_view,
    cases_for_user,
    export_rows,
    overdue_q,
    pip_overdue,
    start_form,
)
from .services import (
    CONTACT_FORM,
    CaseError,
    case_start,
    case_viewed,
    contactmoment_record,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    cases = cases_for_user(user=request.user)
    only_overdue = request.GET.get("verlopen") == "1"
    phase = request.GET.get("fase", "")
    if only_overdue:
        cases = cases.filter(overdue_q(today))
    if phase:
        cases = cases.filter(phase_label=phase)
    rows = [(case, pip_overdue(case, today)) for case in cases[:500]]
    context = {
        "rows": rows,
        "overview": case_overview(user=request.user, today=today),
        "only_overdue": only_overdue,
        "phase": phase,
    }
    return render(request, "cases/list.html", context)


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for_user(reference=reference, user=request.user)
    if case is None:
        raise Http404("Dit dossier bestaat niet of hoort niet bij uw gemeente.")
    case_viewed(case=case, user=request.user)
    view = case_view(case=case, user=request.user, today=timezone.localdate())
    return render(request, "cases/detail.html", {"view": view, "case": case})


def _coordinator_gemeenten(request: HttpRequest):
    return Gemeente.objects.filter(
        memberships__user=request.user, memberships__role=Role.COORDINATOR
    ).distinct()


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    gemeenten = list(_coordinator_gemeenten(request))
    if not gemeenten:
        raise PermissionDenied("Alleen een coördinator kan een statushouder aanmelden.")
    chosen = next(
        (g for g in gemeenten if g.slug == request.POST.get("gemeente")), gemeenten[0]
    )
    definition = start_form(gemeente=chosen)
    if definition is None:
        raise Http404("Voor deze gemeente is nog geen proces in gebruik genomen.")
    form_class = build_form_class(definition)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_start(
                gemeente=chosen, cleaned_data=form.cleaned_data, user=request.user
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"{case.client_naam} is aangemeld als {case.reference}."
            )
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/new.html",
        {
            "form": form,
            "definition": definition,
            "gemeenten": gemeenten,
            "chosen": chosen,
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    gemeenten = user_gemeenten(user=request.user).filter(
        memberships__user=request.user, memberships__role=Role.MANAGER
    )
    if not gemeenten.exists():
        raise PermissionDenied("Alleen een manager kan de dossiers exporteren.")
    today = timezone.localdate()
    content = workbook_bytes(
        cases_workbook(export_rows(gemeenten=gemeenten, today=today))
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="wegwijs-dossiers-{today:%Y-%m-%d}.xlsx"'
    )
    return response


@login_required
def case_contact(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_for_user(reference=reference, user=request.user)
    if case is None:
        raise Http404("Dit dossier bestaat niet of hoort niet bij uw gemeente.")
    definition = case_form(case=case, form_key=CONTACT_FORM)
    form = build_form_class(definition)(
        request.POST or None, initial={"contact_datum": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            contactmoment_record(
                case=case, user=request.user, cleaned_data=form.cleaned_data
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Het contactmoment is vastgelegd.")
            return redirect("cases:detail", reference=case.reference)
    return render(
        request,
        "cases/contact.html",
        {"form": form, "definition": definition, "case": case},
    )
