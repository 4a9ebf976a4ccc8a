from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportRun(models.Model):
    """A big case-status export made in the background: with which filters, how far
    it got, and the file (kept for a limited time, only for whoever asked for it)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("wacht op de achtergrondverwerking")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.WAITING
    )
    # Progress in rows over all sheets; ``cases`` is the number of case rows.
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    cases = models.PositiveIntegerField(null=True, blank=True)
    # The file's name inside settings.WEGWIJS_EXPORT_DIR (never served as static).
    file_name = models.CharField(max_length=100, blank=True)
    error = models.CharField(max_length=300, blank=True)
    requested_at = models.DateTimeField()
    # The last sign of life of the worker making it (claimed, progress): a run that
    # shows none for WEGWIJS_BACKGROUND_TIMEOUT_MINUTES is stuck (services).
    touched_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.requested_by_id} {self.requested_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(99, round(100 * self.done / self.total)) if self.total else 0

    @property
    def path(self) -> Path | None:
        if not self.file_name:
            return None
        return Path(settings.WEGWIJS_EXPORT_DIR) / self.file_name
