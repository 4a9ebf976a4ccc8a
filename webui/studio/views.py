from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import diagram_for_user, process_sets_for_user


@login_required
def process_list(request: HttpRequest) -> HttpResponse:
    """The diagrams in use in each of the user's gemeenten."""
    sets = process_sets_for_user(user=request.user)
    return render(request, "studio/list.html", {"sets": sets})


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
    return render(request, "studio/diagram.html", {"diagram": found})
