from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from webui.access import roles_held
from webui.accounts.models import Role
from webui.accounts.profiles import profile_of, profile_update, roles_in_words

from .forms import ProfileForm
from .twofactor import confirmed_device, second_factor_required


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Mijn instellingen: a begeleider's languages, area and availability (what the
    coördinator matches on) and, for everybody, the daily e-mail."""
    matching = Role.BEGELEIDER in roles_held(user=request.user)
    form = ProfileForm(
        request.POST or None,
        initial=ProfileForm.initial_from(profile_of(user=request.user)),
        matching=matching,
        today=timezone.localdate(),
    )
    if request.method == "POST" and form.is_valid():
        profile_update(user=request.user, matching=matching, **form.cleaned_data)
        messages.success(request, "Uw instellingen zijn opgeslagen.")
        return redirect("accounts:profile")
    context = {
        "form": form,
        "matching": matching,
        "roles": roles_in_words(user=request.user),
        "second_factor_on": confirmed_device(user=request.user) is not None,
        "second_factor_required": second_factor_required(user=request.user),
    }
    return render(request, "accounts/profile.html", context)
