"""Versioned process definitions: a base version from the repository, and per gemeente
immutable versions (base + its own files) and one working draft."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from webui.accounts.models import Gemeente


class Blob(models.Model):
    """The content of one file, stored once however many versions hold it."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    content = models.TextField()

    class Meta:
        verbose_name = _("bestandsinhoud")
        verbose_name_plural = _("bestandsinhouden")

    def __str__(self) -> str:
        return self.sha256[:12]


class DefinitionVersion(models.Model):
    """An immutable set of BPMN files and form definitions, with what was derived from
    it at deploy. ``gemeente`` is empty for a base version (the repository's
    trajectory); a gemeente's version is a base version plus its own files."""

    gemeente = models.ForeignKey(
        Gemeente,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="definition_versions",
    )
    number = models.PositiveIntegerField(_("versie"))
    base = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="derived_versions",
        verbose_name=_("basisversie"),
    )
    # Every file of the set: name -> sha256 of its content (a Blob).
    files = models.JSONField()
    # The gemeente's own files, and per own file which base file it derives from:
    # name -> {"base_number": n, "base_sha": sha or null (a new file)}.
    own_files = models.JSONField(default=list, blank=True)
    provenance = models.JSONField(default=dict, blank=True)
    # What was derived at deploy: process -> file, phase order, roles, milestones.
    derived = models.JSONField(default=dict, blank=True)
    # Frozen when the version is made, so no case on it reads the repository: every
    # setting's value, defaults resolved (key -> value), and the milestone rule set
    # it was checked against (as in workflows/mijlpalen.json). Both are part of the
    # content hash: the same files with other rules are another version.
    setting_values = models.JSONField(_("instellingen"), default=dict, blank=True)
    milestone_rules = models.JSONField(_("mijlpalen"), default=dict, blank=True)
    content_hash = models.CharField(max_length=64)
    note = models.TextField(_("toelichting"), blank=True)
    deployed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    deployed_at = models.DateTimeField(_("in gebruik genomen op"))
    is_active = models.BooleanField(_("in gebruik"), default=False)

    class Meta:
        verbose_name = _("procesversie")
        verbose_name_plural = _("procesversies")
        ordering = ["gemeente_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["gemeente", "number"], name="unique_version_number"
            ),
            models.UniqueConstraint(
                fields=["gemeente"],
                condition=Q(is_active=True),
                name="one_active_version_per_gemeente",
            ),
        ]

    def __str__(self) -> str:
        owner = self.gemeente.naam if self.gemeente_id else "basis"
        return f"{owner} v{self.number}"

    @property
    def is_base(self) -> bool:
        return self.gemeente_id is None

    @property
    def label(self) -> str:
        return f"basis v{self.number}" if self.is_base else f"v{self.number}"


class Draft(models.Model):
    """A gemeente's working copy: its own files on top of a base version, edited in the
    studio until it is deployed as a new version."""

    gemeente = models.OneToOneField(
        Gemeente, on_delete=models.CASCADE, related_name="draft"
    )
    base = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="drafts"
    )
    # The gemeente's own files: name -> content.
    files = models.JSONField(default=dict, blank=True)
    provenance = models.JSONField(default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    lock_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("concept")
        verbose_name_plural = _("concepten")

    def __str__(self) -> str:
        return f"concept {self.gemeente}"


class Proefrit(models.Model):
    """A test drive of one set of files (by its content hash): synthetic cases driven
    through it before it may go live (engine.proefrit), and what they found."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("wacht op de achtergrondverwerking")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")
        FAILED = "failed", _("mislukt")

    gemeente = models.ForeignKey(
        Gemeente, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    content_hash = models.CharField(max_length=64, db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.WAITING
    )
    # engine.proefrit's report as JSON: findings with their paths, coverage, figures.
    report = models.JSONField(default=dict, blank=True)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proefrit")
        verbose_name_plural = _("proefritten")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"proefrit {self.content_hash[:12]} ({self.status})"

    @property
    def passed(self) -> bool:
        return self.status == self.Status.DONE and self.errors == 0

    @property
    def busy(self) -> bool:
        return self.status in (self.Status.WAITING, self.Status.RUNNING)


class Scenario(models.Model):
    """A proefdossier kept with a version (or a draft): fixed answers and the outcome
    they must have (engine.scenarios, docs/scenarios.md). Every deploy and every
    rebase replays them; one that fails blocks it. ``origin`` tells the base's
    scenarios (renewed with every new base) from the gemeente's own."""

    class Origin(models.TextChoices):
        BASE = "basis", _("basis")
        OWN = "eigen", _("eigen")

    version = models.ForeignKey(
        DefinitionVersion,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scenarios",
    )
    draft = models.ForeignKey(
        Draft, null=True, blank=True, on_delete=models.CASCADE, related_name="scenarios"
    )
    name = models.CharField(_("naam"), max_length=200)
    origin = models.CharField(max_length=5, choices=Origin.choices, default=Origin.OWN)
    # The scenario in its JSON form (engine.scenarios.scenario_data).
    data = models.JSONField()
    # The last replay: None before any, then whether it passed and every difference.
    passed = models.BooleanField(null=True, blank=True)
    differences = models.JSONField(default=list, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenario's")
        ordering = ["origin", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(version__isnull=True) ^ Q(draft__isnull=True),
                name="scenario_of_a_version_or_a_draft",
            ),
            models.UniqueConstraint(
                fields=["version", "name"], name="unique_scenario_name_per_version"
            ),
            models.UniqueConstraint(
                fields=["draft", "name"], name="unique_scenario_name_per_draft"
            ),
        ]

    def __str__(self) -> str:
        return self.name
