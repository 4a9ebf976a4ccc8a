"""A gemeente's zaaksysteem (a ZGW Zaken API) and the outbox of updates for it.

Every dossier of a gemeente with a zaaksysteem is kept there as a zaak. What to tell
the zaaksysteem is written as ``ZaakUpdate`` rows in the same transaction as the
change of the dossier (``outbox.py``); a background task sends them later, in order
per dossier (``sending.py``), so an unreachable zaaksysteem loses nothing."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from webui.accounts.models import Gemeente
from webui.cases.models import Case


class Zaaksysteem(models.Model):
    """The Zaken API of one gemeente and the Catalogi API types its dossiers use.
    The connection (API root, client id and secret for the ZGW JWT) is a
    zgw-consumers ``Service``."""

    gemeente = models.OneToOneField(
        Gemeente, on_delete=models.CASCADE, related_name="zaaksysteem"
    )
    service = models.ForeignKey(
        "zgw_consumers.Service", on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(
        _("aan"),
        default=True,
        help_text=_("Uit: er worden geen nieuwe bijwerkingen klaargezet."),
    )
    bronorganisatie = models.CharField(
        _("RSIN van de gemeente"),
        max_length=9,
        help_text=_("Bronorganisatie en verantwoordelijke organisatie van de zaak."),
    )
    zaaktype = models.URLField(_("zaaktype (URL in de Catalogi API)"), max_length=1000)
    # Per milestone key of workflows/mijlpalen.json (and the two moments "aangemeld"
    # and "afgesloten"): the statustype URL to set when it is reached.
    statustypen = models.JSONField(_("statustypen per mijlpaal"), default=dict)
    # The PIP vaststelling as a resultaat of the zaak (Zaken API /resultaten).
    resultaattype_pip = models.URLField(
        _("resultaattype voor het vastgestelde PIP"), max_length=1000, blank=True
    )
    # A zaak closes only with a resultaat (the Zaken API refuses the eindstatus
    # without one): for a dossier that closes without a vastgesteld PIP.
    resultaattype_einde = models.URLField(
        _("resultaattype bij afsluiten zonder vastgesteld PIP"),
        max_length=1000,
        blank=True,
    )

    class Meta:
        verbose_name = _("zaaksysteem")
        verbose_name_plural = _("zaaksystemen")

    def __str__(self) -> str:
        return f"{self.gemeente}: {self.service.api_root}"


class ZaakDossier(models.Model):
    """One dossier as a zaak: the zaak's URL once it is made, and whose turn it is to
    send (a claim with an expiry, so two workers never send one dossier's updates at
    once and a worker that died does not block it)."""

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="zaak"
    )
    zaaksysteem = models.ForeignKey(
        Zaaksysteem, on_delete=models.CASCADE, related_name="dossiers"
    )
    zaak_url = models.URLField(max_length=1000, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("dossier als zaak")
        verbose_name_plural = _("dossiers als zaak")

    def __str__(self) -> str:
        return f"{self.case_id}: {self.zaak_url or '(nog geen zaak)'}"


class ZaakUpdate(models.Model):
    """One update for the zaaksysteem, in the order written (its id)."""

    class Kind(models.TextChoices):
        ZAAK = "zaak", _("zaak aanmaken")
        STATUS = "status", _("status zetten")
        RESULTAAT = "resultaat", _("resultaat vastleggen")

    dossier = models.ForeignKey(
        ZaakDossier, on_delete=models.CASCADE, related_name="updates"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # What to send, resolved when written: a later change of the configuration does
    # not rewrite what was already decided.
    payload = models.JSONField()
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bijwerking voor het zaaksysteem")
        verbose_name_plural = _("bijwerkingen voor het zaaksysteem")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["dossier", "sent_at", "id"], name="zaakupdate_next")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.pk}"
