from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters

from forms.builder import build_form_class
from webui.access import (
    case_access,
    case_for_user,
    leefgebied_privacy,
    registering_organisations,
)
from webui.cases.models import Consent
from webui.casework.casefile import (
    case_file,
    case_list_page,
    case_mb_report,
    case_page_seen,
    pip_document,
)
from webui.casework.selectors import (
    case_form,
    case_overview,
    open_consent_requests,
    phase_filter_label,
    pip_overdue,
    referral_for,
    referral_start_from_contact,
    start_form,
)
from webui.casework.services import (
    CONTACT_FORM,
    CaseError,
    DateCorrection,
    case_date_correct,
    case_reopen,
    case_start,
    consent_record,
    consent_request,
    contactmoment_record,
    correctable_dates,
    referral_follow_up,
    referral_record,
    sleuteloverdracht_date,
)
from webui.casework.timeline import PAGE as TIMELINE_PAGE
from webui.logs.context import occasion_of
from webui.logs.services import refusal_record

from .forms import (
    ConsentForm,
    ConsentRequestForm,
    DateCorrectionForm,
    FollowUpForm,
    ReferralForm,
    ReopenForm,
)

NOT_FOUND = "Dit dossier bestaat niet of u heeft er geen toegang toe."


def _refused(request: HttpRequest, reference: str) -> Http404:
    """A case the user may not see: a 404, and a line in the processing log."""
    refusal_record(
        user=request.user, occasion=occasion_of(request), reference=reference[:20]
    )
    return Http404(NOT_FOUND)


def _case_and_access(request: HttpRequest, reference: str):  # type: ignore[no-untyped-def]
    case = case_for_user(reference=reference, user=request.user)
    access = case_access(user=request.user, case=case) if case else None
    if case is None or access is None:
        raise _refused(request, reference)
    return case, access


CASE_PAGE = 50


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    only_overdue = request.GET.get("verlopen") == "1"
    phase = request.GET.get("fase", "")[:100]
    search = request.GET.get("zoek", "").strip()[:100]
    page, shown = case_list_page(
        user=request.user,
        today=today,
        number=request.GET.get("pagina"),
        per_page=CASE_PAGE,
        occasion=occasion_of(request),
        only_overdue=only_overdue,
        phase=phase,
        search=search,
    )
    context = {
        "rows": [(case, pip_overdue(case, today)) for case in shown],
        "page": page,
        "overview": case_overview(user=request.user, today=today),
        "only_overdue": only_overdue,
        "phase": phase,
        "phase_label": phase and phase_filter_label(user=request.user, key=phase),
        "search": search,
    }
    return render(request, "cases/list.html", context)


def _number(value: str, default: int) -> int:
    return int(value) if value.isdigit() and len(value) < 6 else default


@login_required
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case, access = _case_and_access(request, reference)
    casefile = case_file(
        case=case,
        access=access,
        today=timezone.localdate(),
        kind=request.GET.get("soort", ""),
        limit=_number(request.GET.get("toon", ""), TIMELINE_PAGE),
        diagram=request.GET.get("diagram") or None,
        user=request.user,
        occasion=occasion_of(request),
    )
    context = {"file": casefile, "view": casefile.view, "case": case}
    return render(request, "cases/detail.html", context)


@login_required
def case_pip(request: HttpRequest, reference: str) -> HttpResponse:
    """The PIP as a document to print or save: what the viewer may read of it."""
    case, access = _case_and_access(request, reference)
    if access.trainer_only:
        raise _refused(request, reference)
    document = pip_document(
        case=case,
        access=access,
        today=timezone.localdate(),
        user=request.user,
        occasion=occasion_of(request),
    )
    return render(request, "cases/pip.html", {"pip": document, "case": case})


@sensitive_post_parameters()
@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    options = [
        (org, gemeente)
        for org, gemeenten in registering_organisations(user=request.user)
        for gemeente in gemeenten
    ]
    if not options:
        raise Http404("Alleen een coördinator kan een statushouder aanmelden.")
    choice = request.POST.get("gemeente", "")
    org, gemeente = next(
        ((o, g) for o, g in options if f"{o.slug}/{g.slug}" == choice), options[0]
    )
    definition = start_form(gemeente=gemeente)
    if definition is None:
        raise Http404("Voor deze gemeente is nog geen proces in gebruik genomen.")
    form = build_form_class(definition)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_start(
                gemeente=gemeente,
                mb_organisation=org,
                cleaned_data=form.cleaned_data,
                user=request.user,
                occasion=occasion_of(request),
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, f"{case.client_naam} is aangemeld als {case.reference}."
            )
            return redirect("cases:detail", reference=case.reference)
    context = {
        "form": form,
        "definition": definition,
        "options": [(f"{o.slug}/{g.slug}", f"{g.naam} ({o.naam})") for o, g in options],
        "chosen": f"{org.slug}/{gemeente.slug}",
    }
    return render(request, "cases/new.html", context)


