from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from webui.accounts.models import MbOrganisation
from webui.confirmation import ConfirmForm
from webui.logs.context import occasion_of
from webui.logs.services import refusal_record

from .forms import AttendanceForm, ParticipantsForm, SessionForm
from .models import Participant, Session
from .selectors import (
    candidates,
    participants_seen,
    session_for_user,
    session_rows,
    sessions_for_user,
    trainer_organisations,
    waiting_workshops,
)
from .services import PvtError, session_cancel, session_plan, session_record

NOT_FOUND = "Deze pagina is alleen voor PVT-trainers."


def _refused(request: HttpRequest, message: str = NOT_FOUND) -> Http404:
    refusal_record(user=request.user, occasion=occasion_of(request))
    return Http404(message)


def _organisations(request: HttpRequest) -> list[MbOrganisation]:
    organisations = trainer_organisations(user=request.user)
    if not organisations:
        raise _refused(request)
    return organisations


def _session(request: HttpRequest, pk: int) -> Session:
    session = session_for_user(user=request.user, pk=pk)
    if session is None:
        raise _refused(request, "Deze bijeenkomst bestaat niet of is niet van u.")
    return session


def _log_list(request: HttpRequest, cases: list, **detail) -> None:
    participants_seen(
        user=request.user, cases=cases, occasion=occasion_of(request), **detail
    )


def plan_url(organisation: MbOrganisation, task_name: str) -> str:
    query = urlencode({"organisatie": organisation.slug, "taak": task_name})
    return f"{reverse('pvt:new')}?{query}"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    sessions = sessions_for_user(user=request.user)
    waiting = waiting_workshops(user=request.user)
    per_organisation = [
        (
            org,
            [(w, plan_url(org, w.task_name)) for w in waiting if w.organisation == org],
        )
        for org in organisations
    ]
    context = {
        "waiting": [(org, rows) for org, rows in per_organisation if rows],
        "has_due": any(w.earliest_due for w in waiting),
        "several": len(organisations) > 1,
        "planned": sessions.filter(status=Session.Status.PLANNED),
        "recorded": sessions.filter(status=Session.Status.RECORDED).order_by(
            "-date", "-start_time", "-id"
        )[:50],
        "today": timezone.localdate(),
    }
    return render(request, "pvt/home.html", context)


@login_required
def session_new(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    slug = request.GET.get("organisatie", "")
    organisation = next((o for o in organisations if o.slug == slug), None)
    if organisation is None and len(organisations) == 1:
        organisation = organisations[0]
    task_name = request.GET.get("taak", "")[:200]
    if organisation is None or not task_name:
        return redirect("pvt:home")
    waiting = candidates(
        user=request.user, organisation=organisation, task_name=task_name
    )
    signing = bool(waiting) and waiting[0].kind == Session.Kind.ONDERTEKENING
    languages = Counter(c.language for c in waiting if c.language)
    details = SessionForm(
        request.POST or None,
        signing=signing,
        languages=", ".join(f"{lang} ({n})" for lang, n in languages.most_common()),
    )
    who = ParticipantsForm(request.POST or None, candidates=waiting)
    if request.method == "POST" and details.is_valid() and who.is_valid():
        data = details.cleaned_data
        try:
            session = session_plan(
                user=request.user,
                organisation=organisation,
                task_name=task_name,
                task_ids=who.cleaned_data["deelnemers"],
                on_date=data["datum"],
                start_time=data["begintijd"],
                place=data["plaats"],
                interpreter=data["tolk"],
                bestuurder=data.get("bestuurder", ""),
                note=data["notitie"],
            )
        except PvtError as exc:
            who.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"De bijeenkomst ‘{session.task_name}’ op {session.date:%d-%m-%Y} is"
                f" gepland met {len(who.cleaned_data['deelnemers'])} deelnemers.",
            )
            return redirect("pvt:detail", pk=session.pk)
    _log_list(request, [c.item.case for c in waiting], task=task_name)
    context = {
        "organisation": organisation,
        "several": len(organisations) > 1,
        "task_name": task_name,
        "details": details,
        "who": who,
        "chosen": who.chosen(),
        "candidates": waiting,
        "today": timezone.localdate(),
    }
    return render(request, "pvt/new.html", context)


