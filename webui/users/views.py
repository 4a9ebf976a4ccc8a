"""The Gebruikers page: a beheerder manages the users of their own organisation(s).
Everything else (another organisation's users, oneself, a superuser) is a 404."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from webui.access import (
    has_roles_elsewhere,
    manageable_user,
    managed_organisation,
    managed_organisations,
    organisation_members,
)
from webui.accounts.selectors import organisation_key, roles_at
from webui.logs.context import occasion_of

from .forms import ActiveForm, ContinuityForm, InviteForm, RolesForm
from .services import (
    UserChangeRefused,
    organisation_continuity_set,
    user_active_set,
    user_invite,
    user_password_link_send,
    user_roles_set,
)

NOT_FOUND = "Deze gebruiker bestaat niet of hoort niet bij uw organisatie."


def _organisations(request: HttpRequest) -> list[Any]:
    organisations = managed_organisations(user=request.user)
    if not organisations:
        raise Http404("Deze pagina is er alleen voor de functioneel beheerder.")
    return organisations


def _target(request: HttpRequest, pk: int) -> Any:
    target = manageable_user(user=request.user, pk=pk)
    if target is None:
        raise Http404(NOT_FOUND)
    return target


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    _organisations(request)
    context = {
        "sections": [
            (organisation, organisation_key(organisation), members)
            for organisation, members in organisation_members(user=request.user)
        ]
    }
    return render(request, "users/list.html", context)


@login_required
def invite(request: HttpRequest, organisation: str) -> HttpResponse:
    _organisations(request)
    found = managed_organisation(user=request.user, key=organisation)
    if found is None:
        raise Http404("Deze organisatie bestaat niet of u beheert haar niet.")
    form = InviteForm(request.POST or None, organisation=found)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_invite(
                actor=request.user,
                organisation=found,
                occasion=occasion_of(request),
                **form.cleaned_data,
            )
        except UserChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                f"{user.get_full_name()} is uitgenodigd: de e-mail met de link om een"
                f" wachtwoord te kiezen is naar {user.email} gestuurd.",
            )
            return redirect("users:list")
    return render(request, "users/invite.html", {"form": form, "organisation": found})


@login_required
@require_POST
def continuity(request: HttpRequest, organisation: str) -> HttpResponse:
    """Switch on or off that consecutive steps stay with who did the last one."""
    _organisations(request)
    found = managed_organisation(user=request.user, key=organisation)
    if found is None:
        raise Http404("Deze organisatie bestaat niet of u beheert haar niet.")
    form = ContinuityForm(request.POST)
    form.is_valid()  # one checkbox: absent is off, never an error
    on = form.cleaned_data["keep_with_completer"]
    organisation_continuity_set(actor=request.user, organisation=found, on=on)
    messages.success(
        request,
        f"Bij {found} blijven vervolgstappen van een dossier voortaan bij wie de"
        " vorige stap deed."
        if on
        else f"Bij {found} gaan vervolgstappen voortaan naar de gedeelde takenlijst.",
    )
    return redirect("users:list")


def _detail_context(request: HttpRequest, target: Any, **forms: Any) -> dict:
    organisations = managed_organisations(user=request.user)
    current = {
        organisation_key(o): roles_at(target=target, organisation=o)
        for o in organisations
    }
    return {
        "target": target,
        "roles_form": forms.get("roles_form")
        or RolesForm(organisations=organisations, current=current, prefix="rollen"),
        "active_form": forms.get("active_form") or ActiveForm(prefix="actief"),
        "elsewhere": has_roles_elsewhere(user=request.user, target=target),
    }


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One colleague: their roles here (to change, with a reason), switching the
    account off or on, and a link to choose a new password."""
    target = _target(request, pk)
    if request.method != "POST":
        return render(request, "users/detail.html", _detail_context(request, target))
    organisations = managed_organisations(user=request.user)
    form = RolesForm(
        request.POST, organisations=organisations, current={}, prefix="rollen"
    )
    if form.is_valid():
        try:
            changed = user_roles_set(
                actor=request.user,
                target=target,
                roles=form.roles_by_organisation(),
                reason=form.cleaned_data["reason"],
                occasion=occasion_of(request),
            )
        except UserChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                "De rollen zijn gewijzigd."
                if changed
                else "Er is niets veranderd aan de rollen.",
            )
            return redirect("users:detail", pk=target.pk)
    return render(
        request, "users/detail.html", _detail_context(request, target, roles_form=form)
    )


@login_required
@require_POST
def active(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    form = ActiveForm(request.POST, prefix="actief")
    if form.is_valid():
        try:
            user_active_set(
                actor=request.user,
                target=target,
                active=not target.is_active,
                reason=form.cleaned_data["reason"],
                occasion=occasion_of(request),
            )
        except UserChangeRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                "Het account is weer actief."
                if target.is_active
                else "Het account staat op non-actief: inloggen kan niet meer.",
            )
            return redirect("users:detail", pk=target.pk)
    return render(
        request, "users/detail.html", _detail_context(request, target, active_form=form)
    )


@login_required
@require_POST
def password_link(request: HttpRequest, pk: int) -> HttpResponse:
    target = _target(request, pk)
    try:
        user_password_link_send(
            actor=request.user, target=target, occasion=occasion_of(request)
        )
    except UserChangeRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"Er is een link om een nieuw wachtwoord te kiezen gestuurd naar"
            f" {target.email}.",
        )
    return redirect("users:detail", pk=target.pk)


class PasswordSetView(auth_views.PasswordResetConfirmView):
    """The invitee (or a user who got a new link) chooses a password; the link is
    Django's one-time reset token."""

    template_name = "users/password_set.html"
    success_url = reverse_lazy("users:password_done")

    def get_user(self, uidb64: str) -> Any:
        # An account switched off keeps no way in, not even an old link.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


class PasswordDoneView(auth_views.PasswordResetCompleteView):
    template_name = "users/password_done.html"
