from collections import OrderedDict

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

from formtools.wizard.views import SessionWizardView

from forms.builder import build_step_forms
from webui.accounts.selectors import user_choices
from webui.cases.selectors import case_form, follow_ups
from webui.cases.services import CaseError, task_complete
from webui.privacy.models import ProcessingRecord
from webui.privacy.services import processing_record

from .models import TaskItem
from .selectors import task_for_user, task_queue, task_refusal
from .services import TaskNotClaimable, task_claim, task_release


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "tasks/queue.html",
        {
            "queue": task_queue(user=request.user),
            "today": timezone.localdate(),
            "follow_ups": follow_ups(user=request.user, today=timezone.localdate()),
        },
    )


def _task_or_404(request: HttpRequest, task_id: str) -> TaskItem:
    item = task_for_user(task_id=task_id, user=request.user)
    if item is None:
        raise Http404("Deze taak bestaat niet of hoort niet bij uw gemeente.")
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
    task_release(item=item, user=request.user)
    messages.info(request, f"De taak ‘{item.name}’ staat weer open voor uw collega's.")
    return redirect("tasks:queue")


class _Placeholder(django_forms.Form):
    """formtools wants a form list at class level; the real one is built per task."""


# Any answer may be a BSN, health or debt data: no crash report shows a posted value.
@method_decorator(sensitive_post_parameters(), name="dispatch")
class TaskFormView(LoginRequiredMixin, SessionWizardView):
    """One task's form: a multi-step definition is a wizard, one step a plain form."""

    template_name = "tasks/task.html"

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
            processing_record(
                user=request.user,
                action=ProcessingRecord.Action.REFUSED,
                detail={"path": request.path},
                request=request,
            )
            raise Http404("Deze taak bestaat niet of u heeft er geen toegang toe.")
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
            {"item": self.item, "definition": self.definition, "refusal": refusal},
        )

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        processing_record(
            user=request.user,
            action=ProcessingRecord.Action.TASK,
            cases=[self.item.case],
            categories=["persoonsgegevens"],  # the statushouder's name
            roles=[self.item.role],
            detail={"task": self.item.bpmn_id},
            request=request,
        )
        return self._read_only() or super().get(request, *args, **kwargs)

    def post(self, *args, **kwargs) -> HttpResponse:
        return (
            self._read_only()
            or self._refuse_unknown_step()
            or super().post(*args, **kwargs)
        )

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

    def render_goto_step(self, goto_step, **kwargs) -> HttpResponse:
        # formtools drops what was typed on the current step when going back; keep it.
        current = self.get_form(data=self.request.POST, files=self.request.FILES)
        self.storage.set_step_data(self.steps.current, self.process_step(current))
        return super().render_goto_step(goto_step, **kwargs)

    def get_prefix(self, request: HttpRequest, *args, **kwargs) -> str:
        return f"task_{kwargs['task_id']}"

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context.update(
            item=self.item,
            definition=self.definition,
            step_title=self.definition.steps[int(self.steps.current)].title,
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
                task_id=self.item.task_id, user=self.request.user, cleaned_data=cleaned
            )
        except CaseError as exc:
            last = form_list[-1]
            last.add_error(None, str(exc))
            return self.render(last)
        processing_record(
            user=self.request.user,
            action=ProcessingRecord.Action.CHANGE,
            cases=[case],
            categories={f.privacy for f in self.definition.fields},
            roles=[self.item.role],
            detail={"task": self.item.bpmn_id, "form": self.item.form_key},
            request=self.request,
        )
        messages.success(
            self.request,
            f"‘{self.item.name}’ is afgerond. {case.reference} staat nu in de fase "
            f"{case.phase_label}.",
        )
        return redirect("cases:detail", reference=case.reference)
