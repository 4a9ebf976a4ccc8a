"""The two logs.

The processing log (verwerkingenlog): every view, change and export of personal
data, failed logins and refused access. Append-only, and kept when a case is deleted
or anonymised: it refers to cases by id and reference, never by a foreign key.

The audit of changes (AuditEvent): what happened to a case, its timeline.

Both keep the tables of the apps they were born in (cases, privacy): the models
moved, the data did not."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImmutableLog(Exception):
    """The processing log is only ever added to."""


class _AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise ImmutableLog("Het verwerkingenlog wordt nooit gewijzigd.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise ImmutableLog("Uit het verwerkingenlog wordt nooit iets verwijderd.")


class ProcessingRecord(models.Model):
    """One processing of personal data: who, when, what, which categories, why."""

    class Action(models.TextChoices):
        VIEW = "inzien", _("dossier ingezien")
        LIST = "lijst", _("lijst ingezien")
        TASK = "taak", _("taak ingezien")
        CHANGE = "wijzigen", _("gewijzigd of vastgelegd")
        EXPORT = "exporteren", _("geëxporteerd")
        ADMIN = "beheer", _("ingezien in het beheer")
        REFUSED = "geweigerd", _("toegang geweigerd")
        LOGIN_FAILED = "inloggen_mislukt", _("inloggen mislukt")
        # A sign-in with an organisation's own account (webui.signin): which
        # roles it gave and whether the identity provider asserted MFA.
        LOGIN = "inloggen", _("ingelogd")
        INZAGE = "inzage", _("inzageverzoek uitgevoerd")
        ANONYMISED = "geanonimiseerd", _("geanonimiseerd")
        LOG_SEARCH = "log_doorzocht", _("verwerkingenlog doorzocht")
        # Who may do what: an invitation, a change of roles, (de)activation, a
        # password link. Its detail names whose account, which roles and why.
        USERS = "gebruikers", _("gebruikersbeheer")

    at = models.DateTimeField(_("tijdstip"), db_index=True)
    request_id = models.CharField(max_length=32, blank=True)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    username = models.CharField(_("gebruiker"), max_length=150, blank=True)
    roles = models.CharField(_("rollen"), max_length=200, blank=True)
    action = models.CharField(_("handeling"), max_length=20, choices=Action.choices)
    categories = models.JSONField(_("categorieën"), default=list, blank=True)
    ground = models.CharField(_("grondslag"), max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        db_table = "privacy_processingrecord"
        verbose_name = _("verwerking")
        verbose_name_plural = _("verwerkingen")
        ordering = ["-at", "-id"]
        # The privacy officer searches by who did it, newest first: by the name
        # of who read, or (user management) the account it was about, so both
        # arms of that OR have an index and neither scans the year's log.
        indexes = [
            models.Index(fields=["username", "-at"], name="processing_username_at"),
            models.Index(fields=["action", "-at"], name="processing_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action}"

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self._state.adding:
            raise ImmutableLog("Het verwerkingenlog wordt nooit gewijzigd.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise ImmutableLog("Uit het verwerkingenlog wordt nooit iets verwijderd.")


class ProcessedSubject(models.Model):
    """A statushouder whose data one processing touched (a list touches several)."""

    # Indexed below together with the organisations (no index of its own).
    record = models.ForeignKey(
        ProcessingRecord,
        on_delete=models.PROTECT,
        related_name="subjects",
        db_index=False,
    )
    case_id = models.BigIntegerField(null=True, blank=True)
    case_reference = models.CharField(_("dossier"), max_length=20, db_index=True)
    gemeente_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    mb_organisation_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    objects = _AppendOnlyQuerySet.as_manager()

    class Meta:
        db_table = "privacy_processedsubject"
        verbose_name = _("betrokkene")
        verbose_name_plural = _("betrokkenen")
        # Whether a record is about the privacy officer's organisation: one look in
        # this index per record found (a search by kenmerk or by user finds few),
        # never the heap, instead of reading all the organisation's subjects.
        indexes = [
            models.Index(
                fields=["record", "gemeente_id", "mb_organisation_id"],
                name="subject_record_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.case_reference


class AuditEvent(models.Model):
    """Who did what to which case, and when: the case's own timeline. (Who *saw*
    personal data is in the processing log, below.)"""

    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    event = models.CharField(max_length=50)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()

    class Meta:
        # The table of the app it was born in: moved without moving data.
        db_table = "cases_auditevent"
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.event}"
