"""The pages of Mijn Wegwijs (for the statushouder, in their language) and the
staff's invitation page. HTTP glue: the services and selectors do the work and write
the logs; a page writes only a refusal.

A statushouder is not a staff user: their sign-in lives under its own session key,
never logs anyone in to the staff pages, and a staff session is not a portal one."""

import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

import segno

from webui.access import (
    Statushouder,
    case_access,
    case_for_user,
    may_invite,
    portal_case,
)
from webui.cases.models import Case
from webui.casework.services import TaskNotAllowed
from webui.logs.context import occasion_of
from webui.logs.services import refusal_record
from webui.portal.models import Invitation, PortalRequest

from . import services
from .forms import (
    ConsentForm,
    CorrectionForm,
    InviteForm,
    ShortCodeForm,
    SignInCodeForm,
)
from .languages import BY_CODE, LANGUAGES, language_of
from .selectors import (
    invitation_of,
    invite_defaults,
    invite_seen,
    portal_consents,
    portal_home,
    portal_inzage,
)

SESSION_KEY = "wegwijs_portal"  # {"i": invitation, "c": case, "seen": seconds}
PENDING_KEY = "wegwijs_portal_pending"  # the invitation a code was sent for
LANGUAGE_KEY = "wegwijs_portal_language"
SHORT_TRIES_KEY = "wegwijs_portal_short_tries"
MAX_SHORT_TRIES = 10

# The refusal of a code, in the statushouder's language.
CODE_REFUSALS = {
    "wrong": lambda: _("Deze code klopt niet. Kijk goed en probeer het opnieuw."),
    "expired": lambda: _(
        "Deze code werkt niet meer. Vraag hieronder een nieuwe code aan."
    ),
    "locked": lambda: _(
        "U heeft te vaak een verkeerde code ingevuld. Probeer het over 15 minuten"
        " opnieuw, of vraag uw begeleider om hulp."
    ),
}


def principal_of(request: HttpRequest) -> Statushouder | None:
    """The statushouder signed in to the portal in this session, while their
    session is fresh and their invitation stands. A staff session is never one."""
    if request.user.is_authenticated:
        return None
    data = request.session.get(SESSION_KEY)
    if not isinstance(data, dict):
        return None
    now = int(time.time())
    seen = data.get("seen")
    if not isinstance(seen, int) or now - seen > settings.WEGWIJS_PORTAL_IDLE_SECONDS:
        request.session.pop(SESSION_KEY, None)
        return None
    principal = Statushouder(invitation_id=data["i"], case_id=data["c"])
    if not services.principal_is_valid(principal=principal):
        request.session.pop(SESSION_KEY, None)
        return None
    if now - seen >= 60:
        request.session[SESSION_KEY] = {**data, "seen": now}
    return principal


def _language(request: HttpRequest) -> str:
    chosen = request.session.get(LANGUAGE_KEY)
    if chosen in BY_CODE:
        return chosen
    pending = request.session.get(PENDING_KEY)
    data = request.session.get(SESSION_KEY)
    invitation_id = data.get("i") if isinstance(data, dict) else pending
    if invitation_id:
        language = (
            Invitation.objects.filter(pk=invitation_id)
            .values_list("language", flat=True)
            .first()
        )
        if language in BY_CODE:
            return language
    return "nl"


def portal_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render the page in the statushouder's language (their choice, else the
    invitation's, which starts as the case's voorkeurstaal)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        code = _language(request)
        with translation.override(code):
            request.portal_language = language_of(code)  # type: ignore[attr-defined]
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        response.headers.setdefault("Content-Language", code)
        return response

    return wrapper


def _render(
    request: HttpRequest, template: str, context: dict, status: int = 200
) -> HttpResponse:
    language = request.portal_language  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {
            "lang": language,
            "languages": LANGUAGES,
            "principal": principal_of(request),
            **context,
        },
        status=status,
    )


def _own_case(request: HttpRequest, reference: str) -> Case | HttpResponse:
    """The signed-in statushouder's own case, or a 404 in their language (another
    case, logged as a refusal); not signed in: to the sign-in page."""
    principal = principal_of(request)
    if principal is None:
        return redirect("portal:start")
    case = portal_case(principal=principal, reference=reference)
    if case is None:
        refusal_record(
            user=None,
            occasion=occasion_of(request),
            reference=reference[:20],
            portal=True,
        )
        return _render(request, "portal/not_found.html", {}, status=404)
    return case


# ---- signing in -----------------------------------------------------------------


