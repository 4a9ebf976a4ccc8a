from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from webui.accounts.models import Role


class TaskItem(models.Model):
    """The queue's projection of a user task, so a queue never loads a workflow.

    Rows are written only by ``tasks.services.tasks_project`` inside the case services'
    transactions; the engine state stays the truth.
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

    class Meta:
        verbose_name = _("taak")
        verbose_name_plural = _("taken")
        # State first: SQLite can then answer the queue's OR with two covering index
        # scans (see shared/reference/performance-floors.md, design C).
        indexes = [
            models.Index(
                fields=["state", "assignee", "due_date"], name="task_queue_mine"
            ),
            models.Index(
                fields=["state", "gemeente", "role", "due_date"], name="task_queue_role"
            ),
            models.Index(
                fields=["state", "mb_organisation", "role", "due_date"],
                name="task_queue_mb_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.case_id})"

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role in Role.values else self.role
