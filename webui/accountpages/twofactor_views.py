"""The pages of two-factor sign-in: the code after the password, setting up an app,
and turning it off where a role does not require it."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

import django_otp

from .twofactor import (
    code_check,
    confirmed_device,
    device_confirm,
    device_for_setup,
    devices_remove,
    qr_code_svg,
    second_factor_required,
    secret_text,
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code uit uw authenticator-app",
        help_text="De zes cijfers die de app nu toont.",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
                "size": 8,
            }
        ),
        error_messages={"required": "Vul de code van zes cijfers in."},
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(
                "Een code bestaat uit zes cijfers, bijvoorbeeld 123456."
            )
        return code


def _next(request: HttpRequest) -> str:
    """Where to go after this step: the page first asked for, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _render(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, template, {"next": _next(request), **context})


@sensitive_post_parameters("code")
@login_required
def second_factor_code(request: HttpRequest) -> HttpResponse:
    """After the password: the code from the app."""
    device = confirmed_device(user=request.user)
    if device is None and not request.user.is_verified():
        if second_factor_required(user=request.user):
            return redirect_to_login(_next(request), "accounts:second_factor_setup")
    if request.user.is_verified() or device is None:
        return redirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = code_check(device=device, code=form.cleaned_data["code"])
        if problem is None:
            django_otp.login(request, device)
            return redirect(_next(request))
        form.add_error("code", problem)
    return _render(request, "accounts/second_factor_code.html", form=form)


@sensitive_post_parameters("code")
@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), then
    confirm with the first code. A new app replaces the old one."""
    if confirmed_device(user=request.user) and not request.user.is_verified():
        # Only who has given the current app's code may replace it.
        return redirect_to_login(_next(request), "accounts:second_factor_code")
    device = device_for_setup(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = device_confirm(device=device, code=form.cleaned_data["code"])
        if problem is None:
            django_otp.login(request, device)
            messages.success(
                request,
                "Tweestapsverificatie staat aan: na uw wachtwoord vraagt Wegwijs"
                " voortaan om de code uit uw app.",
            )
            return redirect(_next(request))
        form.add_error("code", problem)
    return _render(
        request,
        "accounts/second_factor_setup.html",
        form=form,
        qr_code=qr_code_svg(device),
        secret=secret_text(device),
        required=second_factor_required(user=request.user),
    )


@login_required
@require_POST
def second_factor_off(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off, where the user's roles allow that."""
    if second_factor_required(user=request.user):
        messages.error(
            request,
            "Voor uw rol is tweestapsverificatie verplicht; u kunt die niet uitzetten."
            " Heeft u een nieuwe telefoon, stel dan de app opnieuw in.",
        )
    else:
        devices_remove(user=request.user)
        messages.success(request, "Tweestapsverificatie staat uit.")
    return redirect("accounts:profile")
