from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are BPMN lanes (the first four) plus the two roles without a lane."""

    BEGELEIDER = "begeleider", _("Begeleider")
    COORDINATOR = "coordinator", _("Coördinator")
    REGIEVOERDER = "regievoerder", _("Regievoerder")
    TRAINER = "trainer", _("Trainer PVT")
    MANAGER = "manager", _("Manager")
    BEHEERDER = "beheerder", _("Functioneel beheerder")


class Gemeente(models.Model):
    slug = models.SlugField(
        _("code"), unique=True, help_text=_("Map in workflows/gemeenten/")
    )
    naam = models.CharField(_("naam"), max_length=100)

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["naam"]

    def __str__(self) -> str:
        return self.naam


class Membership(models.Model):
    """A user holds a role in a gemeente; a user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    gemeente = models.ForeignKey(
        Gemeente, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("rol in gemeente")
        verbose_name_plural = _("rollen in gemeenten")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "gemeente", "role"], name="unique_membership"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.gemeente})"
