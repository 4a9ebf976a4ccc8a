from collections import OrderedDict
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from formtools.wizard.views import WizardView

from forms.builder import build_step_forms
from webui.access import roles_held
from webui.accounts.models import Role
from webui.accounts.selectors import user_choices, username_of
from webui.cases.tracks import track_words
from webui.casework.selectors import case_form, consent_requests_for, follow_ups
from webui.casework.services import CaseError, task_complete
from webui.logs.context import occasion_of
from webui.logs.services import refusal_record
from webui.tasks.drafts import draft_discard, draft_save_step, step_fields
from webui.tasks.models import TaskItem
from webui.taskwork.selectors import (
    AVAILABLE,
    MINE,
    NEWEST,
    hand_over_candidates,
    hand_over_note,
    hand_over_refusal,
    has_task_pool,
    next_task,
    portal_requests_for,
    queue_options,
    queue_page,
    task_for_user,
    task_refusal,
    week_end,
)
from webui.taskwork.services import (
    HandOverRefused,
    TaskNotClaimable,
    task_claim,
    task_hand_over,
    task_release,
)

from .forms import HandOverForm, QueueFilterForm
from .needs import task_needs
from .seen import queue_seen, task_seen

NOT_FOUND = "Deze taak bestaat niet of u heeft er geen toegang toe."
# The start page of a user without tasks, by the first of these roles they hold.
START_PAGES = (
    (Role.MANAGER, "reports:overview"),
    (Role.PRIVACY, "privacy:log"),
    (Role.BEHEERDER, "studio:list"),
)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_task_pool(user=user):
        # Who works no tasks starts on their own page.
        held = roles_held(user=user)
        for role, page in START_PAGES:
            if role in held:
                return redirect(page)
    today = timezone.localdate()
    form = QueueFilterForm(request.GET, options=queue_options(user=user))
    filters = form.filters()
    tab = form.value("lijst")
    page_number = request.GET.get("pagina", 1)
    page = queue_page(
        user=user, tab=tab or MINE, filters=filters, page=page_number, today=today
    )
    if not tab and not page.counts[MINE] and page.counts[AVAILABLE]:
        # Nothing of their own: what they can pick up is what matters.
        page = queue_page(
            user=user, tab=AVAILABLE, filters=filters, page=page_number, today=today
        )
    rows = list(page.page.object_list)
    due_follow_ups = follow_ups(user=user, today=today)
    portal_requests = portal_requests_for(user=user)
    queue_seen(
        user=user,
        rows=rows,
        follow_ups=due_follow_ups,
        requests=portal_requests,
        occasion=occasion_of(request),
    )
    return render(
        request,
        "tasks/queue.html",
        {
            "queue": page,
            "rows": rows,
            "form": form,
            "filters": filters,
            # The filters beyond the search box show when they are in use.
            "open_filters": bool(form.errors)
            or filters.active > bool(filters.search)
            or filters.order == NEWEST,
            "today": today,
            "week_end": week_end(today),
            "follow_ups": due_follow_ups,
            "consent_requests": consent_requests_for(user=user),
            "portal_requests": portal_requests,
        },
    )


def _task_or_404(request: HttpRequest, task_id: str) -> TaskItem:
    item = task_for_user(task_id=task_id, user=request.user)
    if item is None:
        refusal_record(user=request.user, occasion=occasion_of(request))
        raise Http404(NOT_FOUND)
    return item


@login_required
@require_POST
def claim(request: HttpRequest, task_id: str) -> HttpResponse:
    item = _task_or_404(request, task_id)
    try:
        task_claim(item=item, user=request.user)
    except TaskNotClaimable as exc:
        messages.error(request, str(exc))
        return redirect("tasks:queue")
    messages.success(request, f"U heeft de taak ‘{item.name}’ opgepakt.")
    return redirect("tasks:task", task_id=task_id)


@login_required
@require_POST
def release(request: HttpRequest, task_id: str) -> HttpResponse:
    item = _task_or_404(request, task_id)
    if item.assignee_id != request.user.pk or item.state != TaskItem.State.OPEN:
        messages.error(request, f"U heeft de taak ‘{item.name}’ niet (meer).")
        return redirect("tasks:queue")
    dropped = task_release(item=item, user=request.user)
    messages.info(
        request,
        f"U heeft de taak ‘{item.name}’ teruggegeven; hij staat weer open voor uw"
        " collega's." + (" Uw concept is weggegooid." if dropped else ""),
    )
    return redirect("tasks:queue")


