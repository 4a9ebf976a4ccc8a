"""The coördinator's pages: statushouders waiting for a vaste begeleider (with
suggestions), the begeleiders and their caseload (with reassigning), and everything
overdue. Only for coördinatoren, only their own MB organisation; anyone else gets a
404."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from webui.access import case_access
from webui.accounts.models import MbOrganisation, Role
from webui.logs.context import occasion_of
from webui.logs.services import refusal_record

from .forms import ReassignForm
from .selectors import (
    begeleider_cases,
    caseloads,
    cases_listed,
    coordinated_organisations,
    coupling_for,
    other_tasks_held,
    overdue_tasks,
    statushouder,
    statushouder_seen,
    suggestions,
    tab_counts,
    waiting_for_begeleider,
)
from .services import begeleider_cases_move

NOT_FOUND = "Deze pagina is er alleen voor de coördinator van een MB-organisatie."


def _organisation(request: HttpRequest) -> tuple[MbOrganisation, list[MbOrganisation]]:
    """The coördinator's organisation this page is about (``?organisatie=``)."""
    orgs = coordinated_organisations(user=request.user)
    if not orgs:
        raise Http404(NOT_FOUND)
    wanted = request.GET.get("organisatie", "")
    org = next((o for o in orgs if o.slug == wanted), orgs[0])
    return org, orgs


def _log_list(request: HttpRequest, cases: list) -> None:
    cases_listed(user=request.user, cases=cases, occasion=occasion_of(request))


def _page(request, template, org, orgs, tab, **context):  # type: ignore[no-untyped-def]
    today = timezone.localdate()
    counts = tab_counts(org=org, today=today)
    query = f"?{urlencode({'organisatie': org.slug})}" if len(orgs) > 1 else ""
    return render(
        request,
        template,
        {
            "org": org,
            "orgs": orgs,
            "tab": tab,
            "counts": counts,
            "query": query,
            "today": today,
            **context,
        },
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Koppelen: the statushouders waiting for a vaste begeleider."""
    org, orgs = _organisation(request)
    waiting = waiting_for_begeleider(org=org)
    _log_list(request, [c.item.case for c in waiting])
    return _page(
        request, "coordination/home.html", org, orgs, "koppelen", waiting=waiting
    )


@login_required
def begeleiders(request: HttpRequest) -> HttpResponse:
    """Begeleiders: caseload, tasks and what each said about themselves."""
    org, orgs = _organisation(request)
    loads = caseloads(org=org, today=timezone.localdate())
    return _page(
        request, "coordination/begeleiders.html", org, orgs, "begeleiders", loads=loads
    )


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    """Te laat: every overdue task of the organisation's MB roles, oldest first."""
    org, orgs = _organisation(request)
    items = overdue_tasks(org=org, today=timezone.localdate())
    _log_list(request, [i.case for i in items])
    return _page(
        request, "coordination/overdue.html", org, orgs, "te_laat", items=items
    )


@login_required
def match(request: HttpRequest, task_id: str) -> HttpResponse:
    """Suggestions of begeleiders for one statushouder waiting for one."""
    orgs = coordinated_organisations(user=request.user)
    coupling = coupling_for(org_ids={o.pk for o in orgs}, task_id=task_id)
    case = coupling.item.case if coupling else None
    access = case_access(user=request.user, case=case) if case else None
    if coupling is None or access is None or Role.COORDINATOR not in access.roles:
        refusal_record(user=request.user, occasion=occasion_of(request))
        raise Http404("Deze statushouder wacht niet (meer) op een vaste begeleider.")
    wanted = statushouder(case=case, access=access)
    today = timezone.localdate()
    task_url = reverse("tasks:task", args=[task_id])
    options = [
        (s, f"{task_url}?{urlencode({coupling.field: s.load.user.pk})}")
        for s in suggestions(case=case, wanted=wanted, today=today)
    ]
    statushouder_seen(user=request.user, case=case, occasion=occasion_of(request))
    org = case.mb_organisation
    return _page(
        request,
        "coordination/match.html",
        org,
        orgs,
        "koppelen",
        coupling=coupling,
        case=case,
        wanted=wanted,
        options=options,
        task_url=task_url,
    )


@login_required
def begeleider(request: HttpRequest, pk: int) -> HttpResponse:
    """One begeleider: their profile and cases; move some or all to colleagues."""
    org, orgs = _organisation(request)
    today = timezone.localdate()
    everyone = caseloads(org=org, today=today)
    load = next((x for x in everyone if x.user.pk == pk), None)
    if load is None:
        raise Http404("Deze begeleider werkt niet bij uw organisatie.")
    cases = begeleider_cases(org=org, user=load.user)
    colleagues = [x for x in everyone if x.active and x.user.pk != load.user.pk]
    form = ReassignForm(request.POST or None, cases=cases, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        results = begeleider_cases_move(
            moves=form.moves(),
            cases=cases,
            from_user=load.user,
            by=request.user,
            note=form.cleaned_data["note"],
            occasion=occasion_of(request),
        )
        moved = [r for r in results if r.moved]
        return _page(
            request,
            "coordination/reassigned.html",
            org,
            orgs,
            "begeleiders",
            load=load,
            moved=moved,
            refused=[r for r in results if not r.moved],
        )
    _log_list(request, cases)
    return _page(
        request,
        "coordination/begeleider.html",
        org,
        orgs,
        "begeleiders",
        load=load,
        cases=cases,
        form=form,
        rows=form.rows(),
        confirm_what=(
            f"Bij meer dan één dossier (‘Alle {len(cases)} dossiers overdragen’ of"
            " meerdere aangevinkt) gaan die dossiers met hun open begeleiderstaken"
            f" naar de gekozen collega's; {load.name} is dan niet meer hun vaste"
            " begeleider."
        ),
        others=other_tasks_held(org=org, user=load.user),
    )
