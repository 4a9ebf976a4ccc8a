"""The process viewer, for everyone: the diagrams in use, one diagram with a
case's open tasks."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from webui.access import case_access
from webui.logs.context import occasion_of

from ..selectors import (
    diagram_for_user,
    diagram_marks,
    gemeenten_beheerd,
    process_sets_for_user,
)


@login_required
def process_list(request: HttpRequest) -> HttpResponse:
    """The diagrams in use in each of the user's gemeenten."""
    sets = process_sets_for_user(user=request.user)
    managed = {g.pk for g in gemeenten_beheerd(user=request.user)}
    return render(request, "studio/list.html", {"sets": sets, "managed": managed})


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
    marks = None
    if found.case is not None:
        access = case_access(user=request.user, case=found.case)
        if access is None:
            raise Http404("Dit diagram bestaat niet of hoort niet bij uw gemeente.")
        marks = diagram_marks(
            case=found.case,
            access=access,
            file_name=found.file_name,
            user=request.user,
            occasion=occasion_of(request),
        )
    return render(request, "studio/diagram.html", {"diagram": found, "marks": marks})
