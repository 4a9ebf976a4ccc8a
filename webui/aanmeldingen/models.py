from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from webui.accounts.models import Gemeente, MbOrganisation


class BulkAanmelding(models.Model):
    """One COA informatieformulier file: its rows until they are registered, the dry
    run per row, and the outcome. The rows (personal data) are dropped once the
    file is registered or cancelled; the outcome keeps row numbers, references and
    dossier kenmerken only."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("wordt gecontroleerd")
        CHECKED = "checked", _("gecontroleerd: wacht op bevestiging")
        REFUSED = "refused", _("geweigerd: er is niets aangemeld")
        REGISTERING = "registering", _("wordt aangemeld")
        DONE = "done", _("aangemeld")
        CANCELLED = "cancelled", _("geannuleerd")

    gemeente = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="+")
    # Set when a coördinator uploads for their MB organisation.
    mb_organisation = models.ForeignKey(
        MbOrganisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    role = models.CharField(max_length=20)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    file_name = models.CharField(_("bestand"), max_length=200)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.CHECKING
    )
    # [{"row": n, "reference": ..., "answers": {...}, "errors": {...}}]
    rows = models.JSONField(default=list, blank=True)
    total = models.PositiveIntegerField(default=0)
    # Why the whole file is refused (Dutch sentences).
    file_errors = models.JSONField(default=list, blank=True)
    # Columns left out on purpose, with the reason.
    left_out = models.JSONField(default=list, blank=True)
    # [{"row": n, "reference": ..., "status": created|known|refused, "errors": {},
    #   "case": kenmerk}]
    outcomes = models.JSONField(default=list, blank=True)
    # The request that confirmed it, for the processing log of a background run.
    occasion = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("aanmelding in bulk")
        verbose_name_plural = _("aanmeldingen in bulk")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o["status"] == status)

    @property
    def refused_rows(self) -> int:
        return self.count("refused")