@login_required
def hand_over(request: HttpRequest, task_id: str) -> HttpResponse:
    item = _task_or_404(request, task_id)
    refusal = hand_over_refusal(item=item, user=request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect("tasks:task", task_id=task_id)
    colleagues = hand_over_candidates(item=item)
    form = HandOverForm(request.POST or None, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        was_holder = item.assignee_id == request.user.pk
        try:
            task_hand_over(
                item=item,
                user=request.user,
                to_username=form.recipient(),
                note=form.cleaned_data["notitie"],
            )
        except HandOverRefused as exc:
            form.add_error(None, str(exc))
        else:
            name = dict(form.fields["aan"].choices)[form.cleaned_data["aan"]]
            messages.success(request, f"‘{item.name}’ is overgedragen aan {name}.")
            if was_holder:
                return redirect("tasks:queue")
            return redirect("cases:detail", reference=item.case.reference)
    task_seen(
        item=item, user=request.user, occasion=occasion_of(request), page="overdragen"
    )
    return render(
        request,
        "tasks/hand_over.html",
        {"item": item, "form": form, "colleagues": colleagues},
    )


@login_required
@require_POST
def discard_draft(request: HttpRequest, task_id: str) -> HttpResponse:
    item = _task_or_404(request, task_id)
    if draft_discard(item=item, user=request.user):
        messages.info(
            request, "Uw concept is weggegooid. Het formulier begint weer leeg."
        )
    return redirect("tasks:task", task_id=task_id)


@login_required
@require_POST
def save_draft(request: HttpRequest, task_id: str) -> HttpResponse:
    """What is typed on the current step, sent by the browser as the page is left
    (task-draft.js). Only stored: never validated, never completes the task."""
    item = _task_or_404(request, task_id)
    if item.state != TaskItem.State.OPEN or task_refusal(item=item, user=request.user):
        raise Http404(NOT_FOUND)
    definition = case_form(case=item.case, form_key=item.form_key)
    step = request.POST.get(f"task_{item.task_id}-current_step", "")
    if not step.isdigit() or int(step) >= len(definition.steps):
        return HttpResponse(status=400)
    names = [field.name for field in definition.steps[int(step)].fields]
    draft_save_step(
        item=item,
        user=request.user,
        step=step,
        data=step_fields(request.POST, step, names),
    )
    return HttpResponse(status=204)


class _Placeholder(django_forms.Form):
    """formtools wants a form list at class level; the real one is built per task."""


# Any answer may be a BSN, health or debt data: no crash report shows a posted value.
@method_decorator(sensitive_post_parameters(), name="dispatch")
class TaskFormView(LoginRequiredMixin, WizardView):
    """One task's form: a multi-step definition is a wizard, one step a plain form.
    The wizard's state is the user's draft of the task (drafts.DraftStorage)."""

    template_name = "tasks/task.html"
    storage_name = "webui.tasks.drafts.DraftStorage"

    def setup(self, request: HttpRequest, *args, **kwargs) -> None:
        super().setup(request, *args, **kwargs)
        self.item: TaskItem | None = None
        if request.user.is_authenticated:
            self.item = task_for_user(task_id=kwargs["task_id"], user=request.user)
        if self.item is None:
            return
        self.definition = case_form(case=self.item.case, form_key=self.item.form_key)
        steps = build_step_forms(
            self.definition,
            user_choices=user_choices(
                gemeente_id=self.item.gemeente_id,
                mb_id=self.item.mb_organisation_id,
            ),
        )
        self.form_list = OrderedDict((str(i), form) for i, form in enumerate(steps))

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.is_authenticated and self.item is None:
            refusal_record(user=request.user, occasion=occasion_of(request))
            raise Http404(NOT_FOUND)
        return super().dispatch(request, *args, **kwargs)

    def _read_only(self) -> HttpResponse | None:
        """The task without its form, for whoever may see it but not work on it."""
        refusal = None
        if self.item.state == TaskItem.State.OPEN:
            refusal = task_refusal(item=self.item, user=self.request.user)
            if refusal is None:
                return None
        return render(
            self.request,
            self.template_name,
            {**self._side_context(), "refusal": refusal},
        )

    def _side_context(self) -> dict[str, Any]:
        """What the page shows around the form, with or without it."""
        user = self.request.user
        self.needs = task_needs(item=self.item, user=user, today=timezone.localdate())
        return {
            "item": self.item,
            "definition": self.definition,
            "needs": self.needs,
            "hand_over_allowed": hand_over_refusal(item=self.item, user=user) is None,
            "hand_over_note": hand_over_note(item=self.item, user=user),
        }

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = self._read_only()
        if response is None:
            self.storage.bind(item=self.item, user=request.user)
            if self.storage.current_step in self.get_form_list():
                # A draft: resume at its step, every step's answers kept.
                response = self.render(self.get_form())
            else:
                response = super().get(request, *args, **kwargs)
        self._log_view()
        return response

    def _log_view(self) -> None:
        task_seen(
            item=self.item,
            user=self.request.user,
            occasion=occasion_of(self.request),
            needs=getattr(self, "needs", None),
        )

    def post(self, *args, **kwargs) -> HttpResponse:
        response = self._read_only()
        if response is not None:
            return response
        self.storage.bind(item=self.item, user=self.request.user)
        return self._refuse_unknown_step() or super().post(*args, **kwargs)

    def _refuse_unknown_step(self) -> HttpResponse | None:
        """A posted step that does not exist (a tampered or stale form) shows the step
        the wizard is on again, with what was stored for it, and a Dutch message;
        formtools would fail on it, or refuse it with a bare 400."""
        steps = self.get_form_list()
        if self.storage.current_step not in (None, *steps):
            self.storage.current_step = self.steps.first
        posted = self.request.POST.get(f"{self.prefix}-current_step")
        goto = self.request.POST.get("wizard_goto_step")
        if posted in steps and (not goto or goto in steps):
            return None
        messages.error(
            self.request,
            "Wegwijs kon dit formulier niet verwerken: het verwees naar een stap die"
            " niet bestaat. U ziet de stap waar u was; er is niets opgeslagen. Vul"
            " deze stap in en ga verder.",
        )
        stored = self.storage.get_step_data(self.steps.current)
        return self.render(self.get_form(data=stored))

    def process_step(self, form) -> dict[str, list[str]]:
        # Only the step's own fields go into the draft (no CSRF token).
        return step_fields(form.data, self.steps.current, list(form.fields))

    def render(self, form=None, **kwargs) -> HttpResponse:
        # What was typed on a step that did not pass is part of the draft too.
        if form is not None and form.is_bound and form.errors:
            self.storage.set_step_data(self.steps.current, self.process_step(form))
        return super().render(form, **kwargs)

    def render_goto_step(self, goto_step, **kwargs) -> HttpResponse:
        # formtools drops what was typed on the current step when going back; keep it.
        current = self.get_form(data=self.request.POST, files=self.request.FILES)
        self.storage.set_step_data(self.steps.current, self.process_step(current))
        return super().render_goto_step(goto_step, **kwargs)

    def render_next_step(self, form, **kwargs) -> HttpResponse:
        # The next step shows what the draft holds for it without judging it yet:
        # no "Dit veld is verplicht." before the user has been there.
        self.storage.current_step = self.steps.next
        return self.render(self.get_form(self.steps.current), **kwargs)

    def get_form_initial(self, step: str) -> dict[str, Any]:
        """On opening the page: what the draft holds for the step (shown, not yet
        judged), and a colleague suggested in the address by id (``?begeleider=12``)
        for a field that chooses a user, when they are one of its choices."""
        form_class = self.get_form_list()[step]
        probe = form_class(prefix=self.get_form_prefix(step, form_class))
        stored = self.storage.get_step_data(step)
        initial = {}
        for name, field in probe.fields.items():
            if stored is not None:
                value = field.widget.value_from_datadict(
                    stored, None, probe.add_prefix(name)
                )
                if value not in (None, "", []):
                    initial[name] = value
            suggested = username_of(pk=self.request.GET.get(name, ""))
            if suggested and self._is_user_choice(name, field, suggested):
                initial[name] = suggested
        return initial

    def _is_user_choice(self, name: str, field: Any, value: str) -> bool:
        kinds = {f.name: f.type for f in self.definition.fields}
        if kinds.get(name) != "gebruiker":
            return False
        return value in {str(key) for key, _label in field.choices if key}

    def get_prefix(self, request: HttpRequest, *args, **kwargs) -> str:
        return f"task_{kwargs['task_id']}"

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context.update(
            self._side_context(),
            step_title=self.definition.steps[int(self.steps.current)].title,
            draft=self.storage.draft,
        )
        return context

    def render_done(self, form, **kwargs) -> HttpResponse:
        # As formtools' own, but the typed data is only dropped once the task is done:
        # a refused completion shows the last step again with everything filled in.
        final_forms = OrderedDict()
        for key in self.get_form_list():
            bound = self.get_form(
                step=key,
                data=self.storage.get_step_data(key),
                files=self.storage.get_step_files(key),
            )
            if not bound.is_valid():
                return self.render_revalidation_failure(key, bound, **kwargs)
            final_forms[key] = bound
        response = self.done(
            list(final_forms.values()), form_dict=final_forms, **kwargs
        )
        if response.status_code == 302:
            self.storage.reset()
        return response

    def done(self, form_list, **kwargs) -> HttpResponse:
        cleaned = {}
        for step_form in form_list:
            cleaned.update(step_form.cleaned_data)
        try:
            case = task_complete(
                task_id=self.item.task_id,
                user=self.request.user,
                cleaned_data=cleaned,
                occasion=occasion_of(self.request),
            )
        except CaseError as exc:
            last = form_list[-1]
            last.add_error(None, str(exc))
            return self.render(last)
        where = track_words(case.version, case.open_phases, case.is_closed)
        done = f"‘{self.item.name}’ is afgerond. {case.reference} staat nu in: {where}."
        upcoming = next_task(user=self.request.user, after=self.item)
        if upcoming is None:
            messages.success(self.request, f"{done} U heeft geen open taken meer.")
            return redirect("tasks:queue")
        messages.success(self.request, f"{done} Dit is uw volgende taak.")
        return redirect("tasks:task", task_id=upcoming.task_id)
