"""The outbox of events: one row per thing that happened to a case (aangemeld, a
milestone reached, closed, reopened, a deadline near, a task late), written in the
same transaction as the change itself, so that an event is never sent for a change
that rolled back and never lost for one that stood. The API's delivery (webui/api)
fans each row out to the subscriptions that may see the case.

A row names the case by id and reference, never by a foreign key or its data: an
event carries a reference to fetch through the API, no personal data."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

import vocabulary


class OutboxEvent(models.Model):
    """One event, as a CloudEvent will carry it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    type = models.CharField(
        _("soort"),
        max_length=60,
        choices=[(k, _(v)) for k, v in vocabulary.EVENT_TYPES.items()],
    )
    case_id = models.BigIntegerField()
    case_reference = models.CharField(_("dossier"), max_length=20)
    gemeente_id = models.BigIntegerField(db_index=True)
    mb_organisation_id = models.BigIntegerField(null=True, blank=True)
    # What the event is about beyond the case, without personal data: the
    # milestone's key, the task's id, the deadline's name.
    data = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField(_("tijdstip"))
    # An event found by a sweep (a task late) is recorded once per thing.
    once_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    # Set when the deliveries for every subscription are made.
    fanned_out_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("gebeurtenis")
        verbose_name_plural = _("gebeurtenissen")
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.type} {self.case_reference}"
