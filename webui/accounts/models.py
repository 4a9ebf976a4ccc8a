from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

import vocabulary


def _role(code: str) -> Any:
    """A role's code and its label (marked for translation in the vocabulary), as
    a pair that Django's choices turn into a member: a str, the code. Django is Any to
    mypy (pyproject.toml), so the member is Any too, not the pair."""
    return code, _(vocabulary.ROLE_LABELS[code])


class Role(models.TextChoices):
    """The roles of the vocabulary (codes and labels are defined there): the BPMN lanes
    plus the roles without a lane."""

    BEGELEIDER = _role(vocabulary.BEGELEIDER)
    COORDINATOR = _role(vocabulary.COORDINATOR)
    REGIEVOERDER = _role(vocabulary.REGIEVOERDER)
    TEAMLEIDER = _role(vocabulary.TEAMLEIDER)
    TRAINER = _role(vocabulary.TRAINER)
    MANAGER = _role(vocabulary.MANAGER)
    BEHEERDER = _role(vocabulary.BEHEERDER)
    PRIVACY = _role(vocabulary.PRIVACY_OFFICER)


# Which party holds which role, and the side whose data a lane role's answers are
# (the vocabulary's; see there).
MB_ROLES = frozenset(Role(code) for code in vocabulary.MB_ROLES)
GEMEENTE_ROLES = frozenset(Role(code) for code in vocabulary.GEMEENTE_ROLES)
LANE_SIDE: dict[str, str] = {
    Role(code): side for code, side in vocabulary.LANE_SIDE.items()
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
    keep_with_completer = models.BooleanField(
        _("Vervolgstappen blijven bij wie de vorige stap deed"),
        default=True,
        help_text=_(
            "Een volgende taak van hetzelfde dossier voor dezelfde rol gaat naar wie"
            " de vorige taak afrondde, niet terug naar de gedeelde takenlijst."
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
    keep_with_completer = models.BooleanField(
        _("Vervolgstappen blijven bij wie de vorige stap deed"),
        default=True,
        help_text=_(
            "Een volgende taak van hetzelfde dossier voor dezelfde rol gaat naar wie"
            " de vorige taak afrondde, niet terug naar de gedeelde takenlijst."
        ),
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


class Weekday(models.TextChoices):
    MA = "ma", _("maandag")
    DI = "di", _("dinsdag")
    WO = "wo", _("woensdag")
    DO = "do", _("donderdag")
    VR = "vr", _("vrijdag")
    ZA = "za", _("zaterdag")
    ZO = "zo", _("zondag")


class UserProfile(models.Model):
    """What a user says about their own work: for a begeleider what the coördinator
    matches statushouders on (languages, area, availability, how many statushouders),
    and for everyone whether the daily e-mail with their tasks comes."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    # As the user writes them ("Arabisch", "Tigrinya"); matched without case.
    languages = models.JSONField(_("talen"), default=list, blank=True)
    # Postcode areas: the first two to four digits of a postcode ("1234", "35").
    areas = models.JSONField(
        _("werkgebied (postcodegebieden)"), default=list, blank=True
    )
    hours_per_week = models.PositiveSmallIntegerField(
        _("uren per week"), null=True, blank=True
    )
    days = models.JSONField(_("beschikbare dagen"), default=list, blank=True)
    max_statushouders = models.PositiveSmallIntegerField(
        _("maximaal aantal statushouders"), null=True, blank=True
    )
    away_until = models.DateField(_("afwezig tot en met"), null=True, blank=True)
    daily_digest = models.BooleanField(_("dagelijkse e-mail met taken"), default=True)

    class Meta:
        verbose_name = _("profiel")
        verbose_name_plural = _("profielen")

    def __str__(self) -> str:
        return f"{self.user}"

    @property
    def days_label(self) -> str:
        labels = dict(Weekday.choices)
        return ", ".join(str(labels[d]) for d in Weekday.values if d in self.days)

    @property
    def availability_label(self) -> str:
        """Hours and days in words, e.g. "6 uur per week (maandag, woensdag)"."""
        hours = (
            f"{self.hours_per_week} uur per week"
            if self.hours_per_week is not None
            else ""
        )
        days = self.days_label
        if hours and days:
            return f"{hours} ({days})"
        return hours or days
