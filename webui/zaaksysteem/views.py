"""The Zaaksysteem page: a beheerder connects their gemeente's Zaken API and sees
how far the outbox is. Another gemeente, or a user who is not its beheerder: 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from webui.access import managed_gemeenten
from webui.zaken.forms import ZaaksysteemForm
from webui.zaken.selectors import outbox_state, status_moments, zaaksysteem_of
from webui.zaken.services import ZaaksysteemSettings, zaaksysteem_configure


@login_required
def home(request: HttpRequest) -> HttpResponse:
    gemeenten = list(managed_gemeenten(user=request.user))
    if not gemeenten:
        raise Http404("Deze pagina is er alleen voor de functioneel beheerder.")
    if len(gemeenten) == 1:
        return redirect("zaken:configure", gemeente=gemeenten[0].slug)
    rows = [(g, zaaksysteem_of(gemeente=g)) for g in gemeenten]
    return render(request, "zaken/home.html", {"rows": rows})


@login_required
def configure(request: HttpRequest, gemeente: str) -> HttpResponse:
    found = managed_gemeenten(user=request.user).filter(slug=gemeente).first()
    if found is None:
        raise Http404("Deze gemeente bestaat niet of u beheert haar niet.")
    system = zaaksysteem_of(gemeente=found)
    moments = status_moments(gemeente=found)
    initial = {}
    if system is not None:
        initial = {
            "active": system.active,
            "api_root": system.service.api_root,
            "client_id": system.service.client_id,
            "bronorganisatie": system.bronorganisatie,
            "zaaktype": system.zaaktype,
            "resultaattype_pip": system.resultaattype_pip,
            "resultaattype_einde": system.resultaattype_einde,
            **{f"status_{k}": v for k, v in system.statustypen.items()},
        }
    form = ZaaksysteemForm(
        request.POST or None,
        initial=initial,
        moments=moments,
        has_secret=bool(system and system.service.secret),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        zaaksysteem_configure(
            gemeente=found,
            settings=ZaaksysteemSettings(
                api_root=data["api_root"],
                client_id=data["client_id"],
                secret=data["secret"],
                bronorganisatie=data["bronorganisatie"],
                zaaktype=data["zaaktype"],
                statustypen=form.statustypen(),
                resultaattype_pip=data["resultaattype_pip"],
                resultaattype_einde=data["resultaattype_einde"],
                active=data["active"],
            ),
            actor=request.user,
        )
        messages.success(request, f"Het zaaksysteem van {found} is opgeslagen.")
        return redirect("zaken:configure", gemeente=found.slug)
    context = {
        "gemeente": found,
        "form": form,
        "system": system,
        "state": outbox_state(system=system) if system is not None else None,
    }
    return render(request, "zaken/configure.html", context)
