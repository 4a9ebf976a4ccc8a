"""Files into and out of the draft: upload, remove, new diagram, table or form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from forms.registry import form_file_name
from webui.definitions.files import FileRefused
from webui.definitions.services import (
    draft_open,
    draft_remove_file,
    draft_save_files,
    draft_set,
    draft_upload,
)
from webui.definitions.starters import (
    new_diagram,
    new_form,
    new_table,
    process_id_for,
)

from ..forms import (
    NewDiagramForm,
    NewFormForm,
    NewTableForm,
    UploadForm,
)
from .common import gemeente_or_404


@login_required
@require_POST
def studio_remove(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
    draft = draft_open(gemeente=gemeente, user=request.user)
    name = request.POST.get("bestand", "")
    try:
        draft_remove_file(draft=draft, name=name, user=request.user)
    except FileRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"‘{name}’ is terug naar de basis (of verwijderd).")
    return redirect("studio:home", slug=slug)


@login_required
@require_POST
def studio_upload(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(
            request,
            f"Niet geüpload: {' '.join(errors)}"
            if errors
            else "Kies een bestand om te uploaden.",
        )
        return redirect("studio:home", slug=slug)
    upload = form.cleaned_data["bestand"]
    draft = draft_open(gemeente=gemeente, user=request.user)
    try:
        names, notes = draft_upload(
            draft=draft,
            file_name=upload.name,
            content=upload.read(),
            user=request.user,
        )
    except FileRefused as exc:
        messages.error(request, f"Niet geüpload: {exc}.")
        return redirect("studio:home", slug=slug)
    messages.success(
        request,
        f"In het concept gezet: {', '.join(names)}. Controleer het concept"
        " voor u het in gebruik neemt.",
    )
    for note in notes:
        messages.info(request, f"Omgezet: {note}.")
    return redirect("studio:check", slug=slug)


@login_required
@require_POST
def studio_new_diagram(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
    form = NewDiagramForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Geef het nieuwe proces een naam.")
        return redirect("studio:home", slug=slug)
    name = form.cleaned_data["naam"]
    process_id = process_id_for(name)
    file_name = f"{process_id}.bpmn"
    draft = draft_open(gemeente=gemeente, user=request.user)
    if file_name in draft_set(draft):
        messages.error(request, f"Er is al een bestand ‘{file_name}’.")
        return redirect("studio:home", slug=slug)
    draft_save_files(
        draft=draft, files={file_name: new_diagram(process_id, name)}, user=request.user
    )
    return redirect("studio:modeler", slug=slug, file_name=file_name)


@login_required
@require_POST
def studio_new_table(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
    form = NewTableForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("studio:home", slug=slug)
    name = form.cleaned_data["tabel_naam"]
    decision_id = process_id_for(name)
    file_name = f"{decision_id}.dmn"
    draft = draft_open(gemeente=gemeente, user=request.user)
    if file_name in draft_set(draft):
        messages.error(request, f"Er is al een bestand ‘{file_name}’.")
        return redirect("studio:home", slug=slug)
    table = new_table(
        decision_id, name, form.cleaned_data["invoer"], form.cleaned_data["uitkomst"]
    )
    draft_save_files(draft=draft, files={file_name: table}, user=request.user)
    return redirect("studio:dmn_editor", slug=slug, file_name=file_name)


@login_required
@require_POST
def studio_new_form(request: HttpRequest, slug: str) -> HttpResponse:
    gemeente = gemeente_or_404(request, slug)
    form = NewFormForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("studio:home", slug=slug)
    key = form.cleaned_data["sleutel"]
    draft = draft_open(gemeente=gemeente, user=request.user)
    if form_file_name(key) in draft_set(draft):
        messages.error(request, f"Er is al een formulier ‘{key}’.")
        return redirect("studio:home", slug=slug)
    draft_save_files(
        draft=draft,
        files={form_file_name(key): new_form(key, form.cleaned_data["titel"])},
        user=request.user,
    )
    return redirect("studio:form_editor", slug=slug, key=key)
