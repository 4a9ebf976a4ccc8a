from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Session(models.Model):
    """A PVT group session a trainer gives: one workshop (or the signing) for the
    statushouders whose cases wait on it, recorded once for all of them."""

    class Kind(models.TextChoices):
        WORKSHOP = "workshop", _("Workshop")
        INHAAL = "inhaalworkshop", _("Inhaalworkshop")
        ONDERTEKENING = "ondertekening", _("Ondertekening")

    class Status(models.TextChoices):
        PLANNED = "gepland", _("gepland")
        RECORDED = "vastgelegd", _("vastgelegd")

    kind = models.CharField(_("soort"), max_length=20, choices=Kind.choices)
    # The name of the task the participants' cases wait on ("PVT-workshop 2 van 4"):
    # what the trainer chose, whatever a gemeente's variant calls its tasks.
    task_name = models.CharField(_("onderdeel"), max_length=200)
    mb_organisation = models.ForeignKey(
        "accounts.MbOrganisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("MB-organisatie"),
    )
    trainer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("trainer"),
    )
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("begintijd"))
    place = models.CharField(_("plaats"), max_length=200)
    interpreter = models.CharField(_("tolk (talen)"), max_length=200, blank=True)
    # Only for the signing: in whose presence (the form's "in het bijzijn van").
    bestuurder = models.CharField(_("in het bijzijn van"), max_length=200, blank=True)
    note = models.TextField(_("notitie"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField()
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("PVT-bijeenkomst")
        verbose_name_plural = _("PVT-bijeenkomsten")
        ordering = ["date", "start_time", "id"]
        indexes = [models.Index(fields=["mb_organisation", "status", "date"])]

    def __str__(self) -> str:
        return f"{self.task_name} {self.date:%d-%m-%Y}"

    @property
    def is_signing(self) -> bool:
        return self.kind == self.Kind.ONDERTEKENING


class Participant(models.Model):
    """One statushouder in a session: the task of their case the session records."""

    class Outcome(models.TextChoices):
        PENDING = "", _("nog niet vastgelegd")
        YES = "ja", _("aanwezig")
        NO = "nee", _("afwezig")
        FAILED = "mislukt", _("niet vastgelegd")

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="participants"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    task_id = models.CharField(max_length=36)
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, blank=True, default=Outcome.PENDING
    )
    # Why it could not be recorded (Dutch, for the trainer); the case stayed as it was.
    failure = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["case__client_naam", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "case"], name="pvt_one_place_per_session"
            )
        ]
        indexes = [models.Index(fields=["task_id"])]

    def __str__(self) -> str:
        return f"{self.session_id}: {self.case_id}"
