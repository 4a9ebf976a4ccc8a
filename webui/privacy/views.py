"""The privacy officer's pages: search the processing log, answer an inzageverzoek."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from webui.access import is_privacy_officer, officer_case
from webui.logs.context import occasion_of

from .forms import LogSearchForm
from .selectors import log_search_page
from .services import inzage_export, log_search_record


def _officer(request: HttpRequest) -> None:
    if not is_privacy_officer(user=request.user):
        raise Http404("Deze pagina is er alleen voor de privacyfunctionaris.")


@login_required
def log(request: HttpRequest) -> HttpResponse:
    _officer(request)
    form = LogSearchForm(request.GET or None)
    page = None
    if form.is_valid() and any(form.cleaned_data.values()):
        # Read before this search is logged: it is not a result of itself.
        page = log_search_page(
            user=request.user,
            number=request.GET.get("pagina"),
            reference=form.cleaned_data["dossier"],
            username=form.cleaned_data["gebruiker"],
            date_from=form.cleaned_data["van"],
            date_to=form.cleaned_data["tot"],
        )
        reference = form.cleaned_data["dossier"]
        log_search_record(
            user=request.user,
            searched=officer_case(user=request.user, reference=reference),
            fields=[
                name
                for name, value in form.cleaned_data.items()
                if value not in ("", None)
            ],
            occasion=occasion_of(request),
        )
    return render(request, "privacy/log.html", {"form": form, "page": page})


@login_required
def inzage(request: HttpRequest, reference: str) -> HttpResponse:
    """Everything about one statushouder, as a file (inzageverzoek)."""
    _officer(request)
    case = officer_case(user=request.user, reference=reference)
    if case is None:
        raise Http404("Dit dossier bestaat niet of hoort niet bij uw organisatie.")
    data = inzage_export(case=case, user=request.user, occasion=occasion_of(request))
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="inzage-{case.reference}.json"'
    )
    return response
