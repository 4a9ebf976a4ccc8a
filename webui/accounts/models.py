from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are BPMN lanes (the first four) plus the roles without a lane."""

    BEGELEIDER = "begeleider", _("Begeleider")
    COORDINATOR = "coordinator", _("Coördinator")
    REGIEVOERDER = "regievoerder", _("Regievoerder")
    TRAINER = "trainer", _("Trainer PVT")
    MANAGER = "manager", _("Manager")
    BEHEERDER = "beheerder", _("Functioneel beheerder")
    PRIVACY = "privacy", _("Privacyfunctionaris")


# Which party holds which role. The gemeente has regie (beschikkingen, sancties); the
# MB organisation guides (a relation of trust). A manager and a privacy officer exist
# on both sides.
MB_ROLES = frozenset(
    {Role.BEGELEIDER, Role.COORDINATOR, Role.TRAINER, Role.MANAGER, Role.PRIVACY}
)
GEMEENTE_ROLES = frozenset(
    {Role.REGIEVOERDER, Role.MANAGER, Role.BEHEERDER, Role.PRIVACY}
)
# The side whose data a lane role's answers are: what the MB organisation writes
# reaches the gemeente only with consent, and the other way round.
LANE_SIDE = {
    Role.BEGELEIDER: "mb",
    Role.COORDINATOR: "mb",
    Role.TRAINER: "mb",
    Role.REGIEVOERDER: "gemeente",
}


class Gemeente(models.Model):
    slug = models.SlugField(
        _("code"), unique=True, help_text=_("Map in workflows/gemeenten/")
    )
    naam = models.CharField(_("naam"), max_length=100)
    bewaartermijn_jaren = models.PositiveSmallIntegerField(
        _("bewaartermijn (jaren)"),
        default=10,
        help_text=_(
            "Zoveel jaar na het afsluiten wordt een dossier geanonimiseerd"
            " (manage.py anonymise_cases); de kengetallen blijven."
        ),
    )

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam


class MbOrganisation(models.Model):
    """An organisation for maatschappelijke begeleiding (VluchtelingenWerk, a
    welzijnsorganisatie); it works for the gemeenten that contract it."""

    slug = models.SlugField(_("code"), unique=True)
    naam = models.CharField(_("naam"), max_length=100)
    gemeenten = models.ManyToManyField(
        Gemeente,
        related_name="mb_organisations",
        blank=True,
        verbose_name=_("werkt voor de gemeenten"),
    )

    class Meta:
        verbose_name = _("MB-organisatie")
        verbose_name_plural = _("MB-organisaties")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam


class Membership(models.Model):
    """A user holds a role at one organisation: a gemeente or an MB organisation. A
    user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    gemeente = models.ForeignKey(
        Gemeente,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    mb_organisation = models.ForeignKey(
        MbOrganisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("MB-organisatie"),
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("rol bij een organisatie")
        verbose_name_plural = _("rollen bij organisaties")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "gemeente", "role"],
                condition=models.Q(gemeente__isnull=False),
                name="unique_gemeente_membership",
            ),
            models.UniqueConstraint(
                fields=["user", "mb_organisation", "role"],
                condition=models.Q(mb_organisation__isnull=False),
                name="unique_mb_membership",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(gemeente__isnull=False, mb_organisation__isnull=True)
                    | models.Q(gemeente__isnull=True, mb_organisation__isnull=False)
                ),
                name="membership_at_one_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"

    @property
    def organisation(self) -> "Gemeente | MbOrganisation":
        return self.gemeente or self.mb_organisation  # type: ignore[return-value]