@portal_page
def start(request: HttpRequest) -> HttpResponse:
    """Sign in: with the short code of the printed sheet (the link of the e-mail
    or the QR code leads to ``invitation``)."""
    principal = principal_of(request)
    if principal is not None:
        reference = (
            Case.objects.filter(pk=principal.case_id)
            .values_list("reference", flat=True)
            .first()
        )
        if reference:
            return redirect("portal:home", reference)
    form = ShortCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        tries = int(request.session.get(SHORT_TRIES_KEY, 0))
        invitation = None
        if tries < MAX_SHORT_TRIES:
            invitation = services.invitation_by_short_code(
                short_code=form.cleaned_data["code"]
            )
        if invitation is None:
            request.session[SHORT_TRIES_KEY] = tries + 1
            form.add_error(
                "code",
                _(
                    "Deze code kennen we niet. Kijk goed, of vraag uw begeleider"
                    " om hulp."
                )
                if tries + 1 < MAX_SHORT_TRIES
                else _(
                    "U heeft te vaak een verkeerde code ingevuld. Vraag uw"
                    " begeleider om hulp."
                ),
            )
        else:
            return _send_code(request, invitation)
    return _render(request, "portal/start.html", {"form": form})


def _send_code(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    request.session[PENDING_KEY] = invitation.pk
    language = request.session.get(LANGUAGE_KEY) or invitation.language
    try:
        sent = services.code_send(invitation=invitation, language=language)
    except services.CodeRefused as refused:
        messages.error(request, CODE_REFUSALS[refused.reason]())
        return redirect("portal:code")
    request.session["wegwijs_portal_channel"] = sent.channel
    return redirect("portal:code")


@portal_page
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the e-mail and of the QR code: choose a language, get a code."""
    found = services.invitation_by_token(token=token)
    if found is None:
        return _render(request, "portal/invitation_gone.html", {}, status=404)
    if request.method == "POST":
        return _send_code(request, found)
    request.session[PENDING_KEY] = found.pk
    return _render(request, "portal/invitation.html", {"invitation": found})


@portal_page
def code(request: HttpRequest) -> HttpResponse:
    """Type the one-time code; or ask for a new one."""
    pending = request.session.get(PENDING_KEY)
    found = (
        Invitation.objects.filter(pk=pending, revoked_at__isnull=True).first()
        if pending
        else None
    )
    if found is None:
        return redirect("portal:start")
    if request.method == "POST" and "opnieuw" in request.POST:
        return _send_code(request, found)
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            principal = services.code_check(
                invitation=found,
                code=form.cleaned_data["code"],
                occasion=occasion_of(request),
            )
        except services.CodeRefused as refused:
            form.add_error("code", CODE_REFUSALS[refused.reason]())
        else:
            language = _language(request)
            if request.user.is_authenticated:
                # One browser, one person: a staff session ends here.
                logout(request)
            request.session.cycle_key()
            request.session[SESSION_KEY] = {
                "i": principal.invitation_id,
                "c": principal.case_id,
                "seen": int(time.time()),
            }
            request.session[LANGUAGE_KEY] = language
            request.session.set_expiry(settings.WEGWIJS_PORTAL_IDLE_SECONDS)
            request.session.pop(PENDING_KEY, None)
            services.language_remember(principal=principal, language=language)
            return redirect("portal:home", found.case.reference)
    channel = request.session.get("wegwijs_portal_channel", "")
    return _render(request, "portal/code.html", {"form": form, "channel": channel})


@require_POST
def choose_language(request: HttpRequest) -> HttpResponse:
    """Choose the portal's language (remembered on the invitation once signed
    in)."""
    chosen = request.POST.get("taal", "")
    if chosen in BY_CODE:
        request.session[LANGUAGE_KEY] = chosen
        principal = principal_of(request)
        if principal is not None:
            services.language_remember(principal=principal, language=chosen)
    back = request.POST.get("terug", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not back.startswith("/mijn/"):
        back = "/mijn/"
    return redirect(back)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(PENDING_KEY, None)
    return redirect("portal:start")


# ---- the statushouder's pages ---------------------------------------------------


@portal_page
def home(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    if not isinstance(case, Case):
        return case
    page = portal_home(
        case=case, today=timezone.localdate(), occasion=occasion_of(request)
    )
    return _render(request, "portal/home.html", {"home": page, "case": case})


@portal_page
def consents(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    if not isinstance(case, Case):
        return case
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid():
            try:
                services.consent_set(
                    case=case,
                    category=form.cleaned_data["category"],
                    direction=form.cleaned_data["direction"],
                    given=form.cleaned_data["given"],
                    occasion=occasion_of(request),
                )
            except TaskNotAllowed:  # a closed case: say so, keep nothing
                messages.error(request, _("Dit lukte niet. Uw dossier is afgesloten."))
            else:
                messages.success(
                    request,
                    _("Opgeslagen. Uw begeleider en de gemeente zien het meteen.")
                    if form.cleaned_data["given"]
                    else _(
                        "Opgeslagen: u geeft deze toestemming niet meer. Uw begeleider"
                        " krijgt een bericht."
                    ),
                )
            return redirect("portal:consents", case.reference)
        messages.error(request, _("Dit lukte niet. Probeer het opnieuw."))
    rows = portal_consents(case=case, occasion=occasion_of(request))
    return _render(request, "portal/consents.html", {"rows": rows, "case": case})


@portal_page
@require_POST
def contact(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    if not isinstance(case, Case):
        return case
    services.contact_ask(case=case, occasion=occasion_of(request))
    messages.success(
        request, _("Uw begeleider weet dat u contact wilt, en neemt contact met u op.")
    )
    return redirect("portal:home", case.reference)


@portal_page
def inzage(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    if not isinstance(case, Case):
        return case
    form = CorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.correction_ask(
            case=case, text=form.cleaned_data["text"], occasion=occasion_of(request)
        )
        messages.success(
            request, _("Uw vraag is verstuurd. De coördinator kijkt ernaar.")
        )
        return redirect("portal:inzage", case.reference)
    data = portal_inzage(case=case, occasion=occasion_of(request))
    return _render(
        request, "portal/inzage.html", {"data": data, "case": case, "form": form}
    )


@portal_page
def inzage_download(request: HttpRequest, reference: str) -> HttpResponse:
    case = _own_case(request, reference)
    if not isinstance(case, Case):
        return case
    data = portal_inzage(case=case, occasion=occasion_of(request), download=True)
    response = _render(request, "portal/inzage.txt", {"data": data, "case": case})
    response["Content-Type"] = "text/plain; charset=utf-8"
    response["Content-Disposition"] = (
        f'attachment; filename="mijn-wegwijs-{case.reference}.txt"'
    )
    return response


# ---- staff: the invitation --------------------------------------------------------


def _staff_case(request: HttpRequest, reference: str) -> Case:
    case = case_for_user(reference=reference, user=request.user)
    if case is None or not may_invite(user=request.user, case=case):
        refusal_record(
            user=request.user, occasion=occasion_of(request), reference=reference[:20]
        )
        raise Http404("Dit dossier bestaat niet of u heeft er geen toegang toe.")
    return case


@login_required
def invite(request: HttpRequest, reference: str) -> HttpResponse:
    """Invite the statushouder (e-mail, or a printed sheet with a QR code and a
    short code), see whether they are invited, revoke it."""
    case = _staff_case(request, reference)
    access = case_access(user=request.user, case=case)
    roles = set(access.roles) if access else set()
    form = InviteForm(request.POST or None, initial=invite_defaults(case=case))
    sheet = None
    if request.method == "POST" and form.is_valid():
        try:
            new = services.invitation_create(
                case=case,
                user=request.user,
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                language=form.cleaned_data["language"],
                occasion=occasion_of(request),
            )
        except services.PortalRefused as refused:
            form.add_error(None, str(refused))
        else:
            link = request.build_absolute_uri(new.path)
            code = new.short_code
            sheet = {
                "link": link,
                "short_code": f"{code[:4]}-{code[4:]}",
                "qr": segno.make(link, error="m").svg_inline(scale=4, title="QR-code"),
                "start": request.build_absolute_uri("/mijn/"),
                "language": language_of(new.invitation.language),
            }
    if sheet is None:
        invite_seen(
            case=case, user=request.user, roles=roles, occasion=occasion_of(request)
        )
    return render(
        request,
        "portal/invite.html",
        {
            "case": case,
            "form": form,
            "sheet": sheet,
            "standing": invitation_of(case=case),
        },
    )


@login_required
@require_POST
def revoke(request: HttpRequest, reference: str) -> HttpResponse:
    case = _staff_case(request, reference)
    count = services.invitation_revoke(
        case=case, user=request.user, occasion=occasion_of(request)
    )
    messages.success(
        request,
        "De uitnodiging is ingetrokken: de statushouder kan niet meer inloggen."
        if count
        else "Er was geen uitnodiging om in te trekken.",
    )
    return redirect("portal:invite", case.reference)


@login_required
@require_POST
def request_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PortalRequest.objects.select_related("case"), pk=pk)
    try:
        services.request_done(
            item=item, user=request.user, occasion=occasion_of(request)
        )
    except services.PortalRefused:
        refusal_record(user=request.user, occasion=occasion_of(request), request=pk)
        raise Http404(
            "Deze vraag bestaat niet of u heeft er geen toegang toe."
        ) from None
    messages.success(request, "De vraag is afgehandeld.")
    return redirect("tasks:queue")
