"""The Koppelingen pages: a beheerder registers the API clients of their own
organisation(s), sees the secret once, revokes a client and reads the delivery log
of its events. Another organisation's client is a 404."""

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from webui.access import managed_organisation, managed_organisations
from webui.logs.context import occasion_of

from .forms import ClientForm
from .problems import plain_problem
from .reference import api_reference
from .selectors import delivery_log, managed_client, managed_clients
from .services import ApiRefused, client_register, client_revoke

NOT_FOUND = "Deze koppeling bestaat niet of hoort niet bij uw organisatie."


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    if not managed_organisations(user=request.user):
        raise Http404("Deze pagina is er alleen voor de functioneel beheerder.")
    return render(
        request,
        "api/list.html",
        {"sections": managed_clients(user=request.user), "now": timezone.now()},
    )


@login_required
def client_new(request: HttpRequest, key: str) -> HttpResponse:
    organisation = managed_organisation(user=request.user, key=key)
    if organisation is None:
        raise Http404(NOT_FOUND)
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        expires = timezone.make_aware(
            datetime.combine(form.cleaned_data["expires_on"], time(23, 59, 59))
        )
        try:
            client, secret = client_register(
                organisation=organisation,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=expires,
                user=request.user,
                occasion=occasion_of(request),
            )
        except ApiRefused as exc:
            form.add_error(None, str(exc))
        else:
            # Shown once, on this answer to the POST; stored only as a hash.
            return render(
                request, "api/secret.html", {"client": client, "secret": secret}
            )
    return render(request, "api/new.html", {"form": form, "organisation": organisation})


def _client(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    client = managed_client(user=request.user, pk=pk)
    if client is None:
        raise Http404(NOT_FOUND)
    return client


@login_required
def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    context = {
        "client": client,
        "subscriptions": client.subscriptions.order_by("-created_at"),
        "deliveries": delivery_log(client=client),
        "now": timezone.now(),
    }
    return render(request, "api/detail.html", context)


@require_POST
@login_required
def client_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    client = _client(request, pk)
    client_revoke(client=client, user=request.user, occasion=occasion_of(request))
    messages.success(request, f"{client.name} is ingetrokken: het kan niets meer.")
    return redirect("koppelingen:detail", pk=client.pk)


@csrf_exempt
def reference(request: HttpRequest) -> HttpResponse:
    """/api/v1/docs: the API's reference, for anyone (it holds nobody's data). Under
    /api/v1/ a wrong method is a problem, as everywhere in the API."""
    if request.method not in ("GET", "HEAD"):
        response = plain_problem(
            405,
            f"De methode {request.method} is hier niet toegestaan.",
            instance=request.path,
        )
        response["Allow"] = "GET, HEAD"
        return response
    return render(request, "api/reference.html", {"ref": api_reference()})