def _next_steps(session: Session, rows) -> list[tuple[str, int, str]]:
    """The workshops the participants wait on now: (name, how many, plan link)."""
    counts = Counter(item.name for row in rows for item in row.now_waiting)
    return [
        (name, n, plan_url(session.mb_organisation, name))
        for name, n in sorted(counts.items())
    ]


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _organisations(request)
    session = _session(request, pk)
    rows = session_rows(session=session, user=request.user)
    _log_list(request, [row.case for row in rows], session=session.pk)
    outcomes = Counter(row.participant.outcome for row in rows)
    planned = sum(
        1 for row in rows if row.participant.outcome == Participant.Outcome.PENDING
    )
    context = {
        "session": session,
        "rows": rows,
        "outcomes": outcomes,
        "cancel_form": ConfirmForm(),
        "cancel_what": (
            f"De bijeenkomst wordt geannuleerd voor alle {planned}"
            f" deelnemer{'' if planned == 1 else 's'}; zij wachten daarna weer op"
            " deze workshop en u plant hem opnieuw."
        ),
        "next_steps": _next_steps(session, rows)
        if session.status == Session.Status.RECORDED
        else [],
        "today": timezone.localdate(),
    }
    return render(request, "pvt/detail.html", context)


@login_required
def session_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    _organisations(request)
    session = _session(request, pk)
    if session.status != Session.Status.PLANNED:
        messages.info(request, "Deze bijeenkomst is al vastgelegd.")
        return redirect("pvt:detail", pk=session.pk)
    rows = [
        row
        for row in session_rows(session=session, user=request.user)
        if row.participant.outcome == Participant.Outcome.PENDING
    ]
    form = AttendanceForm(request.POST or None, rows=rows, signing=session.is_signing)
    if request.method == "POST" and form.is_valid():
        try:
            result = session_record(
                session=session,
                user=request.user,
                attendance=form.attendance(),
                occasion=occasion_of(request),
            )
        except PvtError as exc:
            form.add_error(None, str(exc))
        else:
            _report(request, session, result)
            return redirect("pvt:detail", pk=session.pk)
    _log_list(request, [row.case for row in rows], session=session.pk)
    n = len(rows)
    context = {
        "session": session,
        "form": form,
        "entries": form.entries(),
        "confirm_what": (
            f"Voor {'de' if n == 1 else 'alle'} {n} deelnemer{'' if n == 1 else 's'}"
            f" wordt vastgelegd wat hierboven staat; hun taak ‘{session.task_name}’"
            " wordt daarmee afgerond."
        ),
        "today": timezone.localdate(),
    }
    return render(request, "pvt/record.html", context)


def _report(request: HttpRequest, session: Session, result) -> None:
    yes = sum(1 for p in result.done if p.outcome == Participant.Outcome.YES)
    no = len(result.done) - yes
    if session.is_signing:
        text = f"Vastgelegd: {yes} ondertekend, {no} niet ondertekend."
    else:
        text = f"Vastgelegd: {yes} aanwezig, {no} afwezig."
        if no:
            text += " Wie er niet was, wacht nu op een inhaalworkshop."
    messages.success(request, text)
    if result.failed:
        messages.error(
            request,
            f"{len(result.failed)} dossier(s) konden niet worden vastgelegd en staan"
            " nog zoals ze waren; hieronder staat waarom.",
        )


@login_required
@require_POST
def session_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    _organisations(request)
    session = _session(request, pk)
    if not ConfirmForm(request.POST).is_valid():
        messages.error(
            request,
            "Niet geannuleerd: vink ‘Ik weet het zeker’ aan om de bijeenkomst te"
            " annuleren. Er is niets veranderd.",
        )
        return redirect(f"{reverse('pvt:detail', args=[session.pk])}#annuleren")
    try:
        session_cancel(session=session, user=request.user)
    except PvtError as exc:
        messages.error(request, str(exc))
        return redirect("pvt:detail", pk=session.pk)
    messages.info(
        request,
        f"De bijeenkomst ‘{session.task_name}’ op {session.date:%d-%m-%Y} is"
        " geannuleerd; de statushouders wachten weer op hun workshop.",
    )
    return redirect("pvt:home")