@sensitive_post_parameters()
@login_required
def case_contact(request: HttpRequest, reference: str) -> HttpResponse:
    case, access = _case_and_access(request, reference)
    definition = case_form(case=case, form_key=CONTACT_FORM)
    day = definition.field_with_role("contact_datum")
    form = build_form_class(definition)(
        request.POST or None,
        initial={day.name: timezone.localdate()} if day is not None else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = contactmoment_record(
                case=case,
                user=request.user,
                cleaned_data=form.cleaned_data,
                occasion=occasion_of(request),
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            referred = definition.field_with_role("contact_doorverwezen")
            if referred is not None and form.cleaned_data.get(referred.name) is True:
                # A referral made in the conversation gets its form next, so it is
                # followed up and not left in the verslag.
                messages.success(
                    request,
                    "Het contactmoment is vastgelegd. U gaf aan dat u hebt"
                    " doorverwezen: leg hieronder de verwijzing vast, dan komt de"
                    " opvolging in uw takenlijst.",
                )
                url = reverse("cases:referral", args=[case.reference])
                return redirect(f"{url}?contactmoment={contact.task_id}")
            messages.success(request, "Het contactmoment is vastgelegd.")
            return redirect("cases:detail", reference=case.reference)
    _log_form_page(request, case, access, CONTACT_FORM)
    return render(
        request,
        "cases/contact.html",
        {"form": form, "definition": definition, "case": case},
    )


@sensitive_post_parameters()
@login_required
def case_consent(request: HttpRequest, reference: str) -> HttpResponse:
    """Record the statushouder's consent (or its withdrawal) per category, for the
    directions whose data the user's side holds."""
    case, access = _case_and_access(request, reference)
    directions = [d for d in Consent.Direction.values if access.records_consent(d)]
    if not directions:
        raise _refused(request, reference)
    form = ConsentForm(
        request.POST or None,
        initial={"datum": timezone.localdate()},
        directions=directions,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_record(
                case=case,
                user=request.user,
                category=data["categorie"],
                direction=data["richting"],
                given=data["toestemming"],
                on_date=data["datum"],
                way=data["wijze"],
                note=data["toelichting"],
                occasion=occasion_of(request),
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            word = "gegeven" if data["toestemming"] else "ingetrokken"
            messages.success(request, f"De toestemming is vastgelegd als {word}.")
            return redirect("cases:detail", reference=case.reference)
    _log_form_page(request, case, access, "toestemming")
    return render(
        request,
        "cases/consent.html",
        {
            "form": form,
            "case": case,
            # What the other party asks of the user's side (not what it asked).
            "asked": [
                r for r in open_consent_requests(case=case) if r.direction in directions
            ],
        },
    )


@login_required
def case_consent_request(request: HttpRequest, reference: str) -> HttpResponse:
    """The receiving party asks the party that holds the data to ask the
    statushouder for consent; it appears on the holder's task list."""
    case, access = _case_and_access(request, reference)
    directions = [d for d in Consent.Direction.values if access.requests_consent(d)]
    if not directions:
        raise _refused(request, reference)
    form = ConsentRequestForm(request.POST or None, directions=directions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_request(
                case=case,
                user=request.user,
                category=data["categorie"],
                direction=data["richting"],
                note=data["toelichting"],
                occasion=occasion_of(request),
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                "Uw verzoek staat bij de andere partij in de takenlijst; die vraagt"
                " de statushouder om toestemming en legt het antwoord vast.",
            )
            return redirect("cases:detail", reference=case.reference)
    _log_form_page(request, case, access, "toestemming vragen")
    return render(request, "cases/consent_request.html", {"form": form, "case": case})


@login_required
def referral_new(request: HttpRequest, reference: str) -> HttpResponse:
    case, access = _case_and_access(request, reference)
    start = referral_start_from_contact(
        case=case, contact_id=request.GET.get("contactmoment", "")
    )
    form = ReferralForm(request.POST or None, initial=start.initial if start else {})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral_record(
                case=case,
                user=request.user,
                organisation=data["organisatie"],
                leefgebied=data["leefgebied"],
                reason=data["reden"],
                consent=data["toestemming"],
                follow_up_on=data["opvolgen_op"],
                occasion=occasion_of(request),
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"De verwijzing is vastgelegd; op {data['opvolgen_op']:%d-%m-%Y} staat"
                " de opvolging in uw takenlijst.",
            )
            return redirect("cases:detail", reference=case.reference)
    _log_form_page(request, case, access, "verwijzing")
    return render(
        request, "cases/referral.html", {"form": form, "case": case, "start": start}
    )


@login_required
def referral_follow_up_view(
    request: HttpRequest, reference: str, referral_id: int
) -> HttpResponse:
    case, access = _case_and_access(request, reference)
    referral = referral_for(case=case, access=access, referral_id=referral_id)
    if referral is None:
        raise Http404("Deze verwijzing bestaat niet.")
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral_follow_up(
                referral=referral,
                user=request.user,
                outcome=data["uitkomst"],
                note=data["toelichting"],
                next_follow_up=data["volgende_opvolging"],
                occasion=occasion_of(request),
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "De opvolging is vastgelegd.")
            return redirect("cases:detail", reference=case.reference)
    # The heading names the organisation and the leefgebied referred to.
    shown = leefgebied_privacy(referral.leefgebied)
    _log_form_page(request, case, access, "opvolging", ["persoonsgegevens", shown])
    return render(
        request,
        "cases/follow_up.html",
        {"form": form, "case": case, "referral": referral},
    )


@login_required
def case_report(request: HttpRequest, reference: str) -> HttpResponse:
    """What the MB organisation reports to the gemeente: guidance given, agreements
    kept, within the consent given."""
    case, access = _case_and_access(request, reference)
    if access.trainer_only:
        raise _refused(request, reference)
    report = case_mb_report(
        case=case, access=access, user=request.user, occasion=occasion_of(request)
    )
    return render(request, "cases/report.html", {"report": report, "case": case})


def _log_form_page(  # type: ignore[no-untyped-def]
    request: HttpRequest, case, access, page: str, categories=("persoonsgegevens",)
) -> None:
    case_page_seen(
        case=case,
        access=access,
        user=request.user,
        occasion=occasion_of(request),
        page=page,
        categories=categories,
    )


@login_required
def case_reopen_view(request: HttpRequest, reference: str) -> HttpResponse:
    """A statushouder comes back: reopen the closed case with a reason."""
    case, access = _case_and_access(request, reference)
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = case_reopen(
                case=case,
                user=request.user,
                reason=form.cleaned_data["reden"],
                occasion=occasion_of(request),
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{case.reference} is heropend.")
            return redirect("cases:detail", reference=case.reference)
    _log_form_page(request, case, access, "heropenen")
    return render(request, "cases/reopen.html", {"form": form, "case": case})


def _correction_message(done: DateCorrection) -> str:
    """What a correction did, in one Dutch message: what moved, what has passed by
    the corrected date (and fires now), what was given on the old date."""

    def day(moment) -> str:  # type: ignore[no-untyped-def]
        return timezone.localtime(moment).strftime("%d-%m-%Y")

    old = done.before.strftime("%d-%m-%Y") if done.before else "(onbekend)"
    parts = [
        f"{done.label} gecorrigeerd van {old} naar {done.after.strftime('%d-%m-%Y')}."
    ]
    if done.moved:
        parts.append(
            "Mee verschoven: "
            + "; ".join(
                f"‘{t.name}’ van {day(t.before)} naar {day(t.after)}"
                for t in done.moved
            )
            + "."
        )
    else:
        parts.append("Er wachtte geen termijn op deze datum.")
    for timer in done.passed:
        parts.append(
            f"Let op: met de nieuwe datum is ‘{timer.name}’ al verstreken"
            f" ({day(timer.after)}); wat daarop volgt, staat nu open."
        )
    if done.fired_before:
        names = ", ".join(f"‘{name}’" for name in done.fired_before)
        parts.append(f"Al gegeven op de oude datum en blijft staan: {names}.")
    return " ".join(parts)


@login_required
def case_date_correct_view(request: HttpRequest, reference: str) -> HttpResponse:
    """The regievoerder corrects a wrongly entered date; the deadlines move along."""
    case, access = _case_and_access(request, reference)
    dates = correctable_dates(case)
    handover = sleuteloverdracht_date(case)
    form = DateCorrectionForm(
        request.POST or None,
        dates=dates,
        initial={"datum": handover} if handover else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            done = case_date_correct(
                case=case,
                user=request.user,
                field=form.cleaned_data["veld"],
                value=form.cleaned_data["datum"],
                reason=form.cleaned_data["reden"],
                occasion=occasion_of(request),
            )
        except CaseError as exc:
            form.add_error(None, str(exc))
        else:
            message = _correction_message(done)
            if done.passed:
                messages.warning(request, message)
            else:
                messages.success(request, message)
            return redirect("cases:detail", reference=case.reference)
    _log_form_page(request, case, access, "datum corrigeren")
    context = {"form": form, "case": case, "handover": handover}
    return render(request, "cases/date_correct.html", context)
