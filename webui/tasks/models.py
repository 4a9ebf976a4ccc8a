from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from webui.accounts.models import Role


class TaskItem(models.Model):
    """The queue's projection of a user task, so a queue never loads a workflow.

    Rows are written only by ``taskwork.services.tasks_project`` inside the case
    services' transactions; the engine state stays the truth.
    """

    class State(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("afgerond")
        CANCELLED = "cancelled", _("vervallen")

    task_id = models.CharField(max_length=36, unique=True)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="tasks"
    )
    gemeente = models.ForeignKey("accounts.Gemeente", on_delete=models.CASCADE)
    # The case's MB organisation: its begeleiders, coördinatoren and trainers work
    # the MB roles' tasks.
    mb_organisation = models.ForeignKey(
        "accounts.MbOrganisation", null=True, blank=True, on_delete=models.CASCADE
    )
    bpmn_id = models.CharField(max_length=100)
    name = models.CharField(_("taak"), max_length=200)
    role = models.CharField(_("rol"), max_length=20)
    form_key = models.CharField(max_length=100)
    phase = models.CharField(_("fase"), max_length=200)
    documentation = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tasks",
    )
    ready_at = models.DateTimeField()
    due_date = models.DateField(_("uiterlijk"), null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="completed_tasks",
    )
    # Set when the events out recorded this task as late (webui/api/delivery.py), so
    # that their sweep, every few seconds, reads only the tasks late since.
    late_reported = models.BooleanField(default=False, db_default=False)

    class Meta:
        verbose_name = _("taak")
        verbose_name_plural = _("taken")
        # The queue reads one pool (a role at a gemeente or an MB organisation) at a
        # time: state, pool and holder are equalities, then the rows come in queue
        # order (due date, arrival) straight from the index, and a count of a pool
        # or a tab is a range of it. The phase at the end answers the queue's phase
        # filter options from the index alone. State first: SQLite can then also
        # answer an OR of pools with covering index scans (see
        # shared/reference/performance-floors.md, design C).
        indexes = [
            models.Index(
                fields=["state", "assignee", "due_date"], name="task_queue_mine"
            ),
            models.Index(
                fields=[
                    "state",
                    "gemeente",
                    "role",
                    "assignee",
                    "due_date",
                    "ready_at",
                    "id",
                    "phase",
                ],
                name="task_pool_gemeente",
            ),
            models.Index(
                fields=[
                    "state",
                    "mb_organisation",
                    "role",
                    "assignee",
                    "due_date",
                    "ready_at",
                    "id",
                    "phase",
                ],
                name="task_pool_mb",
            ),
            # The open tasks whose lateness is not yet an event, by due date: the
            # events' sweep reads the range before today, which holds only the
            # tasks that became late since the last sweep.
            models.Index(
                fields=["due_date"],
                name="task_late_unreported",
                condition=models.Q(state="open", late_reported=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.case_id})"

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role


class TaskDraft(models.Model):
    """What one user typed in a task's form so far: the wizard's step and the raw
    answers per step. Only its own user ever reads it; it goes when the task is
    completed or cancelled (tasks_project), given back or handed over, and with the
    task row (and so with the case)."""

    item = models.ForeignKey(TaskItem, on_delete=models.CASCADE, related_name="drafts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    current_step = models.CharField(max_length=10, blank=True)
    # {step: {"<step>-<field>": [values]}}: what the browser posted, unvalidated.
    step_data = models.JSONField(default=dict)
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("concept")
        verbose_name_plural = _("concepten")
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="one_draft_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.user_id}"
